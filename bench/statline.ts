// Import of a 1M-observation StatLine v4 table served page by page from the loopback replay server
// (test/helpers/replay-server.ts, in its own process: bench/statline-server.ts), through the whole
// udc path (HTTP, page cache, the engine's bulk read of the cached pages with normalisation in SQL,
// ingest with validation), against DuckDB's own read_json of the same page files into the same
// observation table, in the same run. The pages are SYNTHETIC (arithmetic values) in the exact
// shape of datasets.cbs.nl's Observations; the region codes are real 2020 CBS buurt codes, so
// region validation does real work.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { StatlineClient, importTable } from '../src/sources/statline/index.js';
import { migrate, openDuckDBStore } from '../src/store/index.js';
import { file, json, type ReplayServer } from '../test/helpers/replay-server.js';
import type { BenchOptions, BenchResult } from './types.js';

const here = dirname(fileURLToPath(import.meta.url));
const PAGE_SIZE = 10_000;
const TABLE = 'BENCHSYN';
const YEARS = Array.from({ length: 8 }, (_, i) => `${2016 + i}JJ00`);
const SEXES = ['3000', '4000'];

export async function run({ quick }: BenchOptions): Promise<BenchResult> {
  const rows = quick ? 200_000 : 1_000_000;
  const payload = await syntheticPayload(rows);
  const work = await mkdtemp(join(tmpdir(), 'udc-bench-statline-'));
  const server = await startServerProcess(payload, work);
  try {
    // Alternating rounds (reference, udc, reference, udc, ...), each udc round with an empty
    // cache and a fresh database; the median of each side counts, so neither gets the best of
    // more tries than the other.
    const rounds = quick ? 1 : 5;
    const references: number[] = [];
    const udcs: { seconds: number; transfer: number }[] = [];
    for (let i = 0; i < rounds; i++) {
      references.push(await duckdbReadJson(payload.dir, join(work, `ref${i}.duckdb`), rows));
      const round = join(work, `udc${i}`);
      await mkdir(round);
      udcs.push(await udcImport(server.url, round, rows));
    }
    const reference = median(references);
    const udc = [...udcs].sort((a, b) => a.seconds - b.seconds)[Math.floor(udcs.length / 2)]!;
    const ratio = udc.seconds / reference;
    return {
      name: 'statline',
      figures: [
        {
          name: 'udc statline import time',
          value: udc.seconds,
          unit: 's',
          reference: 'DuckDB read_json of the same pages into the same table',
          referenceValue: reference,
          ratio,
          goal: 'ratio <= 2',
          met: ratio <= 2,
        },
        {
          name: 'udc statline import rate',
          value: rows / udc.seconds,
          unit: 'rows/s',
          reference: 'DuckDB read_json',
          referenceValue: rows / reference,
          ratio: reference / udc.seconds,
        },
        { name: 'of which transfer (HTTP + page cache)', value: udc.transfer, unit: 's' },
      ],
      notes: [
        `${rows.toLocaleString('en-US')} observations in ${payload.pages} pages of ${PAGE_SIZE.toLocaleString('en-US')} (v4 Observations shape, @odata.nextLink paging), SYNTHETIC values on real 2020 buurt codes`,
        'udc: HTTP on loopback, each page checked as far as its envelope (next link read from the ends of the bytes, no JSON.parse) and written to the cache; then DuckDB reads the cached pages in one read_json with the normalisation in SQL (bulk.ts) straight into observation (the table is clean), and ingest proves every number, region, period, variable and key valid and unique before the commit, atomically (an unclean table is staged and checked row by row instead)',
        'reference: DuckDB read_json + unnest of the same page files on disk, no validation, no HTTP',
        `median of ${rounds} alternating rounds; udc rounds (s): ${udcs
          .map((u) => u.seconds.toFixed(2))
          .join(', ')}; reference rounds (s): ${references.map((r) => r.toFixed(2)).join(', ')}`,
        "the replay server runs in its own process (bench/statline-server.ts), as CBS's server is not in the importing process; it serves the page files as they lie on disk",
      ],
    };
  } finally {
    await server.stop();
    await rm(work, { recursive: true, force: true });
  }
}

