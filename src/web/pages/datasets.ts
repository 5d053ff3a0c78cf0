import { html, type Html } from '../html.js';
import { formatNumber } from '../format.js';
import { crumbs, href, layout, type PageContext } from '../layout.js';

/** The catalogue: every open dataset the indicators come from. */
export async function datasetsPage(ctx: PageContext): Promise<Html> {
  const w = ctx.words;
  const datasets = await ctx.api.datasets();
  return layout(ctx, {
    title: w.datasetsTitle,
    crumbs: crumbs(ctx, [{ label: w.navHome, href: href(ctx, '/') }, { label: w.datasetsTitle }]),
    body: html`<h1>${w.datasetsTitle}</h1>
      <p>${w.datasetsIntro}</p>
      ${datasets.map(
        (d) =>
          html`<section class="dataset" id="${d.id}" aria-labelledby="ds-${d.id}">
            <h2 id="ds-${d.id}">${d.title}</h2>
            ${d.description ? html`<p>${d.description}</p>` : ''}
            <dl class="facts">
              <div>
                <dt>${w.publisher}</dt>
                <dd>${d.publisher}</dd>
              </div>
              <div>
                <dt>${w.licence}</dt>
                <dd>${d.licence}</dd>
              </div>
              <div>
                <dt>${w.source}</dt>
                <dd><a href="${d.source}">${d.source}</a></dd>
              </div>
              <div>
                <dt>${w.version}</dt>
                <dd>${d.version}</dd>
              </div>
              ${
                d.modified
                  ? html`<div>
                      <dt>${w.modified}</dt>
                      <dd>${d.modified.slice(0, 10)}</dd>
                    </div>`
                  : ''
              }
              <div>
                <dt>${w.observations}</dt>
                <dd>${formatNumber(d.observations, 0, ctx.lang)}</dd>
              </div>
              <div>
                <dt>API</dt>
                <dd><a href="/api/v1/datasets/${d.id}">/api/v1/datasets/${d.id}</a></dd>
              </div>
            </dl>
          </section>`,
      )}`,
  });
}
