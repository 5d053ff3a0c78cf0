import { readFile } from 'node:fs/promises';
import type { Feature, FeatureCollection, Geometry, MultiPolygon, Polygon, Position } from 'geojson';
import { feature as topoFeature } from 'topojson-client';
import type { Topology } from 'topojson-specification';
import { parseRegionCode } from '../../core/index.js';
import type { SqlValue, Store } from '../../store/index.js';
import { CoordinateError, CrsTally, crsFromMember, decideCrs, rdToWgs84, type Crs } from './projection.js';
import { simplifyLayer, type LayerReport, type Polygonal } from './topology.js';
import { ringStructureIssues } from './validate.js';

/** The levels udc keeps boundaries for. */
export const BOUNDARY_LEVELS = ['gemeente', 'wijk', 'buurt'] as const;
export type BoundaryLevel = (typeof BOUNDARY_LEVELS)[number];

/** The code prefix of each level (CBS: GM0014, WK001400, BU00140000). */
export const LEVEL_PREFIX: Record<BoundaryLevel, string> = { gemeente: 'GM', wijk: 'WK', buurt: 'BU' };

/**
 * Properties that carry the region code, tried in this order when none is named: the PDOK
 * wijkenbuurten layers (gemeentecode, wijkcode, buurtcode), the CBS gebiedsindelingen (statcode),
 * the CBS wijk- en buurtkaart shapefiles (GM_CODE, WK_CODE, BU_CODE), then a plain `code`.
 */
export const CODE_PROPERTIES: Record<BoundaryLevel, readonly string[]> = {
  gemeente: ['gemeentecode', 'statcode', 'GM_CODE', 'code'],
  wijk: ['wijkcode', 'statcode', 'WK_CODE', 'code'],
  buurt: ['buurtcode', 'statcode', 'BU_CODE', 'code'],
};

export interface ImportBoundariesOptions {
  year: number;
  level: BoundaryLevel;
  /** Property holding the region code; default: the first of CODE_PROPERTIES[level] the features carry. */
  codeProperty?: string;
  /** Coordinate system; default: the file's `crs` member, else what the coordinates fit. */
  crs?: Crs;
  /** TopoJSON object to read; default: the only object. */
  object?: string;
  /** Simplification threshold in m² (see WEB_MIN_AREA_M2); 0 keeps every vertex. */
  minArea?: number;
  /** Keep features marked as water (`water` = 'JA'); by default they are skipped, as on PDOK maps of land. */
  includeWater?: boolean;
  /** Skip (and list) features without any area instead of rejecting the file. */
  skipEmpty?: boolean;
  /** What the store records as the source; default: the file name. */
  source?: string;
}

/** One thing wrong with the input, with where it is. */
export interface BoundaryIssue {
  file: string;
  /** Index into the file's features (0-based, as in `features[12]`). */
  feature?: number;
  property?: string;
  value?: string;
  message: string;
}

/** Thrown when a boundary file cannot be imported; nothing was stored. */
export class BoundaryImportError extends Error {
  override readonly name = 'BoundaryImportError';
  constructor(readonly issues: readonly BoundaryIssue[]) {
    super(
      issues.map(formatIssue).slice(0, 10).join('\n') +
        (issues.length > 10 ? `\n... and ${issues.length - 10} more` : ''),
    );
  }
}

/** One line for an issue: file, feature, property, value, what is wrong. */
export function formatIssue(issue: BoundaryIssue): string {
  const where = [
    issue.file,
    issue.feature !== undefined ? `features[${issue.feature}]` : undefined,
    issue.property !== undefined ? `property "${issue.property}"` : undefined,
  ].filter(Boolean);
  return `${where.join(', ')}: ${issue.message}${issue.value !== undefined ? ` (value: ${JSON.stringify(issue.value)})` : ''}`;
}

/** What an import did. */
export interface BoundaryImportReport {
  file: string;
  year: number;
  level: BoundaryLevel;
  format: 'geojson' | 'topojson';
  crs: Crs;
  codeProperty: string;
  featuresRead: number;
  /** Regions stored (features with the same code are merged into one). */
  regionsStored: number;
  skippedWater: number;
  skippedEmpty: { feature: number; code: string }[];
  mergedFeatures: number;
  layer: LayerReport;
}

