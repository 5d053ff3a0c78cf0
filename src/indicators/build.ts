// Building the library: every indicator for every region, level and yearly period its inputs
// allow, in the engine. Inputs are gathered once for the whole library, additive inputs are
// completed up the region hierarchy from their parts, then each indicator's formula runs over its
// inputs pivoted to one row per region and year. Only indicators whose definition or source
// datasets changed are recomputed; their values, metadata, lineage and disclosure records are
// written in one transaction.
import { createHash } from 'node:crypto';
import { categoryKey } from '../core/index.js';
import type { SqlValue, Store } from '../store/index.js';
import { protectPendingIndicators } from '../disclosure/publish.js';
import { loadCrosswalk } from '../regions/register/store.js';
import type { Expr } from './formula/ast.js';
import { checkFormula, dependencyOrder, walk } from './formula/check.js';
import { compileFormula } from './formula/compile.js';
import type { IndicatorDefinition, IndicatorLibrary } from './library.js';

export interface BuildOptions {
  /** Only these indicators (and what they reference); all when absent. */
  only?: readonly string[];
  /** Recompute even when nothing changed. */
  force?: boolean;
  /** Also convert gemeente values of other years to this year's boundaries (through the crosswalks). */
  boundaryYear?: number;
  onProgress?: (done: number, total: number, id: string) => void;
}

export interface BuildReport {
  built: { id: string; values: number }[];
  /** Unchanged since the last build (definition, dataset versions and options the same). */
  unchanged: string[];
  /** Not buildable: a source dataset is not in the store. */
  skipped: { id: string; reason: string }[];
  ms: number;
}

/** The store lacks what a definition needs (a dataset, a variable): said per indicator. */
export class BuildError extends Error {
  override name = 'BuildError';
}

interface Input {
  id: number;
  dataset: string;
  variable: string;
  categories: string;
  additive: boolean;
}

interface DatasetVersion {
  id: string;
  version: number;
  modified: string | null;
  confidentiality: string;
}

const CONFIDENTIALITY_ORDER = ['open', 'internal', 'confidential'];

/**
 * Builds the library into indicator, indicator_source and indicator_value. An indicator whose
 * datasets are not all in the store is skipped (and reported), not an error; a formula that
 * names a variable the dataset does not have is a BuildError naming file, line and column.
 */
