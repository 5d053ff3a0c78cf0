/**
 * The area typology (issue 11): the API clusters the areas of a level on chosen indicators
 * (k-means on standardised values, k chosen by the highest mean silhouette); this page shows the
 * clusters on a map (where the level has boundaries) and in a table, a profile per cluster, and
 * the criterion that chose k with the silhouette of every k tried.
 */
import { ApiError, type Typology } from '../api.js';
import type { ValueClass } from '../classes.js';
import { formatNumber, periodLabel } from '../format.js';
import { html, raw, type Html } from '../html.js';
import { levelName } from '../i18n.js';
import { crumbs, href, layout, type PageContext } from '../layout.js';
import { choroplethSvg, type MapArea } from '../map.js';

/** Okabe-Ito: categorical colours told apart with every common colour-vision deficiency. */
export const CLUSTER_COLOURS = [
  '#e69f00',
  '#56b4e9',
  '#009e73',
  '#f0e442',
  '#0072b2',
  '#d55e00',
  '#cc79a7',
  '#999999',
  '#000000',
  '#ffffff',
  '#882255',
  '#44aa99',
];
const LEVELS = ['gemeente', 'wijk', 'buurt'];
const DEFAULT_INDICATORS = [
  'aandeel_65plus',
  'aandeel_eenpersoonshuishoudens',
  'aandeel_huishoudens_met_kinderen',
];
const INDICATOR_ID = /^[a-z][a-z0-9_]{0,99}$/;

/** A cluster's name from its profile: the indicators that set it most apart, high or low. */
function clusterName(ctx: PageContext, t: Typology, c: Typology['clusters'][number]): string {
  const w = ctx.words;
  const title = (id: string) => t.indicators.find((i) => i.id === id)?.title[ctx.lang] ?? id;
  const marked = [...c.profile]
    .sort((a, b) => Math.abs(b.z) - Math.abs(a.z))
    .filter((p) => Math.abs(p.z) >= 0.5)
    .slice(0, 2);
  if (marked.length === 0) return w.clusterAverage;
  return marked
    .map((p) => (p.z > 0 ? w.clusterHigh(title(p.indicator)) : w.clusterLow(title(p.indicator))))
    .join(', ');
}

