/**
 * The choropleth, drawn on the server as SVG: the page shows the map before (and without) any
 * script, the browser downloads paths instead of coordinates plus a projection library, and each
 * area is an SVG link, so it is focusable and Enter opens it natively.
 */
import { geoMercator, geoPath } from 'd3-geo';
import type { AreaGeometry } from './api.js';
import { tilesFor, type Basemap } from './basemap.js';
import { classOf, HATCH_INK, NO_DATA_FILL, type ValueClass } from './classes.js';
import { escapeHtml, html, raw, type Html } from './html.js';

export interface MapArea {
  code: string;
  name: string;
  value: number | null;
  /** The value as the page writes it ("12,3%", "geheim", "geen gegevens"). */
  label: string;
  hidden: boolean;
  converted: boolean;
}

const WIDTH = 640;
const MAX_HEIGHT = 720;
const MARGIN = 8;
/** The line under the map for the basemap's credit. */
const ATTRIBUTION_HEIGHT = 16;
/** The class colours over a basemap: opaque enough to read the legend, clear enough to see the streets. */
const BASEMAP_FILL_OPACITY = 0.8;

/** The map as an SVG element; areas without a figure are grey, hidden ones hatched. */
export function choroplethSvg(
  geometry: AreaGeometry,
  areas: Map<string, MapArea>,
  classes: ValueClass[],
  options: {
    label: string;
    id: string;
    href: (code: string) => string;
    noData: string;
    /** Areas with notes: a marker on the map, and the count in the area's name (e.g. "2 notities"). */
    marks?: { counts: Map<string, number>; label: (n: number) => string };
    /** Tiles under the areas (configured, src/web/basemap.ts); without it the map is fully offline. */
    basemap?: Basemap;
  },
): Html {
  // No adaptive resampling: within a country a Mercator edge stays straight, and resampling costs
  // more than drawing. Fit to the width; the height follows the area's shape (capped).
  const projection = geoMercator()
    .precision(0)
    .fitWidth(WIDTH - 2 * MARGIN, geometry);
  const path = geoPath(projection).digits(1);
  const [[, y0], [, y1]] = path.bounds(geometry);
  const natural = Math.ceil(y1 - y0) + 2 * MARGIN;
  const height = Math.min(MAX_HEIGHT, natural);
  if (natural > MAX_HEIGHT)
    projection.fitExtent(
      [
        [MARGIN, MARGIN],
        [WIDTH - MARGIN, height - MARGIN],
      ],
      geometry,
    );
  else {
    // fitWidth put the top edge at y = 0: shift by the margin instead of fitting again.
    const [x, y] = projection.translate();
    projection.translate([x + MARGIN, y + MARGIN - y0]);
  }
  const features = [...geometry.features].sort((a, b) =>
    (a.properties.name ?? a.properties.code).localeCompare(b.properties.name ?? b.properties.code, 'nl'),
  );
  const shapes = features.map((feature) => {
    const code = feature.properties.code;
    const area = areas.get(code);
    const d = path(feature) ?? '';
    const fill = !area
      ? NO_DATA_FILL
      : area.hidden
        ? `url(#${options.id}-hatch)`
        : area.value === null
          ? NO_DATA_FILL
          : (classOf(area.value, classes)?.colour ?? NO_DATA_FILL);
    const name = area?.name ?? feature.properties.name ?? code;
    const count = options.marks?.counts.get(code) ?? 0;
    const label = (area?.label ?? options.noData) + (count > 0 ? `, ${options.marks!.label(count)}` : '');
    // A plain string, not the html tag: this runs for every buurt and the formatter keeps it on one line.
    const [n, l] = [escapeHtml(name), escapeHtml(label)];
    return `<a class="area" href="${escapeHtml(options.href(code))}" aria-label="${n}: ${l}" data-code="${escapeHtml(code)}" data-name="${n}" data-value="${l}"><path id="${escapeHtml(options.id)}-${escapeHtml(code)}" d="${d}" fill="${escapeHtml(fill)}"/><title>${n}: ${l}</title></a>`;
  });
  // A pin on each area with notes, above every area; decorative, since each area's name says it.
  const marks = features
    .filter((f) => (options.marks?.counts.get(f.properties.code) ?? 0) > 0)
    .map((f) => {
      const [x, y] = path.centroid(f);
      if (!Number.isFinite(x) || !Number.isFinite(y)) return '';
      return `<g class="note-marker" data-code="${escapeHtml(f.properties.code)}" transform="translate(${x.toFixed(1)} ${y.toFixed(1)})"><circle r="7" fill="#ffffff" stroke="#1a1a1a" stroke-width="2"/><circle r="3" fill="#1a1a1a"/></g>`;
    });
  // The basemap: decorative (the areas carry every name and value), under the areas, which are a
  // little transparent so streets and water show through. The credit goes on a line below the map.
  const basemap = options.basemap;
  const tiles = basemap ? tilesFor(projection, WIDTH, height, basemap.url) : [];
  const credit = basemap?.attribution ? ATTRIBUTION_HEIGHT : 0;
  const tileImages = tiles.map(
    (t) =>
      `<image href="${escapeHtml(t.href)}" x="${t.left}" y="${t.top}" width="${t.width.toFixed(2)}" height="${t.height.toFixed(2)}" preserveAspectRatio="none" alt="" aria-hidden="true" data-tile="${t.z}/${t.x}/${t.y}"/>`,
  );
  return html`<svg
    class="choropleth${basemap ? ' with-basemap' : ''}"
    id="${options.id}"
    tabindex="-1"
    viewBox="0 0 ${WIDTH} ${height + credit}"
    width="${WIDTH}"
    height="${height + credit}"
    role="group"
    aria-label="${options.label}"
  >
    <defs>
      <pattern
        id="${options.id}-hatch"
        patternUnits="userSpaceOnUse"
        width="6"
        height="6"
        patternTransform="rotate(45)"
      >
        <rect width="6" height="6" fill="#ffffff" />
        <line x1="0" y1="0" x2="0" y2="6" stroke="${HATCH_INK}" stroke-width="2" />
      </pattern>
    </defs>
    ${basemap ? raw(`<clipPath id="${escapeHtml(options.id)}-frame"><rect width="${WIDTH}" height="${height}"/></clipPath><g class="basemap" aria-hidden="true" clip-path="url(#${escapeHtml(options.id)}-frame)">${tileImages.join('')}</g>`) : ''}
    <g class="areas" ${raw(basemap ? `fill-opacity="${BASEMAP_FILL_OPACITY}"` : '')}>
      ${raw(shapes.join(''))}
    </g>
    ${marks.length > 0 ? raw(`<g class="note-markers" aria-hidden="true">${marks.join('')}</g>`) : ''}
    <g class="focus-ring" aria-hidden="true"></g>
    ${credit ? html`<text class="attribution" x="${WIDTH - 2}" y="${height + ATTRIBUTION_HEIGHT - 5}" text-anchor="end" font-size="11" fill="#4d4d4d">${basemap!.attribution}</text>` : ''}
  </svg>`;
}