export async function buildIndicators(
  store: Store,
  library: IndicatorLibrary,
  options: BuildOptions = {},
): Promise<BuildReport> {
  const started = performance.now();
  const report: BuildReport = { built: [], unchanged: [], skipped: [], ms: 0 };
  const wanted = selection(library, options.only);
  const datasets = new Map(
    (
      await store.all<DatasetVersion & Record<string, unknown>>(
        `SELECT id, version, strftime(modified, '%Y-%m-%dT%H:%M:%S') AS modified, confidentiality FROM dataset`,
      )
    ).map((d) => [d.id, d]),
  );
  const variables = await variablesOf(store);
  const { buildable, skipped } = availability(library, datasets, variables, wanted);
  report.skipped.push(...skipped);

  const stored = new Map(
    (
      await store.all<{ id: string; definition_hash: string }>('SELECT id, definition_hash FROM indicator')
    ).map((r) => [r.id, r.definition_hash]),
  );
  const rebuilt = new Set<string>();
  const todo: { def: IndicatorDefinition; hash: string }[] = [];
  for (const def of buildable) {
    const hash = definitionHash(def, datasets, options.boundaryYear);
    const dependsOnRebuilt = def.references.some((r) => rebuilt.has(r));
    if (!options.force && stored.get(def.id) === hash && !dependsOnRebuilt) {
      report.unchanged.push(def.id);
      continue;
    }
    rebuilt.add(def.id);
    todo.push({ def, hash });
  }
  if (todo.length === 0) {
    await protectPendingIndicators(store);
    report.ms = performance.now() - started;
    return report;
  }

  const inputs = inputsOf(
    todo.map((t) => t.def),
    variables,
  );
  // The inputs are gathered into work tables (reading only), then one transaction writes
  // everything up to the disclosure records: the rebuilt indicators' old values are deleted first
  // and the formulas write straight into indicator_value, so a reference reads the fresh values of
  // an indicator rebuilt before it (and the stored ones of any other), and no copy of the values
  // is made. On any error nothing changes and the work tables are dropped; readers see the old
  // values until the commit.
  await store.session(async (s) => {
    try {
      await gatherInputs(s, inputs);
      await s.transaction(async (tx) => {
        const ids = todo.map((t) => t.def.id);
        const list = ids.map((_, i) => `$${i + 1}`).join(', ');
        await tx.run(`DELETE FROM indicator_value WHERE indicator IN (${list})`, ids);
        await tx.run(`DELETE FROM indicator WHERE id IN (${list})`, ids);
        // Ratios of sums of inputs (most of a library) are computed together from a table of
        // their terms in one grouped pass; other formulas run as compiled SQL, those that read
        // only datasets in one statement, one that references another after it, in dependency
        // order.
        const linear = new Map<string, Term[]>();
        for (const { def } of todo) {
          const terms = ratioTerms(def, inputs);
          if (terms) linear.set(def.id, terms);
        }
        let done = 0;
        if (linear.size) {
          await computeLinearRatios(
            tx,
            linear,
            todo.map((t) => t.def).filter((d) => linear.has(d.id)),
          );
          done += linear.size;
          options.onProgress?.(done, todo.length, [...linear.keys()].at(-1)!);
        }
        const rest = todo.map((t) => t.def).filter((d) => !linear.has(d.id));
        const independent = rest.filter((d) => d.references.length === 0);
        const dependent = rest.filter((d) => d.references.length > 0);
        const batches = [...(independent.length ? [independent] : []), ...dependent.map((d) => [d])];
        for (const batch of batches) {
          const params: SqlValue[] = [];
          // Indicators that are one variable as published (or summed) are copied in one pass.
          const copies = batch.filter((d) => d.expr?.kind === 'variable');
          const selects = [
            ...(copies.length ? [copySelect(copies, inputs, params)] : []),
            ...batch.filter((d) => !copies.includes(d)).map((def) => indicatorSelect(def, inputs, params)),
          ];
          await tx.run(`INSERT INTO indicator_value ${selects.join('\nUNION ALL\n')}`, params);
          done += batch.length;
          options.onProgress?.(done, todo.length, batch[batch.length - 1]!.id);
        }
        if (options.boundaryYear !== undefined) {
          const convertible = todo.map((t) => t.def).filter((d) => isAdditiveRatio(d, variables));
          await convertToBoundaryYear(tx, convertible, options.boundaryYear);
        }
        // Metadata and lineage of every rebuilt indicator. The metadata rows are appended to a
        // work table first: a statement with a parameter for every field costs more to prepare.
        const rows = todo.map(({ def, hash }): SqlValue[] => {
          const confidentiality = def.datasets
            .map((d) => datasets.get(d)!.confidentiality)
            .reduce(
              (a, b) => (CONFIDENTIALITY_ORDER.indexOf(b) > CONFIDENTIALITY_ORDER.indexOf(a) ? b : a),
              'open',
            );
          return [
            def.id,
            def.theme,
            def.title.nl,
            def.title.en,
            def.description.nl,
            def.description.en,
            def.unit,
            def.decimals,
            def.better,
            def.kind,
            def.formula,
            def.disclosure,
            confidentiality,
            def.library,
            JSON.stringify(def.raw),
            hash,
          ];
        });
        await tx.run(
          'CREATE OR REPLACE TEMP TABLE udc_meta AS SELECT * EXCLUDE (built) FROM indicator WITH NO DATA',
        );
        await tx.append('udc_meta', rows);
        await tx.run('INSERT INTO indicator SELECT *, current_timestamp FROM udc_meta');
        const lineage = todo.flatMap(({ def }) =>
          def.datasets.map((id): SqlValue[] => {
            const d = datasets.get(id)!;
            return [def.id, d.id, d.version, d.modified];
          }),
        );
        // Lineage that is already as stored (a forced rebuild, a changed definition) is left
        // alone: every table a commit touches costs the checkpoint time.
        const storedLineage = await tx.all<Record<string, SqlValue>>(
          `SELECT indicator, dataset, dataset_version, strftime(dataset_modified, '%Y-%m-%dT%H:%M:%S') AS modified
           FROM indicator_source WHERE indicator IN (${list})`,
          ids,
        );
        if (!sameRows(storedLineage.map(Object.values), lineage)) {
          await tx.run(`DELETE FROM indicator_source WHERE indicator IN (${list})`, ids);
          if (lineage.length)
            await tx.run(
              `INSERT INTO indicator_source SELECT c0, c1, c2, c3::TIMESTAMP FROM (VALUES ${placeholders(lineage)}) v(c0, c1, c2, c3)`,
              lineage.flat(),
            );
        }
        await dropWorkTables(tx, options.boundaryYear !== undefined);
        await storeThemes(tx, library);
        // Fresh values are invisible (published_indicator_value) until disclosure control protects
        // them; protecting them in the same transaction means no reader ever sees them pending.
        // Protection counts every indicator's values, which the report reuses.
        const cells = new Map((await protectPendingIndicators(tx)).map((r) => [r.indicator, r.cells]));
        for (const { def } of todo) report.built.push({ id: def.id, values: cells.get(def.id) ?? 0 });
      });
    } catch (error) {
      await dropWorkTables(s).catch(() => undefined);
      throw error;
    }
  });
  report.ms = performance.now() - started;
  return report;
}