/** One row of region_geometry, ready to store. */
export interface GeometryRow {
  code: string;
  year: number;
  level: BoundaryLevel;
  geometry: Polygonal;
  bbox: [number, number, number, number];
  source: string;
}

/** A parsed boundary file: its features and the CRS its `crs` member names. */
export interface BoundaryFile {
  format: 'geojson' | 'topojson';
  features: Feature[];
  crsMember?: unknown;
}

/**
 * Reads a GeoJSON FeatureCollection or a TopoJSON topology (one object, or the one named) from
 * text. Throws BoundaryImportError naming the file when it is neither.
 */
export function parseBoundaryText(text: string, file: string, object?: string): BoundaryFile {
  let json: unknown;
  try {
    json = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    throw new BoundaryImportError([
      { file, message: `not valid JSON: ${(error as Error).message}; expected GeoJSON or TopoJSON` },
    ]);
  }
  const type = typeof json === 'object' && json !== null ? (json as { type?: unknown }).type : undefined;
  if (type === 'FeatureCollection') {
    const collection = json as FeatureCollection & { crs?: unknown };
    if (!Array.isArray(collection.features)) {
      throw new BoundaryImportError([{ file, message: 'the FeatureCollection has no "features" array' }]);
    }
    return { format: 'geojson', features: collection.features, crsMember: collection.crs };
  }
  if (type === 'Topology') {
    const topology = json as Topology & { crs?: unknown };
    const names = Object.keys(topology.objects ?? {});
    const name = object ?? (names.length === 1 ? names[0] : undefined);
    if (!name || !topology.objects[name]) {
      throw new BoundaryImportError([
        {
          file,
          message: object
            ? `the topology has no object "${object}"; it has ${names.map((n) => `"${n}"`).join(', ') || 'none'}`
            : `the topology has ${names.length} objects (${names.map((n) => `"${n}"`).join(', ')}); name the one to import (--object)`,
        },
      ]);
    }
    const converted = topoFeature(topology, topology.objects[name]!) as Feature | FeatureCollection;
    const features = converted.type === 'FeatureCollection' ? converted.features : [converted];
    return { format: 'topojson', features, crsMember: topology.crs };
  }
  throw new BoundaryImportError([
    {
      file,
      message: `the JSON is ${type ? `a GeoJSON/TopoJSON "${String(type)}"` : 'not GeoJSON'}; expected a FeatureCollection or a Topology`,
    },
  ]);
}

/**
 * Turns parsed features into rows for region_geometry: codes checked with parseRegionCode and
 * against the level, coordinates checked and converted to WGS84, polygons validated, simplified
 * with shared borders kept. Pure: throws BoundaryImportError listing every problem, or returns
 * all rows.
 */
