/**
 * The area profile (like a wijkprofiel): every indicator for one area next to its gemeente, the
 * data center's region and the Netherlands, grouped by theme, each with its trend.
 */
import { ApiError, type Profile } from '../api.js';
import { sparkline } from '../chart.js';
import { formatValue, periodLabel } from '../format.js';
import { html, raw, type Html } from '../html.js';
import { levelName } from '../i18n.js';
import { crumbs, href, layout, type PageContext } from '../layout.js';
import { notesSection } from '../notes.js';
import { valueCell, valueNotes, type Shown } from '../values.js';
import { analysisFor } from './analysis.js';
import { selection } from './home.js';

export async function areaPage(ctx: PageContext, code: string, scope: string): Promise<Html> {
  const w = ctx.words;
  const period = ctx.url.searchParams.get('period') ?? undefined;
  const [profile, region, themes, threads] = await Promise.all([
    ctx.api.profile(code, period),
    ctx.api.region(code, period ? Number(period.slice(0, 4)) : undefined),
    ctx.api.themes(),
    ctx.api.notes({ region: code }),
  ]);
  if (!profile || !region) throw new ApiError(404, w.notFound, code);
  // The data center's selection decides which indicators the profile lists.
  const chosen = selection(ctx);
  if (chosen) {
    const ids = new Set([...chosen.values()].flatMap((set) => [...set]));
    profile.indicators = profile.indicators.filter((i) => ids.has(i.indicator));
  }
  // The analysis of one indicator, chosen in a form (default: the first with a trend).
  const askedIndicator = ctx.url.searchParams.get('indicator') ?? '';
  const analysed =
    profile.indicators.find((i) => i.indicator === askedIndicator) ??
    profile.indicators.find((i) => i.series.filter((p) => p.value !== null).length > 1) ??
    profile.indicators[0];
  const analysis =
    analysed && region.level !== 'land' && region.level !== 'custom'
      ? await analysisFor(ctx, analysed.indicator, code, 3)
      : null;
  const name = profile.region.name;
  await addScope(ctx, profile, scope);
  const columns = [profile.region, ...profile.references.filter((r) => r.code !== profile.region.code)];
  const shown: Shown[] = [];
  const sections = themes
    .map((theme) => ({ theme, rows: profile.indicators.filter((i) => i.theme === theme.id) }))
    .filter((s) => s.rows.length > 0);
  const table = (rows: Profile['indicators'], headingId: string) => {
    // The trend column only where some indicator has more than one year.
    const trends = rows.some((r) => r.series.filter((p) => p.value !== null).length > 1);
    return html`<div class="table-wrap">
      <table class="profile" aria-labelledby="${headingId}">
        <thead>
          <tr>
            <th scope="col">${w.indicator}</th>
            <th scope="col">${w.year}</th>
            ${columns.map((c) => html`<th scope="col">${c.name}${'relation' in c ? html`<br /><span class="muted">${levelName(c.level, ctx.lang)}</span>` : ''}</th>`)}
            ${trends ? html`<th scope="col">${w.trend}</th>` : ''}
          </tr>
        </thead>
        <tbody>
          ${rows.map((row) => {
            const cells = columns.map((c) => {
              const v = row.values.find((x) => x.region === c.code);
              if (v) shown.push(v);
              return html`<td class="num" data-region="${c.code}">
                ${v ? valueCell(ctx, row.unit, row.decimals, v) : '–'}
              </td>`;
            });
            const known = row.series.filter((p) => p.value !== null);
            const first = known[0];
            const last = known[known.length - 1];
            const f = (v: number) => formatValue(v, row.decimals, row.unit, ctx.lang);
            return html`<tr data-indicator="${row.indicator}">
              <th scope="row">
                <a href="${href(ctx, `/indicator/${row.indicator}`, { region: code, period: row.period })}"
                  >${row.title[ctx.lang]}</a
                >
              </th>
              <td>${periodLabel(row.period)}</td>
              ${cells}
              ${
                trends
                  ? html`<td class="trend">
                      ${raw(sparkline(row.series))}${first && last && first !== last ? html`<span class="trend-text">${periodLabel(first.period)}: ${f(first.value!)} → ${periodLabel(last.period)}: ${f(last.value!)}</span>` : ''}
                    </td>`
                  : ''
              }
            </tr>`;
          })}
        </tbody>
      </table>
    </div>`;
  };
  const body = html`<h1>${w.profileOf(name)}</h1>
    <p class="lead">${levelName(region.level, ctx.lang)} ${region.code}. ${w.profileIntro}</p>
    <dl class="facts">
      ${
        region.parents.length > 0
          ? html`<div>
              <dt>${w.partOf}</dt>
              <dd>
                <ul class="inline">
                  ${region.parents.map((p) => html`<li><a href="${href(ctx, `/gebied/${p.code}`)}">${p.name ?? p.code}</a></li>`)}
                </ul>
              </dd>
            </div>`
          : ''
      }
      ${
        region.children.length > 0
          ? html`<div>
              <dt>${w.children}</dt>
              <dd>
                <ul class="inline">
                  ${region.children.map((c) => html`<li><a href="${href(ctx, `/gebied/${c.code}`)}">${c.name}</a></li>`)}
                </ul>
              </dd>
            </div>`
          : ''
      }
    </dl>
    <p>
      <a
        href="${href(ctx, '/vergelijk', { regions: [code, ...profile.references.map((r) => r.code)].slice(0, 5).join(',') })}"
        >${w.compare}: ${columns.map((c) => c.name).join(', ')}</a
      >
    </p>
    ${sections.map(
      (s) =>
        html`<section aria-labelledby="theme-${s.theme.id}">
          <h2 id="theme-${s.theme.id}">${s.theme.title[ctx.lang]}</h2>
          ${table(s.rows, `theme-${s.theme.id}`)}
        </section>`,
    )}
    ${sections.length === 0 ? html`<p>${w.noIndicators}</p>` : ''}
    ${
      analysis && analysed
        ? html`<section aria-labelledby="analysis-heading" class="analysis-block">
            <h2 id="analysis-heading">${w.analysisOf(name)}</h2>
            <form class="controls" method="get" action="${ctx.base}/gebied/${code}#analysis-heading">
              <div>
                <label for="analyse-indicator">${w.indicator}</label>
                <select id="analyse-indicator" name="indicator">
                  ${profile.indicators.map((i) => html`<option value="${i.indicator}" ${i.indicator === analysed.indicator ? raw('selected') : ''}>${i.title[ctx.lang]}</option>`)}
                </select>
              </div>
              ${period ? html`<input type="hidden" name="period" value="${period}" />` : ''}
              ${ctx.lang === 'en' ? html`<input type="hidden" name="lang" value="en" />` : ''}
              <button type="submit">${w.show}</button>
            </form>
            ${analysis}
          </section>`
        : ''
    } `;
  // The notes depend on the cells rendered above, so they are rendered after them.
  const notes = valueNotes(ctx, shown);
  const discussion = notesSection(
    ctx,
    threads,
    { regions: [{ code, name }] },
    new Map<string, string>([
      [code, name],
      ...profile.indicators.map((i): [string, string] => [i.indicator, i.title[ctx.lang]]),
    ]),
  );
  return layout(ctx, {
    title: w.profileOf(name),
    crumbs: crumbs(ctx, [{ label: w.navHome, href: href(ctx, '/') }, { label: w.profileOf(name) }]),
    body: html`${body}${notes}${discussion}`,
  });
}

/**
 * The data center's own region as a reference column where the API's profile does not list it
 * (a wijk's references are its gemeente and the custom regions made of wijken): its values come
 * from /compare for the same indicators and periods.
 */
async function addScope(ctx: PageContext, profile: Profile, scope: string): Promise<void> {
  if (profile.region.code === scope || profile.references.some((r) => r.code === scope)) return;
  if (profile.indicators.length === 0 || profile.region.level === 'land') return;
  const region = await ctx.api.region(scope);
  if (!region) return;
  const values = await ctx.api.compare({
    indicator: [...new Set(profile.indicators.map((i) => i.indicator))],
    regions: [scope],
    period: [...new Set(profile.indicators.map((i) => i.period))],
  });
  const land = profile.references.findIndex((r) => r.relation === 'land');
  const column = { code: region.code, name: region.name, level: region.level, relation: 'custom' as const };
  profile.references.splice(land < 0 ? profile.references.length : land, 0, column);
  for (const row of profile.indicators) {
    const v = values.find((x) => x.indicator === row.indicator && x.period === row.period);
    if (v) row.values.push({ region: scope, value: v.value, status: v.status, disclosure: v.disclosure });
  }
}
