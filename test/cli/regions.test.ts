import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';

let dir: string;
let out: string[];
let errors: string[];
const db = () => join(dir, 'udc.duckdb');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'udc-regions-cli-'));
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  expect(await main(['init', '--demo', '--database', db()])).toBe(0);
}, 120_000);
afterAll(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  vi.restoreAllMocks();
  out = [];
  errors = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (errors.push(String(chunk)), true));
});

describe('udc regions', () => {
  it('tree shows gemeente -> wijk -> buurt of a year', async () => {
    expect(
      await main(['regions', 'tree', 'GM0014', '--year', '2020', '--depth', '2', '--database', db()]),
    ).toBe(0);
    const lines = out.join('').split('\n');
    expect(lines.slice(0, 3)).toEqual([
      'GM0014 Groningen (gemeente) (gemeente)',
      '  WK001400 Centrum (wijk)',
      '    BU00140000 Binnenstad-Noord (buurt)',
    ]);
    expect(lines.filter((l) => /^ {2}WK0014/.test(l))).toHaveLength(20);
  });

  it('list --parent gives the members of a custom region in an earlier year', async () => {
    expect(
      await main(['regions', 'list', '--year', '2018', '--parent', 'X_RGA', '--json', '--database', db()]),
    ).toBe(0);
    const codes = (JSON.parse(out.join('')) as { code: string }[]).map((r) => r.code);
    expect(codes).toHaveLength(22);
    expect(codes).toContain('GM0017');
  });

  it('convert merges Appingedam, Delfzijl and Loppersum into Eemsdelta, exactly', async () => {
    const args = [
      'regions',
      'convert',
      '--dataset',
      'cbs-03759ned-bevolking',
      '--variable',
      'bevolking_1_januari',
    ];
    expect(
      await main([...args, '--period', '2020JJ00', '--to-year', '2021', '--json', '--database', db()]),
    ).toBe(0);
    const eemsdelta = (
      JSON.parse(out.join('')) as { values: { region: string; sources: string[]; estimatedShare: number }[] }
    ).values.find((v) => v.region === 'GM1979');
    expect(eemsdelta).toMatchObject({ sources: ['GM0003', 'GM0010', 'GM0024'], estimatedShare: 0 });
  });

  it('a code that is not in the year exits 1 and says where it is', async () => {
    expect(await main(['regions', 'show', 'GM0017', '--year', '2020', '--database', db()])).toBe(1);
    expect(errors.join('')).toMatch(/GM0017 is not in the 2020 register; it is in 1995-2018/);
  });
});
