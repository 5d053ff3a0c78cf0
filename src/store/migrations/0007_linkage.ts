import type { Migration } from '../migrate.js';

/**
 * The linkage zone: projects (purpose binding), the pseudonymised microdata tables a project
 * imported or linked (themselves in schema `linkage`), and the append-only, hash-chained audit log.
 * No table has a column for a BSN: pseudonyms are 64-bit keyed hashes (BIGINT).
 */
export const linkage: Migration = {
  version: 7,
  name: 'linkage',
  statements: [
    `CREATE SCHEMA IF NOT EXISTS linkage`,
    `CREATE TABLE linkage_project (
       id VARCHAR PRIMARY KEY,
       question VARCHAR NOT NULL,
       datasets VARCHAR NOT NULL,          -- JSON array of dataset names the project may use
       analysts VARCHAR NOT NULL,          -- JSON array of user names
       end_date DATE NOT NULL,             -- last day the project may be used
       key_source VARCHAR NOT NULL,        -- file:<path> or env:<NAME>; never the key itself
       key_generation INTEGER NOT NULL,    -- the generation stored pseudonyms are at
       key_fingerprints VARCHAR NOT NULL,  -- JSON array, one HMAC fingerprint per generation
       created VARCHAR NOT NULL,
       created_by VARCHAR NOT NULL
     )`,
    `CREATE TABLE linkage_dataset (
       project VARCHAR NOT NULL,
       name VARCHAR NOT NULL,
       table_name VARCHAR NOT NULL,
       kind VARCHAR NOT NULL CHECK (kind IN ('pseudonymised', 'unkeyed', 'linked')),
       rows BIGINT NOT NULL,
       key_generation INTEGER,
       unique_person BOOLEAN NOT NULL,
       synthetic BOOLEAN NOT NULL,
       source VARCHAR NOT NULL,
       columns VARCHAR NOT NULL,           -- JSON: [{ name, type, origin }]
       report VARCHAR,
       created VARCHAR NOT NULL,
       PRIMARY KEY (project, name)
     )`,
    `CREATE TABLE audit_log (
       seq BIGINT PRIMARY KEY,
       logged_at VARCHAR NOT NULL,
       actor VARCHAR NOT NULL,
       project VARCHAR,
       action VARCHAR NOT NULL,
       object VARCHAR,
       outcome VARCHAR NOT NULL CHECK (outcome IN ('ok', 'refused', 'failed')),
       detail VARCHAR NOT NULL,
       previous_hash VARCHAR NOT NULL,
       hash VARCHAR NOT NULL
     )`,
  ],
};