/** What the server process needs to serve the synthetic table (written to a JSON file for it). */
export interface Payload {
  dir: string;
  pages: number;
  properties: unknown;
  dimensions: unknown;
  measureCodes: unknown;
  codes: Record<string, unknown>;
}

/** Starts bench/statline-server.ts in its own process, serving `payload`; stop() ends it. */
async function startServerProcess(
  payload: Payload,
  work: string,
): Promise<{ url: string; stop: () => Promise<void> }> {
  const description = join(work, 'payload.json');
  await writeFile(description, JSON.stringify(payload));
  const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'statline-server.ts'), description], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const { url } = await new Promise<{ url: string }>((resolve, reject) => {
    child.once('exit', (code) =>
      reject(new Error(`the replay server process exited (${code}) before it listened`)),
    );
    lines.once('line', (line) => resolve(JSON.parse(line) as { url: string }));
  });
  return {
    url,
    stop: () =>
      new Promise((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(kill);
          done();
        });
        child.stdin!.end();
      }),
  };
}

/** Routes the synthetic table's metadata and pages on `server` (in the server process). */
export function serveSynthetic(server: ReplayServer, p: Payload): void {
  const base = `/odata/v1/CBS/${TABLE}`;
  server.route(`${base}/Properties`, json(p.properties));
  server.route(`${base}/Dimensions`, json(p.dimensions));
  server.route(`${base}/MeasureCodes`, json(p.measureCodes));
  for (const [d, codes] of Object.entries(p.codes)) server.route(`${base}/${d}Codes`, json(codes));
  server.route(`${base}/Observations`, (request, response, url, hit) => {
    const page = Math.floor(Number(url.searchParams.get('$skip') ?? 0) / PAGE_SIZE) + 1;
    return file(pageFile(p.dir, page))(request, response, url, hit);
  });
}

async function udcImport(
  url: string,
  work: string,
  rows: number,
): Promise<{ seconds: number; transfer: number }> {
  const store = await openDuckDBStore({ path: join(work, 'udc.duckdb') });
  await migrate(store);
  const client = new StatlineClient({ baseUrl: `${url}/odata/v1`, cacheDir: join(work, 'statline-cache') });
  const started = performance.now();
  let transferred = 0;
  const result = await importTable(store, client, TABLE, {
    onProgress: (n) => {
      if (n === rows) transferred = performance.now();
    },
  });
  const seconds = (performance.now() - started) / 1000;
  await store.close();
  if (result.report.outcome !== 'stored' || result.report.rowsStored !== rows) {
    throw new Error(
      `udc statline import stored ${result.report.rowsStored} of ${rows} rows: ${JSON.stringify(result.report.issues.slice(0, 3))}`,
    );
  }
  return { seconds, transfer: (transferred - started) / 1000 };
}

async function duckdbReadJson(dir: string, database: string, rows: number): Promise<number> {
  const store = await openDuckDBStore({ path: database });
  await migrate(store);
  const started = performance.now();
  const stored = await store.run(
    `INSERT INTO observation (dataset, variable, region, period, categories, value, status)
     SELECT 'bench', o.Measure, o.RegioS, o.Perioden, 'Geslacht=' || o.Geslacht, o.Value, 'final'
     FROM (SELECT unnest(value) AS o FROM read_json($1, format = 'auto', maximum_object_size = 268435456))`,
    [join(dir, 'page-*.json')],
  );
  const seconds = (performance.now() - started) / 1000;
  await store.close();
  if (stored !== rows) throw new Error(`read_json stored ${stored} of ${rows} rows`);
  return seconds;
}

function pageFile(dir: string, page: number): string {
  return join(dir, `page-${String(page).padStart(5, '0')}.json`);
}

