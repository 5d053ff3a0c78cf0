import { describe, expect, it } from 'vitest';
import { RequestStopped, withDeadline } from '../../src/api/deadline.js';
import { createApp } from '../../src/api/app.js';
import { currentDeadline, type Row, type SqlParams, type Store } from '../../src/store/index.js';
import { temporaryStore } from '../helpers/store.js';

// Without an interrupt this cross join would run for minutes.
const SLOW = 'SELECT count(*) AS n FROM range(100000) a, range(100000) b WHERE a.range * b.range % 7 = 3';

describe('a request’s time limit in the engine', () => {
  it('answers 503 at the deadline and stops the statement', async () => {
    const { store, dispose } = await temporaryStore();
    try {
      const error = await withDeadline(() => store.all(SLOW), 200).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RequestStopped);
      expect((error as RequestStopped).status).toBe(503);
      // The interrupted statement let go of the engine: the next query is answered at once.
      expect(await store.one<{ n: number }>('SELECT 42 AS n')).toEqual({ n: 42 });
    } finally {
      await dispose();
    }
  });

  it('stops the statement when the client hangs up, without calling it a defect', async () => {
    const { store, dispose } = await temporaryStore();
    try {
      const client = new AbortController();
      setTimeout(() => client.abort(), 200);
      const started = performance.now();
      const error = await withDeadline(() => store.all(SLOW), 60_000, client.signal).catch((e: unknown) => e);
      expect(performance.now() - started).toBeLessThan(10_000);
      expect(error).toBeInstanceOf(RequestStopped);
      expect((error as RequestStopped).status).toBe(499);
    } finally {
      await dispose();
    }
  });
});

describe('every interface answers a stopped request in its own error format', () => {
  it('REST, OData and the StatLine API answer 503 at their time limit, and the server goes on', async () => {
    const { store, dispose } = await temporaryStore();
    // The real engine, made slow: under a request's deadline every query first runs a long join.
    const all = async <T extends Row = Row>(sql: string, params?: SqlParams): Promise<T[]> => {
      if (currentDeadline()) await store.all(SLOW);
      return store.all<T>(sql, params);
    };
    const one = async <T extends Row = Row>(sql: string, params?: SqlParams) =>
      (await all<T>(sql, params))[0];
    const slowed: Store = Object.assign(Object.create(store) as Store, { all, one });
    try {
      const app = createApp(slowed, { queryTimeoutMs: 300 });
      const rest = await app.request('/api/v1/datasets');
      expect(rest.status).toBe(503);
      expect(rest.headers.get('content-type')).toMatch(/problem\+json/);
      expect(rest.headers.get('retry-after')).toBe('5');
      const odata = await app.request('/odata/v4/Datasets');
      expect(odata.status).toBe(503);
      expect(((await odata.json()) as { error: { code: string } }).error.code).toBe('Timeout');
      const statline = await app.request('/ODataCatalog/Tables');
      expect(statline.status).toBe(503);
      expect(await statline.json()).toHaveProperty(['odata.error', 'message', 'value']);
      // Nothing is left running: a query outside any deadline is answered at once.
      expect(await store.one<{ n: number }>('SELECT 42 AS n')).toEqual({ n: 42 });
    } finally {
      await dispose();
    }
  });
});
