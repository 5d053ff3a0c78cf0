/**
 * The indicator page: one indicator at one level and year. Map (where the level's boundaries exist
 * for the year) and table show the same values from one API answer; the chart follows one area
 * through the years against the Netherlands. Every choice is a URL parameter, so a view is a link.
 */
import { ApiError, type Indicator, type Value } from '../api.js';
import { lineChart, type Series } from '../chart.js';
import { quantileClasses, type ValueClass } from '../classes.js';
import { periodLabel, periodYear, formatValue } from '../format.js';
import { html, raw, type Html } from '../html.js';
import { levelName, statusName } from '../i18n.js';
import { crumbs, href, layout, type PageContext } from '../layout.js';
import { choroplethSvg } from '../map.js';
import { notesByRegion, notesSection } from '../notes.js';
import { isHidden, mapAreas, valueCell, valueNotes, valueText } from '../values.js';
import { analysisFor } from './analysis.js';

/** Levels a map can be drawn for (the store keeps boundaries of these). */
const MAP_LEVELS = ['gemeente', 'wijk', 'buurt'];
const LEVEL_ORDER = ['gemeente', 'wijk', 'buurt', 'provincie', 'corop', 'landsdeel', 'custom', 'land'];
export const NETHERLANDS = 'NL01';
const SORTS = ['value-desc', 'value-asc', 'name-asc', 'name-desc'] as const;
type Sort = (typeof SORTS)[number];

export interface IndicatorView {
  indicator: Indicator;
  level: string;
  period: string;
  /** The area the level is shown within; NL01 for the whole country. */
  parent: string;
  /** The area the chart follows. */
  region: string;
  sort: Sort;
}

/** The view the URL asks for, with defaults for what it leaves out and unknown choices replaced. */
export function resolveView(
  indicator: Indicator,
  params: URLSearchParams,
  defaultParent: string,
): IndicatorView {
  const periods = [...indicator.periods].sort();
  const levels = [...indicator.levels].sort((a, b) => LEVEL_ORDER.indexOf(a) - LEVEL_ORDER.indexOf(b));
  const askedPeriod = params.get('period') ?? '';
  const askedLevel = params.get('level') ?? '';
  const askedSort = params.get('sort') as Sort;
  const parent = params.get('parent') || defaultParent;
  return {
    indicator,
    period: periods.includes(askedPeriod) ? askedPeriod : (periods[periods.length - 1] ?? ''),
    level: levels.includes(askedLevel) ? askedLevel : (levels[0] ?? 'gemeente'),
    parent,
    region: params.get('region') || (parent === NETHERLANDS ? NETHERLANDS : parent),
    sort: SORTS.includes(askedSort) ? askedSort : 'value-desc',
  };
}

/** The URL of a view, changing some of its choices. */
export function viewHref(
  ctx: PageContext,
  view: IndicatorView,
  change: Partial<Omit<IndicatorView, 'indicator'>> = {},
): string {
  const v = { ...view, ...change };
  return href(ctx, `/indicator/${view.indicator.id}`, {
    level: v.level,
    period: v.period,
    parent: v.parent,
    region: v.region,
    sort: v.sort === 'value-desc' ? undefined : v.sort,
  });
}

/** Rows sorted as asked; values that cannot be ranked (hidden, missing) always last. */
export function sortValues(values: Value[], sort: Sort): Value[] {
  const byName = (a: Value, b: Value) =>
    (a.regionName ?? a.region).localeCompare(b.regionName ?? b.region, 'nl');
  return [...values].sort((a, b) => {
    if (sort.startsWith('name')) return sort === 'name-asc' ? byName(a, b) : byName(b, a);
    if (a.value === null || b.value === null)
      return a.value === null ? (b.value === null ? byName(a, b) : 1) : -1;
    return sort === 'value-asc' ? a.value - b.value || byName(a, b) : b.value - a.value || byName(a, b);
  });
}

/** Competition ranking, highest value first: equal values share a rank (1, 2, 2, 4). */
export function rankOf(values: Value[]): Map<string, number> {
  const ranked = sortValues(values, 'value-desc').filter((v) => v.value !== null);
  const rank = new Map<string, number>();
  ranked.forEach((v, i) => {
    const previous = ranked[i - 1];
    rank.set(v.region, previous && previous.value === v.value ? rank.get(previous.region)! : i + 1);
  });
  return rank;
}

