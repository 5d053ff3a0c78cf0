import type { Api, Datacenter, DatacenterSummary, Session } from './api.js';
import type { Basemap } from './basemap.js';
import { branding, switchHref } from './datacenter.js';
import { html, raw, type Html } from './html.js';
import { roleName, t, type Lang } from './i18n.js';

/** What every page handler gets: the language, its words, the request URL and the API. */
export interface PageContext {
  lang: Lang;
  words: ReturnType<typeof t>;
  url: URL;
  api: Api;
  /** The path of the data center the page belongs to ('/groningen'); '' outside any. */
  base: string;
  /** That data center (with its selection when the API gave it), or undefined outside any. */
  datacenter?: DatacenterSummary & Partial<Datacenter>;
  /** Every data center of the installation, for the switch. */
  datacenters: DatacenterSummary[];
  /** Who is reading (anonymous: user null); the CSRF token of a signed-in browser session. */
  session: Session;
  /** The configured basemap under the maps (UDC_BASEMAP_URL); undefined: none, fully offline. */
  basemap?: Basemap;
}

/** May the reader write, reply to and publish notes (analysts and up, signed in)? */
export function canWrite(ctx: Pick<PageContext, 'session'>): boolean {
  return ctx.session.user !== null && ['analyst', 'steward', 'administrator'].includes(ctx.session.role);
}

/**
 * A link inside the dashboard that keeps the data center and the language: English pages link to
 * English pages. Empty parameters are left out so URLs stay short and canonical.
 */
export function href(
  ctx: Pick<PageContext, 'lang'> & { base?: string },
  path: string,
  params: Record<string, string | number | undefined | null> = {},
): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  if (ctx.lang === 'en') search.set('lang', 'en');
  const text = search.toString();
  const full = `${ctx.base ?? ''}${path}`;
  return text ? `${full}?${text}` : full;
}

/** The hidden fields every form of a signed-in reader carries: the CSRF token and the language. */
export function formFields(ctx: PageContext, back?: string): Html {
  return html`${ctx.session.csrfToken ? html`<input type="hidden" name="_csrf" value="${ctx.session.csrfToken}" />` : ''}
  ${back ? html`<input type="hidden" name="terug" value="${back}" />` : ''}
  ${ctx.lang === 'en' ? html`<input type="hidden" name="lang" value="en" />` : ''}`;
}

/** The data center's colours as custom properties (only colours that keep AA contrast, see datacenter.ts). */
function brandStyle(ctx: PageContext): Html {
  if (!ctx.datacenter) return html``;
  const b = branding(ctx.datacenter.colours);
  return raw(`<style>:root{--band:${b.band};--accent:${b.accent}}</style>`);
}

/** The switch between data centers: the same view in each (datacenter.ts: switchHref). */
function datacenterSwitch(ctx: PageContext): Html {
  if (ctx.datacenters.length < 2 || !ctx.datacenter) return html``;
  const current = ctx.datacenter.id;
  return html`<nav class="dc-switch" aria-label="${ctx.words.switchLabel}">
    <span class="dc-switch-label" aria-hidden="true">${ctx.words.switchLabel}:</span>
    <ul>
      ${ctx.datacenters.map((d) =>
        d.id === current
          ? html`<li><a href="${href(ctx, '/')}" aria-current="true">${d.name[ctx.lang]}</a></li>`
          : html`<li>
              <a href="${switchHref(ctx.url, current, d)}" data-datacenter="${d.id}">${d.name[ctx.lang]}</a>
            </li>`,
      )}
    </ul>
  </nav>`;
}

/** Sign in, or who is signed in and the sign-out button (a form: signing out changes state). */
function account(ctx: PageContext): Html {
  const w = ctx.words;
  if (!ctx.datacenter) return html``;
  const back = ctx.url.pathname + ctx.url.search;
  if (!ctx.session.user)
    return html`<li><a href="${href(ctx, '/inloggen', { terug: back })}">${w.signIn}</a></li>`;
  return html`<li class="account">
    <span
      >${w.signedInAs(ctx.session.user.displayName ?? ctx.session.user.name, roleName(ctx.session.role, ctx.lang))}</span
    >
    <form method="post" action="${ctx.base}/uitloggen" class="inline-form">
      ${formFields(ctx)}
      <button type="submit" class="link-button">${w.signOut}</button>
    </form>
  </li>`;
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
        ${brandStyle(ctx)}
        <script type="module" src="/assets/app.js"></script>
      </head>
      <body>
        <a class="skip-link" href="#inhoud">${w.skip}</a>
        <header class="site-header">
          <a class="site-name" href="${href(ctx, '/')}"
            >${ctx.datacenter ? html`<img class="logo" src="/api/v1${ctx.datacenter.logo}" alt="" width="40" height="40" />` : ''}<span
              >${ctx.datacenter ? ctx.datacenter.name[ctx.lang] : w.siteName}</span
            ></a
          >
          <nav aria-label="${w.navMain}">
            <ul>
              ${
                ctx.datacenter
                  ? html`<li><a href="${href(ctx, '/')}">${w.navHome}</a></li>
                      <li><a href="${href(ctx, '/vergelijk')}">${w.navCompare}</a></li>
                      <li><a href="${href(ctx, '/typologie')}">${w.navTypology}</a></li>
                      <li><a href="${href(ctx, '/verhalen')}">${w.navStories}</a></li>
                      <li><a href="${href(ctx, '/datasets')}">${w.navDatasets}</a></li>`
                  : ''
              }
              <li><a href="/api/v1/openapi.json">${w.api}</a></li>
              ${account(ctx)}
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
        ${datacenterSwitch(ctx)} ${page.crumbs ?? raw('')}
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
