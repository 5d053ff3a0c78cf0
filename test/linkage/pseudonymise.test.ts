// The pseudonymised copy on SYNTHETIC data: the byte path and the text path, this thread and worker
// threads, large and tiny chunks all give the same copy; pseudonyms equal the keyed hash of the
// BSN; problems name the right line across chunk boundaries; no BSN reaches the copy.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  bsnFromBody,
  generatePopulation,
  idleWorkerThreads,
  LinkageError,
  normaliseBsn,
  parseImportConfig,
  Pseudonymiser,
  pseudonymiseFile,
  readBuurtFigures,
  SYNTHETIC_CONFIGS,
  writePopulationCsv,
  type PseudonymisedFile,
} from '../../src/linkage/index.js';
import { splitCsvLine } from '../../src/sources/files/csv-dialect.js';

let dir: string;
let lines: string[];
const keys = { keys: [randomBytes(32), randomBytes(32)], generation: 2 };
const config = parseImportConfig(parse(SYNTHETIC_CONFIGS['population']!), 'population');
const source = () => join(dir, 'synthetic_population.csv');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'udc-pseudonymise-'));
  const buurten = (await readBuurtFigures()).filter((b) => b.gemeente === 'GM0003');
  const population = await generatePopulation({ seed: 5, buurten });
  await writePopulationCsv(population, source());
  // Lines the byte path hands to the text path, or that test its edges (all SYNTHETIC).
  lines = (await readFile(source(), 'utf8')).trim().split('\n');
  const edit = (i: number, change: (fields: string[]) => void) => {
    const fields = lines[i]!.split(',');
    change(fields);
    lines[i] = fields.join(',');
  };
  const zeroBsn = bsnFromBody(1_234_567)!; // nine digits starting with 0
  edit(2, (f) => (f[1] = `"${f[1]}, tweede naam"`)); // quoted field with the delimiter
  edit(3, (f) => (f[0] = ` ${f[0]} `)); // spaces around the BSN
  edit(4, (f) => (f[0] = zeroBsn.slice(1))); // leading zero dropped by a spreadsheet
  edit(5, (f) => (f[2] = f[2]!.split('-').reverse().join('-'))); // Dutch date DD-MM-YYYY
  edit(6, (f) => (f[4] = f[4]!.replace(' ', ''))); // postcode without a space
  edit(7, (f) => (f[7] = `${f[7]}é`)); // non-ASCII text
  edit(8, (f) => (f[7] = '')); // empty text
  lines[9] = `${lines[9]}\r`; // a Windows line end
  lines.splice(11, 0, ''); // a blank line
  await writeFile(source(), lines.join('\n') + '\n');
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(
  name: string,
  options: { threads: number; chunkBytes?: number },
  file = source(),
): Promise<{ result: PseudonymisedFile; copy: string }> {
  const target = join(dir, name);
  await mkdir(target);
  const result = await pseudonymiseFile(file, target, config, keys, options);
  const copy = (await Promise.all(result.parts.map((p) => readFile(p, 'utf8')))).join('');
  return { result, copy };
}