/** Whether two lists of rows hold the same rows, in any order. */
function sameRows(a: readonly (readonly unknown[])[], b: readonly (readonly unknown[])[]): boolean {
  const key = (rows: readonly (readonly unknown[])[]) => rows.map((r) => JSON.stringify(r)).sort();
  const [x, y] = [key(a), key(b)];
  return x.length === y.length && x.every((r, i) => r === y[i]);
}

/** "($1, $2), ($3, $4)" for rows of values. */
function placeholders(rows: readonly SqlValue[][]): string {
  let n = 0;
  return rows.map((r) => `(${r.map(() => `$${++n}`).join(', ')})`).join(', ');
}

/** The temporary tables of a build live on the session's connection; none may outlive it. */
async function dropWorkTables(s: Store, converted = true): Promise<void> {
  for (const t of ['udc_input', 'udc_input_key', 'udc_term', 'udc_ratio', 'udc_meta'])
    await s.run(`DROP TABLE IF EXISTS ${t}`);
  if (converted) for (const t of ['udc_scale', 'udc_link']) await s.run(`DROP TABLE IF EXISTS ${t}`);
}

/** Each stored variable (dataset.key) with how it aggregates. */
async function variablesOf(store: Store): Promise<Map<string, string>> {
  return new Map(
    (
      await store.all<{ dataset: string; key: string; aggregation: string }>(
        'SELECT dataset, key, aggregation FROM variable',
      )
    ).map((v) => [`${v.dataset}.${v.key}`, v.aggregation]),
  );
}

/**
 * Which indicators the store can build, in dependency order. One whose dataset is not imported
 * (or that references one that cannot be built) is skipped with a reason naming the CBS table
 * that fills it; a formula naming a variable an imported dataset lacks is a FormulaError with
 * file, line and column (a typo or a changed table), since building around it would hide it.
 */
export async function checkAgainstStore(
  store: Store,
  library: IndicatorLibrary,
): Promise<{ buildable: IndicatorDefinition[]; skipped: { id: string; reason: string }[] }> {
  const datasets = new Set((await store.all<{ id: string }>('SELECT id FROM dataset')).map((d) => d.id));
  return availability(library, datasets, await variablesOf(store));
}

/** checkAgainstStore over the datasets and variables (dataset.key) already read from the store. */
function availability(
  library: IndicatorLibrary,
  datasets: ReadonlySet<string> | ReadonlyMap<string, unknown>,
  variables: ReadonlyMap<string, string>,
  wanted: ReadonlySet<string> = new Set(library.indicators.map((i) => i.id)),
): { buildable: IndicatorDefinition[]; skipped: { id: string; reason: string }[] } {
  const known = {
    variables: new Set(variables.keys()),
    indicators: new Set(library.indicators.map((i) => i.id)),
  };
  const byId = new Map(library.indicators.map((i) => [i.id, i]));
  const order = dependencyOrder(new Map(library.indicators.map((i) => [i.id, new Set(i.references)])));
  const buildable: IndicatorDefinition[] = [];
  const skipped: { id: string; reason: string }[] = [];
  const unavailable = new Set<string>();
  for (const id of order) {
    const def = byId.get(id)!;
    if (!wanted.has(id)) continue;
    const missing = def.datasets.filter((d) => !datasets.has(d));
    const blocked = def.references.filter((r) => unavailable.has(r));
    if (missing.length || blocked.length) {
      unavailable.add(id);
      const tables = [...library.sources.values()]
        .filter((s) => missing.includes(s.dataset) && s.table)
        .map((s) => s.table);
      skipped.push({
        id,
        reason: missing.length
          ? `dataset ${missing.join(', ')} is not in the store${tables.length ? ` (CBS table ${tables.join(', ')} fills it)` : ''}`
          : `it references ${blocked.map((b) => `@${b}`).join(', ')}, which cannot be built`,
      });
      continue;
    }
    for (const e of expressions(def)) checkFormula(e, known, def.file);
    buildable.push(def);
  }
  return { buildable, skipped };
}

