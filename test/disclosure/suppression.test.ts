import { describe, expect, it } from 'vitest';
import {
  additivityViolations,
  auditSuppression,
  buildTable,
  parseDisclosureConfig,
  primarySuppressions,
  protectTable,
  secondarySuppression,
  siblingSuppression,
  type Table,
} from '../../src/disclosure/index.js';
import { syntheticTable } from '../../src/disclosure/synthetic.js';

// The classic textbook case: a 3x3 table with margins where two cells are below the threshold of 5.
//          A    B    C  |  T
//   r1    20    3   25  |  48
//   r2    15   12   18  |  45
//   r3    22   17    4  |  43
//   T     57   32   47  | 136
function classic(): Table {
  const inner = [
    [20, 3, 25],
    [15, 12, 18],
    [22, 17, 4],
  ];
  const rows = ['r1', 'r2', 'r3'];
  const cols = ['A', 'B', 'C'];
  const cells = [];
  for (let r = 0; r <= 3; r++)
    for (let c = 0; c <= 3; c++) {
      const value =
        r < 3 && c < 3
          ? inner[r]![c]!
          : r < 3
            ? inner[r]!.reduce((s, v) => s + v, 0)
            : c < 3
              ? inner.reduce((s, row) => s + row[c]!, 0)
              : 136;
      cells.push({ coordinates: { row: rows[r] ?? 'T', col: cols[c] ?? 'T' }, value });
    }
  return buildTable({
    dimensions: [
      { name: 'row', codes: [{ code: 'T' }, ...rows.map((code) => ({ code, parent: 'T' }))] },
      { name: 'col', codes: [{ code: 'T' }, ...cols.map((code) => ({ code, parent: 'T' }))] },
    ],
    cells,
  });
}

const at = (table: Table, row: string, col: string): number =>
  table.cellIndex([table.dimensions[0]!.index.get(row)!, table.dimensions[1]!.index.get(col)!]);

describe('the classic threshold table', () => {
  const table = classic();
  const config = parseDisclosureConfig({ frequency: { threshold: 5 } });
  const requirements = primarySuppressions(table, config);

  it('adds up, and the threshold rule finds exactly the cells 3 and 4', () => {
    expect(additivityViolations(table)).toEqual([]);
    expect([...requirements.keys()].sort((a, b) => a - b)).toEqual([
      at(table, 'r1', 'B'),
      at(table, 'r3', 'C'),
    ]);
    // Protection: 30% of the threshold 5, rounded up: 2 either way.
    expect(requirements.get(at(table, 'r1', 'B'))).toEqual({ rules: ['frequency'], upper: 2, lower: 2 });
  });

  it('the auditor recovers both cells when only the primary cells are hidden', async () => {
    const onlyPrimary = new Uint8Array(table.cells.length);
    for (const cell of requirements.keys()) onlyPrimary[cell] = 1;
    const report = await auditSuppression(table, onlyPrimary, requirements);
    expect(report.leaks.map((l) => [l.coordinates, l.min, l.max, l.kind])).toEqual([
      [{ row: 'r1', col: 'B' }, 3, 3, 'exact'], // 48 - 20 - 25
      [{ row: 'r3', col: 'C' }, 4, 4, 'exact'], // 43 - 22 - 17
    ]);
  });

  it('secondary suppression adds the cheapest rectangle, and the auditor then finds no leak', async () => {
    const result = await secondarySuppression(table, requirements);
    const secondary = [...result.pattern.keys()].filter((i) => result.pattern[i] === 2);
    // r1B, r1C, r3B, r3C form one rectangle protecting both: the complements cost 25 + 17.
    expect(secondary).toEqual([at(table, 'r1', 'C'), at(table, 'r3', 'B')].sort((a, b) => a - b));
    expect(result.secondaryValue).toBe(42);
    const report = await auditSuppression(table, result.pattern, requirements);
    expect(report.leaks).toEqual([]);
    // Hand-computed: r1B = t, r1C = 28 - t, r3B = 20 - t, r3C = t + 1, with every cell >= 0.
    const interval = (row: string, col: string) => {
      const found = report.intervals.find((i) => i.cell === at(table, row, col))!;
      return [found.min, found.max];
    };
    expect(interval('r1', 'B')).toEqual([0, 20]);
    expect(interval('r3', 'C')).toEqual([1, 21]);
    expect(interval('r1', 'C')).toEqual([8, 28]);
  });

  it('protectTable publishes null with status secret and says why', async () => {
    const out = await protectTable(table, { frequency: { threshold: 5 } });
    const cell = (row: string, col: string) => out.cells[at(table, row, col)]!;
    expect(cell('r1', 'B')).toMatchObject({
      value: null,
      status: 'secret',
      flag: 'primary',
      reason: 'frequency',
    });
    expect(cell('r1', 'C')).toMatchObject({
      value: null,
      status: 'secret',
      flag: 'secondary',
      reason: 'secondary',
    });
    expect(cell('r2', 'B')).toMatchObject({ value: 12, status: 'final', flag: null });
    expect(out.summary).toMatchObject({ primary: 2, secondary: 2 });
    expect(out.audit?.leaks).toEqual([]);
  });
});

