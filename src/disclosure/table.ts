// The table model every disclosure method works on: cells addressed by one code per dimension, each
// dimension a hierarchy (buurt -> wijk -> gemeente, age group -> total ...), and the additivity
// constraints (a total equals the sum of its parts) that an intruder can exploit.

/** One code of a dimension and the code it adds up into (none for the top). */
export interface DimensionCode {
  code: string;
  parent?: string | null;
}

/** A total that equals the sum of `parts`, besides the tree (e.g. a custom region overlapping gemeenten). */
export interface Grouping {
  total: string;
  parts: readonly string[];
}

/** A dimension as the caller describes it: a tree of codes plus any extra (overlapping) groupings. */
export interface DimensionSpec {
  name: string;
  codes: readonly DimensionCode[];
  /** Additional totals, e.g. a custom region made of buurten from two wijken. */
  groupings?: readonly Grouping[];
}

/** A dimension after checking: its codes, every grouping (tree and extra), and the tree's levels. */
export interface Dimension {
  name: string;
  codes: readonly string[];
  index: ReadonlyMap<string, number>;
  /** Every total = sum(parts) relation in this dimension, tree groupings first. */
  groupings: readonly { total: number; parts: readonly number[] }[];
  /** Tree parent of each code (index), or -1 at the top. */
  parent: readonly number[];
  /** Depth in the tree: 0 at the top. */
  depth: readonly number[];
}

/** One cell as the caller gives it. */
export interface CellInput {
  /** Code per dimension, by dimension name. */
  coordinates: Readonly<Record<string, string>>;
  value: number;
  /** Number of contributing units (persons, firms); for frequency tables the value itself. */
  contributors?: number;
  /** Largest contributions, descending (at least two for the p%-rule, n for (n,k)-dominance). */
  topContributions?: readonly number[];
  /** Record keys of the contributing records (cell-key method); values in [0, 1). */
  recordKeys?: readonly number[];
}

/** A cell of the checked table. `empty` marks a cell the input did not give (a structural zero). */
export interface Cell {
  coordinates: readonly number[];
  value: number;
  contributors?: number;
  topContributions?: readonly number[];
  recordKeys?: readonly number[];
  empty: boolean;
}

/** An additivity constraint: cells[total] = sum of cells[parts]. */
export interface Constraint {
  total: number;
  parts: readonly number[];
}

/** What kind of numbers the cells hold: counts of units, or amounts (turnover) with contributors. */
export type TableKind = 'frequency' | 'magnitude';

/** A checked table: every combination of codes has a cell, with its constraints built. */
export interface Table {
  kind: TableKind;
  dimensions: readonly Dimension[];
  cells: readonly Cell[];
  constraints: readonly Constraint[];
  /** The cell index for coordinates (code indices per dimension). */
  cellIndex(coordinates: readonly number[]): number;
}

/** A problem with the caller's table description: what and where. */
export class TableError extends Error {
  override name = 'TableError';
}

/** Checks one dimension: unique codes, known parents, no cycles; extra groupings refer to known codes. */
export function buildDimension(spec: DimensionSpec): Dimension {
  const codes = spec.codes.map((c) => c.code);
  const index = new Map<string, number>();
  codes.forEach((code, i) => {
    if (index.has(code)) throw new TableError(`dimension ${spec.name}: code ${code} appears twice`);
    index.set(code, i);
  });
  const parent = spec.codes.map((c) => {
    if (c.parent === undefined || c.parent === null || c.parent === '') return -1;
    const p = index.get(c.parent);
    if (p === undefined)
      throw new TableError(`dimension ${spec.name}: parent ${c.parent} of ${c.code} is not one of its codes`);
    return p;
  });
  const depth = codes.map((_, i) => {
    let d = 0;
    for (let p = parent[i]!; p >= 0; p = parent[p]!) {
      if (++d > codes.length)
        throw new TableError(`dimension ${spec.name}: the parents of ${codes[i]} form a cycle`);
    }
    return d;
  });
  const children = new Map<number, number[]>();
  parent.forEach((p, i) => {
    if (p < 0) return;
    const list = children.get(p);
    if (list) list.push(i);
    else children.set(p, [i]);
  });
  const groupings = [...children].map(([total, parts]) => ({ total, parts }));
  for (const g of spec.groupings ?? []) {
    const resolve = (code: string): number => {
      const i = index.get(code);
      if (i === undefined)
        throw new TableError(`dimension ${spec.name}: grouping ${g.total} refers to unknown code ${code}`);
      return i;
    };
    const parts = g.parts.map(resolve);
    if (new Set(parts).size !== parts.length)
      throw new TableError(`dimension ${spec.name}: grouping ${g.total} lists a part twice`);
    groupings.push({ total: resolve(g.total), parts });
  }
  return { name: spec.name, codes, index, groupings, parent, depth };
}

/**
 * Builds the full table (every combination of codes) from the given cells, filling missing ones
 * with empty zero cells, and derives one constraint per grouping per combination of the other
 * dimensions' codes. Throws a TableError for unknown codes or duplicate cells.
 */