/**
 * Writes the themes (they change with the library, not with data), in one statement; themes
 * already stored as they are are left alone.
 */
export async function storeThemes(store: Store, library: IndicatorLibrary): Promise<void> {
  await store.transaction(async (tx) => {
    const rows = library.themes.map((t): SqlValue[] => [
      t.id,
      t.position,
      t.title.nl,
      t.title.en,
      t.description?.nl ?? null,
      t.description?.en ?? null,
      t.note?.nl ?? null,
      t.note?.en ?? null,
    ]);
    const stored = await tx.all<Record<string, SqlValue>>('SELECT * FROM indicator_theme');
    if (sameRows(stored.map(Object.values), rows)) return;
    await tx.run('DELETE FROM indicator_theme');
    if (rows.length)
      await tx.run(
        `INSERT INTO indicator_theme SELECT * FROM (VALUES ${placeholders(rows)}) v(c0, c1, c2, c3, c4, c5, c6, c7)`,
        rows.flat(),
      );
  });
}

/** The wanted indicators and, transitively, the ones they reference. */
function selection(library: IndicatorLibrary, only: readonly string[] | undefined): Set<string> {
  const byId = new Map(library.indicators.map((i) => [i.id, i]));
  if (!only) return new Set(byId.keys());
  const out = new Set<string>();
  const add = (id: string) => {
    const def = byId.get(id);
    if (!def) throw new BuildError(`there is no indicator ${id} in the library`);
    if (out.has(id)) return;
    out.add(id);
    def.references.forEach(add);
  };
  only.forEach(add);
  return out;
}

function expressions(def: IndicatorDefinition): Expr[] {
  return def.expr ? [def.expr] : [def.numerator!, def.denominator!];
}

/**
 * The hash that decides whether an indicator must be recomputed: its definition, the versions of
 * the datasets it reads and the target boundary year.
 */
function definitionHash(
  def: IndicatorDefinition,
  datasets: Map<string, DatasetVersion>,
  boundaryYear: number | undefined,
): string {
  const versions = def.datasets.map((d) => [d, datasets.get(d)?.version, datasets.get(d)?.modified]);
  return createHash('sha256')
    .update(JSON.stringify([def.raw, def.theme, def.library, versions, boundaryYear ?? null]))
    .digest('hex')
    .slice(0, 32);
}

const inputKey = (dataset: string, variable: string, categories: string) =>
  `${dataset}\u0000${variable}\u0000${categories}`;

/** Every distinct dataset variable (with its category filter) the indicators read. */
function inputsOf(defs: IndicatorDefinition[], variables: Map<string, string>): Map<string, Input> {
  const inputs = new Map<string, Input>();
  for (const def of defs)
    for (const e of expressions(def))
      walk(e, (n) => {
        if (n.kind !== 'variable') return;
        const key = categoryKey(n.categories);
        if (!key.ok) throw new BuildError(`${def.file}: indicator ${def.id}: ${key.error}`);
        const k = inputKey(n.dataset, n.variable, key.value);
        if (!inputs.has(k))
          inputs.set(k, {
            id: inputs.size,
            dataset: n.dataset,
            variable: n.variable,
            categories: key.value,
            additive: variables.get(`${n.dataset}.${n.variable}`) === 'sum',
          });
      });
  return inputs;
}

/**
 * Fills udc_input with the inputs' yearly observations and completes additive inputs up the
 * hierarchy: buurten into wijken, wijken into gemeenten and custom regions, gemeenten into
 * provincie, COROP, landsdeel, land and custom regions — a parent only where the source has no
 * figure of its own, and only from a complete set of parts with a value each. One statement: each
 * level's sums feed the next (a wijk summed from its buurten counts as a part of its gemeente),
 * and planning one statement costs less than four.
 */
