// The disclosure room's front door: protect a table as its configuration says and say, for every
// cell, what may be published and why a value is hidden or changed.
import type { ObservationStatus } from '../core/special-value.js';
import { auditSuppression, type AuditReport } from './audit.js';
import { cellKeyPerturbation } from './cell-key.js';
import { parseDisclosureConfig, type DisclosureConfig } from './config.js';
import { roundTable } from './rounding.js';
import { primarySuppressions, type PrimaryRule, type Requirement } from './rules.js';
import { PRIMARY, SECONDARY, secondarySuppression } from './secondary.js';
import { additivityViolations, cellCoordinates, cellLabel, type Table } from './table.js';

export * from './audit.js';
export * from './baseline.js';
export * from './cell-key.js';
export * from './config.js';
export * from './rounding.js';
export * from './rules.js';
export * from './hypercube.js';
export * from './secondary.js';
export * from './table.js';

/** Why a published value is hidden or changed, for the UI's flag. */
export type DisclosureFlag = 'primary' | 'secondary' | 'rounded' | 'perturbed';

/** One cell as it may be published. */
export interface ProtectedCell {
  coordinates: Record<string, string>;
  /** The value to publish, or null when it is suppressed (or the cell is empty). */
  value: number | null;
  status: ObservationStatus;
  flag: DisclosureFlag | null;
  /** The primary rule(s) for a primary cell ('frequency', 'dominance', ...), else the flag. */
  reason: string | null;
}

/** A protected table: every cell, the counts a report needs, and the auditor's verdict for suppression. */
export interface ProtectedTable {
  method: DisclosureConfig['method'];
  cells: ProtectedCell[];
  summary: {
    cells: number;
    primary: number;
    secondary: number;
    secondaryValue: number;
    rounded: number;
    perturbed: number;
    solves: number;
  };
  audit?: AuditReport;
}

/** The table cannot be protected as configured (e.g. the auditor still finds a leak). */
export class DisclosureError extends Error {
  override name = 'DisclosureError';
}

/**
 * Protects a table: primary rules and LP-based secondary suppression (then audited: it throws a
 * DisclosureError rather than return a pattern with a leak), or rounding, or the cell-key method.
 * Throws a DisclosureError when the table's totals do not add up (suppression would then be unsound).
 */
export async function protectTable(table: Table, configInput: unknown): Promise<ProtectedTable> {
  const config = parseDisclosureConfig(configInput);
  const summary = {
    cells: table.cells.length,
    primary: 0,
    secondary: 0,
    secondaryValue: 0,
    rounded: 0,
    perturbed: 0,
    solves: 0,
  };
  const cells: ProtectedCell[] = table.cells.map((cell, i) => ({
    coordinates: cellCoordinates(table, i),
    value: cell.empty ? null : cell.value,
    status: cell.empty ? 'not_applicable' : 'final',
    flag: null,
    reason: null,
  }));

  if (config.method === 'rounding') {
    const { values } = roundTable(table, config.rounding.base, config.rounding.mode);
    cells.forEach((c, i) => {
      if (table.cells[i]!.empty) return;
      c.value = values[i]!;
      c.flag = c.reason = 'rounded';
      summary.rounded++;
    });
    return { method: config.method, cells, summary };
  }
  if (config.method === 'cell-key') {
    const { values } = cellKeyPerturbation(table, config.cellKey);
    cells.forEach((c, i) => {
      if (table.cells[i]!.empty) return;
      c.value = values[i]!;
      c.flag = c.reason = 'perturbed';
      summary.perturbed++;
    });
    return { method: config.method, cells, summary };
  }

  const broken = additivityViolations(table);
  if (broken.length > 0) {
    const first = broken[0]!;
    throw new DisclosureError(
      `table does not add up in ${broken.length} place(s), e.g. ${cellLabel(table, first.total)} is not the sum of its parts; ` +
        'secondary suppression needs additive totals',
    );
  }
  const requirements: Map<number, Requirement> = primarySuppressions(table, config);
  const secondary = await secondarySuppression(table, requirements, { cost: config.secondaryCost });
  const audit = await auditSuppression(table, secondary.pattern, requirements, { mode: 'verdict' });
  if (audit.leaks.length > 0) {
    const leak = audit.leaks[0]!;
    throw new DisclosureError(
      `${audit.leaks.length} suppressed cell(s) can still be recovered, e.g. ${cellLabel(table, leak.cell)}: ` +
        `value ${leak.value} lies in [${leak.min}, ${leak.max}], protection asks ${leak.required.lower} below and ${leak.required.upper} above`,
    );
  }
  secondary.pattern.forEach((state, i) => {
    if (!state) return;
    const c = cells[i]!;
    c.value = null;
    c.status = 'secret';
    if (state === PRIMARY) {
      c.flag = 'primary';
      c.reason = (requirements.get(i)!.rules satisfies PrimaryRule[]).join('+');
      summary.primary++;
    } else if (state === SECONDARY) {
      c.flag = c.reason = 'secondary';
      summary.secondary++;
      summary.secondaryValue += table.cells[i]!.value;
    }
  });
  summary.solves = secondary.solves + audit.solves;
  return { method: config.method, cells, summary, audit };
}
