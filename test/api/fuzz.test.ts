// Thousands of random and malformed requests at the OData v4, StatLine v3 and catalogue routes
// of the real server: every answer is a 2xx or 4xx, never a 5xx; the server stays up and its
// memory stays bounded. The generator is seeded, so a failure can be replayed.
import { request, Agent } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishedWorld, type PublishedWorld } from '../helpers/published.js';

let world: PublishedWorld;
beforeAll(async () => {
  world = await publishedWorld({ onlyBaseDemo: true });
}, 120_000);
afterAll(() => world.close());

const REQUESTS = 10_000;

function random(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  return { next, int, pick };
}

const PATHS = [
  '/odata/v4',
  '/odata/v4/',
  '/odata/v4/$metadata',
  '/odata/v4/Observations',
  '/odata/v4/Datasets',
  '/odata/v4/IndicatorValues',
  '/odata/v4/Regions',
  '/odata/v4/Observations/$count',
  "/odata/v4/Datasets('cbs-03759ned-bevolking')",
  '/odata/v4/Nope',
  '/odata/v4/../../etc/passwd',
  '/odata/v4/%2e%2e/%2e%2e/etc/passwd',
  '/odata/v4/Datasets(%27%00%27)',
  '/ODataApi/odata/cbs-03759ned-bevolking/TypedDataSet',
  '/ODataApi/OData/cbs-83625ned-verkoopprijzen/UntypedDataSet',
  '/ODataFeed/odata/cbs-03759ned-bevolking/UntypedDataSet',
  '/ODataApi/odata/cbs-03759ned-bevolking/RegioS',
  '/ODataApi/odata/cbs-03759ned-bevolking/../../intern-bevolking/TableInfos',
  '/ODataApi/odata/intern-bevolking/TypedDataSet',
  '/ODataApi/odata/%ZZ/TableInfos',
  '/ODataCatalog/Tables',
  '/ODataCatalog/Nope',
  '/catalog',
  '/catalog.ttl',
];
const PROPERTIES = [
  'Region',
  'Value',
  'Period',
  'Dataset',
  'Variable',
  'Status',
  'RegioS',
  'Perioden',
  'Nope',
  'ID',
  'Year',
  'Disclosure',
];
const OPERATORS = ['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'and', 'or', 'not', 'in', 'has', 'add'];
const LITERALS = [
  "'GM0014'",
  "'GM0014  '",
  "''",
  "'''",
  "'💥'",
  "'é\u0301'",
  '1e400',
  '-1e400',
  '99999999999999999999999',
  '0.0000000001',
  'null',
  'true',
  '2024-13-45',
  '2024-01-01T00:00:00Z',
  'NaN',
  '-',
  '.5',
  "'%00'",
  "('a','b')",
];
const NOISE = [
  '(',
  ')',
  ',',
  "'",
  '"',
  '\\',
  '$',
  '%',
  '%25',
  '%00',
  '\u0000',
  '\uffff',
  '\ud800',
  '🙂',
  ';',
  '--',
  '/*',
  '*/',
  'DROP TABLE observation',
  '    ',
];

function filter(g: ReturnType<typeof random>): string {
  const parts: string[] = [];
  const n = 1 + g.int(12);
  for (let i = 0; i < n; i++) {
    const r = g.next();
    if (r < 0.3) parts.push(g.pick(PROPERTIES));
    else if (r < 0.55) parts.push(g.pick(OPERATORS));
    else if (r < 0.8) parts.push(g.pick(LITERALS));
    else if (r < 0.9)
      parts.push(
        `${g.pick(['contains', 'startswith', 'endswith', 'substringof', 'tolower', 'length', 'x'])}(${g.pick(PROPERTIES)},${g.pick(LITERALS)})`,
      );
    else parts.push(g.pick(NOISE));
  }
  // Now and then a well-formed filter, so the SQL path is exercised too.
  if (g.next() < 0.2) return `${g.pick(PROPERTIES)} ${g.pick(OPERATORS.slice(0, 6))} ${g.pick(LITERALS)}`;
  return parts.join(g.next() < 0.8 ? ' ' : '');
}

function number(g: ReturnType<typeof random>): string {
  return g.pick([
    '0',
    '1',
    '10',
    '-1',
    '1.5',
    '1e9',
    '99999999999999999999',
    'abc',
    '',
    ' 3',
    '9007199254740993',
    '10001',
    '0x10',
  ]);
}

function url(g: ReturnType<typeof random>): string {
  const path = g.pick(PATHS);
  const options: string[] = [];
  for (const [name, value] of [
    ['$filter', () => filter(g)],
    [
      '$select',
      () => Array.from({ length: 1 + g.int(4) }, () => g.pick([...PROPERTIES, '*', '', ' '])).join(','),
    ],
    ['$orderby', () => `${g.pick(PROPERTIES)} ${g.pick(['asc', 'desc', 'up', ''])}`],
    ['$top', () => number(g)],
    ['$skip', () => number(g)],
    ['$count', () => g.pick(['true', 'false', 'yes', ''])],
    ['$format', () => g.pick(['json', 'xml', 'atom', 'application/json', ''])],
    ['$expand', () => 'x'],
  ] as const) {
    if (g.next() < (name === '$expand' ? 0.03 : 0.35)) options.push(`${name}=${encode(value(), g)}`);
  }
  // Full pages (10,000 rows) are valid and slow; most requests ask for a few rows.
  if (!options.some((o) => o.startsWith('$top=')) && g.next() < 0.95) options.push(`$top=${g.int(20)}`);
  if (g.next() < 0.01) options.push(`$filter=${'('.repeat(5000)}`);
  if (g.next() < 0.01) options.push(`x=${'a'.repeat(20_000 + g.int(50_000))}`);
  return options.length > 0 ? `${path}?${options.join('&')}` : path;
}

// Mostly proper percent-encoding; sometimes raw characters a sloppy client sends.
function encode(text: string, g: ReturnType<typeof random>): string {
  if (g.next() < 0.8) return encodeURIComponent(text.replace(/[\ud800-\udfff]/g, '?'));
  return text
    .replace(/[^\x21-\x7e]/g, (c) => encodeURIComponent(c.replace(/[\ud800-\udfff]/g, '?')))
    .replace(/[&#]/g, '');
}

function get(base: URL, path: string, agent: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const r = request({ host: base.hostname, port: base.port, path, agent, method: 'GET' }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
      response.on('error', reject);
    });
    r.on('error', reject);
    r.end();
  });
}

