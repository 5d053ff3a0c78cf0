/**
 * The dashboard's routes on the app that also serves the API. Pages are rendered on the server
 * from the API's JSON (asked in-process), so tables, maps and charts work without script; the
 * small modules in assets/ only add tooltips, the PNG download and keyboard niceties.
 *
 * Every data center of the installation has its own path (/groningen/, /eindhoven/ ...); `/`
 * lists them, and the paths of before data centers existed (/indicator/..., /gebied/...) redirect
 * to the same page of the default data center, so old links keep working.
 */
import { Hono, type Context } from 'hono';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLIENT_ADDRESS_HEADER, clientAddress } from '../api/auth/middleware.js';
import { Api, ApiError, type ApiFetch, type DatacenterSummary, type Session } from './api.js';
import type { Basemap } from './basemap.js';
import { DATACENTER_NAME } from './datacenter.js';
import { compactWhitespace, html, type Html } from './html.js';
import { langOf, t } from './i18n.js';
import { crumbs, href, layout, type PageContext } from './layout.js';
import { correlationPage } from './pages/analysis.js';
import { areaPage } from './pages/area.js';
import { comparePage } from './pages/compare.js';
import { datacentersPage } from './pages/datacenters.js';
import { datasetsPage } from './pages/datasets.js';
import { homePage, searchPage } from './pages/home.js';
import { chartDocument, indicatorPage } from './pages/indicator.js';
import { loginPage } from './pages/login.js';
import { storiesPage, storyPage } from './pages/stories.js';
import { themePage } from './pages/theme.js';
import { typologyPage } from './pages/typology.js';
import { postRoutes } from './post.js';

const ASSETS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'assets');
const ASSET_TYPES: Record<string, string> = {
  'app.js': 'text/javascript; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
};
/** A path segment the pages accept as an id or code: nothing that could climb out of a path. */
const SEGMENT = /^[A-Za-z0-9_.-]{1,80}$/;

/**
 * The request headers that say who is asking, passed on to the in-process API call so a page shows
 * exactly what its reader may see (access control, issue 10), and where the request came from (a
 * TLS-terminating proxy), so the API sets cookies as it would for the reader's own request.
 */
export const CALLER_HEADERS = [
  'authorization',
  'cookie',
  'x-forwarded-proto',
  'x-forwarded-host',
  'x-forwarded-for',
] as const;

/** The pages below a data center's path (and the paths they had before data centers existed). */
const PAGE_PATHS = [
  '/zoek',
  '/thema',
  '/indicator',
  '/gebied',
  '/vergelijk',
  '/datasets',
  '/samenhang',
  '/typologie',
  '/verhalen',
  '/inloggen',
];

export interface WebOptions {
  /** The area maps and tables show outside a data center (NL01: the whole country). */
  scope?: string;
  /** The data center old links (/indicator/...) lead to; default: the one whose region is `scope`, else the first. */
  datacenter?: string;
  /** Tiles under the maps (basemapFromEnv in src/web/basemap.ts); without it nothing is loaded from another host. */
  basemap?: Basemap;
}

const ANONYMOUS: Session = { user: null, role: 'reader', via: 'anonymous', oidc: false };

