// The publishing boundary against the real DuckDB store. The regions and counts are SYNTHETIC
// (codes GM99xx/WK99xxxx/BU99xxxxxx do not exist): a gemeente with two wijken of three buurten,
// and a custom region made of one buurt of each wijk, so that it overlaps both.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditSuppression, buildTable, type Requirement } from '../../src/disclosure/index.js';
import {
  loadDisclosureRules,
  protectIndicatorValues,
  protectPendingIndicators,
} from '../../src/disclosure/publish.js';
import type { Store } from '../../src/store/index.js';
import { temporaryStore } from '../helpers/store.js';

const YEAR = 2022;
const PARENTS: [string, string, string][] = [
  ['WK999001', 'gemeente', 'GM9990'],
  ['WK999002', 'gemeente', 'GM9990'],
  ['BU99900101', 'wijk', 'WK999001'],
  ['BU99900102', 'wijk', 'WK999001'],
  ['BU99900103', 'wijk', 'WK999001'],
  ['BU99900201', 'wijk', 'WK999002'],
  ['BU99900202', 'wijk', 'WK999002'],
  ['BU99900203', 'wijk', 'WK999002'],
  ['BU99900103', 'custom', 'X_TEST'],
  ['BU99900201', 'custom', 'X_TEST'],
];
// Synthetic buurt counts: [numerator, denominator]. Two buurten have fewer than 10 units.
const BUURT: Record<string, [number, number]> = {
  BU99900101: [12, 40],
  BU99900102: [2, 6],
  BU99900103: [30, 85],
  BU99900201: [5, 22],
  BU99900202: [1, 4],
  BU99900203: [19, 61],
};
const MEMBERS: Record<string, string[]> = {
  WK999001: ['BU99900101', 'BU99900102', 'BU99900103'],
  WK999002: ['BU99900201', 'BU99900202', 'BU99900203'],
  GM9990: Object.keys(BUURT),
  X_TEST: ['BU99900103', 'BU99900201'],
  ...Object.fromEntries(Object.keys(BUURT).map((b) => [b, [b]])),
};
const count = (region: string, k: 0 | 1): number => MEMBERS[region]!.reduce((s, b) => s + BUURT[b]![k], 0);

let store: Store;
let dispose: () => Promise<void>;

async function build(id: string, rule: string, built = '2024-01-01 00:00:00'): Promise<void> {
  await store.run('DELETE FROM indicator WHERE id = $1', [id]);
  await store.run('DELETE FROM indicator_value WHERE indicator = $1', [id]);
  await store.run(
    `INSERT INTO indicator VALUES ($1, 'test', 'Aandeel (synthetisch)', 'Share (synthetic)', NULL, NULL, '%', 1, 'neither',
       'ratio', 'a / b', $2, 'confidential', 'shared', '{}', 'hash', CAST($3 AS TIMESTAMP))`,
    [id, rule, built],
  );
  for (const region of Object.keys(MEMBERS)) {
    const numerator = count(region, 0);
    const denominator = count(region, 1);
    await store.run(
      `INSERT INTO indicator_value VALUES ($1, $2, '2022JJ00', 2022, 2022, $3, $4, $5, 'final', $6, NULL, NULL)`,
      [
        id,
        region,
        (100 * numerator) / denominator,
        numerator,
        denominator,
        region.startsWith('BU') ? 'computed' : 'summed',
      ],
    );
  }
}

const published = (id: string) =>
  store.all<{
    region: string;
    value: number | null;
    numerator: number | null;
    denominator: number | null;
    disclosure: string | null;
  }>(
    'SELECT region, value, numerator, denominator, disclosure FROM published_indicator_value WHERE indicator = $1 ORDER BY region',
    [id],
  );

beforeEach(async () => {
  ({ store, dispose } = await temporaryStore());
  for (const [code, classification, parent] of PARENTS)
    await store.run(`INSERT INTO region_parent VALUES ($1, $2, $3, $4, 'synthetic test')`, [
      YEAR,
      code,
      classification,
      parent,
    ]);
});
afterEach(async () => dispose());

describe('rules file', () => {
  it('defines cbs-open, frequency-10, rounding-5 and cell-key', () => {
    const rules = loadDisclosureRules();
    expect([...rules.keys()].sort()).toEqual(['cbs-open', 'cell-key', 'frequency-10', 'rounding-5']);
    expect(rules.get('cbs-open')!.method).toBe('none');
    expect(rules.get('frequency-10')!.config!.frequency).toEqual({ threshold: 10, protectionPercent: 30 });
  });
});

