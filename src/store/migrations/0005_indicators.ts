import type { Migration } from '../migrate.js';

/**
 * Indicators as code, once built: the definition as it was when the values were computed, the
 * dataset versions it read (lineage, and what tells an incremental rebuild what to redo), and a
 * value per region, period and boundary year.
 */
export const indicators: Migration = {
  version: 5,
  name: 'indicators',
  statements: [
    // The dashboard's themes, in their order; note says plainly when the bundled data cannot fill one.
    `CREATE TABLE indicator_theme (
       id VARCHAR PRIMARY KEY,
       position INTEGER NOT NULL,
       title_nl VARCHAR NOT NULL,
       title_en VARCHAR NOT NULL,
       description_nl VARCHAR,
       description_en VARCHAR,
       note_nl VARCHAR,
       note_en VARCHAR
     )`,
    `CREATE TABLE indicator (
       id VARCHAR PRIMARY KEY,
       theme VARCHAR NOT NULL,
       title_nl VARCHAR NOT NULL,
       title_en VARCHAR NOT NULL,
       description_nl VARCHAR,
       description_en VARCHAR,
       unit VARCHAR NOT NULL,
       decimals INTEGER NOT NULL,
       better VARCHAR NOT NULL CHECK (better IN ('higher', 'lower', 'neither')),
       kind VARCHAR NOT NULL CHECK (kind IN ('ratio', 'formula')),
       formula VARCHAR NOT NULL,
       disclosure VARCHAR NOT NULL,
       confidentiality VARCHAR NOT NULL CHECK (confidentiality IN ('open', 'internal', 'confidential')),
       library VARCHAR NOT NULL,
       definition JSON NOT NULL,
       definition_hash VARCHAR NOT NULL,
       built TIMESTAMP NOT NULL
     )`,
    // Lineage: the version (and Modified stamp) of every dataset an indicator's values came from.
    `CREATE TABLE indicator_source (
       indicator VARCHAR NOT NULL,
       dataset VARCHAR NOT NULL,
       dataset_version INTEGER NOT NULL,
       dataset_modified TIMESTAMP,
       PRIMARY KEY (indicator, dataset)
     )`,
    // boundary_year: the register year whose boundaries the region code means (the period's own
    // year unless the value was converted to another year's boundaries; conversion then says
    // 'exact' or 'estimated'). derivation: computed from the region's own published inputs, or
    // summed from its parts. disclosure: why a value is hidden or changed (NULL when published as is).
    // One row per (indicator, region, period, boundary_year), which the build guarantees; no index,
    // since the build replaces an indicator's values wholesale and an index would only slow that.
    `CREATE TABLE indicator_value (
       indicator VARCHAR NOT NULL,
       region VARCHAR NOT NULL,
       period VARCHAR NOT NULL,
       year INTEGER NOT NULL,
       boundary_year INTEGER NOT NULL,
       value DOUBLE,
       numerator DOUBLE,
       denominator DOUBLE,
       status VARCHAR NOT NULL,
       derivation VARCHAR NOT NULL CHECK (derivation IN ('computed', 'summed', 'converted')),
       conversion VARCHAR CHECK (conversion IS NULL OR conversion IN ('exact', 'estimated')),
       disclosure VARCHAR CHECK (disclosure IS NULL OR disclosure IN ('primary', 'secondary', 'rounded', 'perturbed'))
     )`,
  ],
};