export function buildTable(input: {
  kind?: TableKind;
  dimensions: readonly DimensionSpec[];
  cells: readonly CellInput[];
}): Table {
  const dimensions = input.dimensions.map(buildDimension);
  const sizes = dimensions.map((d) => d.codes.length);
  const strides: number[] = [];
  let total = 1;
  for (let d = dimensions.length - 1; d >= 0; d--) {
    strides[d] = total;
    total *= sizes[d]!;
  }
  const cellIndex = (coordinates: readonly number[]): number =>
    coordinates.reduce((sum, c, d) => sum + c * strides[d]!, 0);
  const cells: Cell[] = new Array(total);
  for (let i = 0; i < total; i++) {
    cells[i] = {
      coordinates: dimensions.map((_, d) => Math.floor(i / strides[d]!) % sizes[d]!),
      value: 0,
      empty: true,
    };
  }
  input.cells.forEach((c, row) => {
    const coordinates = dimensions.map((d) => {
      const code = c.coordinates[d.name];
      const i = code === undefined ? undefined : d.index.get(code);
      if (i === undefined)
        throw new TableError(
          `cell ${row + 1}: dimension ${d.name} has code ${String(code)}, which is not one of its codes`,
        );
      return i;
    });
    if (!Number.isFinite(c.value) || c.value < 0)
      throw new TableError(`cell ${row + 1}: value ${c.value} is not a non-negative number`);
    const at = cellIndex(coordinates);
    if (!cells[at]!.empty) throw new TableError(`cell ${row + 1}: the same coordinates appear twice`);
    cells[at] = {
      coordinates,
      value: c.value,
      empty: false,
      ...(c.contributors !== undefined ? { contributors: c.contributors } : {}),
      ...(c.topContributions ? { topContributions: [...c.topContributions].sort((a, b) => b - a) } : {}),
      ...(c.recordKeys ? { recordKeys: c.recordKeys } : {}),
    };
  });
  const constraints: Constraint[] = [];
  dimensions.forEach((dim, d) => {
    for (const g of dim.groupings) {
      // One constraint for every combination of the other dimensions' codes.
      const block = sizes[d]! * strides[d]!;
      for (let outer = 0; outer < total; outer += block) {
        for (let inner = 0; inner < strides[d]!; inner++) {
          const base = outer + inner;
          constraints.push({
            total: base + g.total * strides[d]!,
            parts: g.parts.map((p) => base + p * strides[d]!),
          });
        }
      }
    }
  });
  return { kind: input.kind ?? 'frequency', dimensions, cells, constraints, cellIndex };
}

/** The constraints whose published numbers do not add up (beyond `tolerance`), for a clear error. */
export function additivityViolations(table: Table, tolerance = 1e-6): Constraint[] {
  return table.constraints.filter((c) => {
    const sum = c.parts.reduce((s, p) => s + table.cells[p]!.value, 0);
    return Math.abs(sum - table.cells[c.total]!.value) > tolerance * Math.max(1, Math.abs(sum));
  });
}

/** The codes of a cell by dimension name, for reports. */
export function cellCoordinates(table: Table, cell: number): Record<string, string> {
  const out: Record<string, string> = {};
  table.dimensions.forEach((d, k) => {
    out[d.name] = d.codes[table.cells[cell]!.coordinates[k]!]!;
  });
  return out;
}

/** A readable label for a cell, e.g. "region=WK001400, age=total". */
export function cellLabel(table: Table, cell: number): string {
  return Object.entries(cellCoordinates(table, cell))
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}

/** For each cell, the indices of the constraints it appears in (as total or part). */
export function constraintsByCell(table: Table): number[][] {
  const out: number[][] = table.cells.map(() => []);
  table.constraints.forEach((c, k) => {
    out[c.total]!.push(k);
    for (const p of c.parts) out[p]!.push(k);
  });
  return out;
}

/** Per dimension and code, the leaf codes it adds up (a leaf adds up itself), via the tree and extra groupings. */
export function leafDescendants(table: Table): number[][][] {
  return table.dimensions.map((d) => {
    const partsOf = new Map<number, readonly number[]>();
    for (const g of d.groupings) if (!partsOf.has(g.total)) partsOf.set(g.total, g.parts);
    const memo = new Map<number, number[]>();
    const visit = (i: number): number[] => {
      const known = memo.get(i);
      if (known) return known;
      const parts = partsOf.get(i);
      const out = parts ? [...new Set(parts.flatMap(visit))] : [i];
      memo.set(i, out);
      return out;
    };
    return d.codes.map((_, i) => visit(i));
  });
}

/** Whether each code of each dimension is a leaf (adds up nothing but itself). */
export function leafCodes(table: Table): boolean[][] {
  const leaves = leafDescendants(table);
  return leaves.map((dim) => dim.map((set, i) => set.length === 1 && set[0] === i));
}

/**
 * Overwrites every total in `values` with the sum of its innermost cells (a leaf code in every
 * dimension), so that every constraint of the table holds exactly on `values`.
 */
export function addUpFromInnermost(table: Table, values: Float64Array): void {
  const leaves = leafDescendants(table);
  const isLeaf = leafCodes(table);
  const dims = table.dimensions;
  // Dimension by dimension: a cell with a non-leaf code in dimension d and leaf codes in the
  // dimensions after d is the sum over its leaf descendants in d (whose cells are already final).
  dims.forEach((_, d) => {
    table.cells.forEach((cell, i) => {
      const c = cell.coordinates;
      if (isLeaf[d]![c[d]!]) return;
      for (let k = d + 1; k < dims.length; k++) if (!isLeaf[k]![c[k]!]) return;
      let total = 0;
      const at = [...c];
      for (const leaf of leaves[d]![c[d]!]!) {
        at[d] = leaf;
        total += values[table.cellIndex(at)]!;
      }
      values[i] = total;
    });
  });
}

/** The same table with other values (all cells then count as given, none empty). */
export function withValues(table: Table, values: ArrayLike<number>): Table {
  return {
    ...table,
    cells: table.cells.map((cell, i) => ({ ...cell, value: values[i]!, empty: false })),
  };
}