describe('pseudonymised copy', () => {
  it('is the same on this thread and in workers, in large and tiny chunks', async () => {
    const one = await run('one', { threads: 0 });
    const tiny = await run('tiny', { threads: 0, chunkBytes: 300 });
    const workers = await run('workers', { threads: 2, chunkBytes: 4096 });
    expect(one.result.rows).toBe(lines.filter((l) => l !== '').length - 1);
    expect(tiny.copy).toBe(one.copy);
    expect(workers.copy).toBe(one.copy);
    expect(workers.result.parts.length).toBeGreaterThan(10);
    expect(workers.result.rows).toBe(one.result.rows);
    // The text columns' values, counted per chunk and merged, are the same however the file is cut.
    expect(tiny.result.categories).toEqual(one.result.categories);
    expect(workers.result.categories).toEqual(one.result.categories);
    const texts = lines
      .slice(1)
      .filter((l) => l !== '')
      .map((l) => splitCsvLine(l.replace(/\r$/, ''), ','));
    const distinct = (i: number) => [...new Set(texts.map((f) => f[i]!).filter((v) => v !== ''))].sort();
    expect(one.result.categories['geslacht']).toEqual(distinct(3));
    expect(one.result.categories['buurt']).toEqual(distinct(6));
    expect(one.result.categories['huishouden']).toEqual(distinct(7));
  });

  it('holds per line the keyed hash of the BSN and the coarsened columns', async () => {
    const { copy } = await run('values', { threads: 2, chunkBytes: 2048 });
    const pseudonymiser = new Pseudonymiser(keys.keys, keys.generation);
    const rows = copy.trim().split('\n');
    for (const row of rows) {
      const [line, hi, lo, age, sex, pc4, buurt, household] = splitCsvLine(row, ',');
      const original = splitCsvLine(lines[Number(line) - 1]!.replace(/\r$/, ''), ',');
      const pseudonym = BigInt(hi!) * 2n ** 32n + BigInt(lo!);
      expect(pseudonym).toBe(pseudonymiser.text(normaliseBsn(original[0]!)));
      expect([sex, buurt, household]).toEqual([original[3], original[6], original[7]]);
      expect(pc4).toBe(original[4]!.slice(0, 4));
      const birth = /^\d{4}/.test(original[2]!) ? original[2]! : original[2]!.split('-').reverse().join('-');
      const [y, m, d] = birth.split('-').map(Number);
      // Whole years on the configured reference date, 1 January 2020.
      expect(Number(age)).toBe(2020 - y! - (m! > 1 || d! > 1 ? 1 : 0));
    }
    // The edited lines came through: the quoted name is dropped, the é kept, the empty text empty.
    expect(rows.find((r) => r.startsWith('8,'))!.split(',')[7]).toBe(splitCsvLine(lines[7]!, ',')[7]);
    expect(rows.find((r) => r.startsWith('8,'))!.split(',')[7]).toMatch(/é$/);
    expect(rows.find((r) => r.startsWith('9,'))!.split(',')[7]).toBe('');
    expect(rows.find((r) => r.startsWith('3,'))).toBeDefined();
    // No BSN reaches the copy: no row holds its own line's BSN, and no field but the pseudonym's
    // halves holds any nine-digit run that is a BSN of the file. (The halves are excluded from the
    // second check: their decimal digits are random, and with two windows a row against some
    // thousands of BSNs in 10^9 one of them spells another person's BSN by chance in a good share
    // of runs.)
    const bsns = new Set(lines.slice(1).map((l) => normaliseBsn(l.split(',')[0] ?? '')));
    for (const row of rows) {
      const fields = splitCsvLine(row, ',');
      const own = normaliseBsn(splitCsvLine(lines[Number(fields[0]) - 1]!.replace(/\r$/, ''), ',')[0]!);
      expect(row.includes(own)).toBe(false);
      const others = [fields[0], ...fields.slice(3)].join(',');
      expect([...(others.match(/\d{9}/g) ?? [])].filter((w) => bsns.has(w))).toEqual([]);
    }
  });

  it("reuses its worker threads for the next file, with that file's keys", async () => {
    await run('first', { threads: 2, chunkBytes: 4096 });
    expect(idleWorkerThreads()).toBeGreaterThanOrEqual(2);
    const idle = idleWorkerThreads();
    // The next import takes the idle workers, gives them its own keys, and returns them.
    const other = { keys: [randomBytes(32)], generation: 1 };
    const target = join(dir, 'other-keys');
    await mkdir(target);
    const result = await pseudonymiseFile(source(), target, config, other, { threads: 2, chunkBytes: 4096 });
    expect(idleWorkerThreads()).toBe(idle);
    const copy = (await Promise.all(result.parts.map((p) => readFile(p, 'utf8')))).join('');
    const pseudonymiser = new Pseudonymiser(other.keys, other.generation);
    const rows = copy.trim().split('\n');
    expect(rows.length).toBe(result.rows);
    for (const row of rows) {
      const [line, hi, lo] = splitCsvLine(row, ',');
      const bsn = normaliseBsn(splitCsvLine(lines[Number(line) - 1]!.replace(/\r$/, ''), ',')[0]!);
      expect(BigInt(hi!) * 2n ** 32n + BigInt(lo!)).toBe(pseudonymiser.text(bsn));
    }
  });

  it('names the right line of a problem in a later chunk of a worker, BSN masked, in line order', async () => {
    const bad = [...lines];
    const wrong = (i: number) => {
      const bsn = bad[i]!.slice(0, 9);
      bad[i] = `${bsn.slice(0, 8)}${(Number(bsn[8]) + 1) % 10}${bad[i]!.slice(9)}`;
    };
    for (const i of [400, 1500, 1501]) wrong(i);
    bad[2000] = '1,2,3';
    const file = join(dir, 'synthetic_bad.csv');
    await writeFile(file, bad.join('\n'));
    const error = (await run('bad', { threads: 2, chunkBytes: 4096 }, file).catch(
      (e: unknown) => e,
    )) as LinkageError;
    expect(error).toBeInstanceOf(LinkageError);
    expect(error.problems.map((p) => /line (\d+)/.exec(p)![1])).toEqual(['401', '1501', '1502', '2001']);
    expect(error.problems[0]).toMatch(/column "bsn": \*{9} \(9 characters, masked\) is not a valid BSN/);
    expect(error.problems[3]).toMatch(/line 2001: expected 11 fields, found 3/);
    expect(error.message).not.toContain(bad[400]!.slice(0, 9));

    // After 20 problems the import stops and says so; the first are reported in line order.
    const many = [...lines];
    for (let i = 100; i < 3000; i += 100) many[i] = 'x';
    await writeFile(file, many.join('\n'));
    const stopped = (await run('many', { threads: 2, chunkBytes: 4096 }, file).catch(
      (e: unknown) => e,
    )) as LinkageError;
    expect(stopped.problems.length).toBe(20);
    expect(stopped.problems[0]).toMatch(/line 101: expected 11 fields, found 1/);
    expect(stopped.problems[19]).toMatch(/line 2001:/);
    expect(stopped.message).toMatch(/stopped after 20 problems/);
  });
});
