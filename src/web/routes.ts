/**
 * The dashboard's routes on the app that also serves the API. Pages are rendered on the server
 * from the API's JSON (asked in-process), so tables, maps and charts work without script; the
 * small modules in assets/ only add tooltips, the PNG download and keyboard niceties.
 */
import { Hono, type Context } from 'hono';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Api, ApiError, type ApiFetch } from './api.js';
import { compactWhitespace, html, type Html } from './html.js';
import { langOf, t } from './i18n.js';
import { crumbs, href, layout, type PageContext } from './layout.js';
import { areaPage } from './pages/area.js';
import { comparePage } from './pages/compare.js';
import { datasetsPage } from './pages/datasets.js';
import { homePage, searchPage } from './pages/home.js';
import { chartDocument, indicatorPage } from './pages/indicator.js';
import { themePage } from './pages/theme.js';

const ASSETS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'assets');
const ASSET_TYPES: Record<string, string> = {
  'app.js': 'text/javascript; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
};
/** A path segment the pages accept as an id or code: nothing that could climb out of a path. */
const SEGMENT = /^[A-Za-z0-9_.-]{1,80}$/;

/**
 * The request headers that say who is asking, passed on to the in-process API call so a page shows
 * exactly what its reader may see (access control, issue 10). Only GETs are made, which need no
 * CSRF token.
 */
const CALLER_HEADERS = ['authorization', 'cookie'] as const;

export interface WebOptions {
  /** The area maps and tables show by default: the data center's own region (NL01: the whole country). */
  scope?: string;
}

/** The dashboard as a Hono app, reading the API through `fetchApi` (e.g. `(path) => app.request(path)`). */
export function webRoutes(fetchApi: ApiFetch, options: WebOptions = {}): Hono {
  const scope = options.scope ?? process.env.UDC_WEB_SCOPE ?? 'X_RGA';
  const web = new Hono();

  const context = (c: Context): PageContext => {
    const lang = langOf(c.req.query('lang'));
    const headers: Record<string, string> = {};
    for (const name of CALLER_HEADERS) {
      const value = c.req.header(name);
      if (value) headers[name] = value;
    }
    const api = new Api((path) => fetchApi(path, { headers }));
    return { lang, words: t(lang), url: new URL(c.req.url), api };
  };

  /** Renders a page, turning API problems into a page in the reader's language (never a crash). */
  const page = (render: (ctx: PageContext, c: Context) => Promise<Html>) => async (c: Context) => {
    const ctx = context(c);
    try {
      return c.html(compactWhitespace((await render(ctx, c)).text));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      return c.html(errorPage(ctx, error).text, error.status === 404 ? 404 : error.status < 500 ? 400 : 502);
    }
  };
  const segment = (c: Context, name: string) => {
    const value = c.req.param(name) ?? '';
    if (!SEGMENT.test(value))
      throw new ApiError(404, t(langOf(c.req.query('lang'))).notFound, value.slice(0, 80));
    return value;
  };

  web.get(
    '/',
    page((ctx) => homePage(ctx)),
  );
  web.get(
    '/zoek',
    page((ctx) => searchPage(ctx)),
  );
  web.get(
    '/thema/:id',
    page((ctx, c) => themePage(ctx, segment(c, 'id'))),
  );
  web.get(
    '/indicator/:id',
    page((ctx, c) => indicatorPage(ctx, segment(c, 'id'), scope)),
  );
  web.get('/indicator/:id/grafiek.svg', async (c) => {
    const ctx = context(c);
    try {
      const svg = await chartDocument(ctx, segment(c, 'id'), scope);
      return c.body(svg, 200, {
        'content-type': 'image/svg+xml; charset=utf-8',
        'content-disposition': `attachment; filename="${segment(c, 'id')}.svg"`,
      });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      return c.html(errorPage(ctx, error).text, error.status === 404 ? 404 : 400);
    }
  });
  web.get(
    '/gebied/:code',
    page((ctx, c) => areaPage(ctx, segment(c, 'code').toUpperCase(), scope)),
  );
  web.get(
    '/vergelijk',
    page((ctx) => comparePage(ctx, scope)),
  );
  web.get(
    '/datasets',
    page((ctx) => datasetsPage(ctx)),
  );

  const assets = new Map<string, string>();
  web.get('/assets/:file', async (c) => {
    const file = c.req.param('file');
    const type = ASSET_TYPES[file];
    if (!type) return c.notFound();
    // Read once per process: the files ship with the code and change only with it.
    let body = assets.get(file);
    if (body === undefined) {
      body = await readFile(join(ASSETS_DIR, file), 'utf8');
      assets.set(file, body);
    }
    return c.body(body, 200, { 'content-type': type, 'cache-control': 'public, max-age=300' });
  });
  return web;
}

function errorPage(ctx: PageContext, error: ApiError): Html {
  const w = ctx.words;
  const title = error.status === 404 ? w.notFound : error.status < 500 ? w.badRequest : w.unavailable;
  return layout(ctx, {
    title,
    crumbs: crumbs(ctx, [{ label: w.navHome, href: href(ctx, '/') }, { label: title }]),
    body: html`<h1>${title}</h1>
      <p>${error.detail || error.title}</p>
      <p><a href="${href(ctx, '/')}">${w.back}</a></p>`,
  });
}
