import { ApiError } from '../api.js';
import { html, type Html } from '../html.js';
import { crumbs, href, layout, type PageContext } from '../layout.js';
import { selection } from './home.js';

/** A theme: its indicators with their description. */
export async function themePage(ctx: PageContext, id: string): Promise<Html> {
  const w = ctx.words;
  const chosen = selection(ctx);
  const theme = (await ctx.api.themes()).find((t) => t.id === id && (!chosen || chosen.has(t.id)));
  if (!theme) throw new ApiError(404, w.notFound, id);
  const indicators = (await ctx.api.indicators({ theme: id })).filter(
    (i) => !chosen || chosen.get(id)!.has(i.id),
  );
  const title = theme.title[ctx.lang];
  return layout(ctx, {
    title,
    crumbs: crumbs(ctx, [{ label: w.navHome, href: href(ctx, '/') }, { label: title }]),
    body: html`<h1>${title}</h1>
      ${indicators.length === 0 ? html`<p>${w.noIndicators}</p>` : ''}
      <ul class="indicator-list">
        ${indicators.map(
          (i) =>
            html`<li>
              <h2><a href="${href(ctx, `/indicator/${i.id}`)}">${i.title[ctx.lang]}</a></h2>
              <p>${i.description[ctx.lang] ?? ''} <span class="muted">(${i.unit})</span></p>
            </li>`,
        )}
      </ul>`,
  });
}