/** One value per region: where the API gives several boundary years, the period's own year wins. */
function onePerRegion(values: Value[]): Value[] {
  const chosen = new Map<string, Value>();
  for (const v of values) {
    const seen = chosen.get(v.region);
    if (!seen || (seen.boundaryYear !== v.year && v.boundaryYear === v.year)) chosen.set(v.region, v);
  }
  return [...chosen.values()];
}

/** The values of the view's level within its parent (the whole country when the parent has none). */
async function levelValues(
  ctx: PageContext,
  view: IndicatorView,
): Promise<{ values: Value[]; parent: string }> {
  const base = { indicator: view.indicator.id, level: view.level, period: view.period };
  if (view.parent !== NETHERLANDS) {
    const within = await ctx.api.values({ ...base, parent: view.parent });
    if (within.length > 0) return { values: onePerRegion(within), parent: view.parent };
  }
  return { values: onePerRegion(await ctx.api.values(base)), parent: NETHERLANDS };
}

export async function indicatorPage(ctx: PageContext, id: string, defaultParent: string): Promise<Html> {
  const w = ctx.words;
  const indicator = await ctx.api.indicator(id);
  if (!indicator) throw new ApiError(404, w.notFound, id);
  const title = indicator.title[ctx.lang];
  if (indicator.periods.length === 0)
    return layout(ctx, {
      title,
      crumbs: crumbs(ctx, [{ label: w.navHome, href: href(ctx, '/') }, { label: title }]),
      body: html`<h1>${title}</h1>
        <p class="lead">${indicator.description[ctx.lang] ?? ''}</p>
        <p role="note">${w.noValues}</p>
        ${definition(ctx, indicator, [])}`,
    });
  let view = resolveView(indicator, ctx.url.searchParams, defaultParent);
  const year = periodYear(view.period);
  const { values, parent } = await levelValues(ctx, view);
  view = { ...view, parent };
  // The analysis follows the chart's area; the region itself or the country has no level to stand
  // in, so then it is about the data center's home gemeente.
  const analysed =
    view.region !== defaultParent && view.region !== NETHERLANDS
      ? view.region
      : (ctx.datacenter?.home?.[0] ?? null);
  const [geometry, scopes, series, notes, analysis] = await Promise.all([
    MAP_LEVELS.includes(view.level)
      ? ctx.api.geometry({ level: view.level, year, parent: parent === NETHERLANDS ? undefined : parent })
      : Promise.resolve(null),
    scopeOptions(ctx, defaultParent, year),
    seriesOf(ctx, view),
    ctx.api.notes({ indicator: indicator.id }),
    analysed ? analysisFor(ctx, indicator.id, analysed) : Promise.resolve(html``),
  ]);
  const noteCounts = new Map([...notesByRegion(notes)].map(([code, list]) => [code, list.length]));
  const levelWord = levelName(view.level, ctx.lang, true);
  const yearText = periodLabel(view.period);
  const otherMaps = geometry ? [] : await periodsWithMap(ctx, view);
  const classes = quantileClasses(values.filter((v) => v.value !== null).map((v) => v.value!));
  const theme = (await ctx.api.themes()).find((t) => t.id === indicator.theme);
  const mapId = 'kaart';
  const areas = mapAreas(values, (v) => valueText(ctx, indicator.unit, indicator.decimals, v));
  const areaHref = (code: string) => href(ctx, `/gebied/${code}`, { period: view.period });
  const chartTitle = w.timeSeriesOf(title);
  const chartSvg = lineChart(series, {
    title: chartTitle,
    unit: indicator.unit,
    decimals: indicator.decimals,
    lang: ctx.lang,
  });
  const exportQuery = new URLSearchParams({
    indicator: indicator.id,
    level: view.level,
    period: view.period,
  });
  if (parent !== NETHERLANDS) exportQuery.set('parent', parent);
  const chartHref = href(ctx, `/indicator/${indicator.id}/grafiek.svg`, { region: view.region });

  return layout(ctx, {
    title: `${title} — ${levelWord} ${yearText}`,
    crumbs: crumbs(ctx, [
      { label: w.navHome, href: href(ctx, '/') },
      ...(theme ? [{ label: theme.title[ctx.lang], href: href(ctx, `/thema/${theme.id}`) }] : []),
      { label: title },
    ]),
    body: html`<h1>${title}</h1>
      <p class="lead">${indicator.description[ctx.lang] ?? ''}</p>
      ${controls(ctx, view, scopes)}
      <section aria-labelledby="map-heading" class="map-section">
        <h2 id="map-heading">${w.map}: ${levelWord}, ${yearText}</h2>
        ${
          geometry
            ? html`<p class="help" id="map-help">${w.mapHelp}</p>
                <div class="map-wrap">
                  ${choroplethSvg(geometry, areas, classes, { label: w.mapOf(title, levelName(view.level, ctx.lang), yearText), id: mapId, href: areaHref, noData: w.noData, marks: { counts: noteCounts, label: w.noteCount }, basemap: ctx.basemap })}
                  ${legend(ctx, indicator, classes, values, noteCounts.size > 0)}
                </div>
                ${noteMarkList(ctx, notes, values)}`
            : html`<p class="no-map" role="note">
                ${w.noMap(levelWord, yearText)}
                ${
                  otherMaps.length > 0
                    ? html`${w.mapYears}
                      ${otherMaps.map(
                        (p, i) =>
                          html`${i > 0 ? ', ' : ''}<a href="${viewHref(ctx, view, { period: p })}"
                              >${periodLabel(p)}</a
                            >`,
                      )}.`
                    : ''
                }
              </p>`
        }
      </section>
      ${valueTable(ctx, view, values)} ${valueNotes(ctx, values)}
      ${notesSection(
        ctx,
        notes,
        {
          indicator: indicator.id,
          regions: [
            ...(view.region !== NETHERLANDS
              ? [{ code: view.region, name: series[0]?.name ?? view.region }]
              : []),
            ...sortValues(values, 'name-asc')
              .filter((v) => v.region !== view.region)
              .map((v) => ({ code: v.region, name: v.regionName ?? v.region })),
          ],
          period: view.period,
        },
        new Map([
          ...values.map((v): [string, string] => [v.region, v.regionName ?? v.region]),
          [indicator.id, title],
        ]),
      )}
      <section aria-labelledby="chart-heading">
        <h2 id="chart-heading">${chartTitle}</h2>
        ${chartRegionForm(ctx, view, values, scopes)}
        <figure class="chart-figure" data-chart>
          ${raw(chartSvg)}
          <figcaption>${series.map((s) => s.name).join(' — ')}</figcaption>
        </figure>
        ${chartTable(ctx, indicator, series)}
      </section>
      ${analysis}
      <p class="analysis-links">
        <a
          href="${href(ctx, '/samenhang', { x: indicator.id, level: MAP_LEVELS.includes(view.level) ? view.level : undefined, region: analysed ?? undefined })}"
          >${w.correlateWith}</a
        >
      </p>
      ${definition(ctx, indicator, values)}
      <section aria-labelledby="downloads-heading">
        <h2 id="downloads-heading">${w.downloads}</h2>
        <ul class="downloads">
          <li><a href="/api/v1/values.csv?${exportQuery}" download>${w.downloadCsv}</a></li>
          <li><a href="/api/v1/values.csv?${exportQuery}&amp;sep=%3B" download>${w.downloadCsvNl}</a></li>
          <li><a href="/api/v1/values.xlsx?${exportQuery}" download>${w.downloadXlsx}</a></li>
          ${geometry ? html`<li><a href="/api/v1/values.geojson?${exportQuery}" download>${w.downloadGeojson}</a></li>` : ''}
          <li><a href="${chartHref}" download="${indicator.id}.svg">${w.downloadSvg}</a></li>
          <li data-png-item hidden>
            <button type="button" data-png="${indicator.id}.png">${w.downloadPng}</button>
          </li>
        </ul>
      </section>`,
  });
}

