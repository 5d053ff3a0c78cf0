/**
 * Compare 2 to 5 areas side by side: every indicator in a row, the areas in columns, each value
 * the API's /compare answer for that indicator. The areas travel in the URL (`regions=A,B,C`).
 */
import type { Indicator, Region, Value } from '../api.js';
import { periodLabel } from '../format.js';
import { html, raw, type Html } from '../html.js';
import { levelName } from '../i18n.js';
import { crumbs, href, layout, type PageContext } from '../layout.js';
import { valueCell, valueNotes } from '../values.js';
import { NETHERLANDS } from './indicator.js';

const MAX_AREAS = 5;
const CODE = /^[A-Z]{2}[0-9A-Z]{1,10}$|^X_[A-Z0-9_]{1,40}$/;

/** The chosen areas: repeated `regions` fields (the form) or one comma list (a link), valid codes, distinct. */
export function chosenRegions(params: URLSearchParams): string[] {
  const codes = params
    .getAll('regions')
    .flatMap((r) => r.split(','))
    .map((c) => c.trim().toUpperCase())
    .filter((c) => CODE.test(c));
  return [...new Set(codes)].slice(0, MAX_AREAS);
}

async function areaChoices(ctx: PageContext, scope: string): Promise<{ label: string; regions: Region[] }[]> {
  const [region, gemeenten, wijken] = await Promise.all([
    scope === NETHERLANDS ? Promise.resolve(null) : ctx.api.region(scope),
    ctx.api.regions({ level: 'gemeente', parent: scope === NETHERLANDS ? undefined : scope }),
    scope === NETHERLANDS
      ? Promise.resolve([])
      : ctx.api.regions({ level: 'wijk', parent: scope }).catch(() => []),
  ]);
  const byName = (a: Region, b: Region) => a.name.localeCompare(b.name, 'nl');
  return [
    {
      label: ctx.words.areas,
      regions: [
        { code: NETHERLANDS, name: 'Nederland', level: 'land' },
        ...(region ? [{ code: region.code, name: region.name, level: region.level }] : []),
      ],
    },
    { label: levelName('gemeente', ctx.lang, true), regions: [...gemeenten].sort(byName) },
    { label: levelName('wijk', ctx.lang, true), regions: [...wijken].sort(byName) },
  ].filter((g) => g.regions.length > 0);
}

/** The period of an indicator to show for a year: that year's, else its latest. */
export function periodFor(indicator: Indicator, year: string): string | undefined {
  const periods = [...indicator.periods].sort();
  return (year ? periods.find((p) => p.startsWith(year)) : undefined) ?? periods[periods.length - 1];
}

export async function comparePage(ctx: PageContext, scope: string): Promise<Html> {
  const w = ctx.words;
  const chosen = chosenRegions(ctx.url.searchParams);
  const year = /^\d{4}$/.test(ctx.url.searchParams.get('year') ?? '')
    ? ctx.url.searchParams.get('year')!
    : '';
  const [groups, indicators, themes] = await Promise.all([
    areaChoices(ctx, scope),
    ctx.api.indicators(),
    ctx.api.themes(),
  ]);
  const years = [...new Set(indicators.flatMap((i) => i.periods.map((p) => p.slice(0, 4))))].sort().reverse();
  const enough = chosen.length >= 2;
  const rows: { indicator: Indicator; period: string | undefined; values: Value[] }[] = enough
    ? await Promise.all(
        indicators.map(async (indicator) => {
          const period = periodFor(indicator, year);
          const values = await ctx.api.compare({ indicator: indicator.id, regions: chosen, period });
          return { indicator, period, values };
        }),
      )
    : [];
  const known = new Map(groups.flatMap((g) => g.regions).map((r) => [r.code, r.name]));
  for (const row of rows) for (const v of row.values) if (v.regionName) known.set(v.region, v.regionName);
  const select = (n: number) =>
    html`<div>
      <label for="area-${n}">${w.compareArea(n)}</label>
      <select id="area-${n}" name="regions">
        <option value="">${w.compareNone}</option>
        ${groups.map(
          (g) =>
            html`<optgroup label="${g.label}">
              ${g.regions.map((r) => html`<option value="${r.code}" ${chosen[n - 1] === r.code ? raw(' selected') : ''}>${r.name}</option>`)}
            </optgroup>`,
        )}${chosen[n - 1] && !known.has(chosen[n - 1]!) ? html`<option value="${chosen[n - 1]}" selected>${chosen[n - 1]}</option>` : ''}
      </select>
    </div>`;
  const allValues = rows.flatMap((r) => r.values);
  return layout(ctx, {
    title: w.compareTitle,
    crumbs: crumbs(ctx, [{ label: w.navHome, href: href(ctx, '/') }, { label: w.compareTitle }]),
    body: html`<h1>${w.compareTitle}</h1>
      <p>${w.compareIntro}</p>
      <form class="controls compare-form" method="get" action="${ctx.base}/vergelijk">
        ${[1, 2, 3, 4, 5].map(select)}
        <div>
          <label for="year">${w.year}</label
          ><select id="year" name="year">
            <option value="">${ctx.lang === 'en' ? 'latest' : 'laatste'}</option>
            ${years.map((y) => html`<option value="${y}" ${y === year ? raw(' selected') : ''}>${y}</option>`)}
          </select>
        </div>
        ${ctx.lang === 'en' ? html`<input type="hidden" name="lang" value="en" />` : ''}
        <button type="submit">${w.show}</button>
      </form>
      ${!enough && chosen.length > 0 ? html`<p role="alert" class="error">${w.compareTooFew}</p>` : ''}
      ${
        enough
          ? html`<div class="table-wrap">
                <table class="compare" id="vergelijking">
                  <caption>
                    ${w.compareTitle}: ${chosen.map((c) => known.get(c) ?? c).join(', ')}
                  </caption>
                  <thead>
                    <tr>
                      <th scope="col">${w.indicator}</th>
                      <th scope="col">${w.year}</th>
                      ${chosen.map((c) => html`<th scope="col" data-region="${c}"><a href="${href(ctx, `/gebied/${c}`)}">${known.get(c) ?? c}</a></th>`)}
                    </tr>
                  </thead>
                  ${themes.map((theme) => {
                    const themeRows = rows.filter((r) => r.indicator.theme === theme.id);
                    if (themeRows.length === 0) return '';
                    return html`<tbody>
                      <tr class="group">
                        <th scope="colgroup" colspan="${chosen.length + 2}">${theme.title[ctx.lang]}</th>
                      </tr>
                      ${themeRows.map(
                        (r) =>
                          html`<tr data-indicator="${r.indicator.id}">
                            <th scope="row">
                              <a href="${href(ctx, `/indicator/${r.indicator.id}`, { period: r.period })}"
                                >${r.indicator.title[ctx.lang]}</a
                              >
                              <span class="muted">(${r.indicator.unit})</span>
                            </th>
                            <td>${r.period ? periodLabel(r.period) : '–'}</td>
                            ${chosen.map((c) => {
                              const v = r.values.find((x) => x.region === c);
                              return html`<td class="num" data-region="${c}">
                                ${v ? valueCell(ctx, r.indicator.unit, r.indicator.decimals, v) : '–'}
                              </td>`;
                            })}
                          </tr>`,
                      )}
                    </tbody>`;
                  })}
                </table>
              </div>
              ${valueNotes(ctx, allValues)}`
          : ''
      }`,
  });
}
