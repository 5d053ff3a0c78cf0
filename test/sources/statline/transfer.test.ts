import { describe, expect, it } from 'vitest';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  StatlineClient,
  StatlineHttpError,
  cacheRoot,
  importTable,
  retryAfter,
  type HttpOptions,
} from '../../../src/sources/statline/index.js';
import type { Store } from '../../../src/store/index.js';
import { cutShort, hang, reset, text, type ReplayServer } from '../../helpers/replay-server.js';
import { useReplayServerAndStore } from '../../helpers/replay-store.js';
import { serveSynthetic, syntheticTable } from '../../helpers/statline-tables.js';
import { rowCounts } from '../../helpers/store.js';

let server: ReplayServer;
let store: Store;
let dir: string;
useReplayServerAndStore((world) => ({ server, store, dir } = world));

// 10 gemeenten x 5 years x 3 Geslacht x 2 measures = 300 observations; pages of 100 make 3 pages.
const table = syntheticTable({ regions: 10, years: 5, measures: 2 });
const observationRequests = () => server.count((p) => p.includes('/Observations'));

function client(http: HttpOptions = {}) {
  return new StatlineClient({
    baseUrl: `${server.url}/odata/v1`,
    cacheDir: cacheRoot(dir),
    http: { backoffMs: 5, timeoutMs: 5000, ...http },
  });
}

async function storedIds(): Promise<number> {
  const row = await store.one<{ n: number; distinct_keys: number }>(
    `SELECT count(*) AS n, count(DISTINCT (region, period, variable, categories)) AS distinct_keys FROM observation WHERE dataset = $1`,
    [table.id],
  );
  expect(row?.distinct_keys).toBe(row?.n);
  return Number(row?.n);
}

describe('paging', () => {
  it('follows @odata.nextLink through 3 pages and stores every row once', async () => {
    serveSynthetic(server, table, { pageSize: 100 });
    const result = await importTable(store, client(), table.id);
    expect(result.pages).toBe(3);
    expect(result.rowsDownloaded).toBe(300);
    expect(result.report.outcome).toBe('stored');
    expect(result.report.rowsStored).toBe(300);
    expect(await storedIds()).toBe(300);
    expect(server.requests.filter((p) => p.includes('/Observations'))).toEqual([
      `/odata/v1/CBS/${table.id}/Observations`,
      `/odata/v1/CBS/${table.id}/Observations?$skip=100`,
      `/odata/v1/CBS/${table.id}/Observations?$skip=200`,
    ]);
    // Id 158 = GM0006 (5 x 30) + 2016JJ00 (1 x 6) + Geslacht 3000 (1 x 2) + M000001: value 158 x 10 + 1.
    const one = await store.one(
      `SELECT value, status FROM observation WHERE region = 'GM0006' AND period = '2016JJ00' AND variable = 'M000001' AND categories = 'Geslacht=3000'`,
    );
    expect(one).toEqual({ value: 1581, status: 'final' });
    // The last year is Voorlopig in PeriodenCodes.
    const provisional = await store.one<{ n: number }>(
      `SELECT count(*) AS n FROM observation WHERE period = '2019JJ00' AND status = 'provisional'`,
    );
    expect(provisional?.n).toBe(60);
  });

  it('retries a connection reset on page 2 and resumes there: no row twice, none missing', async () => {
    serveSynthetic(server, table, {
      pageSize: 100,
      fault: (page, attempt) => (page === 2 && attempt === 1 ? reset : undefined),
    });
    const retries: string[] = [];
    const result = await importTable(store, client({ onRetry: (r) => retries.push(r.reason) }), table.id);
    expect(result.report.outcome).toBe('stored');
    expect(result.report.rowsStored).toBe(300);
    expect(await storedIds()).toBe(300);
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatch(/network error|closed/);
    // Page 1 once, page 2 twice (the reset, then the answer), page 3 once.
    expect(observationRequests()).toBe(4);
  });

  it('resumes from the last complete page on the next run after the retries ran out', async () => {
    let broken = true;
    serveSynthetic(server, table, {
      pageSize: 100,
      fault: (page) => (page === 2 && broken ? reset : undefined),
    });
    const before = await rowCounts(store);
    const error = await importTable(store, client({ retries: 1 }), table.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StatlineHttpError);
    expect((error as StatlineHttpError).url).toBe(
      `${server.url}/odata/v1/CBS/${table.id}/Observations?$skip=100`,
    );
    expect((error as Error).message).toContain('after 2 attempts');
    expect(await rowCounts(store)).toEqual(before);
    // Page 1 is on disk; page 2 is not.
    const folders = await readdir(join(cacheRoot(dir)), { recursive: true });
    expect(folders.filter((f) => String(f).endsWith('page-00001.json'))).toHaveLength(1);
    expect(folders.filter((f) => String(f).endsWith('page-00002.json'))).toHaveLength(0);

    broken = false;
    const firstRun = server.requests.length;
    const result = await importTable(store, client(), table.id);
    const secondRun = server.requests.slice(firstRun).filter((p) => p.includes('/Observations'));
    expect(secondRun).toEqual([
      `/odata/v1/CBS/${table.id}/Observations?$skip=100`,
      `/odata/v1/CBS/${table.id}/Observations?$skip=200`,
    ]);
    expect(result.pagesFromCache).toBe(1);
    expect(result.report.rowsStored).toBe(300);
    expect(await storedIds()).toBe(300);
  });

  it('retries a body cut off half-way (premature close)', async () => {
    serveSynthetic(server, table, {
      pageSize: 100,
      fault: (page, attempt) =>
        page === 3 && attempt === 1 ? cutShort('{"value":[{"Id":1}]}'.repeat(50)) : undefined,
    });
    const result = await importTable(store, client(), table.id);
    expect(result.report.rowsStored).toBe(300);
    expect(observationRequests()).toBe(4);
  });
});

