// `udc indicators` through main(argv), on a database made by `udc init --demo` (real CBS data).
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';

let dir: string;
let out: string[];
let errors: string[];
const db = () => join(dir, 'udc.duckdb');
const text = () => out.join('');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'udc-cli-indicators-'));
}, 60_000);
afterAll(() => rm(dir, { recursive: true, force: true }));
beforeEach(() => {
  out = [];
  errors = [];
  vi.restoreAllMocks();
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (errors.push(String(chunk)), true));
});

describe('udc indicators', () => {
  it('lists and checks the library before any database exists', async () => {
    expect(await main(['indicators', 'list', '--database', db(), '--theme', 'wonen'])).toBe(0);
    expect(text()).toMatch(/gemiddelde_verkoopprijs/);
    expect(text()).toMatch(/5 indicators/);
    out = [];
    expect(await main(['indicators', 'check', '--database', db()])).toBe(0);
    expect(text()).toMatch(/52 indicators in 8 themes: definitions and formulas are valid/);
    expect(text()).toMatch(/No database yet/);
    expect(await main(['indicators', 'list', '--theme', 'weer', '--database', db()])).toBe(2);
  });

  it('init --demo builds the library; build again changes nothing; show gives lineage and values', async () => {
    expect(await main(['init', '--demo', '--database', db()])).toBe(0);
    expect(text()).toMatch(/Built 50 indicators/);
    out = [];
    expect(await main(['indicators', 'build', '--database', db()])).toBe(0);
    expect(text()).toMatch(/Built 0 indicators .*; 50 unchanged/);
    expect(text()).toMatch(
      /not buildable: misdrijven_per_1000_inwoners: dataset cbs-47013ned-misdrijven is not in the store \(CBS table 47013NED fills it\)/,
    );
    out = [];
    expect(await main(['indicators', 'show', 'autos_per_huishouden', '--json', '--database', db()])).toBe(0);
    const shown = JSON.parse(text()) as {
      datasets: string[];
      lineage: { dataset: string; version: number }[];
      values: { level: string; year: number; values: number }[];
    };
    expect(shown.datasets).toEqual(['cbs-kwb']);
    expect(shown.lineage).toEqual([expect.objectContaining({ dataset: 'cbs-kwb', version: 2 })]);
    expect(shown.values.find((v) => v.level === 'buurt' && v.year === 2020)!.values).toBeGreaterThan(700);
    out = [];
    expect(await main(['indicators', 'check', '--database', db()])).toBe(0);
    expect(text()).toMatch(/50 can be built from the datasets in the store/);
  }, 180_000);

  it('exits 1 with file, line and column for a broken definition', async () => {
    const lib = join(dir, 'lib');
    await mkdir(lib, { recursive: true });
    await writeFile(join(lib, 'sources.yaml'), 'kwb:\n  dataset: cbs-kwb\n');
    await writeFile(
      join(lib, 'wonen.yaml'),
      'theme: wonen\ntitle: { nl: Wonen, en: Housing }\nindicators:\n  - id: x\n    title: { nl: X, en: X }\n    description: { nl: X, en: X }\n    unit: "%"\n    decimals: 1\n    better: maybe\n    formula: kwb.Woningvoorraad\n',
    );
    expect(await main(['indicators', 'check', '--library', lib, '--database', db()])).toBe(1);
    expect(errors.join('')).toMatch(/wonen\.yaml: line 9, column 13: indicators\.0\.better: Invalid option/);
    expect(await main(['indicators', 'build', '--boundary-year', 'next', '--database', db()])).toBe(2);
  });
});