export async function typologyPage(ctx: PageContext, scope: string): Promise<Html> {
  const w = ctx.words;
  const params = ctx.url.searchParams;
  const indicators = (await ctx.api.indicators()).filter((i) => i.periods.length > 0);
  const known = new Set(indicators.map((i) => i.id));
  const asked = params
    .getAll('indicators')
    .flatMap((s) => s.split(','))
    .filter((id) => INDICATOR_ID.test(id) && known.has(id));
  const chosen = [
    ...new Set(asked.length > 0 ? asked : DEFAULT_INDICATORS.filter((id) => known.has(id))),
  ].slice(0, 10);
  const level = LEVELS.includes(params.get('level') ?? '') ? params.get('level')! : 'gemeente';
  const within = params.get('within') === 'NL01' ? 'NL01' : scope;
  const scopeName = ctx.datacenter?.regionName ?? scope;
  let t: Typology | null = null;
  let problem = '';
  if (chosen.length >= 2) {
    try {
      t = await ctx.api.typology({
        indicators: chosen.join(','),
        level,
        ...(within !== 'NL01' ? { within } : {}),
      });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      problem = error.detail || error.title;
    }
  } else problem = w.typologyTooFew;
  // The map: the level's boundaries of the values' year, else the newest the API has.
  const geometry = t
    ? ((await ctx.api
        .geometry({ level, year: t.boundaryYear, ...(within !== 'NL01' ? { parent: within } : {}) })
        .catch(() => null)) ??
      (await ctx.api
        .get<NonNullable<Awaited<ReturnType<typeof ctx.api.geometry>>>>('/geometry', {
          level,
          ...(within !== 'NL01' ? { parent: within } : {}),
        })
        .catch(() => null)))
    : null;
  const names = t
    ? new Map(t.clusters.map((c) => [c.cluster, clusterName(ctx, t!, c)]))
    : new Map<number, string>();
  const label = (cluster: number) => `${w.cluster} ${cluster + 1}: ${names.get(cluster) ?? ''}`;
  const classes: ValueClass[] = t
    ? t.clusters.map((c) => ({
        min: c.cluster,
        max: c.cluster,
        count: c.size,
        colour: CLUSTER_COLOURS[c.cluster % CLUSTER_COLOURS.length]!,
      }))
    : [];
  const areas = new Map<string, MapArea>(
    (t?.areas ?? []).map((a) => [
      a.code,
      {
        code: a.code,
        name: a.name,
        value: a.cluster,
        label: label(a.cluster),
        hidden: false,
        converted: false,
      },
    ]),
  );
  const title = w.typologyTitle;
  const levelWord = levelName(level, ctx.lang, true);
  const checkbox = (id: string, text: string) =>
    html`<li>
      <input
        type="checkbox"
        id="ind-${id}"
        name="indicators"
        value="${id}"
        ${chosen.includes(id) ? raw('checked') : ''}
      />
      <label for="ind-${id}">${text}</label>
    </li>`;
  const mapped = geometry && t ? geometry.features.filter((f) => areas.has(f.properties.code)).length : 0;
  return layout(ctx, {
    title: t ? `${title}: ${levelWord}` : title,
    crumbs: crumbs(ctx, [{ label: w.navHome, href: href(ctx, '/') }, { label: title }]),
    body: html`<h1>${title}</h1>
      <p class="lead">${w.typologyIntro}</p>
      <form class="controls typology-form" method="get" action="${ctx.base}/typologie">
        <fieldset>
          <legend>${w.typologyIndicators}</legend>
          <ul class="checks">
            ${[...indicators]
              .sort((a, b) => a.title[ctx.lang].localeCompare(b.title[ctx.lang], ctx.lang))
              .filter((i) => i.levels.includes(level) || chosen.includes(i.id))
              .map((i) => checkbox(i.id, i.title[ctx.lang]))}
          </ul>
        </fieldset>
        <div>
          <label for="level">${w.level}</label>
          <select id="level" name="level">
            ${LEVELS.map((l) => html`<option value="${l}" ${l === level ? raw('selected') : ''}>${levelName(l, ctx.lang, true)}</option>`)}
          </select>
        </div>
        <div>
          <label for="within">${w.scope}</label>
          <select id="within" name="within">
            <option value="${scope}" ${within !== 'NL01' ? raw('selected') : ''}>${scopeName}</option>
            <option value="NL01" ${within === 'NL01' ? raw('selected') : ''}>${w.wholeCountry}</option>
          </select>
        </div>
        ${ctx.lang === 'en' ? html`<input type="hidden" name="lang" value="en" />` : ''}
        <button type="submit">${w.show}</button>
      </form>
      ${problem ? html`<p class="no-map" role="note">${problem}</p>` : ''}
      ${
        t
          ? html`<section aria-labelledby="criterion-heading">
                <h2 id="criterion-heading">${w.typologyK(t.k)}</h2>
                <p data-k="${t.k}">
                  ${w.typologyCriterion(t.k, t.silhouettes[0]?.k ?? 2, t.silhouettes[t.silhouettes.length - 1]?.k ?? t.k, t.seed)}
                  ${t.excluded > 0 ? w.typologyExcluded(t.excluded, levelWord) : ''}
                  ${w.typologyOf(t.areas.length, levelWord, periodLabel(t.period), within === 'NL01' ? w.wholeCountry : scopeName)}
                </p>
                <details class="chart-table">
                  <summary>${w.silhouettes}</summary>
                  <table>
                    <caption>
                      ${w.silhouettes}
                    </caption>
                    <thead>
                      <tr>
                        <th scope="col">k</th>
                        <th scope="col">${w.silhouette}</th>
                      </tr>
                    </thead>
                    <tbody>
                      ${t.silhouettes.map(
                        (s) =>
                          html`<tr ${s.k === t!.k ? raw('class="picked"') : ''}>
                            <th scope="row">${s.k}</th>
                            <td class="num">${formatNumber(s.silhouette, 3, ctx.lang)}</td>
                          </tr>`,
                      )}
                    </tbody>
                  </table>
                </details>
              </section>
              <section aria-labelledby="clusters-heading">
                <h2 id="clusters-heading">${w.clusterProfiles}</h2>
                <div class="table-wrap">
                  <table class="cluster-table">
                    <caption>
                      ${w.clusterCaption}
                    </caption>
                    <thead>
                      <tr>
                        <th scope="col">${w.cluster}</th>
                        <th scope="col">${w.areasCount}</th>
                        ${t.indicators.map((i) => html`<th scope="col">${i.title[ctx.lang]} (${i.unit})</th>`)}
                      </tr>
                    </thead>
                    <tbody>
                      ${t.clusters.map(
                        (c) =>
                          html`<tr data-cluster="${c.cluster}">
                            <th scope="row">
                              <span
                                class="swatch"
                                style="background:${CLUSTER_COLOURS[c.cluster % CLUSTER_COLOURS.length]}"
                                aria-hidden="true"
                              ></span>
                              ${label(c.cluster)}
                            </th>
                            <td class="num">${c.size}</td>
                            ${t!.indicators.map((i) => {
                              const p = c.profile.find((x) => x.indicator === i.id);
                              return html`<td class="num">
                                ${p ? html`${formatNumber(p.mean, i.decimals, ctx.lang)} <span class="muted">(z ${formatNumber(p.z, 2, ctx.lang)})</span>` : '–'}
                              </td>`;
                            })}
                          </tr>`,
                      )}
                    </tbody>
                  </table>
                </div>
              </section>
              <section aria-labelledby="typology-map-heading">
                <h2 id="typology-map-heading">${w.map}: ${levelWord}</h2>
                ${
                  geometry && mapped > 0
                    ? html`<p class="help">${w.mapHelp}</p>
                        <div class="map-wrap">
                          ${choroplethSvg(geometry, areas, classes, {
                            label: w.typologyMap(levelWord),
                            id: 'typologie-kaart',
                            href: (code) => href(ctx, `/gebied/${code}`),
                            noData: w.noData,
                            basemap: ctx.basemap,
                          })}
                          <div class="legend" role="group" aria-labelledby="typology-legend">
                            <h3 id="typology-legend">${w.legend}</h3>
                            <ul>
                              ${t.clusters.map((c) => html`<li><span class="swatch" style="background:${CLUSTER_COLOURS[c.cluster % CLUSTER_COLOURS.length]}" aria-hidden="true"></span> ${label(c.cluster)}</li>`)}
                              <li><span class="swatch no-data" aria-hidden="true"></span> ${w.noData}</li>
                            </ul>
                          </div>
                        </div>
                        ${geometry.features[0] && (geometry.features[0].properties as { year?: number }).year !== t.boundaryYear ? html`<p class="muted">${w.typologyBoundaries((geometry.features[0].properties as { year?: number }).year ?? 0, t.boundaryYear)}</p>` : ''}`
                    : html`<p class="no-map" role="note">${w.noMap(levelWord, String(t.boundaryYear))}</p>`
                }
                <details class="chart-table">
                  <summary>${w.typologyAreas(t.areas.length)}</summary>
                  <div class="table-wrap">
                    <table class="typology-areas">
                      <caption>
                        ${w.typologyAreas(t.areas.length)}
                      </caption>
                      <thead>
                        <tr>
                          <th scope="col">${w.area}</th>
                          <th scope="col">${w.cluster}</th>
                        </tr>
                      </thead>
                      <tbody>
                        ${[...t.areas]
                          .sort((a, b) => a.cluster - b.cluster || a.name.localeCompare(b.name, 'nl'))
                          .map(
                            (a) =>
                              html`<tr data-region="${a.code}">
                                <th scope="row"><a href="${href(ctx, `/gebied/${a.code}`)}">${a.name}</a></th>
                                <td>${label(a.cluster)}</td>
                              </tr>`,
                          )}
                      </tbody>
                    </table>
                  </div>
                </details>
              </section>`
          : ''
      }`,
  });
}
