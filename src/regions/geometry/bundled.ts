import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Store } from '../../store/index.js';
import { importBoundaries, type BoundaryImportReport, type BoundaryLevel } from './import-boundaries.js';
import { hasGeometry } from './stored.js';

/** A boundary file udc ships in data/boundaries/ (see data/boundaries/SOURCES.md). */
export interface BundledBoundaries {
  file: string;
  level: BoundaryLevel;
  year: number;
  codeProperty: string;
}

/**
 * The boundaries loaded on first use: all gemeenten 2023 (PDOK wijkenbuurten, simplified with
 * mapshaper), all gemeenten 2015 (CBS gebiedsindelingen, TopoJSON q1e3) and the wijken 2014 of
 * the Groningen-Assen region (q1e3). No buurt boundaries are bundled: import them (docs/geometry.md).
 */
export const BUNDLED_BOUNDARIES: readonly BundledBoundaries[] = [
  {
    file: 'gemeenten_2023_wgs84_simplified.geojson',
    level: 'gemeente',
    year: 2023,
    codeProperty: 'gemeentecode',
  },
  { file: 'gemeenten_2015_wgs84_q1e3.topojson', level: 'gemeente', year: 2015, codeProperty: 'statcode' },
  {
    file: 'wijken_2014_groningen_assen_wgs84_q1e3.geojson',
    level: 'wijk',
    year: 2014,
    codeProperty: 'statcode',
  },
];

/** The data/boundaries directory of the installation (found upwards from this module, so it works from src/ and dist/). */
export function bundledBoundariesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, 'data', 'boundaries');
    if (existsSync(join(candidate, BUNDLED_BOUNDARIES[0]!.file))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error('the bundled boundaries (data/boundaries/) are missing from this installation');
}

/**
 * Loads each bundled boundary set into region_geometry unless the store already holds that level
 * and year (so an imported, more detailed map is never overwritten). Features without any area in
 * the source (e.g. WK189504 Nieuw-Beerta 2014, which q1e3 quantization collapsed to a point) are
 * skipped and listed in the report. Returns a report per set it loaded.
 */
export async function ensureGeometry(store: Store): Promise<BoundaryImportReport[]> {
  const reports: BoundaryImportReport[] = [];
  for (const bundled of BUNDLED_BOUNDARIES) {
    if (await hasGeometry(store, bundled.level, bundled.year)) continue;
    reports.push(
      await importBoundaries(store, join(bundledBoundariesDir(), bundled.file), {
        year: bundled.year,
        level: bundled.level,
        codeProperty: bundled.codeProperty,
        crs: 'wgs84',
        skipEmpty: true,
        source: `bundled: data/boundaries/${bundled.file} (CBS/Kadaster via PDOK, CC BY 4.0)`,
      }),
    );
  }
  return reports;
}