/**
 * The indicator's other periods whose year has boundaries of the view's level, so a page without a
 * map can point at the years that have one (small answers: the geometry within the view's area).
 */
async function periodsWithMap(ctx: PageContext, view: IndicatorView): Promise<string[]> {
  if (!MAP_LEVELS.includes(view.level)) return [];
  const parent = view.parent === NETHERLANDS ? undefined : view.parent;
  const periods = view.indicator.periods.filter((p) => p !== view.period);
  const found = await Promise.all(
    periods.map(async (p) =>
      (await ctx.api.geometry({ level: view.level, year: periodYear(p), parent })) ? p : null,
    ),
  );
  return found
    .filter((p): p is string => p !== null)
    .sort()
    .reverse();
}

/** The choices: level, year and area, as a form that works without script. */
function controls(ctx: PageContext, view: IndicatorView, scopes: { code: string; name: string }[]): Html {
  const w = ctx.words;
  const levels = [...view.indicator.levels].sort((a, b) => LEVEL_ORDER.indexOf(a) - LEVEL_ORDER.indexOf(b));
  const periods = [...view.indicator.periods].sort().reverse();
  const option = (value: string, label: string, selected: boolean) =>
    html`<option value="${value}" ${selected ? raw(' selected') : ''}>${label}</option>`;
  return html`<form class="controls" method="get" action="${ctx.base}/indicator/${view.indicator.id}">
    <div>
      <label for="level">${w.level}</label>
      <select id="level" name="level">
        ${levels.map((l) => option(l, levelName(l, ctx.lang), l === view.level))}
      </select>
    </div>
    <div>
      <label for="period">${w.year}</label>
      <select id="period" name="period">
        ${periods.map((p) => option(p, periodLabel(p), p === view.period))}
      </select>
    </div>
    <div>
      <label for="parent">${w.scope}</label>
      <select id="parent" name="parent">
        ${scopes.map((s) => option(s.code, s.name, s.code === view.parent))}
      </select>
    </div>
    ${view.region !== view.parent ? html`<input type="hidden" name="region" value="${view.region}" />` : ''}
    ${view.sort !== 'value-desc' ? html`<input type="hidden" name="sort" value="${view.sort}" />` : ''}
    ${ctx.lang === 'en' ? html`<input type="hidden" name="lang" value="en" />` : ''}
    <button type="submit">${w.show}</button>
  </form>`;
}