describe('fuzzing the OData, StatLine and catalogue routes', () => {
  it(`${REQUESTS} random and malformed requests: only 2xx/4xx, server up, memory bounded`, async () => {
    const base = new URL(world.server.url);
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    const g = random(20240611);
    const urls = Array.from({ length: REQUESTS }, () => url(g));
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    const before = process.memoryUsage().rss;
    let next = 0;
    const worker = async () => {
      while (next < urls.length) {
        const path = urls[next++]!;
        const status = await get(base, path, agent).catch((e: Error) => {
          failures.push(`${e.message}: ${path.slice(0, 200)}`);
          return 0;
        });
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (status >= 500 || status === 0) failures.push(`${status} ${path.slice(0, 300)}`);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    agent.destroy();
    expect(failures.slice(0, 20)).toEqual([]);
    // Bad input is mostly refused; some requests are valid and answered.
    expect(statuses.get(400) ?? 0).toBeGreaterThan(REQUESTS / 4);
    expect(statuses.get(200) ?? 0).toBeGreaterThan(REQUESTS / 20);
    expect((await fetch(`${world.server.url}/odata/v4/Datasets`)).status).toBe(200);
    expect((await fetch(`${world.server.url}/api/v1/health`)).status).toBe(200);
    const growth = (process.memoryUsage().rss - before) / 1024 / 1024;
    expect(growth).toBeLessThan(600);
  }, 600_000);
});
