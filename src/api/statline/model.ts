/**
 * A published dataset seen as a CBS StatLine v3 table: its topics (one per variable), its
 * dimensions (RegioS, Perioden and one per category dimension) with their codes and titles, and
 * what CBS's TableInfos and catalog say about a table. Only datasets the caller may see.
 */
import { visibleCondition, type AccessContext } from '../../access/roles.js';
import { parseCategoryKey, parsePeriod, periodLabel } from '../../core/index.js';
import type { Store } from '../../store/index.js';

/** A dimension code as StatLine lists it: Key (padded for RegioS), Title, Status for Perioden. */
export interface StatlineCode {
  key: string;
  title: string;
  status?: 'Definitief' | 'Voorlopig' | 'Nader voorlopig';
}

/** A category dimension: its key (as in observation.categories) and codes. */
export interface StatlineDimension {
  key: string;
  title: string;
  codes: StatlineCode[];
}

/** A topic: one variable of the dataset. */
export interface StatlineTopic {
  key: string;
  title: string;
  unit: string | null;
  decimals: number | null;
  aggregation: string;
  description: string | null;
}

/** Everything the v3 documents of one table are written from. */
export interface StatlineTable {
  id: string;
  title: string;
  description: string | null;
  publisher: string;
  /** StatLine's Catalog field: CBS for CBS's own tables, udc for a data center's. */
  catalog: string;
  source: string;
  licence: string;
  /** CBS style: local time without zone (2009-07-10T02:00:00). */
  modified: string;
  periodText: string;
  frequency: string;
  topics: StatlineTopic[];
  categories: StatlineDimension[];
  regions: StatlineCode[];
  periods: StatlineCode[];
  /** The width CBS pads this table's region codes to. */
  regionWidth: number;
  /** Rows of TypedDataSet (one per region, period and category combination). */
  recordCount: number;
}

interface DatasetRow extends Record<string, unknown> {
  id: string;
  title: string;
  description: string | null;
  publisher: string;
  source: string;
  licence: string;
  modified: string | null;
  imported: string | null;
}

/** The datasets `access` may see, in id order. */
export async function publishedIds(store: Store, access: AccessContext): Promise<string[]> {
  const rows = await store.all<{ id: string }>(
    `SELECT id FROM dataset d WHERE ${visibleCondition(access, 'd.confidentiality')} ORDER BY id`,
  );
  return rows.map((r) => r.id);
}

