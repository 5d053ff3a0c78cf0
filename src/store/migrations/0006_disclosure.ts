import type { Migration } from '../migrate.js';

/**
 * Disclosure control at the publishing boundary (docs/disclosure.md). Every protection of an
 * indicator's values is a run with its rule, counts, the auditor's verdict and its time, and
 * `indicator_disclosure` says which build of each indicator was protected by which run. Indicator
 * values are served only through the view `published_indicator_value`, which shows an indicator's
 * values only when its protection is of its current build (indicator.built): a build that writes
 * values stamps a new `built`, which makes them pending and invisible until they are protected.
 * indicator_value itself is not altered, so the build writes it exactly as migration 0005 says.
 */
export const disclosure: Migration = {
  version: 6,
  name: 'disclosure',
  statements: [
    `CREATE TABLE disclosure_run (
       id INTEGER PRIMARY KEY,
       subject VARCHAR NOT NULL,
       kind VARCHAR NOT NULL CHECK (kind IN ('indicator', 'table')),
       rule VARCHAR NOT NULL,
       method VARCHAR NOT NULL CHECK (method IN ('none', 'suppression', 'rounding', 'cell-key')),
       indicator_built TIMESTAMP,
       started TIMESTAMP NOT NULL,
       seconds DOUBLE NOT NULL,
       cells INTEGER NOT NULL,
       primary_cells INTEGER NOT NULL,
       secondary_cells INTEGER NOT NULL,
       changed_cells INTEGER NOT NULL,
       audit VARCHAR NOT NULL CHECK (audit IN ('no-leaks', 'not-applicable')),
       summary JSON NOT NULL
     )`,
    // Which build of an indicator is protected, by which run.
    `CREATE TABLE indicator_disclosure (
       indicator VARCHAR PRIMARY KEY,
       run INTEGER NOT NULL,
       indicator_built TIMESTAMP NOT NULL
     )`,
    // What the API and the dashboard read: protected values of the current build only, and never
    // the numerator or denominator of a hidden or changed value.
    `CREATE VIEW published_indicator_value AS
     SELECT v.indicator, v.region, v.period, v.year, v.boundary_year, v.value,
            CASE WHEN v.disclosure IS NULL OR v.disclosure IN ('rounded', 'perturbed') THEN v.numerator END AS numerator,
            CASE WHEN v.disclosure IS NULL OR v.disclosure IN ('rounded', 'perturbed') THEN v.denominator END AS denominator,
            v.status, v.derivation, v.conversion, v.disclosure, d.run AS disclosure_run
     FROM indicator_value v
     JOIN indicator i ON i.id = v.indicator
     JOIN indicator_disclosure d ON d.indicator = v.indicator AND d.indicator_built = i.built`,
  ],
};
