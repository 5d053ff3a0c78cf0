import type { Theme } from '../api.js';
import { html, type Html } from '../html.js';
import { levelName } from '../i18n.js';
import { crumbs, href, layout, type PageContext } from '../layout.js';

/**
 * The data center's selection: its themes, each with the indicators it chose that are published
 * (undefined outside a data center or when the API could not give the selection: everything).
 */
export function selection(ctx: PageContext): Map<string, Set<string>> | undefined {
  const themes = ctx.datacenter?.themes;
  if (!themes) return undefined;
  return new Map(
    themes.map((t) => [t.id, new Set(t.indicators.filter((i) => i.published).map((i) => i.id))]),
  );
}

/** The themes the data center shows, with the number of its indicators in each. */
export function selectedThemes(ctx: PageContext, themes: Theme[]): Theme[] {
  const chosen = selection(ctx);
  if (!chosen) return themes;
  return themes
    .filter((t) => chosen.has(t.id))
    .map((t) => ({ ...t, indicatorCount: chosen.get(t.id)!.size }));
}

function searchForm(ctx: PageContext, q = ''): Html {
  const w = ctx.words;
  return html`<search>
    <form class="search" action="${ctx.base}/zoek" method="get">
      <label for="q">${w.searchLabel}</label>
      <input id="q" name="q" type="search" value="${q}" autocomplete="off" required />
      ${ctx.lang === 'en' ? html`<input type="hidden" name="lang" value="en" />` : ''}
      <button type="submit">${w.searchButton}</button>
    </form>
  </search>`;
}

/** Home: the eight themes and the search box. */
export async function homePage(ctx: PageContext): Promise<Html> {
  const w = ctx.words;
  const themes = selectedThemes(ctx, await ctx.api.themes());
  const dc = ctx.datacenter;
  return layout(ctx, {
    title: dc ? dc.name[ctx.lang] : w.navHome,
    body: html`<h1>${dc ? dc.name[ctx.lang] : w.homeTitle}</h1>
      <p class="lead">${dc ? dc.description[ctx.lang] : w.homeIntro}</p>
      ${
        dc
          ? html`<p class="home-region" data-region="${dc.region}">
              ${w.homeRegion}:
              <a href="${href(ctx, `/gebied/${dc.region}`)}">${dc.regionName ?? dc.region}</a>
              ${dc.members && dc.members.length > 0 ? html`<span class="muted">(${w.membersCount(dc.members.length)})</span>` : ''}
              ${dc.home.length > 0 ? html` · ${w.homeGemeente}: ${dc.home.map((code, i) => html`${i > 0 ? ', ' : ''}<a href="${href(ctx, `/gebied/${code}`)}">${dc.members?.find((m) => m.code === code)?.name ?? code}</a>`)}` : ''}
            </p>`
          : ''
      }
      ${searchForm(ctx)}
      <section aria-labelledby="themes-heading">
        <h2 id="themes-heading">${w.themes}</h2>
        <ul class="themes">
          ${themes.map(
            (theme) =>
              html`<li>
                <a class="theme-card" href="${href(ctx, `/thema/${theme.id}`)}"
                  ><span class="theme-title">${theme.title[ctx.lang]}</span>
                  <span class="theme-count">${w.indicatorCount(theme.indicatorCount)}</span></a
                >
              </li>`,
          )}
        </ul>
      </section>`,
  });
}

/** Search results: indicators and areas matching the words. */
export async function searchPage(ctx: PageContext): Promise<Html> {
  const w = ctx.words;
  const q = (ctx.url.searchParams.get('q') ?? '').trim().slice(0, 100);
  const result = q ? await ctx.api.search(q) : { indicators: [], regions: [] };
  const chosen = selection(ctx);
  if (chosen) {
    const ids = new Set([...chosen.values()].flatMap((set) => [...set]));
    result.indicators = result.indicators.filter((i) => ids.has(i.id));
  }
  const nothing = result.indicators.length === 0 && result.regions.length === 0;
  return layout(ctx, {
    title: `${w.searchResults}: ${q}`,
    crumbs: crumbs(ctx, [{ label: w.navHome, href: href(ctx, '/') }, { label: w.searchResults }]),
    body: html`<h1>${w.searchResults}</h1>
      ${searchForm(ctx, q)} ${nothing ? html`<p role="status">${w.searchNothing} “${q}”.</p>` : ''}
      ${
        result.indicators.length > 0
          ? html`<section aria-labelledby="found-indicators">
              <h2 id="found-indicators">${w.indicators}</h2>
              <ul>
                ${result.indicators.map((i) => html`<li><a href="${href(ctx, `/indicator/${i.id}`)}">${i.title[ctx.lang]}</a></li>`)}
              </ul>
            </section>`
          : ''
      }
      ${
        result.regions.length > 0
          ? html`<section aria-labelledby="found-regions">
              <h2 id="found-regions">${w.areas}</h2>
              <ul>
                ${result.regions.map((r) => html`<li><a href="${href(ctx, `/gebied/${r.code}`)}">${r.name}</a> <span class="muted">(${levelName(r.level, ctx.lang)}, ${r.code})</span></li>`)}
              </ul>
            </section>`
          : ''
      }`,
  });
}
