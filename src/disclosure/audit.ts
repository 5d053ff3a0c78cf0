// The auditor makes the intruder's attack: knowing every published value, that cells are not
// negative and that totals add up, what range can each suppressed cell still take? It solves one
// linear program per bound; a primary cell whose range is narrower than its requirement is a leak.
import { PersistentLp, type LinearRow } from './lp.js';
import type { Requirement } from './rules.js';
import { cellCoordinates, type Table } from './table.js';

/** The intruder's feasible interval for one suppressed cell. */
export interface CellInterval {
  cell: number;
  coordinates: Record<string, string>;
  value: number;
  /** Smallest value consistent with everything published. */
  min: number;
  /** Largest value consistent with everything published (Infinity when nothing bounds it). */
  max: number;
}

/** A primary cell the intruder can pin down closer than its requirement allows. */
export interface Leak extends CellInterval {
  required: Requirement;
  /** 'exact' when the interval is a single value (recovered by subtraction), else 'narrow'. */
  kind: 'exact' | 'narrow';
}

/** What the auditor found. */
export interface AuditReport {
  /** Intervals of the suppressed cells it examined (all suppressed cells in 'intervals' mode). */
  intervals: CellInterval[];
  leaks: Leak[];
  /** Linear programs solved, and the groups of linked suppressed cells they were solved in. */
  solves: number;
  components: number;
}

/** Options: 'intervals' computes exact bounds for every suppressed cell; 'verdict' stops as soon as each primary is shown safe. */
export interface AuditOptions {
  mode?: 'intervals' | 'verdict';
}

/**
 * Audits a suppression pattern: `suppressed[i]` marks cells that are not published, `requirements`
 * the primary cells' protection levels. Every other cell is taken as published with its table value.
 * Promises exact LP bounds (up to solver tolerance) for each examined cell and lists every leak.
 */
export async function auditSuppression(
  table: Table,
  suppressed: ArrayLike<boolean | number>,
  requirements: ReadonlyMap<number, Requirement>,
  options: AuditOptions = {},
): Promise<AuditReport> {
  const mode = options.mode ?? 'intervals';
  const hidden: number[] = [];
  for (let i = 0; i < table.cells.length; i++) if (suppressed[i]) hidden.push(i);
  const column = new Map(hidden.map((cell, k) => [cell, k]));

  // Only constraints with a suppressed cell tell the intruder anything; the published cells move to
  // the right-hand side. Suppressed cells linked by such constraints form a component, and the
  // components are independent linear programs (smaller, and solved separately).
  const rows: { columns: number[]; coefficients: number[]; rhs: number }[] = [];
  const parent = hidden.map((_, k) => k);
  const find = (k: number): number => {
    while (parent[k] !== k) k = parent[k] = parent[parent[k]!]!;
    return k;
  };
  for (const c of table.constraints) {
    const columns: number[] = [];
    const coefficients: number[] = [];
    let rhs = 0;
    const add = (cell: number, sign: number): void => {
      const k = column.get(cell);
      if (k === undefined) rhs -= sign * table.cells[cell]!.value;
      else {
        columns.push(k);
        coefficients.push(sign);
      }
    };
    add(c.total, 1);
    for (const p of c.parts) add(p, -1);
    if (columns.length === 0) continue;
    rows.push({ columns, coefficients, rhs });
    for (const k of columns.slice(1)) parent[find(k)] = find(columns[0]!);
  }

  const members = new Map<number, number[]>();
  hidden.forEach((_, k) => {
    const root = find(k);
    const list = members.get(root);
    if (list) list.push(k);
    else members.set(root, [k]);
  });
  const rowsOf = new Map<number, typeof rows>();
  for (const r of rows) {
    const root = find(r.columns[0]!);
    const list = rowsOf.get(root);
    if (list) list.push(r);
    else rowsOf.set(root, [r]);
  }

  const report: AuditReport = { intervals: [], leaks: [], solves: 0, components: members.size };
  for (const [root, cols] of members) {
    const local = new Map(cols.map((k, j) => [k, j]));
    const lpRows: LinearRow[] = (rowsOf.get(root) ?? []).map((r) => ({
      columns: r.columns.map((k) => local.get(k)!),
      coefficients: r.coefficients,
      lower: r.rhs,
      upper: r.rhs,
    }));
    const lp = await PersistentLp.create({
      cost: cols.map(() => 0),
      lower: cols.map(() => 0),
      upper: cols.map(() => Infinity),
      rows: lpRows,
    });
    try {
      auditComponent(table, hidden, cols, lp, requirements, mode, report);
    } finally {
      lp.dispose();
    }
  }
  report.leaks.sort((a, b) => a.cell - b.cell);
  report.intervals.sort((a, b) => a.cell - b.cell);
  return report;
}

function auditComponent(
  table: Table,
  hidden: readonly number[],
  cols: readonly number[],
  lp: PersistentLp,
  requirements: ReadonlyMap<number, Requirement>,
  mode: 'intervals' | 'verdict',
  report: AuditReport,
): void {
  const n = cols.length;
  const cellOf = (j: number): number => hidden[cols[j]!]!;
  // Best bounds seen in any solution so far: in 'verdict' mode a primary whose requirement is
  // already met by some feasible table needs no solve of its own.
  const seenMax = new Float64Array(n).fill(-Infinity);
  const seenMin = new Float64Array(n).fill(Infinity);
  const record = (x: Float64Array): void => {
    for (let j = 0; j < n; j++) {
      if (x[j]! > seenMax[j]!) seenMax[j] = x[j]!;
      if (x[j]! < seenMin[j]!) seenMin[j] = x[j]!;
    }
  };
  const cost = new Float64Array(n);
  const optimise = (j: number, sign: 1 | -1): number => {
    cost.fill(0);
    cost[j] = sign;
    lp.setCosts(cost);
    const solution = lp.solve();
    report.solves++;
    if (solution.status === 'unbounded') return sign === -1 ? Infinity : -Infinity;
    if (solution.status !== 'optimal')
      throw new Error(
        `auditor: the published table is not consistent (${solution.status}); check that totals add up`,
      );
    record(solution.x);
    return solution.x[j]!;
  };
  for (let j = 0; j < n; j++) {
    const cell = cellOf(j);
    const required = requirements.get(cell);
    if (mode === 'verdict' && !required) continue;
    const value = table.cells[cell]!.value;
    const tolerance = 1e-6 * Math.max(1, value);
    const upNeeded = required ? value + required.upper - tolerance : Infinity;
    const downNeeded = required ? value - required.lower + tolerance : -Infinity;
    const max = mode === 'verdict' && seenMax[j]! >= upNeeded ? seenMax[j]! : optimise(j, -1);
    const min = mode === 'verdict' && seenMin[j]! <= downNeeded ? seenMin[j]! : optimise(j, 1);
    const interval: CellInterval = { cell, coordinates: cellCoordinates(table, cell), value, min, max };
    report.intervals.push(interval);
    if (required && (max < upNeeded || min > downNeeded)) {
      report.leaks.push({ ...interval, required, kind: max - min <= tolerance ? 'exact' : 'narrow' });
    }
  }
}