describe('retries and failures', () => {
  it('retries HTTP 500 and then succeeds', async () => {
    serveSynthetic(server, table, {
      pageSize: 1000,
      fault: (page, attempt) => (attempt <= 2 ? text('Internal Server Error', 500) : undefined),
    });
    const notices: number[] = [];
    const result = await importTable(store, client({ onRetry: (r) => notices.push(r.attempt) }), table.id);
    expect(result.report.rowsStored).toBe(300);
    expect(notices).toEqual([1, 2]);
    expect(observationRequests()).toBe(3);
  });

  it('honours Retry-After on 429 Too Many Requests', async () => {
    serveSynthetic(server, table, {
      pageSize: 1000,
      fault: (_page, attempt) => (attempt === 1 ? text('slow down', 429, { 'retry-after': '1' }) : undefined),
    });
    const delays: number[] = [];
    const started = Date.now();
    const result = await importTable(store, client({ onRetry: (r) => delays.push(r.delayMs) }), table.id);
    expect(result.report.rowsStored).toBe(300);
    expect(delays).toEqual([1000]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('gives up on a response that never comes, naming the URL and the timeout', async () => {
    serveSynthetic(server, table);
    server.route(`/odata/v1/CBS/${table.id}/Observations`, hang);
    const error = (await importTable(store, client({ timeoutMs: 300, retries: 1 }), table.id).catch(
      (e: unknown) => e,
    )) as StatlineHttpError;
    expect(error).toBeInstanceOf(StatlineHttpError);
    expect(error.kind).toBe('timeout');
    expect(error.message).toBe(
      `${server.url}/odata/v1/CBS/${table.id}/Observations: no complete answer within 300 ms after 2 attempts`,
    );
    expect(observationRequests()).toBe(2);
  });

  it('refuses malformed JSON with a clear error and leaves the store unchanged', async () => {
    // A table already in the store must survive the failed import of another.
    serveSynthetic(server, table, { pageSize: 1000 });
    await importTable(store, client(), table.id);
    const before = await rowCounts(store);
    expect(before['observation']).toBe(300);

    const broken = syntheticTable({ id: '99998SYN', regions: 3 });
    serveSynthetic(server, broken, {
      pageSize: 20,
      fault: (page) => (page === 2 ? text('{"value":[{"Id":20,"Measure":"M000001",') : undefined),
    });
    const error = (await importTable(store, client(), broken.id).catch(
      (e: unknown) => e,
    )) as StatlineHttpError;
    expect(error).toBeInstanceOf(StatlineHttpError);
    expect(error.kind).toBe('json');
    expect(error.message).toContain(
      `${server.url}/odata/v1/CBS/99998SYN/Observations?$skip=20 did not return valid JSON`,
    );
    expect(error.message).toContain('expected an OData JSON document');
    expect(await rowCounts(store)).toEqual(before);
    // Malformed JSON is not retried: the server would only send it again.
    expect(server.count((p) => p.includes('99998SYN/Observations?$skip=20'))).toBe(1);
  });

  it('does not retry a 404 and says what was expected', async () => {
    const error = (await client()
      .table('00000NED')
      .catch((e: unknown) => e)) as StatlineHttpError;
    expect(error.status).toBe(404);
    expect(error.message).toContain(`${server.url}/odata/v1/CBS/00000NED/Properties: HTTP 404`);
    expect(error.message).toContain('expected 200 OK');
    expect(server.requests).toHaveLength(1);
  });

  it('reads Retry-After as seconds and as an HTTP date', () => {
    expect(retryAfter('3')).toBe(3000);
    expect(retryAfter('Wed, 21 Oct 2026 07:28:10 GMT', Date.parse('2026-10-21T07:28:00Z'))).toBe(10_000);
    expect(retryAfter(null)).toBeUndefined();
    expect(retryAfter('soon')).toBeUndefined();
  });
});
