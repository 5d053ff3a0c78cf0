// The publishing boundary: indicator values pass through here before anything can serve them.
// An indicator names a disclosure rule (disclosure/rules.yaml); protecting it builds one table per
// period over the region hierarchy of the value's boundary year, applies the rule, and rewrites the
// values in one transaction together with a record of the run. The view
// `published_indicator_value` (migration 0006) shows an indicator's values only when the current
// build is protected, so a value that skipped this step cannot be served.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { Store } from '../store/index.js';
import { parseDisclosureConfig, type DisclosureConfig } from './config.js';
import { DisclosureError, protectTable, type DisclosureFlag } from './index.js';
import { buildTable, type DimensionCode, type Grouping, type Table } from './table.js';

/** The rules file at the repository root. */
export const RULES_FILE = resolve(dirname(fileURLToPath(import.meta.url)), '../../disclosure/rules.yaml');

/** A named rule: a disclosure configuration, or `none` (publish as is). */
export interface DisclosureRule {
  name: string;
  description: string;
  method: 'none' | DisclosureConfig['method'];
  /** The checked configuration (absent for `none`). */
  config?: DisclosureConfig;
}

const RulesFileSchema = z.object({
  rules: z.record(
    z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'rule names are lower-case words joined by hyphens'),
    z.looseObject({ description: z.string().min(1), method: z.string() }),
  ),
});

/**
 * Reads and checks the rules file; promises every rule's configuration is valid (a suppression rule
 * has a frequency threshold). Throws an Error naming the file and the rule when not.
 */
