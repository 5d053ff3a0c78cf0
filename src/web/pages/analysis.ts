/**
 * Analysis on the dashboard (issue 11), drawn from the API's /analysis routes: on the indicator
 * page and the area profile the trend (1- and 5-year change against a reference area, with the
 * significance test in words) and the position (z-score, percentile and rank against the
 * level's areas, the data center's region and the area's peers, with the peer choice explained);
 * and the correlation page, a scatter plot of two indicators over the areas of a level with the
 * chosen area picked out and the caveat of ecological inference. Every chart has a table with the
 * same numbers.
 */
import {
  ApiError,
  type Correlation,
  type Indicator,
  type Peers,
  type Position,
  type Test,
  type Trend,
} from '../api.js';
import { formatNumber, formatValue, periodLabel } from '../format.js';
import { html, raw, type Html } from '../html.js';
import { levelName } from '../i18n.js';
import { crumbs, href, layout, type PageContext } from '../layout.js';
import { positionStrip, scatterPlot } from '../scatter.js';

/** p as a reader writes it: "< 0,001" below a thousandth. */
function pText(ctx: PageContext, p: number): string {
  return p < 0.001 ? `< ${formatNumber(0.001, 3, ctx.lang)}` : formatNumber(p, 3, ctx.lang);
}

/** A test's outcome in the reader's language (the API's own sentence is English). */
export function testStatement(ctx: PageContext, test: Test | null, what: string): string {
  const w = ctx.words;
  if (!test) return w.noTest;
  const numbers = `z = ${formatNumber(test.z, 2, ctx.lang)}, p = ${pText(ctx, test.p)}`;
  return test.significant ? w.significant(what, numbers) : w.notSignificant(what, numbers);
}

const signed = (text: string, v: number) => (v > 0 ? `+${text}` : text);

