import { describe, expect, it } from 'vitest';
import { FILTER_LIMITS, parseFilter, QueryOptionError } from '../../../src/api/odata/filter.js';
import { compileFilter, type FilterProperty } from '../../../src/api/odata/sql.js';
import { duckdbDialect, type SqlValue } from '../../../src/store/index.js';

function error(text: string): QueryOptionError {
  try {
    parseFilter(text);
  } catch (e) {
    if (e instanceof QueryOptionError) return e;
    throw e;
  }
  throw new Error(`expected "${text}" to be refused`);
}

const properties = new Map<string, FilterProperty>([
  ['Region', { type: 'Edm.String', nullable: false, sql: 'e."Region"' }],
  ['Value', { type: 'Edm.Double', nullable: true, sql: 'e."Value"' }],
]);

describe('$filter parser', () => {
  it('binds and tighter than or, not tighter than both, and keeps parentheses', () => {
    const ast = parseFilter("Region eq 'GM0014' or Value gt 5 and not (Value lt 10)");
    expect(ast).toMatchObject({
      type: 'logical',
      op: 'or',
      left: { type: 'compare', op: 'eq', left: { type: 'property', name: 'Region' } },
      right: { type: 'logical', op: 'and', right: { type: 'not', operand: { type: 'compare', op: 'lt' } } },
    });
  });

  it('reads strings with doubled quotes, negative and decimal numbers, null, in-lists and functions', () => {
    expect(parseFilter("Region eq '''s-Hertogenbosch'")).toMatchObject({
      right: { literal: { kind: 'string', value: "'s-Hertogenbosch" } },
    });
    expect(parseFilter('Value ge -12.5e1')).toMatchObject({
      right: { literal: { kind: 'number', value: -125 } },
    });
    expect(parseFilter('Value eq null')).toMatchObject({ right: { literal: { kind: 'null' } } });
    expect(parseFilter("Region in ('GM0014', 'GM0106')")).toMatchObject({ type: 'in', list: [{}, {}] });
    expect(parseFilter("startswith(Region,'GM')")).toMatchObject({ type: 'call', name: 'startswith' });
    expect(parseFilter("substringof('GM', Region)")).toMatchObject({ type: 'call', name: 'substringof' });
  });

  it('names the position and what was expected', () => {
    expect(error("Region eq 'GM0014' and").message).toBe(
      '$filter: at position 23: found the end of the filter; expected a property, a literal (\'text\', 12.5, true, null), a function or "("',
    );
    expect(error("Region eq 'GM0014").message).toContain('at position 11: the string is not closed');
    expect(error('Value gt 5 )').position).toBe(12);
    expect(error('Value § 5').message).toContain('at position 7: unexpected character "§"');
    expect(error('(Value gt 5').message).toContain(
      'expected ")" closing the parenthesis opened at position 1',
    );
    expect(error('frobnicate(Region)').message).toContain('unknown function "frobnicate"');
    expect(error('contains(Region)').message).toContain('contains takes 2 arguments, not 1');
    expect(error('').message).toContain('is empty');
  });

  it('refuses hostile input cheaply: depth, length and list size are limited', () => {
    expect(error(`${'('.repeat(1000)}Value gt 1${')'.repeat(1000)}`).message).toContain('nested deeper than');
    expect(error('not '.repeat(200) + 'Value gt 1').message).toContain('nested deeper than');
    expect(error(`Region eq '${'x'.repeat(FILTER_LIMITS.length)}'`).message).toContain('characters long');
    const list = Array.from({ length: FILTER_LIMITS.list + 1 }, (_, i) => `'${i}'`).join(',');
    expect(error(`Region in (${list})`).message).toContain('more than 1000 values');
  });
});

describe('$filter to SQL', () => {
  const compile = (text: string) => {
    const params: SqlValue[] = [];
    return { sql: compileFilter(parseFilter(text), properties, params, duckdbDialect), params };
  };

  it('puts every value in a parameter and never request text in SQL', () => {
    const { sql, params } = compile("Region eq 'x''); DROP TABLE observation; --' and Value gt 3");
    expect(sql).not.toContain('DROP');
    expect(sql).toBe(
      '((e."Region" = CAST($1 AS VARCHAR)) AND coalesce((e."Value" > CAST($2 AS DOUBLE)), FALSE))',
    );
    expect(params).toEqual(["x'); DROP TABLE observation; --", 3]);
  });

  it("follows OData's null logic: ne includes null, null compares with eq/ne only", () => {
    expect(compile('Value ne 3').sql).toBe('(e."Value" IS DISTINCT FROM CAST($1 AS DOUBLE))');
    expect(compile('Value eq null').sql).toBe('(e."Value" IS NULL)');
    expect(compile('null ne Value').sql).toBe('(e."Value" IS NOT NULL)');
    expect(() => compile('Value gt null')).toThrow(/null can only be compared with eq or ne/);
  });

  it('checks names and types before any SQL runs', () => {
    expect(() => compile("Regio eq 'GM0014'")).toThrow(
      /at position 1: unknown property "Regio"; expected one of Region, Value/,
    );
    expect(() => compile("Value eq 'x'")).toThrow(/at position 7: cannot compare a number with a string/);
    expect(() => compile('Value')).toThrow(/is not a condition/);
    expect(() => compile('contains(Value, 3)')).toThrow(/contains expects text/);
    expect(() => compile("Region eq 'a' eq 'b'")).toThrow(/expected "and", "or" or the end/);
  });
});