async function gatherInputs(s: Store, inputs: Map<string, Input>): Promise<void> {
  await s.run(
    'CREATE OR REPLACE TEMP TABLE udc_input_key (input INTEGER, dataset VARCHAR, variable VARCHAR, categories VARCHAR, additive BOOLEAN)',
  );
  await s.append(
    'udc_input_key',
    [...inputs.values()].map((i): SqlValue[] => [i.id, i.dataset, i.variable, i.categories, i.additive]),
  );
  const keys = (...relations: string[]) =>
    `(${relations.map((r) => `SELECT input, region, period FROM ${r}`).join(' UNION ALL ')})`;
  const parts = (...relations: string[]) =>
    `(${relations.map((r) => `SELECT input, region, period, year, value, status FROM ${r}`).join(' UNION ALL ')})`;
  await s.run(`
    CREATE OR REPLACE TEMP TABLE udc_input AS
    WITH observed AS (
      -- KWB writes Nederland as NL00, other tables as NL01: one code for one country.
      SELECT k.input, CASE WHEN o.region = 'NL00' THEN 'NL01' ELSE o.region END AS region, o.period, p.year,
             o.value, o.status, k.additive
      FROM observation o
      JOIN udc_input_key k ON k.dataset = o.dataset AND k.variable = o.variable AND k.categories = o.categories
      JOIN period p ON p.code = o.period AND p.kind = 'year'),
    additive AS (SELECT * FROM observed WHERE additive AND value IS NOT NULL),
    -- How many parts of each level every parent has in the register.
    wanted AS (
      SELECT left(code, 2) AS level, parent, classification, year, count(*) AS n FROM region_parent
      WHERE left(code, 2) IN ('BU', 'WK', 'GM') GROUP BY ALL),
    bu AS (${completion('BU', 'additive', keys('observed'))}),
    wk AS (${completion('WK', parts('additive', 'bu'), keys('observed', 'bu'))}),
    gm AS (${completion('GM', parts('additive', 'bu', 'wk'), keys('observed', 'bu', 'wk'))})
    SELECT input, region, period, year, value, status, false AS summed FROM observed
    UNION ALL SELECT *, true FROM bu
    UNION ALL SELECT *, true FROM wk
    UNION ALL SELECT *, true FROM gm`);
}

/**
 * The sums of one level's parts (`level` is the parts' code prefix) for every parent whose
 * complete set of parts has a value each and that has no figure in `existing`. Codes are the
 * register's two letters, written into the SQL as they are.
 */
function completion(level: 'BU' | 'WK' | 'GM', parts: string, existing: string): string {
  return `
    SELECT x.input, x.parent AS region, x.period, x.year, x.value,
           CASE WHEN x.provisional THEN 'provisional' ELSE 'final' END AS status
    FROM (
      SELECT x.input, p.parent, p.classification, x.period, x.year, sum(x.value) AS value,
             bool_or(x.status IN ('provisional', 'revised_provisional')) AS provisional, count(*) AS n
      FROM ${parts} x JOIN region_parent p ON p.code = x.region AND p.year = x.year
      WHERE starts_with(x.region, '${level}')
      GROUP BY ALL) x
    JOIN wanted w ON w.level = '${level}' AND w.parent = x.parent AND w.classification = x.classification
                 AND w.year = x.year AND w.n = x.n
    ANTI JOIN ${existing} e ON e.input = x.input AND e.region = x.parent AND e.period = x.period`;
}

/**
 * The SELECT giving one indicator's rows of indicator_value from its inputs in udc_input (and, for
 * references, the referenced indicators' values: computed before it in this build, else stored).
 * Parameters are appended to `params`; input numbers are integers udc made, written into the SQL
 * as they are.
 */