export function loadDisclosureRules(file: string = RULES_FILE): Map<string, DisclosureRule> {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: cannot read the disclosure rules: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const parsed = RulesFileSchema.safeParse(raw);
  if (!parsed.success)
    throw new Error(
      `${file}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
    );
  const rules = new Map<string, DisclosureRule>();
  for (const [name, { description, ...rest }] of Object.entries(parsed.data.rules)) {
    if (rest.method === 'none') {
      rules.set(name, { name, description, method: 'none' });
      continue;
    }
    const config = parseDisclosureConfig(rest, `${file}: rule ${name}`);
    if (config.method === 'suppression' && !config.frequency)
      throw new Error(`${file}: rule ${name}: suppression of indicator values needs frequency.threshold`);
    rules.set(name, { name, description, method: config.method, config });
  }
  return rules;
}

/** What a protection run did. */
export interface ProtectionRun {
  run: number;
  indicator: string;
  rule: string;
  method: DisclosureRule['method'];
  /** Values of the indicator, and how many were hidden or changed. */
  cells: number;
  primary: number;
  secondary: number;
  changed: number;
  /** Tables protected (one per period and boundary year). */
  tables: number;
  /** Region totals left out as constraints because the stored total is not the sum of its parts. */
  nonAdditive: string[];
  audit: 'no-leaks' | 'not-applicable';
  seconds: number;
}

interface ValueRow {
  region: string;
  period: string;
  boundary_year: number;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  status: string;
  [key: string]: unknown;
}

interface NewValue {
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  status: string;
  disclosure: DisclosureFlag | null;
}

/**
 * Protects the stored values of one indicator's current build with a named rule (default: the rule
 * its definition names) and records the run; promises that afterwards `published_indicator_value`
 * serves exactly the protected values. One transaction: on any error nothing changes. A build
 * already protected by the same rule returns its run again; by another rule, it is refused (the
 * original values are gone; rebuild first).
 */
export async function protectIndicatorValues(
  store: Store,
  indicatorId: string,
  ruleName?: string,
  options: { rules?: Map<string, DisclosureRule> } = {},
): Promise<ProtectionRun> {
  const started = performance.now();
  const indicator = await store.one<{ id: string; kind: string; disclosure: string; built: string }>(
    'SELECT id, kind, disclosure, CAST(built AS VARCHAR) AS built FROM indicator WHERE id = $1',
    [indicatorId],
  );
  if (!indicator) throw new DisclosureError(`no indicator ${indicatorId} in the store (build it first)`);
  const rules = options.rules ?? loadDisclosureRules();
  const name = ruleName ?? indicator.disclosure;
  const rule = rules.get(name);
  if (!rule)
    throw new DisclosureError(
      `indicator ${indicatorId}: disclosure rule ${name} is not defined; known rules: ${[...rules.keys()].join(', ')}`,
    );
  const done = await store.one<{ run: number; rule: string; summary: string }>(
    `SELECT d.run, r.rule, CAST(r.summary AS VARCHAR) AS summary FROM indicator_disclosure d
     JOIN disclosure_run r ON r.id = d.run WHERE d.indicator = $1 AND d.indicator_built = CAST($2 AS TIMESTAMP)`,
    [indicatorId, indicator.built],
  );
  if (done) {
    if (done.rule === name) return JSON.parse(done.summary) as ProtectionRun;
    throw new DisclosureError(
      `indicator ${indicatorId} is already protected with rule ${done.rule} (run ${done.run}); ` +
        `its original values are gone: rebuild it before protecting it with ${name}`,
    );
  }

  // A rule that changes nothing needs only the count of what it passes, not the values.
  const rows =
    rule.method === 'none'
      ? []
      : await store.all<ValueRow>(
          `SELECT region, period, boundary_year, value, numerator, denominator, status FROM indicator_value
           WHERE indicator = $1 ORDER BY period, boundary_year, region`,
          [indicatorId],
        );
  const cells =
    rule.method === 'none'
      ? Number(
          (await store.one<{ n: number }>('SELECT count(*) AS n FROM indicator_value WHERE indicator = $1', [
            indicatorId,
          ]))!.n,
        )
      : rows.length;
  const result: ProtectionRun = {
    run: 0,
    indicator: indicatorId,
    rule: name,
    method: rule.method,
    cells,
    primary: 0,
    secondary: 0,
    changed: 0,
    tables: 0,
    nonAdditive: [],
    audit: rule.method === 'suppression' ? 'no-leaks' : 'not-applicable',
    seconds: 0,
  };
  const updates: [ValueRow, NewValue][] = [];
  if (rule.method !== 'none') {
    const counted = rows.filter((r) => r.denominator !== null && r.numerator !== null);
    if (rows.some((r) => r.value !== null && (r.denominator === null || r.numerator === null)))
      throw new DisclosureError(
        `indicator ${indicatorId}: rule ${name} (${rule.method}) works on numerator and denominator counts, ` +
          `but some values have none (a formula indicator?); use a rule with method none only for published CBS inputs`,
      );
    const scale = ratioScale(counted);
    const groups = new Map<string, ValueRow[]>();
    for (const r of counted) {
      const key = `${r.period}\u0000${r.boundary_year}`;
      const list = groups.get(key);
      if (list) list.push(r);
      else groups.set(key, [r]);
    }
    const hierarchies = new Map<number, Hierarchy>();
    for (const group of groups.values()) {
      const year = group[0]!.boundary_year;
      let hierarchy = hierarchies.get(year);
      if (!hierarchy) {
        hierarchy = await loadHierarchy(store, year);
        hierarchies.set(year, hierarchy);
      }
      const tables = indicatorTables(group, hierarchy, result.nonAdditive);
      result.tables++;
      for (const [row, next] of await protectGroup(group, tables, rule, scale, indicatorId)) {
        updates.push([row, next]);
        if (next.disclosure === 'primary') result.primary++;
        else if (next.disclosure === 'secondary') result.secondary++;
        else if (next.disclosure) result.changed++;
      }
    }
  }
  result.seconds = (performance.now() - started) / 1000;

  await store.transaction(async (tx) => {
    const next = await tx.one<{ id: number }>('SELECT coalesce(max(id), 0) + 1 AS id FROM disclosure_run');
    result.run = Number(next!.id);
    await tx.run(
      `INSERT INTO disclosure_run VALUES ($1, $2, 'indicator', $3, $4, CAST($5 AS TIMESTAMP), current_timestamp, $6, $7, $8, $9, $10, $11, $12)`,
      [
        result.run,
        indicatorId,
        name,
        rule.method,
        indicator.built,
        result.seconds,
        result.cells,
        result.primary,
        result.secondary,
        result.changed,
        result.audit,
        JSON.stringify(result),
      ],
    );
    if (updates.length > 0) {
      await tx.run(
        `CREATE TEMP TABLE udc_protected (region VARCHAR, period VARCHAR, boundary_year INTEGER, value DOUBLE,
           numerator DOUBLE, denominator DOUBLE, status VARCHAR, disclosure VARCHAR)`,
      );
      try {
        await tx.append(
          'udc_protected',
          updates.map(([r, n]) => [
            r.region,
            r.period,
            r.boundary_year,
            n.value,
            n.numerator,
            n.denominator,
            n.status,
            n.disclosure,
          ]),
        );
        await tx.run(
          `UPDATE indicator_value SET value = p.value, numerator = p.numerator, denominator = p.denominator,
             status = p.status, disclosure = p.disclosure
           FROM udc_protected p
           WHERE indicator_value.indicator = $1 AND indicator_value.region = p.region
             AND indicator_value.period = p.period AND indicator_value.boundary_year = p.boundary_year`,
          [indicatorId],
        );
      } finally {
        await tx.run('DROP TABLE udc_protected');
      }
    }
    await tx.run('DELETE FROM indicator_disclosure WHERE indicator = $1', [indicatorId]);
    await tx.run('INSERT INTO indicator_disclosure VALUES ($1, $2, CAST($3 AS TIMESTAMP))', [
      indicatorId,
      result.run,
      indicator.built,
    ]);
  });
  return result;
}

/**
 * Protects every indicator whose current build is not yet protected, each with the rule its
 * definition names: the call the indicator build makes at its end.
 */
export async function protectPendingIndicators(
  store: Store,
  options: { rules?: Map<string, DisclosureRule> } = {},
): Promise<ProtectionRun[]> {
  const rules = options.rules ?? loadDisclosureRules();
  const pending = await store.all<{ id: string; disclosure: string; built: string; cells: number }>(
    `SELECT i.id, i.disclosure, CAST(i.built AS VARCHAR) AS built,
            (SELECT count(*) FROM indicator_value v WHERE v.indicator = i.id) AS cells
     FROM indicator i LEFT JOIN indicator_disclosure d ON d.indicator = i.id AND d.indicator_built = i.built
     WHERE d.indicator IS NULL ORDER BY i.id`,
  );
  // Rules that change nothing (published CBS inputs) are recorded for all such indicators at once;
  // the others are protected one by one.
  const passing = pending.filter((p) => rules.get(p.disclosure)?.method === 'none');
  const runs: ProtectionRun[] = passing.length ? await recordPassingRuns(store, passing) : [];
  for (const { id } of pending.filter((p) => !passing.includes(p)))
    runs.push(await protectIndicatorValues(store, id, undefined, { rules }));
  return runs;
}

/** Records a run of a rule with method none for each indicator, in one transaction. */
async function recordPassingRuns(
  store: Store,
  indicators: readonly { id: string; disclosure: string; built: string; cells: number }[],
): Promise<ProtectionRun[]> {
  return store.transaction(async (tx) => {
    const first = Number(
      (await tx.one<{ id: number }>('SELECT coalesce(max(id), 0) + 1 AS id FROM disclosure_run'))!.id,
    );
    const runs = indicators.map((p, i): ProtectionRun => ({
      run: first + i,
      indicator: p.id,
      rule: p.disclosure,
      method: 'none',
      cells: Number(p.cells),
      primary: 0,
      secondary: 0,
      changed: 0,
      tables: 0,
      nonAdditive: [],
      audit: 'not-applicable',
      seconds: 0,
    }));
    const ids = indicators.map((p) => p.id);
    const list = ids.map((_, i) => `$${i + 1}`).join(', ');
    await tx.run(`DELETE FROM indicator_disclosure WHERE indicator IN (${list})`, ids);
    let n = 0;
    const slot = () => `$${++n}`;
    const runRows = runs.map(
      () =>
        `(${slot()}, ${slot()}, 'indicator', ${slot()}, 'none', CAST(${slot()} AS TIMESTAMP), current_timestamp, 0, ${slot()}, 0, 0, 0, 'not-applicable', ${slot()})`,
    );
    await tx.run(
      `INSERT INTO disclosure_run VALUES ${runRows.join(', ')}`,
      runs.flatMap((r, i) => [r.run, r.indicator, r.rule, indicators[i]!.built, r.cells, JSON.stringify(r)]),
    );
    n = 0;
    await tx.run(
      `INSERT INTO indicator_disclosure VALUES ${runs.map(() => `(${slot()}, ${slot()}, CAST(${slot()} AS TIMESTAMP))`).join(', ')}`,
      runs.flatMap((r, i) => [r.indicator, r.run, indicators[i]!.built]),
    );
    return runs;
  });
}

/** The factor between value and numerator/denominator (100 for a percentage), from the stored rows. */
function ratioScale(rows: readonly ValueRow[]): number {
  for (const r of rows)
    if (r.value !== null && r.numerator && r.denominator) return (r.value * r.denominator) / r.numerator;
  return 1;
}

/** Region hierarchy of one register year: every (parent, classification, level) with its complete member list. */
interface Hierarchy {
  groups: { parent: string; classification: string; members: string[] }[];
}

async function loadHierarchy(store: Store, year: number): Promise<Hierarchy> {
  const rows = await store.all<{ parent: string; classification: string; code: string }>(
    'SELECT parent, classification, code FROM region_parent WHERE year = $1 ORDER BY parent, classification, code',
    [year],
  );
  const groups = new Map<string, { parent: string; classification: string; members: string[] }>();
  for (const r of rows) {
    // A provincie is a total of its gemeenten and, separately, of its COROP regions: group by the
    // members' kind (code prefix) too.
    const key = `${r.parent}\u0000${r.classification}\u0000${r.code.slice(0, 2)}`;
    const g = groups.get(key) ?? { parent: r.parent, classification: r.classification, members: [] };
    g.members.push(r.code);
    groups.set(key, g);
  }
  return { groups: [...groups.values()] };
}

/** The tree the hierarchy follows where it can; every other complete total is an extra grouping. */
const TREE = ['wijk', 'gemeente', 'provincie'];
const rank = (classification: string): number => {
  const i = TREE.indexOf(classification);
  return i < 0 ? TREE.length : i;
};

/**
 * The denominator and numerator tables of one period: the regions with values, tree parents and
 * groupings from the register wherever the parent and every member have values and the parent's
 * counts are the sums of its members' (others are noted in `nonAdditive` and not used).
 */
function indicatorTables(
  rows: readonly ValueRow[],
  hierarchy: Hierarchy,
  nonAdditive: string[],
): { denominator: Table; numerator: Table } {
  const byRegion = new Map(rows.map((r) => [r.region, r]));
  const parentOf = new Map<string, string>();
  const groupings: Grouping[] = [];
  const treeParents = new Set<string>();
  const adds = (total: number, parts: number[]): boolean =>
    Math.abs(total - parts.reduce((s, v) => s + v, 0)) <= 1e-6 * Math.max(1, Math.abs(total));
  // A total is the sum of its parts when both its numerator and its denominator are.
  const sumOf = (total: ValueRow, parts: readonly ValueRow[]): boolean =>
    adds(
      total.denominator!,
      parts.map((p) => p.denominator!),
    ) &&
    adds(
      total.numerator!,
      parts.map((p) => p.numerator!),
    );
  const used = hierarchy.groups
    .filter((g) => byRegion.has(g.parent) && g.members.some((m) => byRegion.has(m)))
    .sort((a, b) => rank(a.classification) - rank(b.classification));
  for (const g of used) {
    const total = byRegion.get(g.parent)!;
    const parts = g.members.map((m) => byRegion.get(m));
    const complete = parts.every((p) => p !== undefined);
    const additive = complete && sumOf(total, parts as ValueRow[]);
    if (!additive) {
      const where = `${g.parent} (${g.classification}, ${rows[0]!.period})`;
      if (complete && nonAdditive.length < 20) nonAdditive.push(where);
      continue;
    }
    // One tree parent per code, and one tree grouping per parent (a provincie's COROP regions
    // then become an extra grouping beside its gemeenten).
    const inTree =
      TREE.includes(g.classification) &&
      !treeParents.has(g.parent) &&
      g.members.every((m) => !parentOf.has(m));
    if (inTree) {
      treeParents.add(g.parent);
      for (const m of g.members) parentOf.set(m, g.parent);
    } else groupings.push({ total: g.parent, parts: g.members });
  }
  // A total whose direct parts do not add up (or are not all there) may still be the exact sum of
  // its buurten (or other innermost parts) further down: an intruder can use that, so it is a
  // constraint too.
  const childrenOf = new Map<string, string[]>();
  for (const g of hierarchy.groups)
    if (TREE.includes(g.classification))
      childrenOf.set(g.parent, [...(childrenOf.get(g.parent) ?? []), ...g.members]);
  const leavesOf = (code: string): string[] => {
    const children = childrenOf.get(code);
    return children ? children.flatMap(leavesOf) : [code];
  };
  const direct = new Set([...groupings.map((g) => g.total), ...treeParents]);
  for (const [parent, children] of childrenOf) {
    if (direct.has(parent) || !byRegion.has(parent)) continue;
    const leaves = children.flatMap(leavesOf);
    const parts = leaves.map((m) => byRegion.get(m));
    if (leaves.length < 2 || parts.some((p) => p === undefined)) continue;
    const total = byRegion.get(parent)!;
    if (sumOf(total, parts as ValueRow[])) groupings.push({ total: parent, parts: leaves });
  }
  const codes: DimensionCode[] = rows.map((r) => ({
    code: r.region,
    parent: parentOf.get(r.region) ?? null,
  }));
  const table = (column: 'denominator' | 'numerator'): Table =>
    buildTable({
      kind: 'frequency',
      dimensions: [{ name: 'region', codes, groupings }],
      cells: rows.map((r) => ({ coordinates: { region: r.region }, value: r[column]! })),
    });
  return { denominator: table('denominator'), numerator: table('numerator') };
}

/** Applies a rule to one period's tables; returns the rows that change with their new values. */
async function protectGroup(
  rows: readonly ValueRow[],
  tables: { denominator: Table; numerator: Table },
  rule: DisclosureRule,
  scale: number,
  indicatorId: string,
): Promise<[ValueRow, NewValue][]> {
  const config = rule.config!;
  const out: [ValueRow, NewValue][] = [];
  if (config.method === 'suppression') {
    const protectedTable = await protectTable(tables.denominator, config);
    protectedTable.cells.forEach((cell, i) => {
      if (!cell.flag) return;
      out.push([
        rows[i]!,
        { value: null, numerator: null, denominator: null, status: 'secret', disclosure: cell.flag },
      ]);
    });
    return out;
  }
  // Rounding and cell-key change both counts; the value follows from them. Cell keys are salted
  // with the indicator, period and count so that each published count has its own noise.
  const salted = (which: string) => ({
    ...config,
    cellKey: {
      ...config.cellKey,
      salt: `${config.cellKey.salt}\u0000${indicatorId}\u0000${rows[0]!.period}\u0000${which}`,
    },
  });
  const denominators = await protectTable(tables.denominator, salted('denominator'));
  const numerators = await protectTable(tables.numerator, salted('numerator'));
  rows.forEach((row, i) => {
    const numerator = numerators.cells[i]!.value!;
    const denominator = denominators.cells[i]!.value!;
    const value = denominator > 0 ? (scale * numerator) / denominator : null;
    out.push([
      row,
      {
        value,
        numerator,
        denominator,
        status: value === null ? 'not_applicable' : row.status,
        disclosure: config.method === 'rounding' ? 'rounded' : 'perturbed',
      },
    ]);
  });
  return out;
}
