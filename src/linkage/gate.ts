// The output gate: the only way anything leaves the linkage zone. It takes an aggregate (persons
// counted by up to three variables of a project's dataset), builds the full table with every
// total (buurt -> wijk -> gemeente -> region; category -> total), protects it with the disclosure
// layer (minimum frequency plus secondary suppression, audited), logs the export and returns only
// protected cells. Microdata rows never pass: there is no way to ask for them.
import { writeFile } from 'node:fs/promises';
import {
  buildTable,
  DisclosureError,
  parseDisclosureConfig,
  protectTable,
  type CellInput,
  type DimensionCode,
  type DisclosureConfigInput,
  type ProtectedTable,
} from '../disclosure/index.js';
import { ident, type Store } from '../store/index.js';
import { appendAudit } from './audit.js';
import { LinkageError } from './errors.js';
import { authorizeDatasets } from './link.js';
import { datasetTable } from './projects.js';
import type { OutputColumn } from './pseudonymise.js';

/** The code of every dimension's total. */
export const TOTAL = 'T';
/** The code for a missing value. */
export const UNKNOWN = 'onbekend';

/** CBS key-figure age groups (kerncijfers wijken en buurten): 0-14, 15-24, 25-44, 45-64, 65+. */
export const AGE_GROUPS = ['0-14', '15-24', '25-44', '45-64', '65+'] as const;

/** A grouping variable: a column as it is, or a column of ages grouped (`age_group:<column>`). */
export function parseGroupBy(spec: string): { name: string; column: string; ageGroups: boolean } {
  const m = /^age_group:([a-z][a-z0-9_]*)$/.exec(spec);
  if (m) return { name: 'age_group', column: m[1]!, ageGroups: true };
  if (!/^[a-z][a-z0-9_]*$/.test(spec))
    throw new LinkageError(`group by "${spec}": expected a column name or age_group:<age column>`);
  return { name: spec, column: spec, ageGroups: false };
}

const BUURT = /^BU\d{8}$/;

/** The parents a code adds up into: a buurt into its wijk and gemeente (CBS codes encode them), everything into the total. */
function regionCodes(leaves: readonly string[]): DimensionCode[] {
  const codes = new Map<string, string | null>([[TOTAL, null]]);
  for (const bu of leaves) {
    const gm = `GM${bu.slice(2, 6)}`;
    const wk = `WK${bu.slice(2, 8)}`;
    codes.set(gm, TOTAL);
    codes.set(wk, gm);
    codes.set(bu, wk);
  }
  return [...codes].map(([code, parent]) => ({ code, parent }));
}

export interface ExportRequest {
  project: string;
  actor: string;
  dataset: string;
  by: readonly string[];
  /** Count only persons for whom this column is true or above zero (e.g. n_wmo). */
  countIf?: string;
  /** Disclosure configuration; default minimum frequency 10 with secondary suppression. */
  disclosure?: DisclosureConfigInput;
  /** Write the protected table as CSV here. */
  out?: string;
  today?: string;
}

export interface ExportResult {
  columns: string[];
  rows: Record<string, string | number | null>[];
  summary: ProtectedTable['summary'];
  method: ProtectedTable['method'];
}

/** The least a gate accepts: a minimum frequency of 5 for suppression. */
const MINIMUM_THRESHOLD = 5;

