import { afterEach, describe, expect, it } from 'vitest';
import {
  latestVersion,
  migrate,
  openDuckDBStore,
  ident,
  withQueryDeadline,
  type Store,
} from '../../src/store/index.js';
import { temporaryStore } from '../helpers/store.js';
import { join } from 'node:path';

describe('DuckDB store', () => {
  let dispose: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await dispose?.();
    dispose = undefined;
  });

  async function fresh(): Promise<{ store: Store; dir: string }> {
    const t = await temporaryStore();
    dispose = t.dispose;
    return t;
  }

  it('applies every migration once and records it', async () => {
    const { store } = await fresh();
    const versions = await store.all<{ version: number }>(
      'SELECT version FROM schema_migration ORDER BY version',
    );
    expect(versions.map((v) => v.version).at(-1)).toBe(latestVersion());
    expect(await migrate(store)).toEqual([]);
  });

  it('binds parameters instead of splicing text', async () => {
    const { store } = await fresh();
    const hostile = "x'); DROP TABLE dataset; --";
    const row = await store.one<{ v: string }>('SELECT $1 AS v', [hostile]);
    expect(row?.v).toBe(hostile);
    expect(await store.one('SELECT count(*) AS n FROM dataset')).toEqual({ n: 0 });
  });

  it('returns integers as numbers and dates as ISO strings', async () => {
    const { store } = await fresh();
    const row = await store.one(
      `SELECT count(*) AS n, DATE '2019-01-01' AS d, TIMESTAMP '2019-01-01 12:30:00' AS t`,
    );
    expect(row).toEqual({ n: 1, d: '2019-01-01', t: '2019-01-01T12:30:00.000Z' });
  });

  it('rolls a failed transaction back completely', async () => {
    const { store } = await fresh();
    await expect(
      store.transaction(async (tx) => {
        await tx.run(
          `INSERT INTO period VALUES ('2019JJ00', 'year', 2019, DATE '2019-01-01', DATE '2019-12-31')`,
        );
        await tx.run(
          `INSERT INTO period VALUES ('2019JJ00', 'year', 2019, DATE '2019-01-01', DATE '2019-12-31')`,
        );
      }),
    ).rejects.toThrow(/PRIMARY KEY|unique|Duplicate/i);
    expect(await store.one('SELECT count(*) AS n FROM period')).toEqual({ n: 0 });
  });

  it('appends rows in bulk inside a transaction', async () => {
    const { store } = await fresh();
    const rows = Array.from(
      { length: 5000 },
      (_, i) => ['ds', 'v', 'GM0014', '2019JJ00', '', i, 'final'] as const,
    );
    await store.transaction((tx) => tx.append('observation', rows));
    expect(await store.one('SELECT count(*) AS n, sum(value) AS s FROM observation')).toEqual({
      n: 5000,
      s: (4999 * 5000) / 2,
    });
  });

  it('opens read-only: reads work, writes are refused', async () => {
    const { store, dir } = await fresh();
    await store.run(
      `INSERT INTO period VALUES ('2019JJ00', 'year', 2019, DATE '2019-01-01', DATE '2019-12-31')`,
    );
    await store.close();
    const reader = await openDuckDBStore({ path: join(dir, 'udc.duckdb'), readOnly: true });
    try {
      expect(await reader.one('SELECT count(*) AS n FROM period')).toEqual({ n: 1 });
      await expect(reader.run(`DELETE FROM period`)).rejects.toThrow(/read-only/i);
    } finally {
      await reader.close();
    }
  });

  it('refuses identifiers that are not plain names', () => {
    expect(ident('observation')).toBe('"observation"');
    expect(() => ident('observation; DROP TABLE x')).toThrow(/not a valid SQL identifier/);
  });
});

describe('query deadlines', () => {
  it('interrupts a statement in the engine when its deadline passes, and the store goes on', async () => {
    const { store, dispose } = await temporaryStore();
    try {
      const controller = new AbortController();
      const started = performance.now();
      setTimeout(() => controller.abort(), 200);
      // Without the interrupt this cross join would run for minutes.
      const error = await withQueryDeadline(controller.signal, () =>
        store.all(
          'SELECT count(*) AS n FROM range(100000) a, range(100000) b WHERE a.range * b.range % 7 = 3',
        ),
      ).catch((e: Error) => e);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(/interrupt/i);
      expect(performance.now() - started).toBeLessThan(10_000);
      expect(await store.one<{ n: number }>('SELECT 41 + 1 AS n')).toEqual({ n: 42 });
      // Work started after the deadline does not reach the engine at all.
      await expect(withQueryDeadline(controller.signal, () => store.all('SELECT 1'))).rejects.toThrow(
        /deadline has passed/,
      );
    } finally {
      await dispose();
    }
  });

  it('closes while a statement is running: the statement is interrupted, close returns', async () => {
    const { store, dispose } = await temporaryStore();
    const running = store
      .all('SELECT count(*) AS n FROM range(100000) a, range(100000) b WHERE a.range * b.range % 7 = 3')
      .catch((e: Error) => e);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = performance.now();
    await dispose();
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(String(await running)).toMatch(/interrupt/i);
    await expect(store.all('SELECT 1')).rejects.toThrow(/closed/);
  });
});
