/**
 * Stories (issue 10): analysts' pages of text with live figures. The API renders the Markdown to
 * safe HTML and leaves a placeholder per figure (`<figure class="udc-figure" data-index=...>`
 * with a caption naming source and definition); this page fills each placeholder on the server
 * with the figure drawn from the API's current values: a chart (with its table), a table, or a
 * map (with its table). Readers see published stories only; analysts also drafts, marked.
 */
import { ApiError, type Indicator, type Story, type StoryFigure, type Value } from '../api.js';
import { lineChart, type Series } from '../chart.js';
import { quantileClasses } from '../classes.js';
import { periodLabel, periodYear } from '../format.js';
import { html, raw, type Html } from '../html.js';
import { levelName } from '../i18n.js';
import { canWrite, crumbs, href, layout, type PageContext } from '../layout.js';
import { choroplethSvg } from '../map.js';
import { mapAreas, valueCell, valueText } from '../values.js';
import { chartTable } from './indicator.js';

const STORY_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function day(ctx: PageContext, iso: string): string {
  const d = new Date(iso.includes('T') ? iso : `${iso.replace(' ', 'T')}Z`);
  return Number.isNaN(d.getTime())
    ? iso.slice(0, 10)
    : new Intl.DateTimeFormat(ctx.lang === 'nl' ? 'nl-NL' : 'en-GB', { dateStyle: 'long' }).format(d);
}

export async function storiesPage(ctx: PageContext): Promise<Html> {
  const w = ctx.words;
  const stories = await ctx.api.stories();
  return layout(ctx, {
    title: w.storiesTitle,
    crumbs: crumbs(ctx, [{ label: w.navHome, href: href(ctx, '/') }, { label: w.storiesTitle }]),
    body: html`<h1>${w.storiesTitle}</h1>
      <p class="lead">${w.storiesIntro}</p>
      ${stories.length === 0 ? html`<p>${w.noStories}</p>` : ''}
      <ul class="indicator-list stories">
        ${stories.map(
          (s) =>
            html`<li data-story="${s.id}" data-status="${s.status}">
              <h2><a href="${href(ctx, `/verhalen/${s.id}`)}">${s.title}</a></h2>
              <p class="muted">
                ${s.author}, ${day(ctx, s.updated)}
                ${s.status === 'draft' ? html`<span class="badge">${w.draft}</span>` : ''}
              </p>
            </li>`,
        )}
      </ul>
      ${canWrite(ctx) ? html`<p class="muted">${w.storiesWrite}</p>` : ''}`,
  });
}