function indicatorSelect(def: IndicatorDefinition, inputs: Map<string, Input>, params: SqlValue[]): string {
  const param = (v: SqlValue) => {
    params.push(v);
    return `$${params.length}`;
  };
  const used = new Set<string>();
  const refs = new Map<string, string>();
  const columnOf = (dataset: string, variable: string, categories: Record<string, string>) => {
    const key = categoryKey(categories);
    const column = `i${inputs.get(inputKey(dataset, variable, key.ok ? key.value : ''))!.id}`;
    used.add(column);
    return column;
  };
  const referenceOf = (indicator: string) => {
    if (!refs.has(indicator)) refs.set(indicator, `r${refs.size}`);
    return refs.get(indicator)!;
  };
  const compile = (e: Expr) => compileFormula(e, columnOf, referenceOf);
  const formula = def.expr ? compile(def.expr) : undefined;
  const numerator = def.numerator ? compile(def.numerator) : undefined;
  const denominator = def.denominator ? compile(def.denominator) : undefined;
  const valueSql = formula
    ? formula.value
    : `(${numerator!.value}) / NULLIF(${denominator!.value}, 0) * ${Number(def.scale)}::DOUBLE`;
  const div0 = formula
    ? formula.divisionByZero
    : `(${numerator!.divisionByZero} OR ${denominator!.divisionByZero} OR coalesce(${denominator!.value} = 0, false))`;

  // The indicator's own inputs pivoted to one row per region and year: for input n its value
  // (in), the status the source gave it (s_in) and whether it was summed from its parts (d_in).
  // The indicator's inputs pivoted to one row per area and year: for input n its value (in), the
  // status the source gave it (s_in) and whether it was summed from its parts (d_in); a value
  // needs every input there. Referenced indicators are joined on area and year.
  const ids = [...used].map((c) => Number(c.slice(1)));
  // One input needs no pivot: its rows are already one per area and year.
  const relations =
    ids.length === 1
      ? [
          `(SELECT region, period, year, value AS i${ids[0]}, status AS s_i${ids[0]}, summed AS d_i${ids[0]}
           FROM udc_input WHERE input = ${ids[0]})`,
        ]
      : ids.length
        ? [
            `(SELECT region, period, year, ${ids
              .map(
                (id) =>
                  `max(value) FILTER (WHERE input = ${id}) AS i${id}, max(status) FILTER (WHERE input = ${id}) AS s_i${id}, bool_or(summed) FILTER (WHERE input = ${id}) AS d_i${id}`,
              )
              .join(', ')}
         FROM udc_input WHERE input IN (${ids.join(', ')}) GROUP BY region, period, year
         HAVING ${ids.map((id) => `count(*) FILTER (WHERE input = ${id}) > 0`).join(' AND ')})`,
          ]
        : [];
  for (const [indicator, col] of refs) {
    // A referenced indicator as computed earlier in this build (its old values are deleted), else
    // as stored by an earlier build.
    relations.push(`(SELECT region, period, year, value AS ${col}, status AS s_${col}, derivation = 'summed' AS d_${col}
             FROM indicator_value WHERE indicator = ${param(indicator)} AND boundary_year = year)`);
  }
  const from = relations.join(' NATURAL JOIN ');
  const columns = [...used, ...refs.values()];
  const anyStatus = (values: string) => columns.map((c) => `s_${c} IN (${values})`).join(' OR ') || 'false';
  return `
    SELECT ${param(def.id)}, region, period, year, year, value, numerator, denominator,
      CASE WHEN value IS NOT NULL THEN (CASE WHEN ${anyStatus("'provisional', 'revised_provisional'")} THEN 'provisional' ELSE 'final' END)
           WHEN div0 THEN 'not_applicable'
           WHEN ${anyStatus("'secret'")} THEN 'secret'
           ELSE 'missing' END,
      CASE WHEN ${columns.map((c) => `coalesce(d_${c}, false)`).join(' OR ') || 'false'} THEN 'summed' ELSE 'computed' END,
      NULL, NULL
    FROM (
      SELECT region, period, year, ${valueSql} AS value,
             ${numerator ? numerator.value : 'NULL::DOUBLE'} AS numerator,
             ${denominator ? denominator.value : 'NULL::DOUBLE'} AS denominator,
             ${div0} AS div0, ${columns.map((c) => `s_${c}, d_${c}`).join(', ')}
      FROM ${from})`;
}

/**
 * The SELECT giving the rows of indicators whose formula is one variable: the input's rows with
 * the statuses and derivation the compiled formula gives them, for all of them in one join.
 */
function copySelect(
  defs: readonly IndicatorDefinition[],
  inputs: Map<string, Input>,
  params: SqlValue[],
): string {
  const pairs = defs.map((def) => {
    const e = def.expr as Extract<Expr, { kind: 'variable' }>;
    const key = categoryKey(e.categories);
    params.push(def.id);
    return `($${params.length}, ${inputs.get(inputKey(e.dataset, e.variable, key.ok ? key.value : ''))!.id})`;
  });
  return `
    SELECT c.indicator, i.region, i.period, i.year, i.year, i.value, NULL::DOUBLE, NULL::DOUBLE,
      CASE WHEN i.value IS NOT NULL THEN (CASE WHEN i.status IN ('provisional', 'revised_provisional') THEN 'provisional' ELSE 'final' END)
           WHEN i.status = 'secret' THEN 'secret'
           ELSE 'missing' END,
      CASE WHEN i.summed THEN 'summed' ELSE 'computed' END, NULL, NULL
    FROM udc_input i JOIN (VALUES ${pairs.join(', ')}) c(indicator, input) ON c.input = i.input`;
}

/** One term of a ratio: coefficient x input, in the numerator (n) or the denominator (d). */
interface Term {
  part: 'n' | 'd';
  input: number;
  coef: number;
}

