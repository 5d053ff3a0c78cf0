/**
 * `/`: the data centers this installation serves, each with its name, logo, description and
 * region, linking to its own dashboard.
 */
import { html, type Html } from '../html.js';
import { layout, type PageContext } from '../layout.js';

export async function datacentersPage(ctx: PageContext): Promise<Html> {
  const w = ctx.words;
  const lang = ctx.lang === 'en' ? '?lang=en' : '';
  return layout(ctx, {
    title: w.datacentersTitle,
    body: html`<h1>${w.datacentersTitle}</h1>
      <p class="lead">${w.datacentersIntro}</p>
      <ul class="datacenters">
        ${ctx.datacenters.map(
          (d) =>
            html`<li>
              <a class="datacenter-card" href="/${d.id}/${lang}" data-datacenter="${d.id}">
                <img src="/api/v1${d.logo}" alt="" width="56" height="56" />
                <span class="theme-title">${d.name[ctx.lang]}</span>
                <span class="datacenter-description">${d.description[ctx.lang]}</span>
              </a>
            </li>`,
        )}
      </ul>`,
  });
}