/** The areas a level can be shown within: the country, the data center's region and its gemeenten. */
async function scopeOptions(
  ctx: PageContext,
  defaultParent: string,
  year: number,
): Promise<{ code: string; name: string }[]> {
  const options = [{ code: NETHERLANDS, name: ctx.words.wholeCountry }];
  if (defaultParent === NETHERLANDS) return options;
  const [region, gemeenten] = await Promise.all([
    ctx.api.region(defaultParent, year),
    ctx.api.regions({ level: 'gemeente', parent: defaultParent, year }),
  ]);
  if (region) options.push({ code: region.code, name: region.name });
  for (const g of [...gemeenten].sort((a, b) => a.name.localeCompare(b.name, 'nl')))
    options.push({ code: g.code, name: g.name });
  return options;
}

/** The chart's series: the chosen area through the years, with the Netherlands as reference. */
async function seriesOf(ctx: PageContext, view: IndicatorView): Promise<Series[]> {
  const codes = view.region === NETHERLANDS ? [NETHERLANDS] : [view.region, NETHERLANDS];
  const lists = await Promise.all(
    codes.map((region) => ctx.api.values({ indicator: view.indicator.id, region })),
  );
  return lists
    .map((list, i) => {
      // One point per period; where a period has several boundary years its own year wins.
      const byPeriod = new Map<string, Value>();
      for (const v of list) {
        const seen = byPeriod.get(v.period);
        if (!seen || (seen.boundaryYear !== seen.year && v.boundaryYear === v.year))
          byPeriod.set(v.period, v);
      }
      return {
        name: list[0]?.regionName ?? codes[i]!,
        points: [...byPeriod.values()].map((v) => ({ period: v.period, value: v.value })),
      };
    })
    .filter((s) => s.points.length > 0);
}

/** The areas on the map that have notes, as a list (the markers' text alternative). */
function noteMarkList(
  ctx: PageContext,
  notes: Awaited<ReturnType<PageContext['api']['notes']>>,
  values: Value[],
): Html {
  const onMap = [...notesByRegion(notes)].filter(([code]) => values.some((v) => v.region === code));
  if (onMap.length === 0) return html``;
  const name = (code: string) => values.find((v) => v.region === code)?.regionName ?? code;
  return html`<p class="note-marks">
    ${ctx.words.notesOnMap}:
    ${onMap.map(([code, list], i) => html`${i > 0 ? ', ' : ''}<a href="#notitie-${list[0]!.id}">${name(code)}</a> (${list.length})`)}
  </p>`;
}

