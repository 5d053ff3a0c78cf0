import type { Store } from './store.js';
import { foundation } from './migrations/0001_foundation.js';
import { regions } from './migrations/0002_regions.js';
import { geometry } from './migrations/0003_geometry.js';
import { statline } from './migrations/0004_statline.js';
import { indicators } from './migrations/0005_indicators.js';
import { disclosure } from './migrations/0006_disclosure.js';
import { linkage } from './migrations/0007_linkage.js';
import { access } from './migrations/0008_access.js';
import { statlineLabels } from './migrations/0009_statline_labels.js';

/** One step of the schema. Versions are applied in order, each once, inside one transaction. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly statements: readonly string[];
}

/** Every migration, in order. A capability adds its own file and one line here. */
export const MIGRATIONS: readonly Migration[] = [
  foundation,
  regions,
  geometry,
  statline,
  indicators,
  disclosure,
  linkage,
  access,
  statlineLabels,
];

/** Brings the store's schema up to the newest version; returns the versions it applied. */
export async function migrate(
  store: Store,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<number[]> {
  await store.run(
    `CREATE TABLE IF NOT EXISTS schema_migration (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied TIMESTAMP NOT NULL DEFAULT current_timestamp)`,
  );
  const done = new Set(
    (await store.all<{ version: number }>('SELECT version FROM schema_migration')).map((r) => r.version),
  );
  const applied: number[] = [];
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (done.has(migration.version)) continue;
    await store.transaction(async (tx) => {
      for (const statement of migration.statements) await tx.run(statement);
      await tx.run('INSERT INTO schema_migration (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
    });
    applied.push(migration.version);
  }
  return applied;
}

/** The newest schema version this build knows. */
export function latestVersion(migrations: readonly Migration[] = MIGRATIONS): number {
  return Math.max(0, ...migrations.map((m) => m.version));
}