/** Loads table `id` (matched without regard to case, as CBS does), or undefined when `access` may not see it. */
export async function loadTable(
  store: Store,
  id: string,
  access: AccessContext,
): Promise<StatlineTable | undefined> {
  const dataset = await store.one<DatasetRow>(
    `SELECT id, title, description, publisher, source, licence,
            strftime(modified, '%Y-%m-%dT%H:%M:%S') AS modified, strftime(imported, '%Y-%m-%dT%H:%M:%S') AS imported
     FROM dataset d WHERE lower(id) = lower($1) AND ${visibleCondition(access, 'd.confidentiality')}`,
    [id],
  );
  if (!dataset) return undefined;
  const [topics, periodRows, regionRows, categoryRows, titles, count] = await Promise.all([
    store.all<StatlineTopic & Record<string, unknown>>(
      `SELECT key, title, unit, decimals, aggregation, description FROM variable WHERE dataset = $1 ORDER BY key`,
      [dataset.id],
    ),
    store.all<{ code: string; provisional: boolean; revised: boolean }>(
      `SELECT period AS code, bool_or(status = 'provisional') AS provisional,
              bool_or(status = 'revised_provisional') AS revised
       FROM observation WHERE dataset = $1 GROUP BY period ORDER BY period`,
      [dataset.id],
    ),
    store.all<{ code: string; name: string | null }>(
      `SELECT o.code, (SELECT r.name FROM region r WHERE r.code = o.code) AS name
       FROM (SELECT DISTINCT region AS code FROM observation WHERE dataset = $1) o ORDER BY o.code`,
      [dataset.id],
    ),
    store.all<{ categories: string }>(
      `SELECT DISTINCT categories FROM observation WHERE dataset = $1 ORDER BY categories`,
      [dataset.id],
    ),
    store.all<{ dimension: string; code: string; title: string }>(
      `SELECT dimension, code, title FROM dimension_code WHERE dataset = $1`,
      [dataset.id],
    ),
    store.one<{ n: number | bigint }>(
      `SELECT count(*) AS n FROM (SELECT DISTINCT region, period, categories FROM observation WHERE dataset = $1)`,
      [dataset.id],
    ),
  ]);
  const width = regionWidth(regionRows.map((r) => r.code));
  const periods = periodRows.map((p): StatlineCode => {
    const parsed = parsePeriod(p.code);
    return {
      key: p.code,
      title: parsed.ok ? periodLabel(parsed.value, 'nl') : p.code,
      status: p.revised ? 'Nader voorlopig' : p.provisional ? 'Voorlopig' : 'Definitief',
    };
  });
  const years = periodRows.map((p) => Number(p.code.slice(0, 4))).filter((y) => Number.isFinite(y));
  return {
    id: dataset.id,
    title: dataset.title,
    description: dataset.description,
    publisher: dataset.publisher,
    catalog: /\bCBS\b|Centraal Bureau voor de Statistiek/i.test(dataset.publisher) ? 'CBS' : 'udc',
    source: dataset.source,
    licence: dataset.licence,
    modified: cbsLocalTime(dataset.modified ?? dataset.imported),
    periodText:
      years.length === 0
        ? ''
        : Math.min(...years) === Math.max(...years)
          ? `${years[0]}`
          : `${Math.min(...years)} - ${Math.max(...years)}`,
    frequency: frequencyOf(periodRows.map((p) => p.code)),
    topics: topics.map((t) => ({
      key: t.key,
      title: t.title,
      unit: t.unit,
      decimals: t.decimals === null ? null : Number(t.decimals),
      aggregation: t.aggregation,
      description: t.description,
    })),
    categories: categoryDimensions(
      categoryRows.map((r) => r.categories),
      titles,
    ),
    regions: regionRows.map((r) => ({ key: r.code.padEnd(width), title: r.name ?? r.code })),
    periods,
    regionWidth: width,
    recordCount: Number(count?.n ?? 0),
  };
}

/**
 * CBS pads region keys with spaces to a width per table: two more than the longest code
 * ("NL01  ", "GM0014  "), but no more than ten when buurt codes (ten characters) are in it
 * ("GM0014    ", "BU00140000").
 */
export function regionWidth(codes: readonly string[]): number {
  const longest = codes.reduce((n, c) => Math.max(n, c.length), 0);
  return Math.max(longest, Math.min(10, longest + 2));
}

// The store keeps UTC; StatLine writes local time without zone, which udc's importer reads as
// +01:00. Writing UTC+1 makes an export and re-import give back the same instant.
function cbsLocalTime(utc: string | null): string {
  if (!utc) return '';
  const time = Date.parse(`${utc}Z`);
  return Number.isNaN(time) ? '' : new Date(time + 3_600_000).toISOString().slice(0, 19);
}

function frequencyOf(periods: readonly string[]): string {
  if (periods.some((p) => /MM\d\d$/.test(p))) return 'Permaand';
  if (periods.some((p) => /KW\d\d$/.test(p))) return 'Perkwartaal';
  if (periods.length > 0 && periods.every((p) => /JJ00$/.test(p))) return 'Perjaar';
  return 'Onregelmatig';
}

function categoryDimensions(
  keys: readonly string[],
  titles: readonly { dimension: string; code: string; title: string }[],
): StatlineDimension[] {
  const codes = new Map<string, Set<string>>();
  for (const key of keys) {
    const parsed = parseCategoryKey(key);
    if (!parsed.ok) continue;
    for (const [dimension, code] of Object.entries(parsed.value)) {
      if (!codes.has(dimension)) codes.set(dimension, new Set());
      codes.get(dimension)!.add(code);
    }
  }
  const title = new Map(titles.map((t) => [`${t.dimension}\u0001${t.code}`, t.title]));
  return [...codes.keys()].sort().map((dimension) => ({
    key: dimension,
    title: dimension,
    codes: [...codes.get(dimension)!].sort().map((code) => ({
      key: code,
      title: title.get(`${dimension}\u0001${code}`) ?? code,
    })),
  }));
}
