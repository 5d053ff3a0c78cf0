import type { Migration } from '../migrate.js';

/**
 * StatLine tables udc imported: source server, query and the Modified stamp CBS gave, so
 * `udc statline mirror` downloads only tables that changed. One row per dataset.
 */
export const statline: Migration = {
  version: 4,
  name: 'statline',
  statements: [
    `CREATE TABLE statline_table (
       dataset VARCHAR PRIMARY KEY,
       table_id VARCHAR NOT NULL,
       api VARCHAR NOT NULL CHECK (api IN ('v3', 'v4')),
       base_url VARCHAR NOT NULL,
       filter VARCHAR NOT NULL DEFAULT '',
       select_list VARCHAR NOT NULL DEFAULT '',
       typed BOOLEAN NOT NULL DEFAULT false,
       modified VARCHAR NOT NULL,
       observations BIGINT NOT NULL,
       imported TIMESTAMP NOT NULL
     )`,
  ],
};