/**
 * A ratio whose numerator and denominator are sums of inputs with constant coefficients
 * (kwb.a + 2 * kwb.b), as terms; undefined for anything else (functions, references, products of
 * inputs), which the compiled formula handles.
 */
function ratioTerms(def: IndicatorDefinition, inputs: Map<string, Input>): Term[] | undefined {
  if (def.kind !== 'ratio') return undefined;
  const linear = (e: Expr): Map<number, number> | undefined => {
    switch (e.kind) {
      case 'variable': {
        const key = categoryKey(e.categories);
        const input = inputs.get(inputKey(e.dataset, e.variable, key.ok ? key.value : ''));
        return input ? new Map([[input.id, 1]]) : undefined;
      }
      case 'unary':
        return e.op === '-' ? scaled(linear(e.operand), -1) : undefined;
      case 'call':
        return e.name === 'sum' ? combine(e.args.map(linear), 1) : undefined;
      case 'binary': {
        if (e.op === '+' || e.op === '-')
          return combine([linear(e.left), linear(e.right)], e.op === '-' ? -1 : 1);
        if (e.op === '*' && e.left.kind === 'number') return scaled(linear(e.right), e.left.value);
        if (e.op === '*' && e.right.kind === 'number') return scaled(linear(e.left), e.right.value);
        if (e.op === '/' && e.right.kind === 'number' && e.right.value !== 0)
          return scaled(linear(e.left), 1 / e.right.value);
        return undefined;
      }
      default:
        return undefined;
    }
  };
  const n = linear(def.numerator!);
  const d = linear(def.denominator!);
  if (!n || !d) return undefined;
  return [
    ...[...n].map(([input, coef]): Term => ({ part: 'n', input, coef })),
    ...[...d].map(([input, coef]): Term => ({ part: 'd', input, coef })),
  ];
}

function scaled(m: Map<number, number> | undefined, factor: number): Map<number, number> | undefined {
  return m && Number.isFinite(factor) ? new Map([...m].map(([k, v]) => [k, v * factor])) : undefined;
}

/** Adds the first map and, times `sign`, the others; undefined when any is. */
function combine(maps: (Map<number, number> | undefined)[], sign: number): Map<number, number> | undefined {
  if (maps.some((m) => m === undefined)) return undefined;
  const out = new Map<number, number>();
  maps.forEach((m, i) => {
    for (const [k, v] of m!) out.set(k, (out.get(k) ?? 0) + (i === 0 ? v : sign * v));
  });
  return out;
}

/**
 * Computes ratios of sums of inputs into indicator_value in one grouped pass over their terms: the
 * same values, statuses and derivations the compiled formulas give (a value needs every input of
 * the area and year; a part is unknown when one of its inputs is; division by zero has no value
 * and status not_applicable).
 */
async function computeLinearRatios(
  s: Store,
  terms: Map<string, Term[]>,
  defs: readonly IndicatorDefinition[],
): Promise<void> {
  // Ratios are numbered: grouping on a number is cheaper than on the indicator's name.
  await s.run(
    'CREATE OR REPLACE TEMP TABLE udc_term (ratio INTEGER, part VARCHAR, input INTEGER, coef DOUBLE)',
  );
  await s.run(
    'CREATE OR REPLACE TEMP TABLE udc_ratio (ratio INTEGER, indicator VARCHAR, scale DOUBLE, inputs INTEGER)',
  );
  await s.append(
    'udc_term',
    defs.flatMap((d, n) => terms.get(d.id)!.map((t): SqlValue[] => [n, t.part, t.input, t.coef])),
  );
  await s.append(
    'udc_ratio',
    defs.map((d, n): SqlValue[] => [n, d.id, d.scale, new Set(terms.get(d.id)!.map((t) => t.input)).size]),
  );
  await s.run(`
      INSERT INTO indicator_value
      WITH t AS (
        SELECT ratio, input, sum(coef) FILTER (WHERE part = 'n') AS cn, sum(coef) FILTER (WHERE part = 'd') AS cd
        FROM udc_term GROUP BY ratio, input),
      x AS (
        SELECT t.ratio, i.region, i.period, i.year, count(*) AS inputs,
               CASE WHEN bool_and(i.value IS NOT NULL OR t.cn IS NULL) THEN sum(i.value * t.cn) END AS num,
               CASE WHEN bool_and(i.value IS NOT NULL OR t.cd IS NULL) THEN sum(i.value * t.cd) END AS den,
               bool_or(i.status IN ('provisional', 'revised_provisional')) AS provisional,
               bool_or(i.status = 'secret') AS secret, bool_or(i.summed) AS summed
        FROM t JOIN udc_input i ON i.input = t.input
        GROUP BY t.ratio, i.region, i.period, i.year)
      SELECT r.indicator, region, period, year, year, num / NULLIF(den, 0) * r.scale AS value, num, den,
             CASE WHEN num IS NOT NULL AND den <> 0 THEN (CASE WHEN provisional THEN 'provisional' ELSE 'final' END)
                  WHEN den = 0 THEN 'not_applicable' WHEN secret THEN 'secret' ELSE 'missing' END,
             CASE WHEN summed THEN 'summed' ELSE 'computed' END, NULL, NULL
      FROM x JOIN udc_ratio r ON r.ratio = x.ratio
      WHERE x.inputs = r.inputs`);
}

