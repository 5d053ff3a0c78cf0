import { describe, expect, it } from 'vitest';
import {
  additivityViolations,
  cellKeyFromRecords,
  cellKeyPerturbation,
  checkPTable,
  DEFAULT_PTABLE,
  noiseFor,
  protectTable,
  roundTable,
  withValues,
} from '../../src/disclosure/index.js';
import { syntheticTable } from '../../src/disclosure/synthetic.js';

const table = syntheticTable({ regionFanout: [3, 3, 4], categories: [4, 3], meanCount: 20, seed: 42 });
const innermost = (i: number) =>
  table.cells[i]!.coordinates.every((c, d) => !table.dimensions[d]!.groupings.some((g) => g.total === c));

describe('rounding', () => {
  it('additive rounding: multiples of the base, every total adds up, zeros stay zero, innermost cells move < base', () => {
    for (const base of [5, 10]) {
      const { values } = roundTable(table, base);
      expect(values.every((v) => v % base === 0 && v >= 0)).toBe(true);
      expect(additivityViolations(withValues(table, values))).toEqual([]);
      table.cells.forEach((cell, i) => {
        if (cell.value === 0) expect(values[i]).toBe(0);
        if (innermost(i)) expect(Math.abs(values[i]! - cell.value)).toBeLessThan(base);
      });
      // The buurten of one wijk (a run of consecutive leaves) keep their sum within one base.
      const wijk = table.dimensions[0]!.index.get('R.1.1')!;
      const cellAt = table.cellIndex([wijk, 1, 1]);
      expect(Math.abs(values[cellAt]! - table.cells[cellAt]!.value)).toBeLessThan(base);
    }
  });

  it('nearest rounding keeps every cell within half a base but not the totals', () => {
    const { values } = roundTable(table, 5, 'nearest');
    table.cells.forEach((cell, i) => expect(Math.abs(values[i]! - cell.value)).toBeLessThanOrEqual(2.5));
    expect(additivityViolations(withValues(table, values)).length).toBeGreaterThan(0);
  });

  it('protectTable flags rounded values', async () => {
    const out = await protectTable(table, { method: 'rounding', rounding: { base: 10 } });
    expect(out.cells.every((c) => c.flag === 'rounded' && c.status === 'final' && c.value! % 10 === 0)).toBe(
      true,
    );
  });
});

describe('cell-key method', () => {
  it('checks the ptable', () => {
    expect(() => checkPTable(DEFAULT_PTABLE)).not.toThrow();
    expect(() => checkPTable([{ value: 1, noise: [{ add: -2, probability: 1 }] }])).toThrow(/negative/);
    expect(() => checkPTable([{ value: 1, noise: [{ add: 0, probability: 0.5 }] }])).toThrow(/add up to 0.5/);
  });

  it('picks the noise by cumulative probability and uses the last row for large counts', () => {
    expect(noiseFor(0, 0.99, DEFAULT_PTABLE)).toBe(0);
    expect(noiseFor(1, 0.1, DEFAULT_PTABLE)).toBe(-1);
    expect(noiseFor(1, 0.5, DEFAULT_PTABLE)).toBe(0);
    expect(noiseFor(1, 0.8, DEFAULT_PTABLE)).toBe(1);
    expect(noiseFor(500, 0.01, DEFAULT_PTABLE)).toBe(-2);
    expect(noiseFor(500, 0.97, DEFAULT_PTABLE)).toBe(2);
  });

  it('a cell key is the sum of record keys modulo 1, whatever their order', () => {
    expect(cellKeyFromRecords([0.4, 0.7, 0.2])).toBeCloseTo(0.3);
    expect(cellKeyFromRecords([0.2, 0.4, 0.7])).toBeCloseTo(cellKeyFromRecords([0.7, 0.2, 0.4]));
  });

  it('perturbs deterministically, never below zero, with noise of at most 2 and mean near 0', () => {
    const first = cellKeyPerturbation(table, { salt: 's' });
    const again = cellKeyPerturbation(table, { salt: 's' });
    const other = cellKeyPerturbation(table, { salt: 'other' });
    expect(again.values).toEqual(first.values);
    expect(other.values).not.toEqual(first.values);
    let sum = 0;
    table.cells.forEach((cell, i) => {
      const noise = first.values[i]! - cell.value;
      expect(first.values[i]).toBeGreaterThanOrEqual(0);
      expect(Math.abs(noise)).toBeLessThanOrEqual(2);
      if (cell.value === 0) expect(noise).toBe(0);
      sum += noise;
    });
    expect(Math.abs(sum / table.cells.length)).toBeLessThan(0.1);
  });

  it('protectTable flags perturbed values', async () => {
    const out = await protectTable(table, { method: 'cell-key' });
    expect(out.summary.perturbed).toBe(table.cells.length);
    expect(out.cells[0]!.flag).toBe('perturbed');
  });
});
