import type { Migration } from '../migrate.js';

/**
 * Titles in a second language for a dataset's metadata: the dataset itself, its variables, its
 * dimensions and their codes (dimension_code). The first language (Dutch for CBS tables) stays
 * in dataset.title, variable.title and dimension_code.title; this table adds, for instance, the
 * English titles of a StatLine table's ENG twin. A separate table rather than new columns, so
 * the positional bulk writes into variable and dimension_code stay as they are.
 * `dimension` is '' except for codes; `key` is '' for the dataset, the variable key, the
 * dimension name, or the code.
 */
export const statlineLabels: Migration = {
  version: 9,
  name: 'statline_labels',
  statements: [
    `CREATE TABLE label (
       dataset VARCHAR NOT NULL,
       item VARCHAR NOT NULL CHECK (item IN ('dataset', 'variable', 'dimension', 'code')),
       dimension VARCHAR NOT NULL DEFAULT '',
       key VARCHAR NOT NULL DEFAULT '',
       language VARCHAR NOT NULL,
       title VARCHAR NOT NULL,
       description VARCHAR,
       PRIMARY KEY (dataset, item, dimension, key, language)
     )`,
  ],
};