export function prepareBoundaries(
  parsed: BoundaryFile,
  file: string,
  options: ImportBoundariesOptions,
): { rows: GeometryRow[]; report: BoundaryImportReport } {
  const issues: BoundaryIssue[] = [];
  const { level, year } = options;
  if (!Number.isInteger(year) || year < 1800 || year > 2200) {
    throw new BoundaryImportError([
      { file, message: `year ${year} is not a calendar year; expected e.g. 2023` },
    ]);
  }
  const features = parsed.features;
  if (features.length === 0) throw new BoundaryImportError([{ file, message: 'the file has no features' }]);
  const codeProperty = options.codeProperty ?? pickCodeProperty(features, level);
  if (!codeProperty) {
    throw new BoundaryImportError([
      {
        file,
        message: `no feature has any of the properties ${CODE_PROPERTIES[level].map((p) => `"${p}"`).join(', ')}; name the property that holds the ${level} code with --code-property`,
      },
    ]);
  }

  // Codes, water and geometry types, feature by feature.
  const kept: { index: number; code: string; geometry: Polygonal }[] = [];
  let skippedWater = 0;
  const skippedEmpty: { feature: number; code: string }[] = [];
  features.forEach((f, index) => {
    const properties = (f?.properties ?? {}) as Record<string, unknown>;
    if (!options.includeWater && isWater(properties['water'])) {
      skippedWater++;
      return;
    }
    const raw = properties[codeProperty];
    const text = raw === undefined || raw === null ? '' : String(raw).trim();
    if (text === '') {
      issues.push({
        file,
        feature: index,
        property: codeProperty,
        message: `the feature has no ${level} code`,
      });
      return;
    }
    const parsedCode = parseRegionCode(text);
    if (!parsedCode.ok) {
      issues.push({ file, feature: index, property: codeProperty, value: text, message: parsedCode.error });
      return;
    }
    const code = parsedCode.value.code;
    if (!code.startsWith(LEVEL_PREFIX[level])) {
      issues.push({
        file,
        feature: index,
        property: codeProperty,
        value: text,
        message: `${code} is not a ${level} code; expected ${LEVEL_PREFIX[level]}... for --level ${level} (wrong --level or --code-property?)`,
      });
      return;
    }
    const geometry = f?.geometry as Geometry | null | undefined;
    if (!geometry || (geometry.type !== 'Polygon' && geometry.type !== 'MultiPolygon')) {
      if (!geometry && options.skipEmpty) {
        skippedEmpty.push({ feature: index, code });
        return;
      }
      issues.push({
        file,
        feature: index,
        property: 'geometry',
        value: code,
        message: `the geometry is ${geometry ? `a ${geometry.type}` : 'missing'}; expected a Polygon or MultiPolygon`,
      });
      return;
    }
    if (!wellFormed(geometry)) {
      issues.push({
        file,
        feature: index,
        property: 'geometry',
        value: code,
        message: `the ${geometry.type}'s coordinates are not nested arrays of [x, y] positions`,
      });
      return;
    }
    const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
    const structure = polygons.flatMap((rings, part) =>
      rings.flatMap((ring, r) => ringStructureIssues(ring, part, r)),
    );
    const notFinite = structure.find((s) => s.kind === 'not-finite' || s.kind === 'not-closed');
    if (notFinite) {
      issues.push({
        file,
        feature: index,
        property: 'geometry',
        value: code,
        message: `polygon ${notFinite.part}, ring ${notFinite.ring}: ${notFinite.message}`,
      });
      return;
    }
    kept.push({ index, code, geometry });
  });
  if (issues.length > 0) throw new BoundaryImportError(issues);

  // One coordinate system for the whole file.
  let crs: Crs;
  try {
    const stated = options.crs ?? crsFromMember(parsed.crsMember);
    const tally = new CrsTally();
    for (const k of kept) forEachPosition(k.geometry, (p) => tally.add(p[0]!, p[1]!));
    crs = decideCrs(tally, file, stated);
  } catch (error) {
    if (error instanceof CoordinateError)
      throw new BoundaryImportError([{ file, message: error.message.replace(`${file}: `, '') }]);
    throw error;
  }
  const wgs = kept.map((k) => ({
    ...k,
    geometry: crs === 'rd' ? mapPositions(k.geometry, (p) => rdToWgs84(p[0]!, p[1]!)) : k.geometry,
  }));

  // Features with the same code (a region in several records, e.g. land and water) become one.
  const byCode = new Map<string, { index: number; geometry: Polygonal }>();
  let mergedFeatures = 0;
  for (const k of wgs) {
    const seen = byCode.get(k.code);
    if (!seen) byCode.set(k.code, { index: k.index, geometry: k.geometry });
    else {
      mergedFeatures++;
      seen.geometry = {
        type: 'MultiPolygon',
        coordinates: [...polygonsOf(seen.geometry), ...polygonsOf(k.geometry)],
      };
    }
  }
  const regions = [...byCode.entries()];
  const layer = simplifyLayer(
    regions.map(([, r]) => r.geometry),
    options.minArea === undefined ? {} : { minArea: options.minArea },
  );
  const rows: GeometryRow[] = [];
  const source = options.source ?? file;
  layer.geometries.forEach((geometry, i) => {
    const [code, region] = regions[i]!;
    if (geometry) {
      rows.push({ code, year, level, geometry, bbox: bboxOf(geometry), source });
      return;
    }
    const problem = layer.problems.find((p) => p.feature === i);
    const empty = problem?.message.startsWith('the geometry has no ring');
    if (empty && options.skipEmpty) skippedEmpty.push({ feature: region.index, code });
    else
      issues.push({
        file,
        feature: region.index,
        property: 'geometry',
        value: code,
        message: problem?.message ?? 'the geometry could not be prepared',
      });
  });
  if (issues.length > 0) throw new BoundaryImportError(issues);
  return {
    rows,
    report: {
      file,
      year,
      level,
      format: parsed.format,
      crs,
      codeProperty,
      featuresRead: features.length,
      regionsStored: rows.length,
      skippedWater,
      skippedEmpty,
      mergedFeatures,
      layer: layer.report,
    },
  };
}