/** The trend of an area: its change over 1 and 5 years next to the reference's, and the test. */
export function trendSection(ctx: PageContext, trend: Trend, headingLevel: 2 | 3 = 2): Html {
  const w = ctx.words;
  const { indicator } = trend;
  const f = (v: number) => formatValue(v, indicator.decimals, indicator.unit, ctx.lang);
  const change = (v: number | null) =>
    v === null ? '–' : signed(formatNumber(v, indicator.decimals, ctx.lang), v);
  const pct = (v: number | null | undefined) =>
    v === null || v === undefined ? '' : ` (${signed(formatNumber(v, 1, ctx.lang), v)}%)`;
  const ref = trend.reference?.name ?? w.reference;
  const H = `h${headingLevel}`;
  return html`<section aria-labelledby="trend-heading" class="analysis" id="trend">
    ${raw(`<${H} id="trend-heading">`)}${w.trendHeading(trend.region.name)}${raw(`</${H}>`)}
    <div class="table-wrap">
      <table class="trend-table">
        <caption>
          ${w.trendCaption(indicator.title[ctx.lang], trend.region.name, ref)} (${indicator.unit})
        </caption>
        <thead>
          <tr>
            <th scope="col">${w.period}</th>
            <th scope="col">${w.from}</th>
            <th scope="col">${w.to}</th>
            <th scope="col">${w.change}</th>
            <th scope="col">${w.changeOf(ref)}</th>
            <th scope="col">${w.significance}</th>
          </tr>
        </thead>
        <tbody>
          ${trend.changes.map(
            (c) =>
              html`<tr data-years="${c.years}">
                <th scope="row">${w.years(c.years)}</th>
                <td class="num">
                  ${c.from && c.from.value !== null ? html`${periodLabel(c.from.period)}: ${f(c.from.value)}` : '–'}
                </td>
                <td class="num">
                  ${c.to && c.to.value !== null ? html`${periodLabel(c.to.period)}: ${f(c.to.value)}` : '–'}
                </td>
                <td class="num">${change(c.change)}${c.change === null ? '' : pct(c.relativeChange)}</td>
                <td class="num">
                  ${c.reference ? html`${change(c.reference.change)}${c.reference.change === null ? '' : pct((c.reference as { relativeChange?: number | null }).relativeChange)}` : '–'}
                </td>
                <td class="statement">
                  ${c.change === null ? w.noChange(c.years, periodLabel(trend.period)) : testStatement(ctx, c.test, w.changeAgainst(ref))}
                </td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
    <p class="muted method">${w.method}: <span lang="en">${trend.model.basis}</span></p>
  </section>`;
}

/** The peers' choice in words: which variables, how many areas, the nearest first. */
function peerExplanation(ctx: PageContext, peers: Peers): Html {
  const w = ctx.words;
  const titles = peers.variables.map(
    (v) => (v as { title?: { nl: string; en: string } }).title?.[ctx.lang] ?? v.id,
  );
  return html`<details class="peers" id="peers">
    <summary>${w.peersWhich(peers.peers.length)}</summary>
    <p>${w.peersExplain(peers.region.name, peers.peers.length, peers.candidates, titles)}</p>
    <ol class="inline-list">
      ${peers.peers.map((p) => html`<li><a href="${href(ctx, `/gebied/${p.code}`)}">${p.name}</a></li>`)}
    </ol>
    ${peers.dropped.length > 0 ? html`<p class="muted" lang="en">${peers.dropped.map((d) => `${d.variable}: ${d.reason}`).join('; ')}</p>` : ''}
  </details>`;
}

/** Where an area stands: strip chart and table of z-score, percentile and rank per comparison group. */
export function positionSection(
  ctx: PageContext,
  position: Position,
  peers: Peers | null,
  scopeName: string | null,
  headingLevel: 2 | 3 = 2,
): Html {
  const w = ctx.words;
  const { indicator } = position;
  const dec = indicator.decimals;
  const level = levelName(position.region.level, ctx.lang, true);
  const groupName = (scope: string) =>
    scope === 'nl'
      ? w.groupNl(level)
      : scope === 'region'
        ? w.groupRegion(level, scopeName ?? '')
        : w.groupPeers;
  const usable = position.distributions.filter(
    (d) => d.mean !== null && d.min !== undefined && d.max !== undefined,
  );
  const H = `h${headingLevel}`;
  const strip =
    position.value !== null && usable.length > 0
      ? positionStrip(
          usable.map((d) => ({ label: groupName(d.scope), min: d.min!, max: d.max!, mean: d.mean! })),
          position.value,
          {
            title: w.positionChart(position.region.name, indicator.title[ctx.lang]),
            lang: ctx.lang,
            decimals: dec,
          },
        )
      : '';
  return html`<section aria-labelledby="position-heading" class="analysis" id="positie">
    ${raw(`<${H} id="position-heading">`)}${w.positionHeading(position.region.name)}${raw(`</${H}>`)}
    <p>
      ${position.value === null ? w.noValue : w.positionValue(formatValue(position.value, dec, indicator.unit, ctx.lang), periodLabel(position.period))}
      ${position.interval ? html` ${w.interval(formatNumber(position.interval.lower, dec, ctx.lang), formatNumber(position.interval.upper, dec, ctx.lang))}` : ''}
    </p>
    ${
      strip
        ? html`<figure class="chart-figure">
            ${raw(strip)}
            <figcaption>${w.stripCaption}</figcaption>
          </figure>`
        : ''
    }
    <div class="table-wrap">
      <table class="position-table">
        <caption>
          ${w.positionCaption(indicator.title[ctx.lang], position.region.name, periodLabel(position.period))}
        </caption>
        <thead>
          <tr>
            <th scope="col">${w.comparedWith}</th>
            <th scope="col">${w.areasCount}</th>
            <th scope="col">${w.mean}</th>
            <th scope="col">${w.zScore}</th>
            <th scope="col">${w.percentile}</th>
            <th scope="col">${w.rank}</th>
          </tr>
        </thead>
        <tbody>
          ${position.distributions.map(
            (d) =>
              html`<tr data-scope="${d.scope}">
                <th scope="row">${groupName(d.scope)}</th>
                <td class="num">${d.n}</td>
                <td class="num">${d.mean === null ? '–' : formatNumber(d.mean, dec, ctx.lang)}</td>
                <td class="num" data-z="${d.z ?? ''}">
                  ${d.z === null ? '–' : formatNumber(d.z, 2, ctx.lang)}
                </td>
                <td class="num">${d.percentile === null ? '–' : formatNumber(d.percentile, 0, ctx.lang)}</td>
                <td class="num">${d.rank === null ? '–' : w.rankOf(d.rank, d.n)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
    <p class="muted">${w.positionHelp}</p>
    ${peers ? peerExplanation(ctx, peers) : ''}
    ${
      position.comparisons.length > 0
        ? html`<ul class="statements">
            ${position.comparisons.map(
              (c) =>
                html`<li>
                  ${c.name}: ${c.value === null ? '–' : formatValue(c.value, dec, indicator.unit, ctx.lang)}.
                  ${testStatement(ctx, c.test, w.differenceWith(c.name))}
                </li>`,
            )}
          </ul>`
        : ''
    }
  </section>`;
}

/**
 * The analysis of one indicator for one area (trend, position, peers), or nothing where the API
 * has none (an area without values, a level without a distribution).
 */
export async function analysisFor(
  ctx: PageContext,
  indicator: string,
  region: string,
  headingLevel: 2 | 3 = 2,
): Promise<Html> {
  const datacenter = ctx.datacenter?.id;
  const quiet = <T>(p: Promise<T | null>) =>
    p.catch((e: unknown) => (e instanceof ApiError ? null : Promise.reject(e)));
  const [trend, position, peers] = await Promise.all([
    quiet(ctx.api.trend({ indicator, region, datacenter })),
    quiet(ctx.api.position({ indicator, region, datacenter })),
    quiet(ctx.api.peers({ region, datacenter })),
  ]);
  const scopeName = ctx.datacenter?.regionName ?? ctx.datacenter?.region ?? null;
  return html`${trend ? trendSection(ctx, trend, headingLevel) : ''}
  ${position ? positionSection(ctx, position, peers, scopeName, headingLevel) : ''}`;
}

const CORRELATION_LEVELS = ['gemeente', 'wijk', 'buurt'];
const INDICATOR_ID = /^[a-z][a-z0-9_]{0,99}$/;

/** The correlation page: two indicators over the areas of a level, as scatter plot and table. */
export async function correlationPage(ctx: PageContext, scope: string): Promise<Html> {
  const w = ctx.words;
  const params = ctx.url.searchParams;
  const all = (await ctx.api.indicators()).filter((i) => i.periods.length > 0);
  const byTitle = [...all].sort((a, b) => a.title[ctx.lang].localeCompare(b.title[ctx.lang], ctx.lang));
  const pick = (name: string, fallback: Indicator | undefined) => {
    const asked = params.get(name) ?? '';
    return (INDICATOR_ID.test(asked) ? all.find((i) => i.id === asked) : undefined) ?? fallback;
  };
  const x = pick('x', all[0]);
  const y = pick(
    'y',
    all.find((i) => i.id !== x?.id),
  );
  const level = CORRELATION_LEVELS.includes(params.get('level') ?? '') ? params.get('level')! : 'gemeente';
  const within = params.get('within') === 'NL01' ? 'NL01' : scope;
  const highlight = /^[A-Za-z0-9_]{2,43}$/.test(params.get('region') ?? '')
    ? params.get('region')!.toUpperCase()
    : undefined;
  let result: Correlation | null = null;
  let problem = '';
  if (x && y) {
    try {
      result = await ctx.api.correlation({
        x: x.id,
        y: y.id,
        level,
        ...(within !== 'NL01' ? { within } : {}),
        ...(highlight ? { highlight } : {}),
      });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      problem = error.detail || error.title;
    }
    if (!result && !problem) problem = w.noCorrelation;
  }
  const scopeName = ctx.datacenter?.regionName ?? scope;
  const option = (value: string, label: string, selected: boolean) =>
    html`<option value="${value}" ${selected ? raw('selected') : ''}>${label}</option>`;
  const r = result;
  const title = w.correlationTitle;
  const f = (v: number, ref: { decimals: number; unit: string }) =>
    formatValue(v, ref.decimals, ref.unit, ctx.lang);
  return layout(ctx, {
    title: x && y ? `${title}: ${x.title[ctx.lang]} × ${y.title[ctx.lang]}` : title,
    crumbs: crumbs(ctx, [{ label: w.navHome, href: href(ctx, '/') }, { label: title }]),
    body: html`<h1>${title}</h1>
      <p class="lead">${w.correlationIntro}</p>
      <form class="controls" method="get" action="${ctx.base}/samenhang">
        <div>
          <label for="x">${w.xAxis}</label>
          <select id="x" name="x">
            ${byTitle.map((i) => option(i.id, i.title[ctx.lang], i.id === x?.id))}
          </select>
        </div>
        <div>
          <label for="y">${w.yAxis}</label>
          <select id="y" name="y">
            ${byTitle.map((i) => option(i.id, i.title[ctx.lang], i.id === y?.id))}
          </select>
        </div>
        <div>
          <label for="level">${w.level}</label>
          <select id="level" name="level">
            ${CORRELATION_LEVELS.map((l) => option(l, levelName(l, ctx.lang, true), l === level))}
          </select>
        </div>
        <div>
          <label for="within">${w.scope}</label>
          <select id="within" name="within">
            ${option(scope, scopeName, within !== 'NL01')}
            ${option('NL01', w.wholeCountry, within === 'NL01')}
          </select>
        </div>
        ${highlight ? html`<input type="hidden" name="region" value="${highlight}" />` : ''}
        ${ctx.lang === 'en' ? html`<input type="hidden" name="lang" value="en" />` : ''}
        <button type="submit">${w.show}</button>
      </form>
      ${problem ? html`<p class="no-map" role="note">${problem}</p>` : ''}
      ${
        r
          ? html`<section aria-labelledby="scatter-heading">
              <h2 id="scatter-heading">${w.scatterHeading(levelName(level, ctx.lang, true), r.n)}</h2>
              <p class="caveat" role="note"><strong>${w.caveatLabel}</strong> ${r.caveat[ctx.lang]}</p>
              <dl class="facts">
                <div>
                  <dt>${w.pearson}</dt>
                  <dd data-r="${r.pearson.r ?? ''}">
                    r =
                    ${r.pearson.r === null ? '–' : formatNumber(r.pearson.r, 2, ctx.lang)}${r.pearson.interval ? ` (${w.ci95} ${formatNumber(r.pearson.interval[0], 2, ctx.lang)} … ${formatNumber(r.pearson.interval[1], 2, ctx.lang)})` : ''}
                  </dd>
                </div>
                <div>
                  <dt>${w.spearman}</dt>
                  <dd>ρ = ${r.spearman.rho === null ? '–' : formatNumber(r.spearman.rho, 2, ctx.lang)}</dd>
                </div>
                <div>
                  <dt>${w.areasCount}</dt>
                  <dd>
                    ${r.n} ${levelName(level, ctx.lang, true)}${within === 'NL01' ? '' : `, ${scopeName}`}
                  </dd>
                </div>
                ${
                  r.highlight
                    ? html`<div>
                        <dt>${w.highlighted}</dt>
                        <dd>${r.highlight.name}: ${f(r.highlight.x, r.x)}; ${f(r.highlight.y, r.y)}</dd>
                      </div>`
                    : ''
                }
              </dl>
              <figure class="chart-figure" data-scatter>
                ${raw(
                  scatterPlot(r.points, {
                    title: w.scatterTitle(
                      r.x.title[ctx.lang],
                      r.y.title[ctx.lang],
                      levelName(level, ctx.lang, true),
                    ),
                    xLabel: `${r.x.title[ctx.lang]} (${r.x.unit}${r.x.period ? `, ${periodLabel(r.x.period)}` : ''})`,
                    yLabel: `${r.y.title[ctx.lang]} (${r.y.unit}${r.y.period ? `, ${periodLabel(r.y.period)}` : ''})`,
                    lang: ctx.lang,
                    ...(r.highlight ? { highlight: r.highlight.code } : {}),
                  }),
                )}
                <figcaption>
                  ${r.highlight ? w.highlightCaption(r.highlight.name) : w.chooseHighlight}
                </figcaption>
              </figure>
              <details class="chart-table">
                <summary>${w.chartTable}</summary>
                <div class="table-wrap">
                  <table class="scatter-table">
                    <caption>
                      ${w.scatterTitle(r.x.title[ctx.lang], r.y.title[ctx.lang], levelName(level, ctx.lang, true))}
                    </caption>
                    <thead>
                      <tr>
                        <th scope="col">${w.area}</th>
                        <th scope="col">${r.x.title[ctx.lang]} (${r.x.unit})</th>
                        <th scope="col">${r.y.title[ctx.lang]} (${r.y.unit})</th>
                      </tr>
                    </thead>
                    <tbody>
                      ${[...r.points]
                        .sort((a, b) => a.name.localeCompare(b.name, 'nl'))
                        .map(
                          (p) =>
                            html`<tr
                              data-region="${p.code}"
                              ${p.code === r.highlight?.code ? raw('class="picked"') : ''}
                            >
                              <th scope="row">
                                <a
                                  href="${href(ctx, '/samenhang', { x: r.x.id, y: r.y.id, level, within: within === 'NL01' ? 'NL01' : undefined, region: p.code })}"
                                  >${p.name}</a
                                >
                              </th>
                              <td class="num">${f(p.x, r.x)}</td>
                              <td class="num">${f(p.y, r.y)}</td>
                            </tr>`,
                        )}
                    </tbody>
                  </table>
                </div>
              </details>
              <p class="muted method" lang="en">${r.pearson.method}. ${r.spearman.method}.</p>
            </section>`
          : ''
      }`,
  });
}
