import { html, type Html } from '../html.js';
import { levelName } from '../i18n.js';
import { crumbs, href, layout, type PageContext } from '../layout.js';

function searchForm(ctx: PageContext, q = ''): Html {
  const w = ctx.words;
  return html`<search>
    <form class="search" action="/zoek" method="get">
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
  const themes = await ctx.api.themes();
  return layout(ctx, {
    title: w.navHome,
    body: html`<h1>${w.homeTitle}</h1>
      <p class="lead">${w.homeIntro}</p>
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
