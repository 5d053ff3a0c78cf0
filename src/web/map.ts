/**
 * The choropleth, drawn on the server as SVG: the page shows the map before (and without) any
 * script, the browser downloads paths instead of coordinates plus a projection library, and each
 * area is an SVG link, so it is focusable and Enter opens it natively.
 */
import { geoMercator, geoPath } from 'd3-geo';
import type { AreaGeometry } from './api.js';
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
  return html`<svg
    class="choropleth"
    id="${options.id}"
    tabindex="-1"
    viewBox="0 0 ${WIDTH} ${height}"
    width="${WIDTH}"
    height="${height}"
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
    <g class="areas">${raw(shapes.join(''))}</g>
    ${marks.length > 0 ? raw(`<g class="note-markers" aria-hidden="true">${marks.join('')}</g>`) : ''}
    <g class="focus-ring" aria-hidden="true"></g>
  </svg>`;
}