/** Aggregates, protects, logs and (optionally) writes one table out of the zone. */
export async function exportAggregate(store: Store, request: ExportRequest): Promise<ExportResult> {
  const { project, datasets } = await authorizeDatasets(store, {
    project: request.project,
    actor: request.actor,
    action: 'export',
    datasets: [request.dataset],
    today: request.today,
  });
  const dataset = datasets[0]!;
  const config = parseDisclosureConfig(request.disclosure ?? { frequency: { threshold: 10 } }, 'output gate');
  const refuse = async (reason: string): Promise<never> => {
    await appendAudit(store, {
      actor: request.actor,
      project: project.id,
      action: 'export',
      object: dataset.name,
      outcome: 'refused',
      detail: { reason, by: request.by },
    });
    throw new LinkageError(`export refused: ${reason}`);
  };
  if (config.method === 'suppression' && (config.frequency?.threshold ?? 0) < MINIMUM_THRESHOLD)
    await refuse(`the gate asks a minimum frequency rule of at least ${MINIMUM_THRESHOLD} for suppression`);
  if (request.by.length < 1 || request.by.length > 3)
    await refuse('an export groups by one to three variables');
  const columns = new Map((JSON.parse(dataset.columns) as OutputColumn[]).map((c) => [c.name, c]));
  const by = request.by.map(parseGroupBy);
  for (const b of by) {
    if (!columns.has(b.column)) await refuse(`${dataset.name} has no column ${b.column}`);
    if (b.column === 'pseudonym' || b.column.startsWith('h_') || b.column.startsWith('match_'))
      await refuse(`${b.column} identifies records; it cannot be a grouping variable`);
  }
  if (new Set(by.map((b) => b.name)).size !== by.length) await refuse('a grouping variable appears twice');
  if (request.countIf !== undefined && !columns.has(request.countIf))
    await refuse(`${dataset.name} has no column ${request.countIf}`);

  const expressions = by.map((b, i) => {
    const column = ident(b.column);
    const value = b.ageGroups
      ? `CASE WHEN ${column} IS NULL THEN NULL WHEN ${column} < 15 THEN '0-14' WHEN ${column} < 25 THEN '15-24'
              WHEN ${column} < 45 THEN '25-44' WHEN ${column} < 65 THEN '45-64' ELSE '65+' END`
      : `${column}::VARCHAR`;
    return `coalesce(${value}, '${UNKNOWN}') AS d${i}`;
  });
  const condition = request.countIf
    ? `coalesce(TRY_CAST(${ident(request.countIf)} AS DOUBLE), 0) > 0`
    : 'true';
  const leaves = await store.all<Record<string, string | number>>(
    `SELECT ${expressions.join(', ')}, count(*) FILTER (WHERE ${condition}) AS n
       FROM ${datasetTable(project.id, dataset.name)} GROUP BY ALL`,
  );

  // Dimensions: every code seen (all age groups always), with hierarchies and totals.
  const dimensions = by.map((b, i) => {
    const seen = [...new Set(leaves.map((r) => String(r[`d${i}`])))].sort();
    const codes = b.ageGroups ? [...new Set([...AGE_GROUPS, ...seen])] : seen;
    const regional = codes.length > 0 && codes.every((c) => BUURT.test(c));
    const spec = regional
      ? regionCodes(codes)
      : [{ code: TOTAL, parent: null }, ...codes.map((code) => ({ code, parent: TOTAL }))];
    if (!regional && codes.includes(TOTAL))
      throw new LinkageError(`${b.column} has a value "${TOTAL}", the code of the total`);
    return { name: b.name, codes: spec, leaves: codes };
  });
  const size = dimensions.reduce((s, d) => s * d.codes.length, 1);
  if (size > 200_000) await refuse(`the table would have ${size} cells; group by fewer or coarser variables`);

  // Sum every leaf into each of its ancestors' combinations (totals add up by construction).
  const parents = dimensions.map((d) => new Map(d.codes.map((c) => [c.code, c.parent ?? null])));
  const ancestors = (d: number, code: string): string[] => {
    const chain: string[] = [];
    for (let c: string | null = code; c !== null; c = parents[d]!.get(c) ?? null) chain.push(c);
    return chain;
  };
  const values = new Map<string, number>();
  const key = (codes: readonly string[]) => codes.join('\u0001');
  // Every combination of leaves, zero when no person has it.
  const combine = (d: number, prefix: string[]): string[][] =>
    d === dimensions.length
      ? [prefix]
      : dimensions[d]!.codes.flatMap((c) => combine(d + 1, [...prefix, c.code]));
  for (const codes of combine(0, [])) values.set(key(codes), 0);
  for (const row of leaves) {
    const n = Number(row['n']);
    const chains = by.map((_, i) => ancestors(i, String(row[`d${i}`])));
    const visit = (d: number, prefix: string[]) => {
      if (d === chains.length) {
        const k = key(prefix);
        values.set(k, (values.get(k) ?? 0) + n);
        return;
      }
      for (const c of chains[d]!) visit(d + 1, [...prefix, c]);
    };
    visit(0, []);
  }
  const cells: CellInput[] = [...values].map(([k, value]) => {
    const codes = k.split('\u0001');
    return { coordinates: Object.fromEntries(by.map((b, i) => [b.name, codes[i]!])), value };
  });
  const table = buildTable({
    kind: 'frequency',
    dimensions: dimensions.map((d) => ({ name: d.name, codes: d.codes })),
    cells,
  });
  let protectedTable: ProtectedTable;
  try {
    protectedTable = await protectTable(table, config);
  } catch (error) {
    if (error instanceof DisclosureError) return refuse(error.message);
    throw error;
  }
  const names = by.map((b) => b.name);
  const rows = protectedTable.cells.map((c) => ({
    ...Object.fromEntries(names.map((n) => [n, c.coordinates[n] ?? null])),
    value: c.value,
    status: c.status,
    flag: c.flag,
  }));
  const outColumns = [...names, 'value', 'status', 'flag'];
  if (request.out) await writeFile(request.out, toCsv(outColumns, rows));
  await appendAudit(store, {
    actor: request.actor,
    project: project.id,
    action: 'export',
    object: dataset.name,
    outcome: 'ok',
    detail: {
      by: request.by,
      countIf: request.countIf ?? null,
      method: protectedTable.method,
      summary: protectedTable.summary,
      out: request.out ?? null,
    },
  });
  return { columns: outColumns, rows, summary: protectedTable.summary, method: protectedTable.method };
}

function toCsv(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  const show = (v: unknown) => (v === null || v === undefined ? '' : String(v));
  return [columns.join(','), ...rows.map((r) => columns.map((c) => show(r[c])).join(','))].join('\n') + '\n';
}
