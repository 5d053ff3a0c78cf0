import { readFile } from 'node:fs/promises';
import type { StagedRow } from '../ingest.js';
import type { VariableMeta } from '../metadata.js';
import { FileImportError } from './errors.js';
import type { Mapping } from './mapping.js';
import { planColumns } from './plan.js';

interface Feature {
  type: 'Feature';
  properties: Record<string, unknown> | null;
}

/**
 * Reads a GeoJSON FeatureCollection's properties as a wide table: one row per feature (row N is
 * feature N), the numeric properties as variables. Geometry is the regions module's business.
 */
export async function readGeoJson(
  file: string,
  mapping: Mapping,
): Promise<{ variables: VariableMeta[]; rows: StagedRow[] }> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new FileImportError(file, `not valid JSON: ${(error as Error).message}`);
  }
  const collection = data as { type?: unknown; features?: unknown };
  if (collection?.type !== 'FeatureCollection' || !Array.isArray(collection.features)) {
    const type = typeof collection?.type === 'string' ? `a ${collection.type}` : 'not GeoJSON';
    throw new FileImportError(file, `expected a GeoJSON FeatureCollection, but this is ${type}`);
  }
  const features = collection.features as Feature[];
  features.forEach((f, i) => {
    if (f?.type !== 'Feature')
      throw new FileImportError(file, `feature ${i + 1} is not a GeoJSON Feature`, { row: i + 1 });
  });
  const header = [...new Set(features.flatMap((f) => Object.keys(f.properties ?? {})))];
  const explicit = mapping.variables !== undefined;
  const plan = planColumns(file, header, explicit ? mapping : { ...mapping, variables: undefined });
  // Without a list, only properties that hold numbers are variables (names and flags are not).
  const wide = (plan.wide ?? []).filter(
    (w) =>
      explicit ||
      features.every((f) => {
        const v = f.properties?.[w.column];
        return v === null || v === undefined || typeof v === 'number';
      }),
  );
  if (wide.length === 0) throw new FileImportError(file, 'no numeric properties to import as variables');
  if (plan.long)
    throw new FileImportError(file, 'GeoJSON properties are read as a wide table; use layout: wide');

  const rows: StagedRow[] = [];
  features.forEach((f, i) => {
    const p = f.properties ?? {};
    const region = plan.regionPrefix + String(p[plan.region] ?? '').trim();
    const period = 'column' in plan.period ? String(p[plan.period.column] ?? '').trim() : plan.period.value;
    for (const w of wide) {
      const value = p[w.column];
      rows.push({ row: i + 1, region, period, variable: w.variable.key, ...cell(value) });
    }
  });
  return { variables: wide.map((w) => w.variable), rows };
}

/** PDOK's key-figure layers write -99999999 (and nearby) where CBS withholds or lacks a figure. */
function cell(value: unknown): Pick<StagedRow, 'value' | 'status'> {
  if (typeof value === 'number' && value <= -99_999_990) return { value: '.' };
  if (typeof value === 'number' || typeof value === 'string') return { value };
  return { value: null };
}
