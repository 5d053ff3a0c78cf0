import { variableKeyFromHeader, type DatasetMeta, type VariableMeta } from '../metadata.js';
import { FileImportError } from './errors.js';
import type { Mapping } from './mapping.js';

/** Which source column plays which part; resolved once from the header and the mapping. */
export interface ColumnPlan {
  region: string;
  regionPrefix: string;
  period: { column: string } | { value: string };
  /** Long form: the variable and value columns. */
  long?: { variable: string; value: string };
  /** Wide form: one source column per variable. */
  wide?: { column: string; variable: VariableMeta }[];
}

/** Matches the mapping's column names against the header (case-insensitively), or says which is missing. */
export function planColumns(file: string, header: readonly string[], mapping: Mapping): ColumnPlan {
  const find = (name: string, role: string): string => {
    const hit = header.find((h) => h === name) ?? header.find((h) => h.toLowerCase() === name.toLowerCase());
    if (!hit) {
      throw new FileImportError(
        file,
        `the ${role} column "${name}" is not in the header; the columns are: ${header.join(', ')}`,
      );
    }
    return hit;
  };
  const region = find(mapping.region.column, 'region');
  const period =
    'column' in mapping.period ? { column: find(mapping.period.column, 'period') } : mapping.period;
  const plan: ColumnPlan = { region, regionPrefix: mapping.region.prefix ?? '', period };
  if (mapping.layout === 'long') {
    plan.long = {
      variable: find(mapping.variable!.column, 'variable'),
      value: find(mapping.value!.column, 'value'),
    };
    return plan;
  }
  const used = new Set([region, 'column' in period ? period.column : '']);
  const ignored = new Set((mapping.ignore ?? []).map((i) => find(i, 'ignored').toLowerCase()));
  const declared = mapping.variables?.map((v) => ({ ...v, column: find(v.column, 'variable') }));
  const columns =
    declared ??
    header.filter((h) => !used.has(h) && !ignored.has(h.toLowerCase())).map((column) => ({ column }));
  if (columns.length === 0)
    throw new FileImportError(
      file,
      'no variable columns to import: every column is the region, the period or ignored',
    );
  const keys = new Set<string>();
  plan.wide = columns.map((c) => {
    const variable = variableFrom(c);
    if (keys.has(variable.key)) {
      throw new FileImportError(
        file,
        `two columns become the same variable key "${variable.key}"; give one a key in the mapping`,
      );
    }
    keys.add(variable.key);
    return { column: c.column, variable };
  });
  return plan;
}

/** Variable metadata from a mapping entry, with the header as title and 'none' as the safe aggregation. */
export function variableFrom(
  entry: NonNullable<Mapping['variables']>[number] | { column: string },
): VariableMeta {
  const e = entry as NonNullable<Mapping['variables']>[number];
  return {
    key: e.key ?? variableKeyFromHeader(e.column),
    title: e.title ?? e.column,
    unit: e.unit,
    decimals: e.decimals,
    // An unknown variable is not summed up the region hierarchy until someone says it is a count.
    aggregation: e.aggregation ?? 'none',
    denominator: e.denominator,
  };
}

/** Long form: variable metadata for each distinct text in the variable column. */
export function variablesForLong(
  texts: readonly string[],
  mapping: Mapping,
): { text: string; variable: VariableMeta }[] {
  return texts.map((text) => {
    const declared = mapping.variables?.find((v) => v.column === text || v.key === text);
    return { text, variable: variableFrom(declared ?? { column: text }) };
  });
}

/** Dataset metadata with the defaults an analyst's own file gets. */
export function datasetFrom(mapping: Mapping, file: string): DatasetMeta {
  const d = mapping.dataset;
  return {
    id: d.id,
    title: d.title ?? d.id,
    description: d.description,
    publisher: d.publisher ?? 'unknown',
    source: d.source ?? file,
    licence: d.licence ?? 'unknown',
    modified: d.modified,
    // Own files are internal until a data steward opens them.
    confidentiality: d.confidentiality ?? 'internal',
  };
}