/** One figure drawn from the API's values, with a table of the same numbers. */
async function drawFigure(
  ctx: PageContext,
  figure: StoryFigure,
  indicators: Map<string, Indicator>,
): Promise<Html> {
  const w = ctx.words;
  const indicator = indicators.get(figure.indicator[0]!);
  if (!indicator) return html`<p>${w.figureUnavailable}</p>`;
  const f = (v: Value) => valueText(ctx, indicator.unit, indicator.decimals, v);
  const id = `figuur-${figure.index}`;
  if (figure.kind === 'chart') {
    const lists = await Promise.all(
      (figure.region ?? []).map((region) => ctx.api.values({ indicator: indicator.id, region })),
    );
    const series: Series[] = lists
      .filter((l) => l.length > 0)
      .map((list) => {
        const byPeriod = new Map<string, Value>();
        for (const v of list) {
          const seen = byPeriod.get(v.period);
          if (!seen || (seen.boundaryYear !== seen.year && v.boundaryYear === v.year))
            byPeriod.set(v.period, v);
        }
        const points = [...byPeriod.values()].filter(
          (v) => !figure.period || figure.period.includes(v.period),
        );
        return {
          name: list[0]!.regionName ?? list[0]!.region,
          points: points.map((v) => ({ period: v.period, value: v.value })),
        };
      });
    return html`${raw(lineChart(series, { title: w.timeSeriesOf(indicator.title[ctx.lang]), unit: indicator.unit, decimals: indicator.decimals, lang: ctx.lang }))}
    ${chartTable(ctx, indicator, series)}`;
  }
  // A table or a map: the values of the selection, one period (the asked one, else the newest).
  const period = figure.period?.[0] ?? [...indicator.periods].sort().at(-1);
  const values = (
    await Promise.all(
      figure.kind === 'table' && figure.region
        ? figure.region.map((region) => ctx.api.values({ indicator: indicator.id, region, period }))
        : [ctx.api.values({ indicator: indicator.id, level: figure.level, parent: figure.parent, period })],
    )
  ).flat();
  const rows = [...new Map(values.map((v) => [v.region, v])).values()].sort((a, b) =>
    (a.regionName ?? a.region).localeCompare(b.regionName ?? b.region, 'nl'),
  );
  const table = html`<table>
    <caption>
      ${indicator.title[ctx.lang]}, ${period ? periodLabel(period) : ''} (${indicator.unit})
    </caption>
    <thead>
      <tr>
        <th scope="col">${w.area}</th>
        <th scope="col">${w.value}</th>
      </tr>
    </thead>
    <tbody>
      ${rows.map(
        (v) =>
          html`<tr data-region="${v.region}">
            <th scope="row"><a href="${href(ctx, `/gebied/${v.region}`)}">${v.regionName ?? v.region}</a></th>
            <td class="num">${valueCell(ctx, indicator.unit, indicator.decimals, v)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
  if (figure.kind === 'table') return html`<div class="table-wrap">${table}</div>`;
  const geometry = period
    ? await ctx.api
        .geometry({ level: figure.level ?? 'gemeente', year: periodYear(period), parent: figure.parent })
        .catch(() => null)
    : null;
  if (!geometry)
    return html`<p class="no-map" role="note">
        ${w.noMap(levelName(figure.level ?? 'gemeente', ctx.lang), period ? periodLabel(period) : '')}
      </p>
      <div class="table-wrap">${table}</div>`;
  const classes = quantileClasses(rows.filter((v) => v.value !== null).map((v) => v.value!));
  const areas = mapAreas(rows, f);
  return html`${choroplethSvg(geometry, areas, classes, {
      label: w.mapOf(
        indicator.title[ctx.lang],
        levelName(figure.level ?? 'gemeente', ctx.lang),
        period ? periodLabel(period) : '',
      ),
      id,
      href: (code) => href(ctx, `/gebied/${code}`),
      noData: w.noData,
      basemap: ctx.basemap,
    })}
    <details class="chart-table">
      <summary>${w.table}</summary>
      <div class="table-wrap">${table}</div>
    </details>`;
}

export async function storyPage(ctx: PageContext, id: string): Promise<Html> {
  const w = ctx.words;
  if (!STORY_ID.test(id)) throw new ApiError(404, w.notFound, id);
  const story: Story | null = await ctx.api.story(id);
  if (!story) throw new ApiError(404, w.notFound, id);
  const wanted = [...new Set(story.figures.flatMap((f) => f.indicator))];
  const indicators = new Map(
    (await Promise.all(wanted.map((i) => ctx.api.indicator(i))))
      .filter((i): i is Indicator => i !== null)
      .map((i) => [i.id, i]),
  );
  const drawn = new Map<number, string>();
  for (const figure of story.figures)
    drawn.set(figure.index, (await drawFigure(ctx, figure, indicators)).text);
  // The API's HTML is safe by construction (src/annotations/markdown.ts); only its empty figure
  // placeholders are filled here, each with markup this room built and escaped itself.
  const body = story.html.replace(
    /(<figure class="udc-figure"[^>]*\bdata-index="(\d+)"[^>]*>)<div class="udc-figure-live"><\/div>/g,
    (_all, open: string, index: string) =>
      `${open}<div class="udc-figure-live">${drawn.get(Number(index)) ?? ''}</div>`,
  );
  return layout(ctx, {
    title: story.title,
    crumbs: crumbs(ctx, [
      { label: w.navHome, href: href(ctx, '/') },
      { label: w.storiesTitle, href: href(ctx, '/verhalen') },
      { label: story.title },
    ]),
    body: html`<article class="story" data-status="${story.status}">
      <h1>${story.title}</h1>
      <p class="muted">
        ${story.author}, ${day(ctx, story.updated)}
        ${story.status === 'draft' ? html`<span class="badge">${w.draft}</span>` : ''}
      </p>
      <div class="story-body">${raw(body)}</div>
    </article>`,
  });
}
