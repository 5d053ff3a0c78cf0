/**
 * Charts of the analysis pages as SVG on the server: the scatter plot of two indicators over the
 * areas of a level (the selected area drawn larger, ringed and labelled, so it stands out without
 * colour), and the position strip (where an area's value lies in a distribution). Both are
 * images with a name; the page puts a table with the same numbers next to each.
 */
import { niceTicks } from './chart.js';
import { formatNumber } from './format.js';
import { escapeHtml } from './html.js';
import type { Lang } from './i18n.js';

export interface ScatterPoint {
  code: string;
  name: string;
  x: number;
  y: number;
}

const INK = '#1a1a1a';
const GRID = '#d0d0d0';
const POINT = '#1f4e9c';
const HIGHLIGHT = '#a6430e';

function decimalsOf(ticks: number[]): number {
  const step = Math.abs((ticks[1] ?? ticks[0]! + 1) - ticks[0]!) || 1;
  return Math.max(0, -Math.floor(Math.log10(step)));
}

/** A scatter plot of `points`, `highlight` picked out; axes named with the indicators and units. */
export function scatterPlot(
  points: ScatterPoint[],
  options: {
    title: string;
    xLabel: string;
    yLabel: string;
    lang: Lang;
    highlight?: string;
    width?: number;
    height?: number;
  },
): string {
  const width = options.width ?? 640;
  const height = options.height ?? 440;
  const [left, right, top, bottom] = [64, 16, 24, 56];
  const title = escapeHtml(options.title);
  const head = `<svg xmlns="http://www.w3.org/2000/svg" class="scatter" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${title}" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" font-size="13"><title>${title}</title><rect width="${width}" height="${height}" fill="#ffffff"/>`;
  if (points.length === 0)
    return `${head}<text x="${width / 2}" y="${height / 2}" text-anchor="middle" fill="${INK}">–</text></svg>`;
  const xs = niceTicks(Math.min(...points.map((p) => p.x)), Math.max(...points.map((p) => p.x)));
  const ys = niceTicks(Math.min(...points.map((p) => p.y)), Math.max(...points.map((p) => p.y)));
  const [x0, x1, y0, y1] = [xs[0]!, xs[xs.length - 1]!, ys[0]!, ys[ys.length - 1]!];
  const X = (v: number) => left + ((v - x0) / (x1 - x0 || 1)) * (width - left - right);
  const Y = (v: number) => top + (1 - (v - y0) / (y1 - y0 || 1)) * (height - top - bottom);
  const parts = [head];
  for (const t of xs)
    parts.push(
      `<line x1="${X(t).toFixed(1)}" x2="${X(t).toFixed(1)}" y1="${top}" y2="${height - bottom}" stroke="${GRID}"/>`,
      `<text x="${X(t).toFixed(1)}" y="${height - bottom + 18}" text-anchor="middle" fill="${INK}">${escapeHtml(formatNumber(t, decimalsOf(xs), options.lang))}</text>`,
    );
  for (const t of ys)
    parts.push(
      `<line x1="${left}" x2="${width - right}" y1="${Y(t).toFixed(1)}" y2="${Y(t).toFixed(1)}" stroke="${GRID}"/>`,
      `<text x="${left - 6}" y="${Y(t).toFixed(1)}" dy="0.32em" text-anchor="end" fill="${INK}">${escapeHtml(formatNumber(t, decimalsOf(ys), options.lang))}</text>`,
    );
  parts.push(
    `<text x="${(left + width - right) / 2}" y="${height - 12}" text-anchor="middle" fill="${INK}">${escapeHtml(options.xLabel)}</text>`,
    `<text transform="translate(14 ${(top + height - bottom) / 2}) rotate(-90)" text-anchor="middle" fill="${INK}">${escapeHtml(options.yLabel)}</text>`,
    '<g class="points">',
  );
  let picked: ScatterPoint | undefined;
  for (const p of points) {
    if (p.code === options.highlight) {
      picked = p;
      continue;
    }
    parts.push(
      `<circle cx="${X(p.x).toFixed(1)}" cy="${Y(p.y).toFixed(1)}" r="3.5" fill="${POINT}" fill-opacity="0.55" data-code="${escapeHtml(p.code)}"/>`,
    );
  }
  parts.push('</g>');
  if (picked) {
    // Drawn last (on top), larger, with a ring and its name: it stands out in greyscale too.
    const [cx, cy] = [X(picked.x), Y(picked.y)];
    const anchor = cx > width * 0.7 ? 'end' : 'start';
    parts.push(
      `<g class="highlight" data-code="${escapeHtml(picked.code)}"><circle cx="${cx.toFixed(1)}" cy="${cy.toFixed(1)}" r="10" fill="none" stroke="${INK}" stroke-width="2"/><circle cx="${cx.toFixed(1)}" cy="${cy.toFixed(1)}" r="6" fill="${HIGHLIGHT}"/>`,
      `<text x="${(cx + (anchor === 'end' ? -14 : 14)).toFixed(1)}" y="${(cy - 12).toFixed(1)}" text-anchor="${anchor}" fill="${INK}" font-weight="700" paint-order="stroke" stroke="#ffffff" stroke-width="4">${escapeHtml(picked.name)}</text></g>`,
    );
  }
  parts.push('</svg>');
  return parts.join('');
}

