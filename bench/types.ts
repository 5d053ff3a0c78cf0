/** One measured number, and what it is compared with in the same run. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** What the figure is compared with (e.g. "DuckDB read_csv"). */
  reference?: string;
  referenceValue?: number;
  /** value / referenceValue (for times: how many times slower than the reference). */
  ratio?: number;
  /** The goal for this figure, in words (e.g. "ratio <= 2"). */
  goal?: string;
  /** Whether the goal was met in this run. */
  met?: boolean;
}

export interface BenchResult {
  name: string;
  figures: Figure[];
  notes?: string[];
}

export interface BenchOptions {
  /** A smaller size that finishes in under a minute. */
  quick: boolean;
}

export type Bench = (options: BenchOptions) => Promise<BenchResult>;
