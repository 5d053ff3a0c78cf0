// The auditor makes the intruder's attack: knowing every published value, that cells are not
// negative and that totals add up, what range can each suppressed cell still take? It solves one
// linear program per bound; a primary cell whose range is narrower than its requirement is a leak.
import { cheapestHypercube, dimensionMoves, tableStrides } from './hypercube.js';
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
  /** Primary cells shown safe by a hypercube of suppressed cells ('verdict' mode), without an LP. */
  certified: number;
}

/** Options: 'intervals' computes exact bounds for every suppressed cell; 'verdict' stops as soon as each primary is shown safe. */
export interface AuditOptions {
  mode?: 'intervals' | 'verdict';
  /** 'verdict' mode: certify primaries by hypercubes of suppressed cells before any LP (default true). */
  hypercubes?: boolean;
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

  const report: AuditReport = {
    intervals: [],
    leaks: [],
    solves: 0,
    components: members.size,
    certified: 0,
  };
  // 'verdict' mode first looks, for every primary, for a hypercube made of suppressed cells only
  // that moves it by its levels without a corner turning negative: such a cube is a table the
  // intruder cannot tell from the true one, so the primary is safe and needs no LP. Components
  // whose primaries are all certified so are not solved at all.
  const certified = new Set<number>();
  if (mode === 'verdict' && (options.hypercubes ?? true)) {
    const moves = table.dimensions.map(dimensionMoves);
    const strides = tableStrides(table);
    const mask = new Uint8Array(table.cells.length);
    for (const cell of hidden) mask[cell] = 1;
    const none = new Uint8Array(table.cells.length);
    const onlySuppressed = (): number => Infinity;
    for (const [cell, required] of requirements) {
      if (!mask[cell]) continue;
      const cube = (up: number, down: number) =>
        cheapestHypercube(table, moves, strides, cell, up, down, mask, none, onlySuppressed);
      if (cube(required.upper, required.lower) || (cube(required.upper, 0) && cube(0, required.lower)))
        certified.add(cell);
    }
    report.certified = certified.size;
  }
  for (const [root, cols] of members) {
    if (mode === 'verdict' && cols.every((k) => !requirements.has(hidden[k]!) || certified.has(hidden[k]!)))
      continue;
    const local = new Map(cols.map((k, j) => [k, j]));
    const lpRows: LinearRow[] = (rowsOf.get(root) ?? []).map((r) => ({
      columns: r.columns.map((k) => local.get(k)!),
      coefficients: r.coefficients,
      lower: r.rhs,
      upper: r.rhs,
    }));
    // In 'verdict' mode each primary p gets two helper columns for the batched solves:
    // t_p <= x_p capped at value + upper, and s_p >= x_p floored at value - lower. Maximising the
    // sum of t (or minimising the sum of s) pushes many primaries towards their requirement in one
    // solve; with zero cost they leave the intruder's feasible set of x unchanged.
    const primaries =
      mode === 'verdict'
        ? cols.filter((k) => requirements.has(hidden[k]!) && !certified.has(hidden[k]!))
        : [];
    const n = cols.length;
    const cost: number[] = cols.map(() => 0);
    const lower: number[] = cols.map(() => 0);
    const upper: number[] = cols.map(() => Infinity);
    primaries.forEach((k, i) => {
      const cell = hidden[k]!;
      const value = table.cells[cell]!.value;
      const required = requirements.get(cell)!;
      cost.push(0, 0);
      lower.push(0, value - required.lower);
      upper.push(value + required.upper, Infinity);
      const j = local.get(k)!;
      lpRows.push({ columns: [n + 2 * i, j], coefficients: [1, -1], lower: -Infinity, upper: 0 });
      lpRows.push({ columns: [n + 2 * i + 1, j], coefficients: [1, -1], lower: 0, upper: Infinity });
    });
    const lp = await PersistentLp.create({ cost, lower, upper, rows: lpRows });
    try {
      auditComponent(table, hidden, cols, primaries, lp, requirements, certified, mode, report);
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
  primaries: readonly number[],
  lp: PersistentLp,
  requirements: ReadonlyMap<number, Requirement>,
  certified: ReadonlySet<number>,
  mode: 'intervals' | 'verdict',
  report: AuditReport,
): void {
  const n = cols.length;
  const width = lp.columns;
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
  const cost = new Float64Array(width);
  const solve = (): Float64Array | 'unbounded' => {
    lp.setCosts(cost);
    const solution = lp.solve();
    report.solves++;
    if (solution.status === 'unbounded') return 'unbounded';
    if (solution.status !== 'optimal')
      throw new Error(
        `auditor: the published table is not consistent (${solution.status}); check that totals add up`,
      );
    record(solution.x);
    return solution.x;
  };
  const optimise = (j: number, sign: 1 | -1): number => {
    cost.fill(0);
    cost[j] = sign;
    const x = solve();
    if (x === 'unbounded') return sign === -1 ? Infinity : -Infinity;
    return x[j]!;
  };
  const needs = (j: number): { up: number; down: number } => {
    const cell = cellOf(j);
    const required = requirements.get(cell);
    const value = table.cells[cell]!.value;
    const tolerance = 1e-6 * Math.max(1, value);
    return {
      up: required ? value + required.upper - tolerance : Infinity,
      down: required ? value - required.lower + tolerance : -Infinity,
    };
  };

  if (mode === 'verdict' && primaries.length > 0) {
    // Batched solves: every solution is a table the intruder cannot rule out, so every primary it
    // carries to its requirement is shown safe. Repeat while a round shows something new; the
    // primaries left get exact single solves below, so the verdict is the same as without batching.
    const local = new Map(cols.map((k, j) => [k, j]));
    const index = primaries.map((k) => local.get(k)!);
    for (const up of [true, false]) {
      let open = index
        .map((j, i) => [j, i] as const)
        .filter(([j]) => (up ? seenMax[j]! < needs(j).up : seenMin[j]! > needs(j).down));
      while (open.length > 0) {
        cost.fill(0);
        for (const [, i] of open) cost[n + 2 * i + (up ? 0 : 1)] = up ? -1 : 1;
        if (solve() === 'unbounded') break;
        const still = open.filter(([j]) => (up ? seenMax[j]! < needs(j).up : seenMin[j]! > needs(j).down));
        if (still.length === open.length) break;
        open = still;
      }
    }
  }

  for (let j = 0; j < n; j++) {
    const cell = cellOf(j);
    const required = requirements.get(cell);
    if (mode === 'verdict' && (!required || certified.has(cell))) continue;
    const value = table.cells[cell]!.value;
    const tolerance = 1e-6 * Math.max(1, value);
    const { up: upNeeded, down: downNeeded } = needs(j);
    const max = mode === 'verdict' && seenMax[j]! >= upNeeded ? seenMax[j]! : optimise(j, -1);
    const min = mode === 'verdict' && seenMin[j]! <= downNeeded ? seenMin[j]! : optimise(j, 1);
    const interval: CellInterval = { cell, coordinates: cellCoordinates(table, cell), value, min, max };
    report.intervals.push(interval);
    if (required && (max < upNeeded || min > downNeeded)) {
      report.leaks.push({ ...interval, required, kind: max - min <= tolerance ? 'exact' : 'narrow' });
    }
  }
}
