/**
 * Turns a StatLine table into udc's model, without I/O: one dataset per table, one variable per
 * numeric measure (title, unit, decimals, a guess at how it aggregates), the codes of the extra
 * dimensions, and observations with trimmed region codes, CBS period codes, the period's status
 * (definitief, voorlopig, nader voorlopig) and CBS's special values. Labels stay in the table's
 * language (Dutch for CBS's NED tables).
 */
import { categoryKey, statusFromCbs, type ObservationStatus } from '../../core/index.js';
import type { StagedRow } from '../ingest.js';
import {
  VARIABLE_KEY,
  type Aggregation,
  type Confidentiality,
  type DatasetMeta,
  type DimensionCode,
  type VariableMeta,
} from '../metadata.js';
import type { Dimension, Measure, RawObservation, TableMetadata } from './table.js';

/** A table that cannot be put into udc's model, with what was expected. */
export class StatlineFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StatlineFormatError';
  }
}

/** Choices the importer may make about the dataset. */
export interface NormaliseOptions {
  /** Dataset id; the table id (e.g. 83599NED) when absent. */
  datasetId?: string;
  /** Default open: StatLine tables are public. */
  confidentiality?: Confidentiality;
}

/** The normalised table: what ingest stores besides the rows, and how each raw row becomes a staged row. */
export interface NormalisedTable {
  dataset: DatasetMeta;
  variables: VariableMeta[];
  dimensionCodes: DimensionCode[];
  /** The staged row for one raw observation; undefined for measures that are not numbers (text topics). */
  stage(raw: RawObservation, row: number): StagedRow | undefined;
  /** What `stage` does, as data, for a reader that normalises inside the engine (bulk.ts). */
  layout: StageLayout;
}

/** The decisions `stage` applies to every row, spelled out so SQL can apply the same ones. */
export interface StageLayout {
  /** The geo dimension's key; absent for a national table (region NL01). */
  region?: string;
  /** The time dimension's key; absent when `fixedPeriod` applies. */
  period?: string;
  fixedPeriod?: string;
  /** The classification dimensions, in the order categoryKey writes them (sorted by key). */
  categories: string[];
  /** Every measure and the variable key it becomes; no key for text measures (left out). */
  measures: { code: string; key?: string }[];
  /** Periods whose observations carry a status other than final (Voorlopig, Nader voorlopig). */
  periodStatus: [string, ObservationStatus][];
}

/** A national table has no region dimension: its figures are about Nederland as a whole. */
export const NATIONAL = 'NL01';

/** Normalises a table's metadata and prepares the per-row conversion. */
export function normaliseTable(table: TableMetadata, options: NormaliseOptions = {}): NormalisedTable {
  const numeric = table.measures.filter(isNumeric);
  const keys = new Map(numeric.map((m) => [m.key, variableKey(m.key)]));
  const geo = table.dimensions.find((d) => d.kind === 'geo');
  const time = table.dimensions.find((d) => d.kind === 'time');
  const plain = table.dimensions.filter((d) => d.kind === 'plain');
  const fixedPeriod = time ? undefined : singlePeriod(table, geo);
  const periodStatus = new Map<string, ObservationStatus>();
  for (const code of time?.codes ?? []) {
    const status = statusFromCbs(spaced(code.status));
    if (status !== 'final') periodStatus.set(code.code, status);
  }
  const categories = new Map<string, string>();
  const layout: StageLayout = {
    region: geo?.key,
    period: time?.key,
    fixedPeriod,
    categories: plain.map((d) => d.key).sort(),
    measures: table.measures.map((m) => ({ code: m.key, key: keys.get(m.key) })),
    periodStatus: [...periodStatus],
  };

  return {
    layout,
    dataset: datasetFor(table, options),
    variables: numeric.map((m) => variableFor(m, keys.get(m.key) ?? m.key)),
    dimensionCodes: dimensionCodesFor(plain),
    stage(raw, row) {
      const measure = keys.get(raw.measure);
      // Unknown measures go through under their own name, so ingest reports them; text topics do not.
      if (measure === undefined && table.measures.some((m) => m.key === raw.measure)) return undefined;
      const period = time ? (raw.dimensions[time.key] ?? '').trim() : (fixedPeriod ?? '');
      const staged: StagedRow = {
        row,
        region: geo ? (raw.dimensions[geo.key] ?? '').trim() : NATIONAL,
        period,
        variable: measure ?? raw.measure,
        categories: plain.length > 0 ? categoriesOf(raw, plain, categories, table.id) : '',
        value: valueOf(raw),
      };
      const status = periodStatus.get(period);
      if (status) staged.status = status;
      return staged;
    },
  };
}

