// The naive pattern many municipal monitors use after hiding small values: suppress, with every
// primary cell, all its siblings in every dimension. It serves as the reference the LP method is
// measured against (more cells lost, and no proof that nothing leaks).
import type { Requirement } from './rules.js';
import { PRIMARY, SECONDARY } from './secondary.js';
import type { Table } from './table.js';

/**
 * Suppresses every primary cell and, in each dimension, every other part of each grouping the
 * primary is a part of. Returns the pattern (0 published, 1 primary, 2 secondary) per cell.
 */
export function siblingSuppression(table: Table, requirements: ReadonlyMap<number, Requirement>): Uint8Array {
  const pattern = new Uint8Array(table.cells.length);
  for (const cell of requirements.keys()) pattern[cell] = PRIMARY;
  for (const cell of requirements.keys()) {
    const coordinates = table.cells[cell]!.coordinates;
    table.dimensions.forEach((dimension, d) => {
      for (const grouping of dimension.groupings) {
        if (!grouping.parts.includes(coordinates[d]!)) continue;
        for (const part of grouping.parts) {
          const sibling = table.cellIndex(coordinates.map((c, k) => (k === d ? part : c)));
          if (!pattern[sibling]) pattern[sibling] = SECONDARY;
        }
      }
    });
  }
  return pattern;
}
