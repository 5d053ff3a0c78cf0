import type { Store } from '../../store/index.js';

/**
 * The data version: a text that changes whenever anything the API serves changes (a dataset
 * imported, indicators built, the register rebuilt, boundaries imported). It is part of every
 * ETag, so a client's cached answer stays valid exactly as long as the data behind it.
 * Read at most once per `ttlMs`, so a busy server does not ask the engine on every request.
 */
export function dataVersion(store: Store, ttlMs = 1_000): () => Promise<string> {
  let cached: { value: string; at: number } | undefined;
  let pending: Promise<string> | undefined;
  return async () => {
    if (cached && Date.now() - cached.at < ttlMs) return cached.value;
    pending ??= read(store)
      .then((value) => {
        cached = { value, at: Date.now() };
        return value;
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };
}

async function read(store: Store): Promise<string> {
  const row = await store.one<{ version: string }>(
    `SELECT concat_ws('|',
        (SELECT max(version) FROM schema_migration),
        (SELECT count(*) || ':' || coalesce(max(imported)::VARCHAR, '') || ':' || coalesce(sum(version), 0) FROM dataset),
        (SELECT count(*) || ':' || coalesce(max(built)::VARCHAR, '') FROM indicator),
        (SELECT coalesce(max(built)::VARCHAR, '') FROM region_register_build),
        (SELECT count(*) || ':' || coalesce(sum(hash(code, year, source)), 0) FROM region_geometry)) AS version`,
  );
  return row?.version ?? '';
}