/** The dataset record of a table. */
export function datasetFor(table: TableMetadata, options: NormaliseOptions = {}): DatasetMeta {
  const description = [
    table.shortTitle,
    table.summary,
    table.periodText ? `Periode: ${table.periodText}` : '',
  ]
    .filter((t): t is string => Boolean(t && t.trim()))
    .map((t) => t.trim())
    .join('\n');
  return {
    id: options.datasetId ?? table.id,
    title: table.title,
    description: description || undefined,
    publisher: table.catalog === 'CBS' ? 'CBS' : `${table.catalog} (via CBS)`,
    source: table.url,
    licence: table.licence ?? 'CC BY 4.0',
    modified: isoTimestamp(table.modified),
    confidentiality: options.confidentiality ?? 'open',
  };
}

/** The variable for a measure; v3 topics carry their topic group in the title ("Gemiddeld aantal banen: Totaal"). */
export function variableFor(measure: Measure, key = variableKey(measure.key)): VariableMeta {
  return {
    key,
    title: measure.group ? `${measure.group}: ${measure.title}` : measure.title,
    unit: measure.unit,
    decimals:
      measure.decimals !== undefined && measure.decimals >= 0 && measure.decimals <= 12
        ? measure.decimals
        : undefined,
    aggregation: guessAggregation(measure),
    description: measure.description?.trim() || undefined,
  };
}

/**
 * Guesses how a measure aggregates over regions and categories. CBS's PresentationType decides
 * when present (Absolute sums, Relative does not); otherwise the title and unit do: averages,
 * medians, percentages, indices, densities and anything "per" something do not add up ('none');
 * counts and amounts do ('sum'). When in doubt 'none', since a wrong sum is worse than no sum.
 */
export function guessAggregation(measure: Measure): Aggregation {
  if (measure.presentation === 'Absolute') return 'sum';
  if (measure.presentation === 'Relative') return 'none';
  const unit = (measure.unit ?? '').toLowerCase();
  const words = `${measure.title} ${unit}`.toLowerCase();
  if (
    /%|‰|procent|percentage|promille|gemiddeld|mediaan|index|=\s*100|\bper\b|ratio|quot|dichtheid|aandeel|graad|ontwikkeling|verhouding|relatief|kans/.test(
      words,
    )
  )
    return 'none';
  if (
    /aantal|\bx ?1 ?000|^1 ?000\b|mln|miljoen|mld|miljard|banen|personen|inwoners|woningen|huishoudens|bedrijven|euro|hectare|\bha\b|km2|arbeidsjaren|uren|kg|ton\b/.test(
      unit,
    )
  )
    return 'sum';
  return 'none';
}

/** A measure code as a udc variable key: codes that start with a digit (1050010) get "v_" in front. */
export function variableKey(code: string): string {
  if (VARIABLE_KEY.test(code)) return code;
  const cleaned = code.trim().replace(/[^A-Za-z0-9_]+/g, '_');
  return /^[A-Za-z_]/.test(cleaned) ? cleaned.slice(0, 128) : `v_${cleaned}`.slice(0, 128);
}

/** How a group of codes is named in dimension_code: apart from any CBS code (those have no colon). */
export function groupCode(id: string): string {
  return `group:${id}`;
}

/**
 * The codes of the classification dimensions (not region, not period), as dimension_code rows.
 * Where CBS files codes in groups, each group is a row too (code "group:<id>", its title) and
 * parent links code -> group -> parent group: StatLine's tree, which aggregation and disclosure
 * read as the dimension's hierarchy. A group is a folder, not an observation: no figure has it.
 */
