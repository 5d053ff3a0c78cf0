import { describe, expect, it } from 'vitest';
import {
  checkFormula,
  dependencies,
  dependencyOrder,
  FormulaError,
  parseFormula,
} from '../../src/indicators/index.js';

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
