// Import of a generated long-form CSV through `udc import` (validation on), against DuckDB's own
// read_csv into the same observation table, in the same run. The values are SYNTHETIC (random);
// the region codes are the real 2020 CBS buurt codes, so region validation does real work.
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import { main } from '../src/cli/main.js';
import { migrate, openDuckDBStore } from '../src/store/index.js';
import type { BenchOptions, BenchResult } from './types.js';

const here = dirname(fileURLToPath(import.meta.url));

export async function run({ quick }: BenchOptions): Promise<BenchResult> {
  const rows = quick ? 1_000_000 : 10_000_000;
  const file = await syntheticCsv(rows);
  const size = (await stat(file)).size;
  const work = await mkdtemp(join(tmpdir(), 'udc-bench-import-'));
  try {
    // Reference first, then udc, then the reference again: the better reference time counts, so
    // a cold file cache does not flatter udc.
    const reference1 = await duckdbReadCsv(file, join(work, 'ref1.duckdb'));
    const udc = await udcImport(file, join(work, 'udc.duckdb'));
    const reference2 = await duckdbReadCsv(file, join(work, 'ref2.duckdb'));
    const reference = Math.min(reference1, reference2);
    const ratio = udc / reference;
    return {
      name: 'import',
      figures: [
        {
          name: 'udc import time',
          value: udc,
          unit: 's',
          reference: 'DuckDB read_csv into the same table',
          referenceValue: reference,
          ratio,
          goal: 'ratio <= 2',
          met: ratio <= 2,
        },
        {
          name: 'udc import rate',
          value: rows / udc,
          unit: 'rows/s',
          reference: 'DuckDB read_csv',
          referenceValue: rows / reference,
          ratio: reference / udc,
        },
      ],
      notes: [
        `${rows.toLocaleString('en-US')} rows, ${(size / 2 ** 20).toFixed(0)} MiB, ';'-separated with decimal commas; synthetic values on real 2020 buurt codes`,
        'udc validates every region code and period, every number, and uniqueness of (region, period, variable), atomically',
      ],
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function udcImport(file: string, database: string): Promise<number> {
  const started = performance.now();
  const code = await main(
    [
      'import',
      file,
      '--database',
      database,
      '--dataset',
      'bench',
      '--long',
      '--region',
      'regio',
      '--period',
      'periode',
      '--variable',
      'variabele',
      '--value',
      'waarde',
      '--json',
    ].concat([]),
  );
  if (code !== 0) throw new Error(`udc import failed with exit code ${code}`);
  return (performance.now() - started) / 1000;
}

async function duckdbReadCsv(file: string, database: string): Promise<number> {
  const store = await openDuckDBStore({ path: database });
  await migrate(store);
  const started = performance.now();
  await store.run(
    `INSERT INTO observation (dataset, variable, region, period, categories, value, status)
     SELECT 'bench', variabele, regio, periode, '', CAST(replace(waarde, ',', '.') AS DOUBLE), 'final'
     FROM read_csv($1, delim = ';', header = true, auto_detect = false,
                   columns = {'regio': 'VARCHAR', 'periode': 'VARCHAR', 'variabele': 'VARCHAR', 'waarde': 'VARCHAR'})`,
    [file],
  );
  // Closing checkpoints the data into the file; `udc import` pays that too, so both are timed to it.
  await store.close();
  return (performance.now() - started) / 1000;
}

/** Writes (once, cached under bench/.cache) a long CSV with `rows` rows. */
async function syntheticCsv(rows: number): Promise<string> {
  const dir = join(here, '.cache');
  const file = join(dir, `synthetic-long-${rows}.csv`);
  if (existsSync(file)) return file;
  await mkdir(dir, { recursive: true });
  const codes = (
    await readFile(join(here, '../data/regions/kwb2020_84799NED_wijkenbuurten_codelijst.csv'), 'utf8').catch(
      () =>
        readFile(
          join(here, '../../shared/data/regions/kwb2020_84799NED_wijkenbuurten_codelijst.csv'),
          'utf8',
        ),
    )
  )
    .split('\n')
    .slice(1)
    .map((l) => l.split(',')[0]!)
    .filter((c) => c.startsWith('BU'));
  const years = Array.from({ length: 8 }, (_, i) => `${2016 + i}JJ00`);
  const variables = Math.ceil(rows / (codes.length * years.length));
  const out = createWriteStream(`${file}.tmp`);
  out.write('regio;periode;variabele;waarde\n');
  let seed = 42;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  let written = 0;
  let chunk = '';
  outer: for (let v = 1; v <= variables; v++) {
    const variable = `v${String(v).padStart(3, '0')}`;
    for (const year of years) {
      for (const code of codes) {
        if (written === rows) break outer;
        chunk += `${code};${year};${variable};${Math.floor(random() * 100_000)},${Math.floor(random() * 10)}\n`;
        written++;
        if (chunk.length > 1 << 20) {
          if (!out.write(chunk)) await once(out, 'drain');
          chunk = '';
        }
      }
    }
  }
  out.write(chunk);
  out.end();
  await once(out, 'finish');
  const { rename } = await import('node:fs/promises');
  await rename(`${file}.tmp`, file);
  return file;
}