describe('hierarchies and overlapping regions', () => {
  // gemeente G = wijk W1 + wijk W2; W1 = b1 + b2; W2 = b3 + b4; a custom region C = b2 + b3 overlaps both wijken.
  const regions = [
    { code: 'G' },
    { code: 'W1', parent: 'G' },
    { code: 'W2', parent: 'G' },
    { code: 'b1', parent: 'W1' },
    { code: 'b2', parent: 'W1' },
    { code: 'b3', parent: 'W2' },
    { code: 'b4', parent: 'W2' },
    { code: 'C' },
  ];
  const buurt = { b1: [30, 12], b2: [2, 40], b3: [25, 18], b4: [33, 21] } as const;
  function table(withCustom: boolean): Table {
    const sum = (codes: (keyof typeof buurt)[], k: number) => codes.reduce((s, c) => s + buurt[c][k]!, 0);
    const members: Record<string, (keyof typeof buurt)[]> = {
      G: ['b1', 'b2', 'b3', 'b4'],
      W1: ['b1', 'b2'],
      W2: ['b3', 'b4'],
      C: ['b2', 'b3'],
      b1: ['b1'],
      b2: ['b2'],
      b3: ['b3'],
      b4: ['b4'],
    };
    const cells = Object.entries(members)
      .filter(([code]) => withCustom || code !== 'C')
      .flatMap(([code, m]) => [
        { coordinates: { region: code, sex: 'M' }, value: sum(m, 0) },
        { coordinates: { region: code, sex: 'V' }, value: sum(m, 1) },
        { coordinates: { region: code, sex: 'T' }, value: sum(m, 0) + sum(m, 1) },
      ]);
    return buildTable({
      dimensions: [
        {
          name: 'region',
          codes: regions.filter((r) => withCustom || r.code !== 'C'),
          groupings: withCustom ? [{ total: 'C', parts: ['b2', 'b3'] }] : [],
        },
        { name: 'sex', codes: [{ code: 'T' }, { code: 'M', parent: 'T' }, { code: 'V', parent: 'T' }] },
      ],
      cells,
    });
  }

  it('builds one constraint per grouping and other code, the custom region adding its own', () => {
    const plain = table(false);
    // region: 3 groupings x 3 sex codes; sex: 1 grouping x 7 regions.
    expect(plain.constraints).toHaveLength(9 + 7);
    const custom = table(true);
    expect(custom.constraints).toHaveLength(12 + 8);
    expect(additivityViolations(custom)).toEqual([]);
  });

  it('protects a buurt cell against the custom region too, which the plain pattern does not', async () => {
    const config = parseDisclosureConfig({ frequency: { threshold: 5 } });
    const plain = table(false);
    const plainReq = primarySuppressions(plain, config);
    const plainResult = await secondarySuppression(plain, plainReq);
    expect((await auditSuppression(plain, plainResult.pattern, plainReq)).leaks).toEqual([]);

    // The same suppressions carried over to the table with the overlapping region C = b2 + b3.
    const custom = table(true);
    const customReq = primarySuppressions(custom, config);
    const carried = new Uint8Array(custom.cells.length);
    plain.cells.forEach((cell, i) => {
      if (!plainResult.pattern[i]) return;
      const codes = cell.coordinates.map((c, d) => plain.dimensions[d]!.codes[c]!);
      carried[custom.cellIndex(codes.map((code, d) => custom.dimensions[d]!.index.get(code)!))] =
        plainResult.pattern[i]!;
    });
    const leak = await auditSuppression(custom, carried, customReq);
    expect(leak.leaks.map((l) => l.coordinates)).toContainEqual({ region: 'b2', sex: 'M' });

    const fixed = await secondarySuppression(custom, customReq);
    expect((await auditSuppression(custom, fixed.pattern, customReq)).leaks).toEqual([]);
  });
});

describe('random hierarchical tables (property)', () => {
  it('never leak after secondary suppression, and suppress fewer cells than the sibling baseline', async () => {
    let lpCells = 0;
    let naiveCells = 0;
    for (let seed = 1; seed <= 12; seed++) {
      const table = syntheticTable({
        regionFanout: [2, 1 + (seed % 3), 2 + (seed % 4)],
        categories: seed % 2 === 0 ? [3, 2] : [4],
        meanCount: 12 + seed,
        seed,
      });
      const threshold = 3 + (seed % 5);
      const requirements = primarySuppressions(table, parseDisclosureConfig({ frequency: { threshold } }));
      const result = await secondarySuppression(table, requirements, {
        cost: seed % 3 === 0 ? 'unity' : 'value',
      });
      expect(result.unprotectable, `seed ${seed}`).toEqual([]);
      const audit = await auditSuppression(table, result.pattern, requirements);
      expect(audit.leaks, `seed ${seed}`).toEqual([]);
      lpCells += result.secondaries;
      naiveCells += [...siblingSuppression(table, requirements)].filter((s) => s === 2).length;
    }
    expect(lpCells).toBeLessThan(naiveCells);
  });
});
