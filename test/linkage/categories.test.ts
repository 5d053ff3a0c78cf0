// Text and PC4 columns with few values are stored as categories (the engine's ENUM), on SYNTHETIC data:
// the stored values are exactly the file's, however they are written (quotes, the delimiter,
// apostrophes, spaces, non-ASCII, empty), and a column with too many values stays text.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bsnFromBody,
  createKeyFile,
  createProject,
  importMicrodata,
  linkDeterministic,
  parseImportConfig,
} from '../../src/linkage/index.js';
import { CategoryCounter, enumType, MAX_CATEGORIES, sortCategories } from '../../src/linkage/categories.js';
import { splitCsvLine } from '../../src/sources/files/csv-dialect.js';
import { migrate, openDuckDBStore, type Store } from '../../src/store/index.js';

let dir: string;
let store: Store;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'udc-categories-'));
  store = await openDuckDBStore({ path: join(dir, 'udc.duckdb') });
  await migrate(store);
  await createKeyFile(join(dir, 'keys.txt'));
  await createProject(store, {
    id: 'wijk',
    question: 'Which support do residents of each wijk receive?',
    datasets: ['ondersteuning', 'ondersteuning_klein'],
    analysts: ['ana'],
    endDate: '2099-12-31',
    keySource: { kind: 'file', path: join(dir, 'keys.txt') },
    actor: 'ana',
  });
});

