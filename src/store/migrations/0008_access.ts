import type { Migration } from '../migrate.js';

/**
 * Users, roles and what they write: local and OpenID Connect accounts, sessions and API tokens
 * (only hashes of their secrets are stored), annotations tied to the data version they were
 * written about, and stories. Changes to annotations and stories go to audit_log (migration 0007).
 */
export const access: Migration = {
  version: 8,
  name: 'access',
  statements: [
    // role: reader, analyst, steward (data steward), administrator. password_hash: scrypt (see
    // src/access/password.ts), NULL for accounts that only log in through OpenID Connect.
    `CREATE TABLE app_user (
       id VARCHAR PRIMARY KEY,
       name VARCHAR NOT NULL UNIQUE,
       display_name VARCHAR,
       role VARCHAR NOT NULL CHECK (role IN ('reader', 'analyst', 'steward', 'administrator')),
       password_hash VARCHAR,
       oidc_issuer VARCHAR,
       oidc_subject VARCHAR,
       created TIMESTAMP NOT NULL,
       disabled BOOLEAN NOT NULL DEFAULT false
     )`,
    // id_hash: SHA-256 of the cookie's random value (a stolen database holds no usable session).
    `CREATE TABLE user_session (
       id_hash VARCHAR PRIMARY KEY,
       user_id VARCHAR NOT NULL,
       csrf VARCHAR NOT NULL,
       created TIMESTAMP NOT NULL,
       last_seen TIMESTAMP NOT NULL,
       expires TIMESTAMP NOT NULL,
       via VARCHAR NOT NULL CHECK (via IN ('password', 'oidc'))
     )`,
    // A token is 'udc_<id>.<secret>'; only SHA-256 of the secret is kept. role: at most the user's.
    `CREATE TABLE api_token (
       id VARCHAR PRIMARY KEY,
       user_id VARCHAR NOT NULL,
       name VARCHAR NOT NULL,
       secret_hash VARCHAR NOT NULL,
       role VARCHAR NOT NULL CHECK (role IN ('reader', 'analyst', 'steward', 'administrator')),
       created TIMESTAMP NOT NULL,
       expires TIMESTAMP NOT NULL,
       last_used TIMESTAMP
     )`,
    // What a note is about (any combination; a reply inherits its thread's) and the data version it
    // was written about: the indicator's build and definition, and its source datasets' versions.
    `CREATE TABLE annotation (
       id VARCHAR PRIMARY KEY,
       parent VARCHAR,
       indicator VARCHAR,
       region VARCHAR,
       period VARCHAR,
       status VARCHAR NOT NULL CHECK (status IN ('draft', 'published')),
       body VARCHAR NOT NULL,
       author VARCHAR NOT NULL,
       created TIMESTAMP NOT NULL,
       updated TIMESTAMP NOT NULL,
       indicator_built TIMESTAMP,
       definition_hash VARCHAR,
       data_versions JSON              -- {definition: md5 of the definition, datasets: [{dataset, version}]}
     )`,
    `CREATE TABLE story (
       id VARCHAR PRIMARY KEY,
       title VARCHAR NOT NULL,
       body VARCHAR NOT NULL,
       status VARCHAR NOT NULL CHECK (status IN ('draft', 'published')),
       author VARCHAR NOT NULL,
       created TIMESTAMP NOT NULL,
       updated TIMESTAMP NOT NULL
     )`,
  ],
};
