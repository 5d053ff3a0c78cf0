import { request } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/api/server.js';
import type { Store } from '../../src/store/index.js';
import { apiStore } from '../helpers/api-indicators.js';

/**
 * At least 10,000 random and malformed requests over every /api/v1 route: bad and missing
 * parameters, huge numbers, unicode, SQL and path tricks, long URLs. Only 2xx/3xx/4xx may come
 * back, never a 5xx; the server answers health afterwards, and memory stays bounded.
 */
let store: Store;
let dispose: () => Promise<void>;
let server: RunningServer;

beforeAll(async () => {
  ({ store, dispose } = await apiStore());
  server = await startServer(store, { host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await server?.close();
  await dispose?.();
});

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PATHS = [
  '/health',
  '/datasets',
  '/datasets/cbs-03759ned-bevolking',
  '/datasets/{x}',
  '/datasets/{x}/variables',
  '/datasets/cbs-03759ned-bevolking/observations',
  '/datasets/{x}/observations',
  '/themes',
  '/indicators',
  '/indicators/{x}',
  '/indicators/aandeel_65plus',
  '/search',
  '/regions',
  '/regions/{x}',
  '/regions/GM0014',
  '/geometry',
  '/values',
  '/compare',
  '/profile/{x}',
  '/profile/GM0014',
  '/values.csv',
  '/values.xlsx',
  '/values.parquet',
  '/values.geojson',
  '/openapi.json',
  '/{x}',
  '/values/{x}',
  '/regions/{x}/{x}',
];
const PARAMS = [
  'indicator',
  'level',
  'parent',
  'region',
  'regions',
  'period',
  'boundaryYear',
  'sort',
  'page',
  'pageSize',
  'year',
  'q',
  'theme',
  'variable',
  'sep',
  'code',
  'id',
  '__proto__',
  'constructor',
  '',
  'page[size]',
  'filter',
];
const VALUES = [
  '',
  ' ',
  '0',
  '-1',
  '1',
  '2',
  '10000',
  '10001',
  '99999999999999999999999',
  '1e308',
  '-0',
  'NaN',
  'Infinity',
  '0x10',
  '1.5',
  'GM0014',
  'gm0014',
  'BU00140000',
  'X_RGA',
  'NL01',
  'PV20',
  '2020JJ00',
  '2023JJ00',
  '2020',
  'buurt',
  'gemeente',
  'stad',
  'aandeel_65plus',
  'bevolking_1_januari',
  'intern_inwoners',
  '-value',
  'value,-regionName',
  'drop',
  ';',
  ',',
  "'; DROP TABLE indicator_value; --",
  "' OR '1'='1",
  '%',
  '_',
  '%25',
  '%00',
  '%ZZ',
  '%E0%A4%A',
  '%ED%A0%80',
  '%C0%AF',
  '%FF',
  '../../etc/passwd',
  '..%2F..%2F',
  '🏙️',
  'Ærø',
  '\u202e',
  'ǅ',
  '日本語',
  '<script>alert(1)</script>',
  '${7*7}',
  '{{7*7}}',
  'null',
  'true',
  '[]',
  '{}',
  'GM0014,GM0106',
  ',,,',
  'a'.repeat(200),
  'GM'.repeat(300),
];

function pick<T>(next: () => number, list: readonly T[]): T {
  return list[Math.floor(next() * list.length)]!;
}

function randomText(next: () => number): string {
  const length = Math.floor(next() * 30);
  let out = '';
  for (let i = 0; i < length; i++) {
    const kind = next();
    out +=
      kind < 0.6
        ? String.fromCharCode(33 + Math.floor(next() * 94))
        : kind < 0.8
          ? String.fromCodePoint(0x80 + Math.floor(next() * 0x2000))
          : encodeURIComponent(String.fromCodePoint(notSurrogate(Math.floor(next() * 0x1f600))));
  }
  return out;
}

/** Lone surrogates cannot be encoded by the client; invalid UTF-8 is sent as raw %-bytes in VALUES instead. */
function notSurrogate(code: number): number {
  return code >= 0xd800 && code <= 0xdfff ? code - 0x800 : code;
}

function randomUrl(next: () => number): string {
  let path = pick(next, PATHS).replace(/\{x\}/g, () =>
    next() < 0.5 ? encodeURIComponent(pick(next, VALUES)) : encodeURIComponent(randomText(next)),
  );
  if (next() < 0.05) path += '/';
  if (next() < 0.03) path = path.replace('/', '//');
  if (next() < 0.03) path += '/..%2f..%2f';
  const parts: string[] = [];
  const count = Math.floor(next() * 5);
  for (let i = 0; i < count; i++) {
    const name = next() < 0.9 ? pick(next, PARAMS) : randomText(next);
    const value = next() < 0.7 ? pick(next, VALUES) : randomText(next);
    // Sometimes unencoded (printable ASCII only: node:http refuses the rest), as a careless client sends it.
    const raw = next() < 0.1 && /^[!-~]*$/.test(name + value);
    parts.push(raw ? `${name}=${value}` : `${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
  }
  if (next() < 0.01) parts.push(`q=${'x'.repeat(6000)}`); // long URL
  return `/api/v1${path}${parts.length ? `?${parts.join('&')}` : ''}`;
}

/** A full garbage collection (vitest's workers do not run with --expose-gc). */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/** One request with node:http (fetch would refuse some malformed URLs before sending them). */
function send(base: URL, path: string, method = 'GET'): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      // A fresh connection per request: a reset of a reused keep-alive socket would be the
      // client's race, not the server's answer.
      {
        host: base.hostname,
        port: base.port,
        path,
        method,
        agent: false,
        headers: { 'accept-encoding': 'gzip' },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('fuzzing /api/v1', () => {
  it('answers 10,000 random and malformed requests without a 5xx, stays up, memory bounded', async () => {
    const next = random(20260107);
    const base = new URL(server.url);
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    // Warm up (first queries allocate the engine's caches), then measure.
    for (let i = 0; i < 200; i++) await send(base, randomUrl(next));
    collectGarbage();
    const before = process.memoryUsage().rss;
    const total = 10_000;
    const concurrency = 8;
    let sent = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (sent < total) {
          sent++;
          const url = randomUrl(next);
          const method = next() < 0.03 ? pick(next, ['POST', 'DELETE', 'PUT', 'OPTIONS', 'HEAD']) : 'GET';
          const status = await send(base, url, method);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          if (status >= 500 || status < 200) failures.push(`${method} ${url} -> ${status}`);
        }
      }),
    );
    // Whole-library exports (107,000 values of the real build; GeoJSON 43 MB) are large but
    // short-lived: memory is compared after a full collection, so only what stays counts.
    collectGarbage();
    const after = process.memoryUsage().rss;
    expect(failures.slice(0, 20)).toEqual([]);
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(total);
    // Both kinds must really have been exercised: valid answers and refusals.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(500);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(1000);
    expect(await send(base, '/api/v1/health')).toBe(200);
    // Server and test share the process: growth beyond 300 MB would be a leak, not noise.
    expect(after - before).toBeLessThan(300 * 2 ** 20);
    console.log(
      `fuzz: ${total} requests, statuses ${JSON.stringify(Object.fromEntries(statuses))}, rss ${Math.round(before / 2 ** 20)} -> ${Math.round(after / 2 ** 20)} MB`,
    );
  }, 300_000);
});
