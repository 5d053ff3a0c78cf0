import type { Migration } from '../migrate.js';

/** The tables of the domain model that the foundation fills: datasets, variables, periods, observations. */
export const foundation: Migration = {
  version: 1,
  name: 'foundation',
  statements: [
    `CREATE TABLE dataset (
       id VARCHAR PRIMARY KEY,
       title VARCHAR NOT NULL,
       description VARCHAR,
       publisher VARCHAR NOT NULL,
       source VARCHAR NOT NULL,
       licence VARCHAR NOT NULL,
       modified TIMESTAMP,
       confidentiality VARCHAR NOT NULL CHECK (confidentiality IN ('open', 'internal', 'confidential')),
       version INTEGER NOT NULL DEFAULT 1,
       imported TIMESTAMP NOT NULL DEFAULT current_timestamp
     )`,
    `CREATE TABLE variable (
       dataset VARCHAR NOT NULL,
       key VARCHAR NOT NULL,
       title VARCHAR NOT NULL,
       unit VARCHAR,
       decimals INTEGER,
       aggregation VARCHAR NOT NULL CHECK (aggregation IN ('sum', 'weighted', 'none')),
       denominator VARCHAR,
       description VARCHAR,
       PRIMARY KEY (dataset, key)
     )`,
    // Extra dimensions of a dataset (age group, sex ...): the codes observation.categories refers to.
    `CREATE TABLE dimension_code (
       dataset VARCHAR NOT NULL,
       dimension VARCHAR NOT NULL,
       code VARCHAR NOT NULL,
       title VARCHAR NOT NULL,
       parent VARCHAR,
       PRIMARY KEY (dataset, dimension, code)
     )`,
    `CREATE TABLE period (
       code VARCHAR PRIMARY KEY,
       kind VARCHAR NOT NULL,
       year INTEGER NOT NULL,
       start_date DATE NOT NULL,
       end_date DATE NOT NULL
     )`,
    // The one long table everything lands in. No unique index: an ART index would double the cost
    // of bulk loads, and every import proves uniqueness of (dataset, variable, region, period,
    // categories) itself before it writes (see sources/files/validate.ts).
    `CREATE TABLE observation (
       dataset VARCHAR NOT NULL,
       variable VARCHAR NOT NULL,
       region VARCHAR NOT NULL,
       period VARCHAR NOT NULL,
       categories VARCHAR NOT NULL DEFAULT '',
       value DOUBLE,
       status VARCHAR NOT NULL
     )`,
    // Only imports that stored something are recorded: a rejected import leaves the store untouched.
    `CREATE TABLE import_run (
       id INTEGER PRIMARY KEY,
       dataset VARCHAR NOT NULL,
       source VARCHAR NOT NULL,
       started TIMESTAMP NOT NULL,
       finished TIMESTAMP NOT NULL,
       rows_read BIGINT NOT NULL,
       rows_stored BIGINT NOT NULL,
       rows_rejected BIGINT NOT NULL,
       report JSON
     )`,
    `CREATE SEQUENCE import_run_id START 1`,
  ],
};
