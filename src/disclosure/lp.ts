// The one place that talks to the linear-programming solver (HiGHS, compiled to WebAssembly, from the
// npm package `highs`). Everything else in the disclosure room states its problems as plain arrays,
// so the solver could be swapped without touching the statistics.
import * as highsModule from 'highs';
import type { Highs, Model } from 'highs';

// The package's types describe a CommonJS module while Node loads its ES build, whose default
// export is the loader; accept either shape.
type Loader = () => Promise<Highs>;
const highsLoader: Loader =
  (highsModule as unknown as { default?: Loader }).default ?? (highsModule as unknown as Loader);

/** One linear row: lower <= sum(coefficients[k] * x[columns[k]]) <= upper. */
export interface LinearRow {
  columns: readonly number[];
  coefficients: readonly number[];
  lower: number;
  upper: number;
}

/** A linear program in the solver-neutral form the disclosure code builds. */
export interface LinearProgramInput {
  /** Objective coefficient per column (minimised unless `maximise`). */
  cost: readonly number[];
  lower: readonly number[];
  /** Upper bound per column; `Infinity` for none. */
  upper: readonly number[];
  rows: readonly LinearRow[];
}

/** How a solve ended: an optimum, no feasible point, or an objective without bound. */
export type LpStatus = 'optimal' | 'infeasible' | 'unbounded' | 'failed';

/** The outcome of one solve. `x` is only meaningful when `status` is 'optimal'. */
export interface LpSolution {
  status: LpStatus;
  objective: number;
  x: Float64Array;
}

let loading: Promise<Highs> | undefined;

/** Loads the solver once per process and returns it; later calls share the same instance. */
export function loadSolver(): Promise<Highs> {
  if (!loading) loading = highsLoader();
  return loading;
}

/**
 * A linear program kept alive between solves, so that the many small re-solves the auditor and the
 * secondary suppression make (same rows, other objective or bounds) start from the previous basis.
 * Call `dispose()` when done: the solver's memory is not garbage collected.
 */
export class PersistentLp {
  private readonly model: Model;
  readonly columns: number;
  private readonly infinity: number;

  private constructor(highs: Highs, input: LinearProgramInput) {
    this.infinity = highs.infinity;
    this.columns = input.cost.length;
    this.model = highs.createModel();
    this.model.options.set({ output_flag: false, presolve: 'off' });
    const starts = [0];
    const indices: number[] = [];
    const values: number[] = [];
    const rowLower: number[] = [];
    const rowUpper: number[] = [];
    for (const row of input.rows) {
      for (let k = 0; k < row.columns.length; k++) {
        indices.push(row.columns[k]!);
        values.push(row.coefficients[k]!);
      }
      starts.push(indices.length);
      rowLower.push(this.bound(row.lower));
      rowUpper.push(this.bound(row.upper));
    }
    this.model.passModel({
      numCols: this.columns,
      numRows: input.rows.length,
      colCost: Float64Array.from(input.cost),
      colLower: Float64Array.from(input.lower, (v) => this.bound(v)),
      colUpper: Float64Array.from(input.upper, (v) => this.bound(v)),
      rowLower: Float64Array.from(rowLower),
      rowUpper: Float64Array.from(rowUpper),
      matrix: {
        format: 'csr',
        numRows: input.rows.length,
        numCols: this.columns,
        starts: Int32Array.from(starts),
        indices: Int32Array.from(indices),
        values: Float64Array.from(values),
      },
    });
  }

  /** Builds a persistent program from the solver-neutral description. */
  static async create(input: LinearProgramInput): Promise<PersistentLp> {
    return new PersistentLp(await loadSolver(), input);
  }

  /** Replaces the whole objective (minimised). */
  setCosts(cost: readonly number[] | Float64Array): void {
    this.model.changeColsCost({ kind: 'range', from: 0, to: this.columns - 1 }, Float64Array.from(cost));
  }

  /** Changes one column's objective coefficient. */
  setCost(column: number, cost: number): void {
    this.model.changeColCost(column, cost);
  }

  /** Changes one column's bounds (`Infinity` allowed). */
  setBounds(column: number, lower: number, upper: number): void {
    this.model.changeColBounds(column, this.bound(lower), this.bound(upper));
  }

  /** Solves (minimising) from the current basis and reports the outcome. */
  solve(): LpSolution {
    const result = this.model.run();
    const code = result.modelStatus;
    const status: LpStatus =
      code === 7 ? 'optimal' : code === 8 ? 'infeasible' : code === 10 || code === 9 ? 'unbounded' : 'failed';
    if (status !== 'optimal') return { status, objective: NaN, x: new Float64Array(0) };
    return { status, objective: this.model.getObjectiveValue(), x: this.model.getSolution().colValue };
  }

  /** Releases the solver's memory; the object cannot be used afterwards. */
  dispose(): void {
    this.model.dispose();
  }

  private bound(v: number): number {
    return v === Infinity ? this.infinity : v === -Infinity ? -this.infinity : v;
  }
}
