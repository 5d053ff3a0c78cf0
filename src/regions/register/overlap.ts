import polygonClipping, { type MultiPolygon as ClipMulti } from 'polygon-clipping';
import type { Store } from '../../store/index.js';
import type { Crosswalk, CrosswalkLink } from '../crosswalk.js';
import { bboxOf, loadAreas, wgs84ToRd, type BoundaryLevel, type Polygonal } from '../geometry/index.js';
import { RegisterError } from './store.js';

/** Links whose area share is at least this are taken as whole (digitising noise, not a real split). */
const WHOLE = 0.995;
/** Area shares below this are simplification slivers, not parts of a region. */
const SLIVER = 0.002;

/**
 * The crosswalk between two years of wijken or buurten from their boundaries: each region of
 * the from-year is shared over the to-year regions it overlaps, by area (computed in RD New
 * metres). Area is the fallback weight: where population per part is known it is the better one.
 */
export async function overlapCrosswalk(
  store: Store,
  level: string,
  fromYear: number,
  toYear: number,
): Promise<Crosswalk> {
  const [from, to] = await Promise.all([
    loadAreas(store, level as BoundaryLevel, fromYear),
    loadAreas(store, level as BoundaryLevel, toYear),
  ]);
  for (const [year, areas] of [
    [fromYear, from],
    [toYear, to],
  ] as const) {
    if (areas.length === 0) {
      throw new RegisterError(
        `no crosswalk from ${level} ${fromYear} to ${level} ${toYear}: the store has no ${level} boundaries of ${year} ` +
          `(import them with: udc regions import-boundaries <file> --year ${year} --level ${level})`,
      );
    }
  }
  return overlapLinks(level, fromYear, toYear, from, to);
}

/** Pure: area-overlap links between two layers of WGS84 polygons. */
export function overlapLinks(
  level: string,
  fromYear: number,
  toYear: number,
  from: readonly { code: string; geometry: Polygonal }[],
  to: readonly { code: string; geometry: Polygonal }[],
): Crosswalk {
  const targets = to.map((t) => ({ code: t.code, box: bboxOf(t.geometry), rings: toRd(t.geometry) }));
  const links: CrosswalkLink[] = [];
  const unresolved: string[] = [];
  for (const source of from) {
    const box = bboxOf(source.geometry);
    const rings = toRd(source.geometry);
    const total = areaOf(rings);
    if (total <= 0) {
      unresolved.push(`${source.code} has no area`);
      continue;
    }
    const parts: { to: string; share: number }[] = [];
    for (const t of targets) {
      if (t.box[0] > box[2] || t.box[2] < box[0] || t.box[1] > box[3] || t.box[3] < box[1]) continue;
      const share = areaOf(polygonClipping.intersection(rings, t.rings)) / total;
      if (share >= SLIVER) parts.push({ to: t.code, share });
    }
    const covered = parts.reduce((sum, p) => sum + p.share, 0);
    if (parts.length === 0) {
      unresolved.push(`${source.code} (${fromYear}) overlaps no ${level} of ${toYear}`);
      continue;
    }
    for (const p of parts) {
      // Shares are renormalised so the whole region is passed on; small gaps are simplification.
      const weight = p.share / covered;
      const whole = weight >= WHOLE;
      links.push({
        from: source.code,
        to: p.to,
        weight: whole ? 1 : weight,
        basis: 'area_overlap',
        exact: whole,
      });
    }
  }
  return { level, fromYear, toYear, links, unresolved };
}

function toRd(geometry: Polygonal): ClipMulti {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  return polygons.map((polygon) =>
    polygon.map((ring) => ring.map(([lon = 0, lat = 0]) => wgs84ToRd(lon, lat))),
  );
}

function areaOf(multi: ClipMulti): number {
  let area = 0;
  for (const polygon of multi) {
    polygon.forEach((ring, i) => {
      let twice = 0;
      for (let k = 0, j = ring.length - 1; k < ring.length; j = k++)
        twice += ring[j]![0] * ring[k]![1] - ring[k]![0] * ring[j]![1];
      area += (i === 0 ? 1 : -1) * Math.abs(twice / 2);
    });
  }
  return area;
}