export interface StripRow {
  label: string;
  min: number;
  max: number;
  mean: number;
}

/**
 * Where a value lies in one or more distributions: per row a line from the lowest to the highest
 * value, a tick at the mean and a dot at the area's value.
 */
export function positionStrip(
  rows: StripRow[],
  value: number,
  options: { title: string; lang: Lang; decimals: number },
): string {
  const width = 640;
  const rowHeight = 44;
  const [left, right, top] = [280, 24, 28];
  const height = top + rows.length * rowHeight + 12;
  const title = escapeHtml(options.title);
  const lo = Math.min(value, ...rows.map((r) => r.min));
  const hi = Math.max(value, ...rows.map((r) => r.max));
  const X = (v: number) => left + ((v - lo) / (hi - lo || 1)) * (width - left - right);
  const f = (v: number) => escapeHtml(formatNumber(v, options.decimals, options.lang));
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="strip" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${title}" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" font-size="13"><title>${title}</title><rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<line x1="${X(value).toFixed(1)}" x2="${X(value).toFixed(1)}" y1="${top - 16}" y2="${height - 8}" stroke="${HIGHLIGHT}" stroke-width="2" stroke-dasharray="4 3"/>`,
    `<text x="${X(value).toFixed(1)}" y="${top - 18}" text-anchor="middle" fill="${INK}" font-weight="700">${f(value)}</text>`,
  ];
  rows.forEach((r, i) => {
    const y = top + i * rowHeight + rowHeight / 2;
    parts.push(
      `<text x="${left - 10}" y="${y}" dy="0.32em" text-anchor="end" fill="${INK}">${escapeHtml(r.label)}</text>`,
      `<line x1="${X(r.min).toFixed(1)}" x2="${X(r.max).toFixed(1)}" y1="${y}" y2="${y}" stroke="#5a5a5a" stroke-width="3"/>`,
      `<line x1="${X(r.mean).toFixed(1)}" x2="${X(r.mean).toFixed(1)}" y1="${y - 9}" y2="${y + 9}" stroke="${INK}" stroke-width="2"/>`,
      `<text x="${X(r.min).toFixed(1)}" y="${y + 18}" text-anchor="start" fill="${INK}" font-size="11">${f(r.min)}</text>`,
      `<text x="${X(r.max).toFixed(1)}" y="${y + 18}" text-anchor="end" fill="${INK}" font-size="11">${f(r.max)}</text>`,
      `<circle cx="${X(value).toFixed(1)}" cy="${y}" r="6" fill="${HIGHLIGHT}" stroke="${INK}" stroke-width="1.5"/>`,
    );
  });
  parts.push('</svg>');
  return parts.join('');
}
