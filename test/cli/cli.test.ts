import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { POPULATION_CSV, populationLines } from '../sources/files/fixtures.js';

let dir: string;
let out: string[];
let errors: string[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'udc-cli-'));
  out = [];
  errors = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (errors.push(String(chunk)), true));
  process.exitCode = undefined;
});
afterEach(async () => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
  await rm(dir, { recursive: true, force: true });
});

const udc = (...args: string[]) => main([...args]);
const db = () => join(dir, 'udc.duckdb');
const importArgs = () => [
  '--database',
  db(),
  '--dataset',
  'bevolking',
  '--region',
  'regio_code',
  '--period',
  'jaar',
  '--ignore',
  'regio_naam',
  'provincie_code',
];

describe('udc command', () => {
  it('init creates a database at the newest schema', async () => {
    expect(await udc('init', '--database', db())).toBe(0);
    expect(out.join('')).toMatch(/is at schema version \d+/);
  });

  it('import stores a file and reports the counts; datasets lists it; sql reads it', async () => {
    expect(await udc('import', POPULATION_CSV, ...importArgs())).toBe(0);
    const rows = populationLines().length - 1;
    expect(out.join('')).toMatch(
      new RegExp(`${rows * 2} values read, ${rows * 2} observations stored, 0 rejected`),
    );
    out.length = 0;
    expect(await udc('datasets', '--database', db(), '--json')).toBe(0);
    expect(JSON.parse(out.join(''))).toEqual([
      expect.objectContaining({ id: 'bevolking', observations: rows * 2, confidentiality: 'internal' }),
    ]);
    out.length = 0;
    expect(
      await udc(
        'sql',
        "SELECT value FROM observation WHERE region = 'GM0014' AND period = '2019JJ00' AND variable = 'bevolking_1_januari'",
        '--database',
        db(),
        '--output',
        'json',
      ),
    ).toBe(0);
    expect(JSON.parse(out.join(''))).toEqual([{ value: 231299 }]);
  });

  it('a rejected import exits 1 and names row, column and value', async () => {
    const lines = populationLines().slice(0, 5);
    lines[2] = lines[2]!.replace(/,20\d\d,/, ',2020MM13,');
    const file = join(dir, 'bad.csv');
    await writeFile(file, lines.join('\n'));
    expect(await udc('import', file, ...importArgs())).toBe(1);
    expect(out.join('')).toMatch(/Rejected .*bad\.csv: nothing was imported/);
    expect(out.join('')).toMatch(/row 3, column "jaar": "2020MM13" is not a valid period/);
  });

  it('sql cannot write: the database is opened read-only', async () => {
    await udc('init', '--database', db());
    expect(await udc('sql', 'DELETE FROM dataset', '--database', db())).toBe(1);
    expect(errors.join('')).toMatch(/read-only/i);
  });

  it('usage errors exit 2 with a hint; a missing file exits 1 with its name', async () => {
    expect(await udc('import', POPULATION_CSV, '--database', db())).toBe(2);
    expect(errors.join('')).toMatch(/--dataset/);
    expect(await udc('import', join(dir, 'nope.csv'), ...importArgs())).toBe(1);
    expect(errors.join('')).toMatch(/nope\.csv: the file does not exist/);
    expect(await udc('frobnicate')).toBe(2);
  });

  it('sql on a database that does not exist says to run init', async () => {
    expect(await udc('sql', 'SELECT 1', '--database', join(dir, 'none.duckdb'))).toBe(3);
    expect(errors.join('')).toMatch(/run `udc init` first/);
  });

  it('--help works on every command', async () => {
    for (const command of ['init', 'import', 'datasets', 'sql', 'serve']) {
      out.length = 0;
      expect(await udc(command, '--help')).toBe(0);
      expect(out.join('')).toMatch(new RegExp(`Usage: udc ${command}`));
    }
  });
});