function legend(
  ctx: PageContext,
  indicator: Indicator,
  classes: ValueClass[],
  values: Value[],
  marked = false,
): Html {
  const w = ctx.words;
  const f = (v: number) => formatValue(v, indicator.decimals, indicator.unit, ctx.lang);
  const hidden = values.some(isHidden);
  const missing = values.some((v) => v.value === null && !isHidden(v));
  return html`<div class="legend" role="group" aria-labelledby="legend-heading">
    <h3 id="legend-heading">${w.legend} <span class="muted">— ${w.legendClasses}</span></h3>
    <ul>
      ${classes.map(
        (c) =>
          html`<li>
            <span class="swatch" style="background:${c.colour}" aria-hidden="true"></span>
            ${c.min === c.max ? f(c.min) : `${f(c.min)} – ${f(c.max)}`}
            <span class="muted">(${c.count})</span>
          </li>`,
      )}
      ${hidden ? html`<li><span class="swatch hatch" aria-hidden="true"></span> ${w.secret}</li>` : ''}
      ${missing || classes.length === 0 ? html`<li><span class="swatch no-data" aria-hidden="true"></span> ${w.noData}</li>` : ''}
      ${marked ? html`<li><span class="marker-swatch" aria-hidden="true"></span> ${w.noteMarker}</li>` : ''}
    </ul>
  </div>`;
}