describe('protectIndicatorValues', () => {
  it('serves nothing before protection, and nothing of a newer build until that is protected too', async () => {
    await build('share', 'cbs-open');
    expect(await published('share')).toEqual([]);
    const run = await protectIndicatorValues(store, 'share');
    expect(run).toMatchObject({
      rule: 'cbs-open',
      method: 'none',
      cells: 10,
      primary: 0,
      audit: 'not-applicable',
    });
    const rows = await published('share');
    expect(rows).toHaveLength(10);
    expect(rows.find((r) => r.region === 'BU99900202')).toMatchObject({
      numerator: 1,
      denominator: 4,
      disclosure: null,
    });
    // A rebuild stamps a new `built`: pending again.
    await build('share', 'cbs-open', '2024-02-01 00:00:00');
    expect(await published('share')).toEqual([]);
    expect((await protectPendingIndicators(store)).map((r) => r.indicator)).toEqual(['share']);
    expect(await published('share')).toHaveLength(10);
    expect(await store.one('SELECT count(*) AS n FROM disclosure_run')).toEqual({ n: 2 });
  });

  it('frequency-10 hides the small buurten and enough others that the auditor recovers none of them', async () => {
    await build('share', 'frequency-10');
    const run = await protectIndicatorValues(store, 'share');
    expect(run).toMatchObject({ primary: 2, audit: 'no-leaks', tables: 1, nonAdditive: [] });
    expect(run.secondary).toBeGreaterThan(0);
    const rows = await published('share');
    const flag = Object.fromEntries(rows.map((r) => [r.region, r.disclosure]));
    expect(flag['BU99900102']).toBe('primary');
    expect(flag['BU99900202']).toBe('primary');
    for (const r of rows.filter((x) => x.disclosure))
      expect([r.value, r.numerator, r.denominator]).toEqual([null, null, null]);
    // The stored row is hidden too (value and counts gone), with status secret.
    expect(
      await store.one(
        `SELECT value, numerator, denominator, status FROM indicator_value WHERE region = 'BU99900102'`,
      ),
    ).toEqual({ value: null, numerator: null, denominator: null, status: 'secret' });

    // The intruder's check on what was published, over the tree AND the overlapping custom region.
    const regions = Object.keys(MEMBERS);
    const table = buildTable({
      dimensions: [
        {
          name: 'region',
          codes: regions.map((code) => ({
            code,
            parent: PARENTS.find((p) => p[0] === code && p[1] !== 'custom')?.[2] ?? null,
          })),
          groupings: [{ total: 'X_TEST', parts: MEMBERS['X_TEST']! }],
        },
      ],
      cells: regions.map((region) => ({ coordinates: { region }, value: count(region, 1) })),
    });
    const suppressed = table.cells.map((_, i) => (flag[table.dimensions[0]!.codes[i]!] ? 1 : 0));
    const requirements = new Map<number, Requirement>(
      ['BU99900102', 'BU99900202'].map((b) => [
        table.dimensions[0]!.index.get(b)!,
        { rules: ['frequency'], upper: 3, lower: 3 },
      ]),
    );
    expect((await auditSuppression(table, suppressed, requirements)).leaks).toEqual([]);
  });

  it('rounding-5 rounds the counts so that totals still add up, and recomputes the value', async () => {
    await build('share', 'rounding-5');
    const run = await protectIndicatorValues(store, 'share');
    expect(run).toMatchObject({ method: 'rounding', changed: 10 });
    const rows = await published('share');
    const by = Object.fromEntries(rows.map((r) => [r.region, r]));
    for (const r of rows) {
      expect(r.disclosure).toBe('rounded');
      expect(r.numerator! % 5).toBe(0);
      expect(r.denominator! % 5).toBe(0);
      if (r.denominator! > 0) expect(r.value).toBeCloseTo((100 * r.numerator!) / r.denominator!);
    }
    for (const total of ['WK999001', 'WK999002', 'GM9990'])
      expect(by[total]!.denominator).toBe(MEMBERS[total]!.reduce((s, b) => s + by[b]!.denominator!, 0));
  });

  it('cell-key perturbs each count by at most 2, the same way every time', async () => {
    await build('share', 'cell-key');
    await protectIndicatorValues(store, 'share');
    const first = await published('share');
    for (const r of first) {
      expect(r.disclosure).toBe('perturbed');
      expect(Math.abs(r.denominator! - count(r.region, 1))).toBeLessThanOrEqual(2);
    }
    await build('share', 'cell-key', '2024-03-01 00:00:00');
    await protectIndicatorValues(store, 'share');
    expect(await published('share')).toEqual(first);
  });

  it('an unknown rule, or another rule on a protected build, is refused and changes nothing', async () => {
    await build('share', 'no-such-rule');
    await expect(protectIndicatorValues(store, 'share')).rejects.toThrow(
      /rule no-such-rule is not defined; known rules: cbs-open/,
    );
    expect(await store.one('SELECT count(*) AS n FROM disclosure_run')).toEqual({ n: 0 });
    expect(await store.one(`SELECT count(*) AS n FROM indicator_value WHERE disclosure IS NOT NULL`)).toEqual(
      { n: 0 },
    );
    await protectIndicatorValues(store, 'share', 'frequency-10');
    await expect(protectIndicatorValues(store, 'share', 'rounding-5')).rejects.toThrow(
      /already protected with rule frequency-10/,
    );
    // The same rule again returns the recorded run.
    expect((await protectIndicatorValues(store, 'share', 'frequency-10')).run).toBe(1);
  });

  it('notes a stored total that is not the sum of its parts and leaves it out of the constraints', async () => {
    await build('share', 'frequency-10');
    await store.run(`UPDATE indicator_value SET denominator = denominator + 7 WHERE region = 'WK999002'`);
    const run = await protectIndicatorValues(store, 'share');
    expect(run.nonAdditive).toContain('WK999002 (wijk, 2022JJ00)');
    expect(run.audit).toBe('no-leaks');
    // GM9990 is no longer WK999001 + WK999002 as stored, but it still is the sum of its six
    // buurten, which an intruder can use: the pattern must hold against that too.
    const hidden = (await published('share')).filter((r) => r.disclosure).map((r) => r.region);
    expect(hidden.filter((r) => r.startsWith('BU99900')).length).toBeGreaterThanOrEqual(4);
  });
});
