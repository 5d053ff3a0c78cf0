import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkFormula,
  computeFormula,
  computeRatio,
  dependencies,
  dependencyOrder,
  FormulaError,
  parseFormula,
} from '../../src/indicators/index.js';
import { loadDemoData } from '../../src/demo/load.js';
import { ensureRegister } from '../../src/regions/index.js';
import { importFile, parseMapping } from '../../src/sources/files/index.js';
import type { Store } from '../../src/store/index.js';
import { temporaryStore } from '../helpers/store.js';

const KWB_2020 = new URL(
  '../../../shared/data/kwb/kwb2020_84799NED_groningen_assen_gm_wk_bu.csv',
  import.meta.url,
).pathname;
const POP = '`cbs-03759ned-bevolking`';

let store: Store;
let dispose: () => Promise<void>;
beforeAll(async () => {
  ({ store, dispose } = await temporaryStore());
  await ensureRegister(store);
  await loadDemoData(store);
  await importFile(
    store,
    KWB_2020,
    parseMapping(
      {
        dataset: {
          id: 'kwb2020',
          title: 'Kerncijfers wijken en buurten 2020 (84799NED)',
          confidentiality: 'open',
        },
        region: { column: 'WijkenEnBuurten' },
        period: { value: '2020' },
        variables: [
          { column: 'AantalInwoners_5', key: 'inwoners', aggregation: 'sum' },
          { column: 'k_65JaarOfOuder_12', key: 'k65plus', aggregation: 'sum' },
        ],
      },
      'test',
    ),
  );
}, 120_000);
afterAll(() => dispose());

const errorOf = (f: () => unknown) => {
  try {
    f();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
};

describe('the formula language', () => {
  it('parses variables with categories, functions and precedence', () => {
    const tree = parseFormula(
      'share(kwb.k65plus, kwb.inwoners) + 2 * -x.y[Geslacht=T001038, Leeftijd=10000]',
    );
    expect(tree).toMatchObject({
      kind: 'binary',
      op: '+',
      left: { kind: 'call', name: 'share' },
      right: { kind: 'binary', op: '*' },
    });
    expect([...dependencies(tree).variables]).toEqual(['kwb.k65plus', 'kwb.inwoners', 'x.y']);
  });

  it('points syntax errors at line and column', () => {
    expect(errorOf(() => parseFormula('kwb.inwoners +\n   * 3', 'wonen.yaml#dichtheid')).message).toBe(
      'wonen.yaml#dichtheid: line 2, column 4: expected a number, variable, function or "(", found "*"',
    );
    expect(errorOf(() => parseFormula('share(kwb.a kwb.b)')).message).toMatch(
      /line 1, column 13: expected "," or "\)" in share/,
    );
    expect(errorOf(() => parseFormula('median(kwb.a)')).message).toMatch(
      /line 1, column 1: unknown function "median"/,
    );
    expect(errorOf(() => parseFormula('growth(kwb.a)')).message).toMatch(/growth takes 2 arguments, not 1/);
    expect(errorOf(() => parseFormula('inwoners * 2')).message).toMatch(
      /line 1, column 1: "inwoners" is neither a function nor a variable/,
    );
  });

  it('names an unknown variable and what the dataset has', () => {
    const known = { variables: new Set(['kwb.inwoners', 'kwb.k65plus']), indicators: new Set<string>() };
    const error = errorOf(() => checkFormula(parseFormula('share(kwb.k80plus, kwb.inwoners)'), known, 'f'));
    expect(error).toBeInstanceOf(FormulaError);
    expect(error.message).toBe(
      'f: line 1, column 7: unknown variable kwb.k80plus; kwb has kwb.inwoners, kwb.k65plus',
    );
    expect(errorOf(() => checkFormula(parseFormula('lag(kwb.inwoners, 1.5)'), known)).message).toMatch(
      /whole number of years/,
    );
  });

  it('finds a cycle between indicators', () => {
    const refs = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['a'])],
      ['d', new Set<string>()],
    ]);
    expect(() => dependencyOrder(refs)).toThrow(
      'indicators reference each other in a cycle: @a -> @b -> @c -> @a',
    );
    expect(
      dependencyOrder(
        new Map([
          ['x', new Set(['y'])],
          ['y', new Set<string>()],
        ]),
      ),
    ).toEqual(['y', 'x']);
  });
});

describe('computing in the engine', () => {
  it('gives null with status not_applicable on division by zero, never Infinity', async () => {
    const rows = await computeFormula(
      store,
      parseFormula(`${POP}.bevolking_1_januari / (${POP}.bevolking_1_januari - ${POP}.bevolking_1_januari)`),
    );
    expect(rows.length).toBeGreaterThan(1000);
    expect(rows.every((r) => r.value === null && r.status === 'not_applicable')).toBe(true);
  });

  it('computes growth over whole years per region from real CBS figures', async () => {
    const rows = await computeFormula(store, parseFormula(`growth(${POP}.bevolking_1_januari, 1)`));
    const groningen2020 = rows.find((r) => r.region === 'GM0014' && r.year === 2020)!;
    expect(groningen2020.value).toBeCloseTo(((232874 - 231299) / 231299) * 100, 10);
    // 2019 is the first year bundled: no earlier value, so no growth.
    expect(rows.find((r) => r.region === 'GM0014' && r.year === 2019)).toMatchObject({
      value: null,
      status: 'missing',
    });
  });

  it('aggregates a ratio as sum(numerator) / sum(denominator), not the mean of the ratios', async () => {
    const rows = await computeRatio(
      store,
      parseFormula('kwb2020.k65plus'),
      parseFormula('kwb2020.inwoners'),
      100,
    );
    const gemeenten = await store.all<{ region: string; k65: number; inw: number }>(
      `SELECT region, max(value) FILTER (WHERE variable = 'k65plus') AS k65, max(value) FILTER (WHERE variable = 'inwoners') AS inw
       FROM observation WHERE dataset = 'kwb2020' AND region IN (SELECT code FROM region_parent WHERE year = 2020 AND parent = 'X_RGA') GROUP BY region`,
    );
    expect(gemeenten).toHaveLength(14);
    const rga = rows.find((r) => r.region === 'X_RGA')!;
    const sumOfParts = gemeenten.reduce((s, g) => s + g.k65, 0) / gemeenten.reduce((s, g) => s + g.inw, 0);
    const meanOfRatios = gemeenten.reduce((s, g) => s + g.k65 / g.inw, 0) / gemeenten.length;
    expect(rga.value).toBeCloseTo(sumOfParts * 100, 10);
    expect(Math.abs(rga.value! - meanOfRatios * 100)).toBeGreaterThan(0.1);
    // Only complete sets of parts make a whole: the region holds part of Groningen and Drenthe only.
    expect(rows.find((r) => r.region === 'PV20')).toBeUndefined();
    // A gemeente's own published figures are used as they are.
    const groningen = rows.find((r) => r.region === 'GM0014')!;
    expect(groningen.value).toBeCloseTo(
      (gemeenten.find((g) => g.region === 'GM0014')!.k65 / 232874) * 100,
      10,
    );
  });
});