/** The dashboard as a Hono app, reading the API through `fetchApi` (e.g. `(path, init) => app.request(path, init)`). */
export function webRoutes(fetchApi: ApiFetch, options: WebOptions = {}): Hono {
  const scope = options.scope ?? process.env.UDC_WEB_SCOPE ?? 'X_RGA';
  const web = new Hono();

  const callerHeaders = (c: Context): Record<string, string> => {
    const headers: Record<string, string> = {};
    for (const name of CALLER_HEADERS) {
      const value = c.req.header(name);
      if (value) headers[name] = value;
    }
    // The API is asked in-process, where it cannot see the reader's address; the sign-in rate
    // limit needs it (clientAddress trusts this header only on in-process requests).
    headers[CLIENT_ADDRESS_HEADER] = clientAddress(c, false);
    return headers;
  };

  /** The page context of a request: language, API client, data centers, the current one, the reader. */
  const context = async (c: Context, dcName?: string): Promise<PageContext | undefined> => {
    const lang = langOf(c.req.query('lang'));
    const headers = callerHeaders(c);
    const api = new Api((path) => fetchApi(path, { headers }));
    const [datacenters, session] = await Promise.all([
      api.datacenters(),
      api.session().catch(() => ANONYMOUS),
    ]);
    const ctx: PageContext = {
      lang,
      words: t(lang),
      url: new URL(c.req.url),
      api,
      base: '',
      datacenters,
      session,
      ...(options.basemap ? { basemap: options.basemap } : {}),
    };
    if (dcName === undefined) return ctx;
    const summary = datacenters.find((d) => d.id === dcName);
    if (!summary) return undefined;
    // The selection and region name; the summary alone still makes a working page.
    const detail = await api.datacenter(dcName).catch(() => null);
    return { ...ctx, base: `/${dcName}`, datacenter: { ...summary, ...(detail ?? {}) } };
  };

  const defaultDatacenter = (list: DatacenterSummary[]): DatacenterSummary | undefined =>
    list.find((d) => d.id === (options.datacenter ?? process.env.UDC_WEB_DATACENTER)) ??
    list.find((d) => d.region === scope) ??
    list[0];

  /** Renders a page, turning API problems into a page in the reader's language (never a crash). */
  const render = async (
    c: Context,
    ctx: PageContext,
    draw: (ctx: PageContext, c: Context) => Promise<Html>,
  ) => {
    try {
      return c.html(compactWhitespace((await draw(ctx, c)).text));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      return c.html(errorPage(ctx, error).text, error.status === 404 ? 404 : error.status < 500 ? 400 : 502);
    }
  };

  /**
   * A page of a data center at `/:dc<path>`, and at `<path>` the redirect from the old address to
   * the default data center (or, in an installation without data centers, the page itself).
   */
  const page = (path: string, draw: (ctx: PageContext, c: Context, scope: string) => Promise<Html>) => {
    web.get(`/:dc{[a-z][a-z0-9-]{0,39}}${path}`, async (c, next) => {
      const ctx = await context(c, c.req.param('dc'));
      if (!ctx) return next();
      return render(c, ctx, (x) => draw(x, c, ctx.datacenter!.region));
    });
    if (path === '/') return;
    web.get(path, async (c) => {
      const ctx = (await context(c))!;
      const target = defaultDatacenter(ctx.datacenters);
      if (target) {
        const url = new URL(c.req.url);
        return c.redirect(`/${target.id}${url.pathname}${url.search}`, 302);
      }
      return render(c, ctx, (x) => draw(x, c, scope));
    });
  };
  const segment = (c: Context, name: string) => {
    const value = c.req.param(name) ?? '';
    if (!SEGMENT.test(value))
      throw new ApiError(404, t(langOf(c.req.query('lang'))).notFound, value.slice(0, 80));
    return value;
  };

  // Assets first: their path must never be read as a data center's.
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

  // `/`: the data centers of this installation (outside any data center: the themes, as before).
  web.get('/', async (c) => {
    const ctx = (await context(c))!;
    if (ctx.datacenters.length === 0) return render(c, ctx, (x) => homePage(x));
    return render(c, ctx, (x) => datacentersPage(x));
  });
  web.get('/:dc{[a-z][a-z0-9-]{0,39}}', async (c, next) => {
    const name = c.req.param('dc');
    if (!DATACENTER_NAME.test(name) || PAGE_PATHS.includes(`/${name}`)) return next();
    const ctx = await context(c, name);
    if (!ctx) return next();
    const url = new URL(c.req.url);
    return c.redirect(`/${name}/${url.search}`, 301);
  });

  page('/', (ctx) => homePage(ctx));
  page('/zoek', (ctx) => searchPage(ctx));
  page('/thema/:id', (ctx, c) => themePage(ctx, segment(c, 'id')));
  page('/indicator/:id', (ctx, c, s) => indicatorPage(ctx, segment(c, 'id'), s));
  page('/gebied/:code', (ctx, c, s) => areaPage(ctx, segment(c, 'code').toUpperCase(), s));
  page('/vergelijk', (ctx, _c, s) => comparePage(ctx, s));
  page('/datasets', (ctx) => datasetsPage(ctx));
  page('/samenhang', (ctx, _c, s) => correlationPage(ctx, s));
  page('/typologie', (ctx, _c, s) => typologyPage(ctx, s));
  page('/verhalen', (ctx) => storiesPage(ctx));
  page('/verhalen/:id', (ctx, c) => storyPage(ctx, segment(c, 'id')));
  page('/inloggen', (ctx) => loginPage(ctx));

  // The chart as a file: at a data center's path and, for old links, without.
  const chartFile = async (c: Context, ctx: PageContext, s: string) => {
    try {
      const svg = await chartDocument(ctx, segment(c, 'id'), s);
      return c.body(svg, 200, {
        'content-type': 'image/svg+xml; charset=utf-8',
        'content-disposition': `attachment; filename="${segment(c, 'id')}.svg"`,
      });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      return c.html(errorPage(ctx, error).text, error.status === 404 ? 404 : 400);
    }
  };
  web.get('/:dc{[a-z][a-z0-9-]{0,39}}/indicator/:id/grafiek.svg', async (c, next) => {
    const ctx = await context(c, c.req.param('dc'));
    if (!ctx) return next();
    return chartFile(c, ctx, ctx.datacenter!.region);
  });
  web.get('/indicator/:id/grafiek.svg', async (c) => {
    const ctx = (await context(c))!;
    const target = defaultDatacenter(ctx.datacenters);
    return chartFile(
      c,
      target ? { ...ctx, datacenter: target, base: `/${target.id}` } : ctx,
      target?.region ?? scope,
    );
  });

  // Signing in and out, writing notes: forms posted to the data center's path (post.ts).
  postRoutes(web, fetchApi, {
    context: (c) => context(c, c.req.param('dc')),
    callerHeaders,
    render,
    errorPage,
  });
  return web;
}

export function errorPage(ctx: PageContext, error: ApiError): Html {
  const w = ctx.words;
  const title =
    error.status === 404
      ? w.notFound
      : error.status === 403 || error.status === 401
        ? w.forbidden
        : error.status < 500
          ? w.badRequest
          : w.unavailable;
  return layout(ctx, {
    title,
    crumbs: crumbs(ctx, [{ label: w.navHome, href: href(ctx, '/') }, { label: title }]),
    body: html`<h1>${title}</h1>
      <p>${error.detail || error.title}</p>
      <p><a href="${href(ctx, '/')}">${w.back}</a></p>`,
  });
}
