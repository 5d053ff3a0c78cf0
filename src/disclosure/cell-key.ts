// The cell-key method (ABS, adopted in the European census programme): every record carries a
// random key in [0, 1); a cell's key is the sum of its records' keys modulo 1, so the same set of
// records always gets the same key and the same noise, whichever table it appears in. The key
// picks the noise from a perturbation table (ptable). Without microdata the key is a salted hash
// of the cell's coordinates, which keeps the noise deterministic per cell.
import { createHash } from 'node:crypto';
import type { PTable } from './config.js';
import type { Table } from './table.js';

/**
 * The default ptable: unbiased noise of at most 2, none for zero, never below zero.
 * count 0: +0 (1). count 1: -1 (0.25), 0 (0.5), +1 (0.25).
 * count 2 and more: -2 (0.05), -1 (0.2), 0 (0.5), +1 (0.2), +2 (0.05).
 */
export const DEFAULT_PTABLE: PTable = [
  { value: 0, noise: [{ add: 0, probability: 1 }] },
  {
    value: 1,
    noise: [
      { add: -1, probability: 0.25 },
      { add: 0, probability: 0.5 },
      { add: 1, probability: 0.25 },
    ],
  },
  {
    value: 2,
    noise: [
      { add: -2, probability: 0.05 },
      { add: -1, probability: 0.2 },
      { add: 0, probability: 0.5 },
      { add: 1, probability: 0.2 },
      { add: 2, probability: 0.05 },
    ],
  },
];

/** Checks a ptable: rows sorted by distinct count, probabilities adding up to 1, no count made negative. Throws when not. */
export function checkPTable(ptable: PTable): void {
  ptable.forEach((row, k) => {
    if (k > 0 && row.value <= ptable[k - 1]!.value)
      throw new Error(
        `ptable row ${k + 1}: counts must increase (got ${row.value} after ${ptable[k - 1]!.value})`,
      );
    const total = row.noise.reduce((s, n) => s + n.probability, 0);
    if (Math.abs(total - 1) > 1e-9)
      throw new Error(
        `ptable row ${k + 1} (count ${row.value}): probabilities add up to ${total}, expected 1`,
      );
    for (const n of row.noise)
      if (row.value + n.add < 0)
        throw new Error(
          `ptable row ${k + 1} (count ${row.value}): noise ${n.add} would make the count negative`,
        );
  });
}

/** A cell key from record keys: their sum modulo 1. */
export function cellKeyFromRecords(recordKeys: readonly number[]): number {
  let sum = 0;
  for (const k of recordKeys) sum += k;
  return sum - Math.floor(sum);
}

/** A cell key from the cell's codes: a salted SHA-256 of them, read as a number in [0, 1). */
export function cellKeyFromCoordinates(codes: readonly string[], salt: string): number {
  const digest = createHash('sha256').update(salt).update('\u0000').update(codes.join('\u0000')).digest();
  return digest.readUInt32BE(0) / 2 ** 32;
}

/** The noise the ptable gives a count with this cell key (the row for the count, or the last row below it). */
export function noiseFor(count: number, key: number, ptable: PTable): number {
  let row = ptable[0]!;
  for (const r of ptable) if (r.value <= count) row = r;
  let cumulative = 0;
  for (const n of row.noise) {
    cumulative += n.probability;
    if (key < cumulative) return n.add;
  }
  return row.noise[row.noise.length - 1]!.add;
}

/**
 * Perturbs every cell of a frequency table by the cell-key method. Promises: the same cell (same
 * records, or same coordinates and salt) always gets the same value; no value becomes negative;
 * totals are perturbed on their own and need not add up.
 */
export function cellKeyPerturbation(
  table: Table,
  options: { ptable?: PTable; salt: string },
): { values: Float64Array; keys: Float64Array } {
  if (table.kind !== 'frequency')
    throw new Error(
      'cell-key method: only frequency (count) tables are supported; use suppression or rounding',
    );
  const ptable = options.ptable ?? DEFAULT_PTABLE;
  checkPTable(ptable);
  const values = new Float64Array(table.cells.length);
  const keys = new Float64Array(table.cells.length);
  table.cells.forEach((cell, i) => {
    const codes = cell.coordinates.map((c, k) => table.dimensions[k]!.codes[c]!);
    const key = cell.recordKeys
      ? cellKeyFromRecords(cell.recordKeys)
      : cellKeyFromCoordinates(codes, options.salt);
    keys[i] = key;
    values[i] = Math.max(0, cell.value + noiseFor(cell.value, key, ptable));
  });
  return { values, keys };
}