afterAll(async () => {
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

/** The i-th valid BSN from 100000000 on (SYNTHETIC: numbers, not persons). */
const valid: string[] = [];
let body = 10_000_000;
function bsnOf(i: number): string {
  while (valid.length <= i) {
    const bsn = bsnFromBody(body++);
    if (bsn) valid.push(bsn);
  }
  return valid[i]!;
}

/** The values a column should hold: each field as the CSV dialect reads it, empty as missing. */
const expected = (lines: string[], i: number) =>
  lines.slice(1).map((l) => {
    const v = splitCsvLine(l, ',')[i]!;
    return v === '' ? null : v;
  });

describe('categories', () => {
  it('counts distinct values per column up to the limit, and orders them as the engine orders text', () => {
    const counter = new CategoryCounter([true, true, false]);
    const bytes = Buffer.from('MVMMĲssel');
    counter.add(0, bytes, 0, 1);
    counter.add(0, bytes, 1, 2);
    counter.add(0, bytes, 2, 3);
    counter.add(0, bytes, 3, 3); // empty: no category
    counter.add(1, bytes, 4, bytes.length);
    counter.add(2, bytes, 0, 1);
    for (let i = 0; i <= MAX_CATEGORIES; i++) counter.addText(1, `waarde ${i}`);
    expect(counter.values()).toEqual([['M', 'V'], null, null]);
    expect(sortCategories(['b', 'Ĳ', 'B', 'a'])).toEqual(['B', 'a', 'b', 'Ĳ']);
    expect(enumType(["'s-Hertogenbosch", 'Groningen'])).toBe("ENUM('''s-Hertogenbosch', 'Groningen')");
  });

  it('stores few-valued text columns as categories holding exactly the values of the file', async () => {
    const header = 'bsn,naam,voorziening,wijkteam,toelichting,dossier,postcode';
    const rows = 40_000;
    const lines = [header];
    const teams = [
      "'s-Gravendijkwal",
      '"Hoofdweg, oost"',
      '"De ""Oude"" Markt"',
      ' Dorpswijkteam ',
      'Ĳsselmonde',
      'Herewijkteam',
      '',
    ];
    const remarks = ['', 'spoed', 'geen', 'na overleg'];
    // A quoted postcode sends its line through the string functions; both paths count its PC4.
    const postcodes = ['9711 AB', '9712CD', '"9401 EF"', ' 9711', '', '9402 gh'];
    for (let i = 0; i < rows; i++)
      lines.push(
        `${bsnOf(i)},Naam ${i} (synthetisch),${['hulpmiddel', 'begeleiding', 'vervoer'][i % 3]},${teams[i % teams.length]},${remarks[i % remarks.length]},D${i},${postcodes[i % postcodes.length]}`,
      );
    const file = join(dir, 'synthetic_ondersteuning.csv');
    await writeFile(file, lines.join('\n') + '\n');
    const config = parseImportConfig(
      { synthetic: true, columns: { bsn: 'bsn', naam: 'drop', dossier: 'text', postcode: 'pc4' } },
      'ondersteuning',
    );
    // In worker threads: each chunk counts its values, the import merges them.
    const summary = await importMicrodata(store, {
      project: 'wijk',
      dataset: 'ondersteuning',
      file,
      config,
      actor: 'ana',
      threads: 2,
    });
    const types = Object.fromEntries(
      (
        await store.all<{ c: string; t: string }>(
          `SELECT column_name AS c, data_type AS t FROM duckdb_columns() WHERE table_name = 'wijk__ondersteuning'`,
        )
      ).map((r) => [r.c, r.t]),
    );
    expect(types['voorziening']).toBe("ENUM('begeleiding', 'hulpmiddel', 'vervoer')");
    expect(types['wijkteam']).toMatch(/^ENUM\(/);
    expect(types['toelichting']).toBe("ENUM('geen', 'na overleg', 'spoed')");
    // More values than a category may have: text.
    expect(types['dossier']).toBe('VARCHAR');
    expect(types['postcode_pc4']).toBe("ENUM('9401', '9402', '9711', '9712')");
    expect(summary.columns.find((c) => c.name === 'wijkteam')!.categories).toBe(teams.length - 1);
    expect(summary.columns.find((c) => c.name === 'dossier')!.categories).toBeUndefined();

    const stored = await store.all<Record<string, string | null>>(
      `SELECT voorziening, wijkteam, toelichting, dossier, postcode_pc4 FROM linkage.wijk__ondersteuning ORDER BY dossier[2:]::INTEGER`,
    );
    expect(stored.map((r) => r['voorziening'])).toEqual(expected(lines, 2));
    expect(stored.map((r) => r['wijkteam'])).toEqual(expected(lines, 3));
    expect(stored.map((r) => r['toelichting'])).toEqual(expected(lines, 4));
    expect(stored.map((r) => r['dossier'])).toEqual(expected(lines, 5));
    expect(stored.map((r) => r['postcode_pc4'])).toEqual(
      expected(lines, 6).map((p) => p?.trim().slice(0, 4) ?? null),
    );
    // Sorted as text sorts, grouped and compared with text.
    const sorted = await store.all<{ s: string }>(
      `SELECT DISTINCT wijkteam AS s FROM linkage.wijk__ondersteuning WHERE wijkteam IS NOT NULL ORDER BY wijkteam`,
    );
    expect(sorted.map((r) => r.s)).toEqual(sortCategories(sorted.map((r) => r.s)));
    const found = await store.one<{ n: number }>(
      `SELECT count(*) AS n FROM linkage.wijk__ondersteuning WHERE wijkteam = $1`,
      ['Hoofdweg, oost'],
    );
    expect(found!.n).toBe(Math.ceil((rows - 1) / teams.length));
  });

  it('keeps the categories through a link and when the base is replaced', async () => {
    const lines = ['bsn,voorziening'];
    for (let i = 0; i < 200; i++) lines.push(`${bsnOf(i)},${i % 2 ? 'vervoer' : 'begeleiding'}`);
    const file = join(dir, 'synthetic_ondersteuning_klein.csv');
    await writeFile(file, lines.join('\n') + '\n');
    await importMicrodata(store, {
      project: 'wijk',
      dataset: 'ondersteuning_klein',
      file,
      config: parseImportConfig({ synthetic: true, columns: { bsn: 'bsn' } }, 'klein'),
      actor: 'ana',
    });
    await linkDeterministic(store, {
      project: 'wijk',
      actor: 'ana',
      base: 'ondersteuning',
      with: ['ondersteuning_klein'],
      output: 'samen',
    });
    const combinations = async () =>
      (
        await store.all<{ v: string; k: string; n: number }>(
          `SELECT voorziening AS v, ondersteuning_klein_voorziening AS k, count(*) AS n FROM linkage.wijk__samen
            WHERE n_ondersteuning_klein = 1 GROUP BY ALL ORDER BY ALL`,
        )
      ).map((r) => `${r.v}/${r.k}: ${r.n}`);
    // Person i has support ['hulpmiddel', 'begeleiding', 'vervoer'][i % 3] in the first file.
    const want = new Map<string, number>();
    for (let i = 0; i < 200; i++) {
      const key = `${['hulpmiddel', 'begeleiding', 'vervoer'][i % 3]}/${i % 2 ? 'vervoer' : 'begeleiding'}`;
      want.set(key, (want.get(key) ?? 0) + 1);
    }
    const expectedCombinations = [...want].map(([k, n]) => `${k}: ${n}`).sort();
    expect(await combinations()).toEqual(expectedCombinations);
    // The base replaced by a file of its first 100 persons: the link keeps its rows and categories.
    const base = join(dir, 'synthetic_ondersteuning_100.csv');
    await writeFile(base, ['bsn,voorziening', ...lines.slice(1, 101)].join('\n') + '\n');
    await importMicrodata(store, {
      project: 'wijk',
      dataset: 'ondersteuning',
      file: base,
      config: parseImportConfig({ synthetic: true, columns: { bsn: 'bsn' } }, 'ondersteuning'),
      actor: 'ana',
      replace: true,
    });
    expect(await combinations()).toEqual(expectedCombinations);
    const type = await store.one<{ t: string }>(
      `SELECT data_type AS t FROM duckdb_columns() WHERE table_name = 'wijk__samen' AND column_name = 'voorziening'`,
    );
    expect(type!.t).toBe("ENUM('begeleiding', 'hulpmiddel', 'vervoer')");
  });
});