export function dimensionCodesFor(dimensions: readonly Dimension[]): DimensionCode[] {
  const out: DimensionCode[] = [];
  for (const d of dimensions) {
    const seen = new Set<string>();
    const groups = new Map((d.groups ?? []).map((g) => [g.id, g]));
    for (const g of groups.values()) {
      const code = groupCode(g.id);
      if (seen.has(code)) continue;
      seen.add(code);
      const parent = g.parent !== undefined && groups.has(g.parent) ? groupCode(g.parent) : undefined;
      out.push({ dimension: d.key, code, title: g.title, ...(parent ? { parent } : {}) });
    }
    for (const c of d.codes) {
      if (c.code === '' || seen.has(c.code)) continue;
      seen.add(c.code);
      const parent = c.group !== undefined && groups.has(c.group) ? groupCode(c.group) : undefined;
      out.push({ dimension: d.key, code: c.code, title: c.title, ...(parent ? { parent } : {}) });
    }
  }
  return out;
}

function isNumeric(measure: Measure): boolean {
  return !/^(string|text|char)/i.test(measure.dataType ?? '');
}

// The period of a table without a time dimension (Kerncijfers wijken en buurten): its map year,
// or the one year it covers.
function singlePeriod(table: TableMetadata, geo: Dimension | undefined): string {
  if (geo?.mapYear) return `${geo.mapYear}JJ00`;
  const year = /^\s*(\d{4})\s*$/.exec(table.periodText ?? '');
  if (year) return `${year[1]}JJ00`;
  throw new StatlineFormatError(
    `table ${table.id} has no time dimension and covers "${table.periodText ?? '?'}"; expected a Perioden dimension or a single year`,
  );
}

function categoriesOf(
  raw: RawObservation,
  dimensions: readonly Dimension[],
  cache: Map<string, string>,
  table: string,
): string {
  const codes = dimensions.map((d) => (raw.dimensions[d.key] ?? '').trim());
  const lookup = codes.join('\u0001');
  const known = cache.get(lookup);
  if (known !== undefined) return known;
  const key = categoryKey(Object.fromEntries(dimensions.map((d, i) => [d.key, codes[i] ?? ''])));
  if (!key.ok) throw new StatlineFormatError(`table ${table}: ${key.error}`);
  cache.set(lookup, key.value);
  return key.value;
}

// v4 gives a null Value and says why in ValueAttribute; ingest reads CBS's symbols, so the
// reason becomes its symbol. v3 Typed gives null for any symbol: that is "figure unknown".
function valueOf(raw: RawObservation): string | number | null {
  if (typeof raw.value === 'number') return raw.value;
  if (typeof raw.value === 'string') return raw.value.trim();
  return symbolOf(raw.valueAttribute);
}

/** The CBS symbol ingest reads for a missing value with this v4 ValueAttribute (or none: '.'). */
export function symbolOf(valueAttribute: string | undefined): string {
  return SYMBOL[statusFromCbs(valueAttribute)] ?? '.';
}

const SYMBOL: Partial<Record<ObservationStatus, string>> = {
  not_applicable: '',
  missing: '.',
  secret: 'x',
  nil: '-',
  unreliable: '?',
};

// v4 writes statuses in one word ("NaderVoorlopig"); v3 and statusFromCbs use "Nader voorlopig".
function spaced(status: string | undefined): string | undefined {
  return status?.replace(/([a-z])([A-Z])/g, '$1 $2');
}

// CBS stamps carry a zone offset (2026-06-23T00:00:00+02:00) or none (v3: local time); the store's
// TIMESTAMP has no zone, so it holds UTC.
function isoTimestamp(stamp: string): string | undefined {
  if (!stamp) return undefined;
  const time = Date.parse(/[zZ]|[+-]\d\d:\d\d$/.test(stamp) ? stamp : `${stamp}+01:00`);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString().replace('Z', '');
}