/** Writes (once, cached under bench/.cache) the pages and metadata of a synthetic table with `rows` observations. */
async function syntheticPayload(rows: number): Promise<Payload> {
  const dir = join(here, '.cache', `statline-v4-synthetic-${rows}`);
  const buurten = await buurtCodes();
  const variables = Math.ceil(rows / (buurten.length * YEARS.length * SEXES.length));
  const measures = Array.from({ length: variables }, (_, i) => `M${String(i + 1).padStart(6, '0')}`);
  const pages = Math.ceil(rows / PAGE_SIZE);
  const context = `https://datasets.cbs.nl/odata/v1/CBS/${TABLE}/$metadata`;
  const payload: Payload = {
    dir,
    pages,
    properties: {
      '@odata.context': `${context}#Properties`,
      Identifier: TABLE,
      Title: 'SYNTHETIC benchmark table (not CBS figures)',
      Language: 'nl',
      Modified: '2026-01-01T00:00:00+01:00',
      Catalog: 'CBS',
      License: 'https://creativecommons.org/licenses/by/4.0/',
      TemporalCoverage: '2016 - 2023',
      ObservationCount: rows,
    },
    dimensions: {
      '@odata.context': `${context}#Dimensions`,
      value: [
        { Identifier: 'Geslacht', Title: 'Geslacht', Kind: 'Dimension', MapYear: null },
        { Identifier: 'RegioS', Title: "Regio's", Kind: 'GeoDimension', MapYear: '' },
        { Identifier: 'Perioden', Title: 'Perioden', Kind: 'TimeDimension', MapYear: null },
      ],
    },
    measureCodes: {
      '@odata.context': `${context}#MeasureCodes`,
      value: measures.map((m, i) => ({
        Identifier: m,
        Index: i + 1,
        Title: `Aantal ${i + 1}`,
        DataType: 'Long',
        Unit: 'aantal',
        Decimals: 0,
        PresentationType: 'Absolute',
        MeasureGroupId: null,
      })),
    },
    codes: {
      Geslacht: {
        value: SEXES.map((s) => ({ Identifier: s, Title: s === '3000' ? 'Mannen' : 'Vrouwen', Index: 1 })),
      },
      RegioS: {
        value: buurten.map((b, i) => ({ Identifier: b, Title: b, Index: i + 1, DimensionGroupId: 'BU' })),
      },
      Perioden: {
        value: YEARS.map((y, i) => ({
          Identifier: y,
          Title: y.slice(0, 4),
          Index: i + 1,
          Status: 'Definitief',
        })),
      },
    },
  };
  if (existsSync(pageFile(dir, pages))) return payload;
  await mkdir(dir, { recursive: true });
  let id = 0;
  let value: Record<string, unknown>[] = [];
  let page = 1;
  const flush = async () => {
    const body: Record<string, unknown> = { '@odata.context': `${context}#Observations`, value };
    if (id < rows)
      body['@odata.nextLink'] = `https://datasets.cbs.nl/odata/v1/CBS/${TABLE}/Observations?$skip=${id}`;
    const target = pageFile(dir, page++);
    await writeFile(`${target}.tmp`, JSON.stringify(body));
    await rename(`${target}.tmp`, target);
    value = [];
  };
  outer: for (const measure of measures)
    for (const period of YEARS)
      for (const sex of SEXES)
        for (const region of buurten) {
          if (id === rows) break outer;
          value.push({
            Id: id,
            Measure: measure,
            ValueAttribute: 'None',
            Value: (id * 7919) % 100_003,
            StringValue: null,
            Geslacht: sex,
            RegioS: region,
            Perioden: period,
          });
          id++;
          if (value.length === PAGE_SIZE) await flush();
        }
  if (value.length > 0) await flush();
  return payload;
}

async function buurtCodes(): Promise<string[]> {
  const text = await readFile(
    join(here, '../data/regions/kwb2020_84799NED_wijkenbuurten_codelijst.csv'),
    'utf8',
  ).catch(() =>
    readFile(join(here, '../../shared/data/regions/kwb2020_84799NED_wijkenbuurten_codelijst.csv'), 'utf8'),
  );
  return text
    .split('\n')
    .slice(1)
    .map((l) => l.split(',')[0]!)
    .filter((c) => c.startsWith('BU'));
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