/**
 * Imports a boundary file (GeoJSON or TopoJSON, RD New or WGS84) into region_geometry for one
 * year and level, in one transaction: every region of the file is stored (replacing earlier
 * geometry of the same code and year), or, on any problem, nothing. Throws BoundaryImportError
 * for bad input, naming file, feature and property.
 */
export async function importBoundaries(
  store: Store,
  file: string,
  options: ImportBoundariesOptions,
): Promise<BoundaryImportReport> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new BoundaryImportError([
      {
        file,
        message: `cannot read the file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      },
    ]);
  }
  const { rows, report } = prepareBoundaries(parseBoundaryText(text, file, options.object), file, options);
  await storeGeometryRows(store, rows);
  return report;
}

/** Stores rows in region_geometry in one transaction, replacing rows with the same (code, year). */
export async function storeGeometryRows(store: Store, rows: readonly GeometryRow[]): Promise<void> {
  await store.transaction(async (tx) => {
    const years = [...new Set(rows.map((r) => r.year))];
    for (const year of years) {
      const codes = rows.filter((r) => r.year === year).map((r) => r.code);
      // The codes go in as one parameter (parsed CBS codes never hold a comma), never spliced into SQL.
      await tx.run(
        `DELETE FROM region_geometry WHERE year = $1 AND list_contains(string_split($2, ','), code)`,
        [year, codes.join(',')],
      );
    }
    await tx.append(
      'region_geometry',
      rows.map((r): SqlValue[] => [r.code, r.year, r.level, JSON.stringify(r.geometry), ...r.bbox, r.source]),
    );
  });
}

/** True when a Polygon's or MultiPolygon's coordinates nest as GeoJSON requires (numbers checked later). */
function wellFormed(g: Polygon | MultiPolygon): boolean {
  const ringsOk = (rings: unknown) =>
    Array.isArray(rings) && rings.every((ring) => Array.isArray(ring) && ring.every((p) => Array.isArray(p)));
  if (!Array.isArray(g.coordinates)) return false;
  return g.type === 'Polygon' ? ringsOk(g.coordinates) : g.coordinates.every(ringsOk);
}

function pickCodeProperty(features: readonly Feature[], level: BoundaryLevel): string | undefined {
  return CODE_PROPERTIES[level].find((name) =>
    features.some((f) => f?.properties?.[name] !== undefined && f.properties[name] !== null),
  );
}

function isWater(value: unknown): boolean {
  return (
    value === true ||
    (typeof value === 'string' && ['ja', 'j', 'yes', 'true'].includes(value.trim().toLowerCase()))
  );
}

function polygonsOf(g: Polygonal): Position[][][] {
  return g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
}

function forEachPosition(g: Polygonal, visit: (p: Position) => void): void {
  for (const rings of polygonsOf(g)) for (const ring of rings) for (const p of ring) visit(p);
}

function mapPositions(g: Polygonal, map: (p: Position) => Position): Polygonal {
  if (g.type === 'Polygon')
    return { type: 'Polygon', coordinates: g.coordinates.map((ring) => ring.map(map)) } satisfies Polygon;
  return {
    type: 'MultiPolygon',
    coordinates: g.coordinates.map((rings) => rings.map((ring) => ring.map(map))),
  } satisfies MultiPolygon;
}

/** [minx, miny, maxx, maxy] of a geometry. */
export function bboxOf(g: Polygonal): [number, number, number, number] {
  const box: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  forEachPosition(g, (p) => {
    if (p[0]! < box[0]) box[0] = p[0]!;
    if (p[1]! < box[1]) box[1] = p[1]!;
    if (p[0]! > box[2]) box[2] = p[0]!;
    if (p[1]! > box[3]) box[3] = p[1]!;
  });
  return box;
}
