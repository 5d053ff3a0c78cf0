import { describe, expect, it } from 'vitest';
import { comparePeriods, parsePeriod, periodLabel, type Period } from '../../src/core/index.js';

function period(text: string): Period {
  const parsed = parsePeriod(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

describe('parsePeriod', () => {
  it.each([
    ['2023JJ00', '2023JJ00', 'year', '2023-01-01', '2023-12-31'],
    ['2023HJ02', '2023HJ02', 'half_year', '2023-07-01', '2023-12-31'],
    ['2024KW01', '2024KW01', 'quarter', '2024-01-01', '2024-03-31'],
    ['2023KW04', '2023KW04', 'quarter', '2023-10-01', '2023-12-31'],
    ['2024MM02', '2024MM02', 'month', '2024-02-01', '2024-02-29'],
    ['2023MM02', '2023MM02', 'month', '2023-02-01', '2023-02-28'],
    ['2023W101', '2023W101', 'week', '2023-01-02', '2023-01-08'],
    ['2020W153', '2020W153', 'week', '2020-12-28', '2021-01-03'],
    ['2025W101', '2025W101', 'week', '2024-12-30', '2025-01-05'],
    ['2019X005', '2019X005', 'multi_year', '2019-01-01', '2023-12-31'],
    ['2023', '2023JJ00', 'year', '2023-01-01', '2023-12-31'],
    ['2023-05', '2023MM05', 'month', '2023-05-01', '2023-05-31'],
    ['2023-Q2', '2023KW02', 'quarter', '2023-04-01', '2023-06-30'],
    ['2023-W07', '2023W107', 'week', '2023-02-13', '2023-02-19'],
    ['2024-02-29', '2024-02-29', 'day', '2024-02-29', '2024-02-29'],
    ['  2023jj00 ', '2023JJ00', 'year', '2023-01-01', '2023-12-31'],
  ])('%s is %s (%s, %s..%s)', (text, code, kind, start, end) => {
    expect(period(text)).toMatchObject({ code, kind, start, end });
  });

  it.each([
    ['2023KW05', /"2023KW05" is not a valid period: quarter must be KW01\.\.KW04/],
    ['2023MM13', /"2023MM13" is not a valid period: month must be MM01\.\.MM12/],
    ['2023MM00', /month must be MM01/],
    ['2023JJ01', /year codes end in JJ00/],
    ['2023HJ03', /half year must be HJ01 or HJ02/],
    ['2023W153', /2023 has no ISO week 53/],
    ['2023-02-29', /day must be 01\.\.28 in February 2023/],
    ['1700JJ00', /year must be 1800\.\.2200/],
    ['2023KW7', /"2023KW7" is not a period code: expected a CBS code/],
    ['twintig', /"twintig" is not a period code/],
    ['', /"" is not a period code/],
  ])('rejects %s', (text, message) => {
    const parsed = parsePeriod(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(message);
  });
});

describe('periodLabel', () => {
  it.each([
    ['2023JJ00', '2023', '2023'],
    ['2023KW02', '2023 2e kwartaal', '2023 Q2'],
    ['2023MM07', '2023 juli', 'July 2023'],
    ['2023HJ01', '2023 1e halfjaar', '2023 H1'],
    ['2023W107', '2023 week 7', '2023 week 7'],
    ['2019X005', '2019-2023', '2019-2023'],
    ['2024-02-29', '29 februari 2024', '29 February 2024'],
  ])('%s reads "%s" and "%s"', (code, nl, en) => {
    expect(periodLabel(period(code), 'nl')).toBe(nl);
    expect(periodLabel(period(code), 'en')).toBe(en);
  });
});

describe('comparePeriods', () => {
  it('orders by start, then end: a year before its first quarter, months in order', () => {
    const codes = ['2023MM02', '2023KW01', '2022JJ00', '2023JJ00', '2023MM01'];
    expect(
      codes
        .map(period)
        .sort(comparePeriods)
        .map((p) => p.code),
    ).toEqual(['2022JJ00', '2023MM01', '2023KW01', '2023JJ00', '2023MM02']);
  });
});
