// `udc protect` through main(argv). The table is the SYNTHETIC textbook 3x3 table with margins
// (two cells below the threshold 5); the indicator values are SYNTHETIC too (codes GM99xx...).
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { main } from '../../src/cli/main.js';
import { openDuckDBStore, migrate } from '../../src/store/index.js';

let dir: string;
let out: string[];
let errors: string[];
const db = () => join(dir, 'udc.duckdb');

const INNER = [
  [20, 3, 25],
  [15, 12, 18],
  [22, 17, 4],
];
function tableYaml(extra = ''): string {
  const rows = ['r1', 'r2', 'r3'];
  const cols = ['A', 'B', 'C'];
  const cells: string[] = [];
  for (let r = 0; r <= 3; r++)
    for (let c = 0; c <= 3; c++) {
      const value =
        r < 3 && c < 3
          ? INNER[r]![c]!
          : r < 3
            ? INNER[r]!.reduce((s, v) => s + v, 0)
            : c < 3
              ? INNER.reduce((s, row) => s + row[c]!, 0)
              : 136;
      cells.push(`  - { row: ${rows[r] ?? 'T'}, col: ${cols[c] ?? 'T'}, value: ${value} }`);
    }
  return [
    '# synthetic textbook table',
    'kind: frequency',
    'config: { frequency: { threshold: 5 } }',
    extra,
    'dimensions:',
    '  - { name: row, codes: [{ code: T }, { code: r1, parent: T }, { code: r2, parent: T }, { code: r3, parent: T }] }',
    '  - { name: col, codes: [{ code: T }, { code: A, parent: T }, { code: B, parent: T }, { code: C, parent: T }] }',
    'cells:',
    ...cells,
    '',
  ].join('\n');
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'udc-protect-cli-'));
  await writeFile(join(dir, 'table.yaml'), tableYaml());
  // An indicator built elsewhere (the build is the lead's): written here directly.
  const store = await openDuckDBStore({ path: db() });
  await migrate(store);
  for (const [code, classification, parent] of [
    ['BU99900101', 'wijk', 'WK999001'],
    ['BU99900102', 'wijk', 'WK999001'],
    ['BU99900103', 'wijk', 'WK999001'],
  ] as const)
    await store.run(`INSERT INTO region_parent VALUES (2022, $1, $2, $3, 'synthetic test')`, [
      code,
      classification,
      parent,
    ]);
  await store.run(
    `INSERT INTO indicator VALUES ('share', 'test', 'Aandeel', 'Share', NULL, NULL, '%', 1, 'neither', 'ratio', 'a / b',
       'frequency-10', 'confidential', 'shared', '{}', 'hash', TIMESTAMP '2024-01-01 00:00:00')`,
  );
  for (const [region, n, d] of [
    ['WK999001', 40, 120],
    ['BU99900101', 10, 30],
    ['BU99900102', 2, 7],
    ['BU99900103', 28, 83],
  ] as const)
    await store.run(
      `INSERT INTO indicator_value VALUES ('share', $1, '2022JJ00', 2022, 2022, $2, $3, $4, 'final', 'computed', NULL, NULL)`,
      [region, (100 * n) / d, n, d],
    );
  await store.close();
});
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

describe('udc protect <table file>', () => {
  it('--report lists the primary and secondary cells; --out writes a table set the audit passes', async () => {
    const set = join(dir, 'protected.yaml');
    expect(await main(['protect', join(dir, 'table.yaml'), '--report', '--out', set])).toBe(0);
    const text = out.join('');
    expect(text).toMatch(/16 cells; 2 primary, 2 secondary \(value 42\).*audit: no leaks/);
    expect(text).toMatch(/row=r1, col=B\s+3\s+primary\s+frequency/);
    expect(text).toMatch(/row=r1, col=C\s+25\s+secondary/);
    const written = parse(await readFile(set, 'utf8')) as { cells: { flag?: string }[] };
    expect(written.cells.filter((c) => c.flag)).toHaveLength(4);

    out = [];
    expect(await main(['protect', 'audit', set])).toBe(0);
    expect(out.join('')).toMatch(/4 suppressed, 2 primary .*\nno leaks/);
  });

  it('audit finds the leak when only the primary cells are hidden, and exits 1', async () => {
    const leaky = tableYaml()
      .replace('{ row: r1, col: B, value: 3 }', '{ row: r1, col: B, value: 3, flag: primary }')
      .replace('{ row: r3, col: C, value: 4 }', '{ row: r3, col: C, value: 4, flag: primary }');
    await writeFile(join(dir, 'leaky.yaml'), leaky);
    expect(await main(['protect', 'audit', join(dir, 'leaky.yaml'), '--json'])).toBe(1);
    const report = JSON.parse(out.join('')) as {
      leaks: { cell: string; min: number; max: number; kind: string }[];
    };
    expect(report.leaks).toEqual([
      { cell: 'row=r1, col=B', value: 3, min: 3, max: 3, required: '-2 / +2', kind: 'exact' },
      { cell: 'row=r3, col=C', value: 4, min: 4, max: 4, required: '-2 / +2', kind: 'exact' },
    ]);
    expect(errors.join('')).toMatch(/2 primary cell\(s\) can be recovered/);
  });

  it('a wrong table file exits 1 naming the cell and what is wrong, a missing one exits 3', async () => {
    await writeFile(
      join(dir, 'bad.yaml'),
      tableYaml().replace('{ row: r2, col: A, value: 15 }', '{ row: r9, col: A, value: 15 }'),
    );
    expect(await main(['protect', join(dir, 'bad.yaml')])).toBe(1);
    expect(errors.join('')).toMatch(
      /bad\.yaml: cell 5: dimension row has code r9, which is not one of its codes/,
    );
    expect(await main(['protect', join(dir, 'none.yaml')])).toBe(3);
  });
});

describe('udc protect <indicator>', () => {
  it('protects the stored values with the rule the indicator names and reports the hidden ones', async () => {
    expect(await main(['protect', 'share', '--report', '--database', db()])).toBe(0);
    const text = out.join('');
    expect(text).toMatch(
      /share: rule frequency-10 \(suppression\), run 1: 4 values in 1 tables; 1 primary, 1 secondary/,
    );
    expect(text).toMatch(/BU99900102\s+2022JJ00\s+primary/);
    expect(await main(['protect', 'nothing', '--database', db()])).toBe(1);
    expect(errors.join('')).toMatch(/nothing is neither a table file nor an indicator/);
  });
});
