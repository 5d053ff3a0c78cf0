/**
 * The dashboard's forms that change something: sign in, sign out, write a note, reply, publish.
 * Each is an ordinary HTML form posted to the data center's path (it works without script); the
 * handler turns it into the one API call that does the work, in-process, with the reader's
 * cookie and the CSRF token the form carried in the header the API checks, and answers with a
 * redirect back to the page (303, so a reload does not post again) or a page saying what failed.
 * The API decides everything (rights, validation, CSRF): this file only translates.
 */
import type { Context, Hono } from 'hono';
import { ApiError, send, type ApiFetch, type Sent } from './api.js';
import type { Html } from './html.js';
import { href, type PageContext } from './layout.js';
import { loginPage } from './pages/login.js';

const DC = '/:dc{[a-z][a-z0-9-]{0,39}}';
const NOTE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface PostHelpers {
  context: (c: Context) => Promise<PageContext | undefined>;
  callerHeaders: (c: Context) => Record<string, string>;
  render: (
    c: Context,
    ctx: PageContext,
    draw: (ctx: PageContext, c: Context) => Promise<Html>,
  ) => Promise<Response>;
  errorPage: (ctx: PageContext, error: ApiError) => Html;
}

/** A form field as text (a file or a missing field is empty), cut to `max` characters. */
function field(form: Record<string, unknown>, name: string, max = 20_000): string {
  const value = form[name];
  return typeof value === 'string' ? value.slice(0, max) : '';
}

/** Where to go after a form: a path inside this data center only (never another site). */
export function backTo(ctx: Pick<PageContext, 'base' | 'lang'>, text: string): string {
  if (
    /^\/(?![/\\])[\x21-\x7e]*$/.test(text) &&
    (text === ctx.base || text.startsWith(`${ctx.base}/`) || text.startsWith(`${ctx.base}?`))
  )
    return text;
  return href(ctx, '/');
}

/**
 * Done: back to the page. A plain form gets a 303 redirect; the page's script (which asks for
 * JSON) gets the address, since a followed redirect would lose the fragment (#notitie-...).
 */
function done(c: Context, location: string): Response {
  if (/\bapplication\/json\b/.test(c.req.header('accept') ?? '')) return c.json({ location });
  return c.redirect(location, 303);
}

export function postRoutes(web: Hono, fetchApi: ApiFetch, helpers: PostHelpers): void {
  /** The API call of a form, with the reader's cookie and the CSRF token (header from script, else the form field). */
  const call = async (
    c: Context,
    form: Record<string, unknown>,
    method: 'POST' | 'PATCH' | 'DELETE',
    path: string,
    body?: unknown,
  ): Promise<Sent> => {
    const headers = helpers.callerHeaders(c);
    const csrf = c.req.header('x-csrf-token') ?? field(form, '_csrf', 200);
    if (csrf) headers['x-csrf-token'] = csrf;
    // The reader's own origin, so the API sets cookies as for a direct request (Secure over https).
    const url = new URL(`/api/v1${path}`, c.req.url).toString();
    return send(fetchApi, method, url, body, headers);
  };

  /** A failed call as a page in the reader's language, with the API's explanation. */
  const failed = (c: Context, ctx: PageContext, sent: Sent) => {
    const problem = (sent.body ?? {}) as { title?: string; detail?: string };
    const error = new ApiError(sent.status, problem.title ?? 'Error', problem.detail ?? '');
    const status =
      sent.status === 401 || sent.status === 403 || sent.status === 404
        ? sent.status
        : sent.status < 500
          ? 400
          : 502;
    return c.html(helpers.errorPage(ctx, error).text, status as 400);
  };

  /** A handler of a form: the page context (404 outside a data center) and the parsed form. */
  const form =
    (handle: (c: Context, ctx: PageContext, form: Record<string, unknown>) => Promise<Response>) =>
    async (c: Context, next: () => Promise<void>) => {
      const ctx = await helpers.context(c);
      if (!ctx) return next();
      const type = c.req.header('content-type') ?? '';
      if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(type))
        return c.html(
          helpers.errorPage(ctx, new ApiError(415, ctx.words.badRequest, ctx.words.formOnly)).text,
          415,
        );
      const parsed = (await c.req.parseBody()) as Record<string, unknown>;
      return handle(c, ctx, parsed);
    };

  web.post(
    `${DC}/inloggen`,
    form(async (c, ctx, f) => {
      const name = field(f, 'name', 64);
      const back = backTo(ctx, field(f, 'terug', 500));
      const sent = await call(c, f, 'POST', '/session', { name, password: field(f, 'password', 1024) });
      if (sent.status !== 200) {
        const retry = sent.status === 429 ? ((sent.body as { detail?: string })?.detail ?? '') : '';
        const message =
          sent.status === 401
            ? ctx.words.signInFailed
            : sent.status === 429
              ? `${ctx.words.signInTooMany} ${retry}`
              : ctx.words.unavailable;
        const response = await helpers.render(c, ctx, (x) => loginPage(x, { error: message, name, back }));
        return new Response(response.body, {
          status: sent.status === 429 ? 429 : 401,
          headers: response.headers,
        });
      }
      const response = done(c, back);
      for (const cookie of sent.setCookie) response.headers.append('set-cookie', cookie);
      return response;
    }),
  );

  web.post(
    `${DC}/uitloggen`,
    form(async (c, ctx, f) => {
      const sent = await call(c, f, 'DELETE', '/session');
      if (sent.status !== 204 && sent.status !== 401) return failed(c, ctx, sent);
      const response = done(c, href(ctx, '/'));
      for (const cookie of sent.setCookie) response.headers.append('set-cookie', cookie);
      return response;
    }),
  );

  web.post(
    `${DC}/notities`,
    form(async (c, ctx, f) => {
      const body: Record<string, string> = {
        body: field(f, 'body'),
        status: field(f, 'status') === 'published' ? 'published' : 'draft',
      };
      for (const key of ['indicator', 'region', 'period'] as const) {
        const value = field(f, key, 100);
        if (value) body[key] = value;
      }
      const sent = await call(c, f, 'POST', '/annotations', body);
      if (sent.status !== 201) return failed(c, ctx, sent);
      return done(c, `${backTo(ctx, field(f, 'terug', 500))}#notitie-${(sent.body as { id: string }).id}`);
    }),
  );

  web.post(
    `${DC}/notities/:id/:action{antwoord|publiceren}`,
    form(async (c, ctx, f) => {
      const id = c.req.param('id') ?? '';
      if (!NOTE_ID.test(id))
        return c.html(
          helpers.errorPage(ctx, new ApiError(404, ctx.words.notFound, id.slice(0, 40))).text,
          404,
        );
      const back = backTo(ctx, field(f, 'terug', 500));
      if (c.req.param('action') === 'publiceren') {
        const sent = await call(c, f, 'PATCH', `/annotations/${id}`, { status: 'published' });
        if (sent.status !== 200) return failed(c, ctx, sent);
        return done(c, `${back}#notitie-${id}`);
      }
      const sent = await call(c, f, 'POST', '/annotations', {
        parent: id,
        body: field(f, 'body'),
        status: field(f, 'status') === 'published' ? 'published' : 'draft',
      });
      if (sent.status !== 201) return failed(c, ctx, sent);
      return done(c, `${back}#notitie-${(sent.body as { id: string }).id}`);
    }),
  );
}
