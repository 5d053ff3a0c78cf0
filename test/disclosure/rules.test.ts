import { describe, expect, it } from 'vitest';
import {
  buildTable,
  dominanceRule,
  parseDisclosureConfig,
  pPercentRule,
  primarySuppressions,
  protectTable,
  type Cell,
} from '../../src/disclosure/index.js';

const cell = (value: number, topContributions?: number[], contributors?: number): Cell => ({
  coordinates: [0],
  value,
  empty: false,
  ...(topContributions ? { topContributions } : {}),
  ...(contributors !== undefined ? { contributors } : {}),
});

describe('primary rules', () => {
  it('(n,k)-dominance: unsafe when the n largest exceed k%, level (100/k) * largest - total', () => {
    const config = parseDisclosureConfig({ dominance: { n: 1, k: 75 } });
    expect(dominanceRule(cell(100, [80, 10, 10]), config)).toBeCloseTo((100 / 0.75) * 0.8 - 100); // 6.67
    expect(dominanceRule(cell(100, [70, 20, 10]), config)).toBeUndefined();
    const two = parseDisclosureConfig({ dominance: { n: 2, k: 85 } });
    expect(dominanceRule(cell(100, [50, 40, 10]), two)).toBeCloseTo(90 / 0.85 - 100);
  });

  it('p%-rule: unsafe when total - x1 - x2 < p% of x1, level p% x1 - (total - x1 - x2)', () => {
    const config = parseDisclosureConfig({ pPercent: { p: 10 } });
    // x1 = 500, x2 = 300, rest 20 < 50: the second firm estimates the first within 4%.
    expect(pPercentRule(cell(820, [500, 300, 20]), config)).toBeCloseTo(30);
    expect(pPercentRule(cell(900, [500, 300, 100]), config)).toBeUndefined();
    // A single contributor is always unsafe.
    expect(pPercentRule(cell(500, [500]), config)).toBeCloseTo(50);
  });

  it('applies frequency, zero, empty and manual rules with their levels and reasons', () => {
    const table = buildTable({
      dimensions: [
        {
          name: 'region',
          codes: ['T', 'a', 'b', 'c', 'd', 'e'].map((code, i) => ({ code, parent: i ? 'T' : null })),
        },
      ],
      cells: [
        { coordinates: { region: 'T' }, value: 142 },
        { coordinates: { region: 'a' }, value: 3 },
        { coordinates: { region: 'b' }, value: 0 },
        { coordinates: { region: 'c' }, value: 120 },
        { coordinates: { region: 'd' }, value: 19 },
        // e: not given, an empty cell
      ],
    });
    const config = parseDisclosureConfig({
      frequency: { threshold: 10, protectionPercent: 20 },
      zeros: 'suppress',
      empty: 'suppress',
      alwaysSuppress: [{ region: 'c' }],
      manualProtectionPercent: 10,
    });
    const found = primarySuppressions(table, config);
    const by = (code: string) => found.get(table.cellIndex([table.dimensions[0]!.index.get(code)!]));
    expect(by('a')).toEqual({ rules: ['frequency'], upper: 2, lower: 2 });
    expect(by('b')).toEqual({ rules: ['zero'], upper: 2, lower: 0 });
    expect(by('c')).toEqual({ rules: ['manual'], upper: 12, lower: 12 });
    expect(by('e')).toEqual({ rules: ['empty'], upper: 2, lower: 0 });
    expect(by('d')).toBeUndefined();
    expect(by('T')).toBeUndefined();
  });

  it('uses contributors for the frequency rule in magnitude tables', () => {
    const table = buildTable({
      kind: 'magnitude',
      dimensions: [
        { name: 'sector', codes: [{ code: 'T' }, { code: 'A', parent: 'T' }, { code: 'B', parent: 'T' }] },
      ],
      cells: [
        { coordinates: { sector: 'T' }, value: 1000, contributors: 12 },
        { coordinates: { sector: 'A' }, value: 400, contributors: 2, topContributions: [300, 100] },
        { coordinates: { sector: 'B' }, value: 600, contributors: 10, topContributions: [100, 90, 80] },
      ],
    });
    const found = primarySuppressions(
      table,
      parseDisclosureConfig({ frequency: { threshold: 3, protectionPercent: 10 }, pPercent: { p: 10 } }),
    );
    // A: 2 firms (frequency, 10% of 400 = 40) and p% (x1 = 300, rest 0: level 30): the larger wins.
    expect(found.get(1)).toEqual({ rules: ['frequency', 'p-percent'], upper: 40, lower: 40 });
    expect(found.has(2)).toBe(false);
  });

  it('rejects a wrong configuration, naming the field', () => {
    expect(() => parseDisclosureConfig({ frequency: { threshold: 0 } })).toThrow(/frequency\.threshold/);
    expect(() => parseDisclosureConfig({ method: 'swap' })).toThrow(/method/);
  });

  it('refuses to suppress in a table whose totals do not add up', async () => {
    const table = buildTable({
      dimensions: [
        { name: 'r', codes: [{ code: 'T' }, { code: 'a', parent: 'T' }, { code: 'b', parent: 'T' }] },
      ],
      cells: [
        { coordinates: { r: 'T' }, value: 10 },
        { coordinates: { r: 'a' }, value: 3 },
        { coordinates: { r: 'b' }, value: 8 },
      ],
    });
    await expect(protectTable(table, { frequency: { threshold: 5 } })).rejects.toThrow(/r=T is not the sum/);
  });
});
