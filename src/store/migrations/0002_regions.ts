import type { Migration } from '../migrate.js';

/**
 * The region register. A code means a specific area only together with a year: gemeenten merge,
 * wijken and buurten are redrawn and their codes reused. So the register is kept per year
 * (the indeling of 1 January, as CBS's regional tables use it), with the hierarchy and the
 * classifications of that year, and the boundary changes between years from which crosswalks
 * are built.
 */
export const regions: Migration = {
  version: 2,
  name: 'regions',
  statements: [
    // Every code ever known, with the dates CBS gives (gemeenten) or the years it was seen in.
    `CREATE TABLE region (
       code VARCHAR PRIMARY KEY,
       name VARCHAR NOT NULL,
       level VARCHAR NOT NULL,
       valid_from DATE,
       valid_to DATE,
       source VARCHAR NOT NULL
     )`,
    // Which codes make up the register of a year, under which name.
    `CREATE TABLE region_year (
       year INTEGER NOT NULL,
       code VARCHAR NOT NULL,
       name VARCHAR NOT NULL,
       level VARCHAR NOT NULL,
       PRIMARY KEY (year, code)
     )`,
    // Hierarchy and classifications per year: buurt -> wijk, wijk -> gemeente, gemeente ->
    // provincie / corop / landsdeel / land, gemeente or wijk -> custom regions. basis says how
    // udc knows (a CBS list, the code structure, derived from predecessors, a data center's YAML).
    `CREATE TABLE region_parent (
       year INTEGER NOT NULL,
       code VARCHAR NOT NULL,
       classification VARCHAR NOT NULL,
       parent VARCHAR NOT NULL,
       basis VARCHAR NOT NULL,
       PRIMARY KEY (year, code, classification, parent)
     )`,
    // CBS's record of boundary changes: on `date`, the part of from_code with these hectares,
    // dwellings and inhabitants went to to_code. dissolved: from_code ceased to exist that day.
    `CREATE TABLE region_change (
       date DATE NOT NULL,
       event VARCHAR NOT NULL,
       from_code VARCHAR NOT NULL,
       to_code VARCHAR NOT NULL,
       dissolved BOOLEAN NOT NULL,
       hectare DOUBLE,
       woningen DOUBLE,
       inwoners DOUBLE
     )`,
    // Inhabitants per region and year (end of year), the weights of partial transfers.
    `CREATE TABLE region_population (
       year INTEGER NOT NULL,
       code VARCHAR NOT NULL,
       inhabitants DOUBLE NOT NULL,
       source VARCHAR NOT NULL,
       PRIMARY KEY (year, code)
     )`,
    `CREATE TABLE region_register_build (
       built TIMESTAMP NOT NULL,
       version INTEGER NOT NULL,
       summary JSON NOT NULL
     )`,
  ],
};
