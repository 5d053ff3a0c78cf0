import type { Api } from './api.js';
import { html, raw, type Html } from './html.js';
import { t, type Lang } from './i18n.js';

/** What every page handler gets: the language, its words, the request URL and the API. */
export interface PageContext {
  lang: Lang;
  words: ReturnType<typeof t>;
  url: URL;
  api: Api;
}

/**
 * A link inside the dashboard that keeps the language: English pages link to English pages.
 * Empty parameters are left out so URLs stay short and canonical.
 */
export function href(
  ctx: Pick<PageContext, 'lang'>,
  path: string,
  params: Record<string, string | number | undefined | null> = {},
): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  if (ctx.lang === 'en') search.set('lang', 'en');
  const text = search.toString();
  return text ? `${path}?${text}` : path;
}

/** The same view in the other language: only `lang` changes, the rest of the state stays. */
function otherLanguage(ctx: PageContext): string {
  const url = new URL(ctx.url);
  if (ctx.lang === 'en') url.searchParams.delete('lang');
  else url.searchParams.set('lang', 'en');
  return url.pathname + url.search;
}

/** The page around the content: skip link, header with navigation and language switch, main, footer. */
export function layout(ctx: PageContext, page: { title: string; body: Html; crumbs?: Html }): Html {
  const w = ctx.words;
  const other: Lang = ctx.lang === 'en' ? 'nl' : 'en';
  return html`<!doctype html>
    <html lang="${ctx.lang}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${page.title} — udc</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href="/assets/style.css" />
        <script type="module" src="/assets/app.js"></script>
      </head>
      <body>
        <a class="skip-link" href="#inhoud">${w.skip}</a>
        <header class="site-header">
          <a class="site-name" href="${href(ctx, '/')}">${w.siteName}</a>
          <nav aria-label="${w.navMain}">
            <ul>
              <li><a href="${href(ctx, '/')}">${w.navHome}</a></li>
              <li><a href="${href(ctx, '/vergelijk')}">${w.navCompare}</a></li>
              <li><a href="${href(ctx, '/datasets')}">${w.navDatasets}</a></li>
              <li><a href="/api/v1/openapi.json">${w.api}</a></li>
              <li>
                <a
                  class="lang-switch"
                  href="${otherLanguage(ctx)}"
                  hreflang="${other}"
                  lang="${other}"
                  aria-label="${t(other).otherLanguageLabel}"
                  >${w.otherLanguage}</a
                >
              </li>
            </ul>
          </nav>
        </header>
        ${page.crumbs ?? raw('')}
        <main id="inhoud" tabindex="-1">${page.body}</main>
        <footer class="site-footer"><p>${w.footer}</p></footer>
      </body>
    </html>`;
}

/** A breadcrumb trail: Home › ... › current page. */
export function crumbs(ctx: PageContext, trail: { label: string; href?: string }[]): Html {
  const label = ctx.lang === 'en' ? 'Breadcrumb' : 'Kruimelpad';
  return html`<nav class="crumbs" aria-label="${label}">
    <ol>
      ${trail.map((c) =>
        c.href
          ? html`<li><a href="${c.href}">${c.label}</a></li>`
          : html`<li aria-current="page">${c.label}</li>`,
      )}
    </ol>
  </nav>`;
}