/**
 * Whether an indicator's values can be converted to other boundaries: a ratio (or single count)
 * of additive parts, so the parts can be moved with the crosswalk and divided again.
 */
function isAdditiveRatio(def: IndicatorDefinition, variables: Map<string, string>): boolean {
  if (def.kind !== 'ratio') return false;
  let additive = true;
  for (const e of [def.numerator!, def.denominator!])
    walk(e, (n) => {
      if (n.kind === 'variable' && variables.get(`${n.dataset}.${n.variable}`) !== 'sum') additive = false;
      if (n.kind === 'reference' || (n.kind === 'call' && n.name !== 'sum')) additive = false;
      if (n.kind === 'binary' && n.op !== '+' && n.op !== '-') additive = false;
    });
  return additive;
}

/**
 * Adds, for a ratio of additive parts, its gemeente values of other years converted to the
 * target year's boundaries: numerator and denominator moved with the crosswalk's weights, then
 * divided. A target gemeente gets a value only when every source gemeente that feeds it has one;
 * conversion says 'exact' when every link was whole, else 'estimated'.
 */
async function convertToBoundaryYear(
  s: Store,
  defs: readonly IndicatorDefinition[],
  target: number,
): Promise<void> {
  if (!defs.length) return;
  await s.run('CREATE OR REPLACE TEMP TABLE udc_scale (indicator VARCHAR, scale DOUBLE)');
  await s.append(
    'udc_scale',
    defs.map((d): SqlValue[] => [d.id, d.scale]),
  );
  const years = (
    await s.all<{ year: number }>(
      `SELECT DISTINCT year FROM indicator_value JOIN udc_scale USING (indicator)
       WHERE year <> $1 AND starts_with(region, 'GM') ORDER BY year`,
      [target],
    )
  ).map((r) => r.year);
  await s.run(
    'CREATE OR REPLACE TEMP TABLE udc_link (from_year INTEGER, from_code VARCHAR, to_code VARCHAR, weight DOUBLE, exact BOOLEAN)',
  );
  for (const year of years) {
    // A year the register does not hold cannot be converted; its values keep their own boundaries.
    const crosswalk = await loadCrosswalk(s, 'gemeente', year, target).catch(() => undefined);
    if (!crosswalk) continue;
    await s.append(
      'udc_link',
      crosswalk.links.map((l): SqlValue[] => [year, l.from, l.to, l.weight, l.exact]),
    );
  }
  await s.run(
    `INSERT INTO indicator_value
     WITH feeds AS (SELECT from_year, to_code, count(*) AS n FROM udc_link GROUP BY ALL)
     SELECT v.indicator, l.to_code, v.period, v.year, $1,
            sum(v.numerator * l.weight) / NULLIF(sum(v.denominator * l.weight), 0) * any_value(x.scale),
            sum(v.numerator * l.weight), sum(v.denominator * l.weight),
            CASE WHEN bool_or(v.status = 'provisional') THEN 'provisional' ELSE 'final' END,
            'converted', CASE WHEN bool_and(l.exact) THEN 'exact' ELSE 'estimated' END, NULL
     FROM indicator_value v
     JOIN udc_scale x ON x.indicator = v.indicator
     JOIN udc_link l ON l.from_year = v.year AND l.from_code = v.region
     JOIN feeds f ON f.from_year = l.from_year AND f.to_code = l.to_code
     WHERE v.boundary_year = v.year AND v.year <> $1 AND v.numerator IS NOT NULL AND v.denominator IS NOT NULL
     GROUP BY v.indicator, l.to_code, v.period, v.year, f.n
     HAVING count(*) = f.n`,
    [target],
  );
}