/** The sortable, ranked table of the level: the map's text alternative and its numbers. */
function valueTable(ctx: PageContext, view: IndicatorView, values: Value[]): Html {
  const w = ctx.words;
  const { indicator } = view;
  const rows = sortValues(values, view.sort);
  const rank = rankOf(values);
  const header = (label: string, key: 'name' | 'value') => {
    const current = view.sort.startsWith(key);
    const ascending = view.sort.endsWith('asc');
    const next: Sort = current
      ? ascending
        ? `${key}-desc`
        : `${key}-asc`
      : key === 'name'
        ? 'name-asc'
        : 'value-desc';
    return html`<th
      scope="col"
      ${current ? raw(` aria-sort="${ascending ? 'ascending' : 'descending'}"`) : ''}
    >
      <a href="${viewHref(ctx, view, { sort: next })}#tabel" aria-label="${w.sortBy(label)}"
        >${label}<span aria-hidden="true">${current ? (ascending ? ' ▲' : ' ▼') : ' ⇅'}</span></a
      >
    </th>`;
  };
  return html`<section aria-labelledby="table-heading" id="tabel">
    <h2 id="table-heading">${w.table}</h2>
    <div class="table-wrap">
      <table class="values" data-sortable>
        <caption>
          ${w.tableOf(indicator.title[ctx.lang], periodLabel(view.period))} (${indicator.unit})
        </caption>
        <thead>
          <tr>
            <th scope="col">${w.rank}</th>
            ${header(w.area, 'name')}${header(w.value, 'value')}
            <th scope="col">${w.status}</th>
          </tr>
        </thead>
        <tbody>
          ${rows.map(
            (v) =>
              html`<tr data-region="${v.region}">
                <td class="num">${rank.get(v.region) ?? ''}</td>
                <th scope="row">
                  <a href="${href(ctx, `/gebied/${v.region}`, { period: view.period })}"
                    >${v.regionName ?? v.region}</a
                  >
                </th>
                <td class="num" data-value="${v.value ?? ''}">
                  ${valueCell(ctx, indicator.unit, indicator.decimals, v)}
                </td>
                <td>${statusName(v.status, ctx.lang)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
  </section>`;
}

/** Which area the chart follows: any area of the table, or the country. */
function chartRegionForm(
  ctx: PageContext,
  view: IndicatorView,
  values: Value[],
  scopes: { code: string; name: string }[],
): Html {
  const w = ctx.words;
  const choices = [
    { code: NETHERLANDS, name: w.wholeCountry },
    ...scopes.filter((s) => s.code !== NETHERLANDS && !values.some((v) => v.region === s.code)),
    ...sortValues(values, 'name-asc').map((v) => ({ code: v.region, name: v.regionName ?? v.region })),
  ];
  if (!choices.some((c) => c.code === view.region)) choices.push({ code: view.region, name: view.region });
  return html`<form class="controls" method="get" action="${ctx.base}/indicator/${view.indicator.id}">
    <input type="hidden" name="level" value="${view.level}" /><input
      type="hidden"
      name="period"
      value="${view.period}"
    /><input type="hidden" name="parent" value="${view.parent}" />
    ${ctx.lang === 'en' ? html`<input type="hidden" name="lang" value="en" />` : ''}
    <div>
      <label for="region">${w.chartFor}</label>
      <select id="region" name="region">
        ${choices.map((c) => html`<option value="${c.code}" ${c.code === view.region ? raw(' selected') : ''}>${c.name}</option>`)}
      </select>
    </div>
    <button type="submit">${w.show}</button>
  </form>`;
}

/** The chart's numbers as a table (its text alternative). */
export function chartTable(ctx: PageContext, indicator: Indicator, series: Series[]): Html {
  const w = ctx.words;
  const periods = [...new Set(series.flatMap((s) => s.points.map((p) => p.period)))].sort();
  return html`<details class="chart-table">
    <summary>${w.chartTable}</summary>
    <div class="table-wrap">
      <table>
        <caption>
          ${w.timeSeriesOf(indicator.title[ctx.lang])} (${indicator.unit})
        </caption>
        <thead>
          <tr>
            <th scope="col">${w.year}</th>
            ${series.map((s) => html`<th scope="col">${s.name}</th>`)}
          </tr>
        </thead>
        <tbody>
          ${periods.map(
            (p) =>
              html`<tr>
                <th scope="row">${periodLabel(p)}</th>
                ${series.map((s) => {
                  const point = s.points.find((x) => x.period === p);
                  return html`<td class="num">
                    ${point?.value !== undefined && point.value !== null ? formatValue(point.value, indicator.decimals, indicator.unit, ctx.lang) : '–'}
                  </td>`;
                })}
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
  </details>`;
}

/** Definition, formula, sources and the CBS status of this year's figures. */
function definition(ctx: PageContext, indicator: Indicator, values: Value[]): Html {
  const w = ctx.words;
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v.status, (counts.get(v.status) ?? 0) + 1);
  return html`<section aria-labelledby="definition-heading">
    <h2 id="definition-heading">${w.definition}</h2>
    <dl class="facts">
      <div>
        <dt>${w.description}</dt>
        <dd>${indicator.description[ctx.lang] ?? '–'}</dd>
      </div>
      <div>
        <dt>${w.formula}</dt>
        <dd><code>${indicator.formula}</code></dd>
      </div>
      <div>
        <dt>${w.unit}</dt>
        <dd>${indicator.unit}</dd>
      </div>
      <div>
        <dt>${w.sources}</dt>
        <dd>
          <ul>
            ${indicator.sources.map(
              (s) =>
                html`<li>
                  <a href="${href(ctx, '/datasets')}#${s.dataset}">${s.title ?? s.dataset}</a>
                  <span class="muted"
                    >(${s.dataset}, ${w.sourceVersion}
                    ${s.version ?? '?'}${s.modified ? `, ${w.sourceModified} ${s.modified.slice(0, 10)}` : ''})</span
                  >
                </li>`,
            )}
          </ul>
        </dd>
      </div>
      <div>
        <dt>${w.cbsStatus}</dt>
        <dd>
          ${w.statusCounts}:
          ${[...counts].map(([s, n]) => `${statusName(s, ctx.lang)} ${n}`).join(', ') || '–'}
        </dd>
      </div>
    </dl>
  </section>`;
}

/** The chart alone, as an SVG file (the download). */
export async function chartDocument(ctx: PageContext, id: string, defaultParent: string): Promise<string> {
  const indicator = await ctx.api.indicator(id);
  if (!indicator) throw new ApiError(404, ctx.words.notFound, id);
  const view = resolveView(indicator, ctx.url.searchParams, defaultParent);
  const series = await seriesOf(ctx, view);
  const svg = lineChart(series, {
    title: ctx.words.timeSeriesOf(indicator.title[ctx.lang]),
    unit: indicator.unit,
    decimals: indicator.decimals,
    lang: ctx.lang,
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n${svg}`;
}
