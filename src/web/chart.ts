/**
 * Time-series charts as standalone SVG: the same markup is inlined in the page, served as the
 * "chart as SVG" download and turned into PNG by the browser. Series differ in colour, dash and
 * marker, so they stay apart without colour vision and in greyscale print.
 */
import { escapeHtml } from './html.js';
import { formatNumber, periodLabel } from './format.js';
import type { Lang } from './i18n.js';

export interface Series {
  name: string;
  points: { period: string; value: number | null }[];
}

const STYLES = [
  { colour: '#1f4e9c', dash: '', marker: 'circle' },
  { colour: '#a6430e', dash: '7 4', marker: 'square' },
  { colour: '#1b6b3a', dash: '2 3', marker: 'diamond' },
  { colour: '#5e3c99', dash: '10 3 2 3', marker: 'circle' },
] as const;

/** Round tick values covering [min, max], about `count` of them. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (min === max) {
    const pad = Math.abs(min) > 0 ? Math.abs(min) * 0.1 : 1;
    min -= pad;
    max += pad;
  }
  const raw = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let v = Math.floor(min / step) * step; v <= max + step * 1e-9; v += step)
    ticks.push(Number(v.toPrecision(12)));
  if (ticks[ticks.length - 1]! < max) ticks.push(Number((ticks[ticks.length - 1]! + step).toPrecision(12)));
  return ticks;
}

function marker(kind: string, x: number, y: number, colour: string): string {
  if (kind === 'square')
    return `<rect x="${(x - 3.5).toFixed(1)}" y="${(y - 3.5).toFixed(1)}" width="7" height="7" fill="${colour}"/>`;
  if (kind === 'diamond')
    return `<path d="M${x.toFixed(1)} ${(y - 5).toFixed(1)}l5 5-5 5-5-5z" fill="${colour}"/>`;
  return `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="3.5" fill="${colour}"/>`;
}

/** A line chart of one or more series over their periods, as a standalone SVG document fragment. */
export function lineChart(
  series: Series[],
  options: { title: string; unit: string; decimals: number; lang: Lang; width?: number; height?: number },
): string {
  const width = options.width ?? 640;
  const height = options.height ?? 320;
  const left = 72;
  const right = 16;
  const top = 56;
  const bottom = 36;
  const periods = [...new Set(series.flatMap((s) => s.points.map((p) => p.period)))].sort();
  const values = series.flatMap((s) => s.points.map((p) => p.value)).filter((v): v is number => v !== null);
  const title = escapeHtml(options.title);
  const head = `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${title}" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" font-size="13"><title>${title}</title><rect width="${width}" height="${height}" fill="#ffffff"/>`;
  if (values.length === 0 || periods.length === 0)
    return `${head}<text x="${width / 2}" y="${height / 2}" text-anchor="middle" fill="#333333">–</text></svg>`;
  const ticks = niceTicks(Math.min(...values), Math.max(...values));
  const y0 = ticks[0]!;
  const y1 = ticks[ticks.length - 1]!;
  const plotWidth = width - left - right;
  const xOf = (period: string) =>
    left +
    (periods.length === 1 ? plotWidth / 2 : (periods.indexOf(period) * plotWidth) / (periods.length - 1));
  const yOf = (value: number) => top + (height - top - bottom) * (1 - (value - y0) / (y1 - y0));
  const parts: string[] = [head];
  for (const tick of ticks) {
    const y = yOf(tick).toFixed(1);
    parts.push(
      `<line x1="${left}" x2="${width - right}" y1="${y}" y2="${y}" stroke="#d0d0d0"/>`,
      `<text x="${left - 6}" y="${y}" dy="0.32em" text-anchor="end" fill="#333333">${escapeHtml(formatNumber(tick, Math.max(0, -Math.floor(Math.log10(Math.abs(ticks[1]! - ticks[0]!) || 1))), options.lang))}</text>`,
    );
  }
  // Label every year when they fit, else every other one.
  const every = periods.length > 12 ? Math.ceil(periods.length / 12) : 1;
  periods.forEach((period, i) => {
    if (i % every !== 0) return;
    parts.push(
      `<text x="${xOf(period).toFixed(1)}" y="${height - bottom + 20}" text-anchor="middle" fill="#333333">${escapeHtml(periodLabel(period))}</text>`,
    );
  });
  parts.push(
    `<text x="${left}" y="${top - 12}" fill="#333333">${escapeHtml(options.unit)}</text>`,
    `<line x1="${left}" x2="${width - right}" y1="${height - bottom}" y2="${height - bottom}" stroke="#333333"/>`,
  );
  series.forEach((s, i) => {
    const style = STYLES[i % STYLES.length]!;
    const points = s.points
      .filter((p): p is { period: string; value: number } => p.value !== null)
      .sort((a, b) => a.period.localeCompare(b.period));
    // A gap in the data is a gap in the line, not a straight bridge over the missing years.
    const segments: string[] = [];
    let previous = -2;
    for (const p of points) {
      const index = periods.indexOf(p.period);
      segments.push(
        `${index === previous + 1 ? 'L' : 'M'}${xOf(p.period).toFixed(1)} ${yOf(p.value).toFixed(1)}`,
      );
      previous = index;
    }
    parts.push(
      `<g class="series"><path d="${segments.join('')}" fill="none" stroke="${style.colour}" stroke-width="2.5"${style.dash ? ` stroke-dasharray="${style.dash}"` : ''}/>`,
      ...points.map((p) => marker(style.marker, xOf(p.period), yOf(p.value), style.colour)),
      '</g>',
    );
    // Legend in the top band, one entry per series.
    const lx = left + i * Math.min(200, plotWidth / series.length);
    parts.push(
      `<line x1="${lx}" x2="${lx + 24}" y1="18" y2="18" stroke="${style.colour}" stroke-width="2.5"${style.dash ? ` stroke-dasharray="${style.dash}"` : ''}/>`,
      marker(style.marker, lx + 12, 18, style.colour),
      `<text x="${lx + 30}" y="18" dy="0.32em" fill="#1a1a1a">${escapeHtml(s.name)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('');
}

/** A small trend line for a table cell: decorative (aria-hidden), the numbers sit next to it. */
export function sparkline(
  points: { period: string; value: number | null }[],
  width = 96,
  height = 24,
): string {
  const known = points
    .filter((p): p is { period: string; value: number } => p.value !== null)
    .sort((a, b) => a.period.localeCompare(b.period));
  if (known.length < 2) return '';
  const values = known.map((p) => p.value);
  const min = Math.min(...values);
  const max = Math.max(...values);
  const span = max - min || 1;
  const xy = known.map((p, i) => [
    2 + (i * (width - 4)) / (known.length - 1),
    height - 3 - ((p.value - min) * (height - 6)) / span,
  ]);
  const last = xy[xy.length - 1]!;
  return `<svg class="sparkline" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" aria-hidden="true" focusable="false"><polyline points="${xy.map(([x, y]) => `${x!.toFixed(1)},${y!.toFixed(1)}`).join(' ')}" fill="none" stroke="#1f4e9c" stroke-width="1.5"/><circle cx="${last[0]!.toFixed(1)}" cy="${last[1]!.toFixed(1)}" r="2.5" fill="#1f4e9c"/></svg>`;
}
