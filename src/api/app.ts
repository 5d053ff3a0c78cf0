import { Hono } from 'hono';
import { compress } from 'hono/compress';
import type { Store } from '../store/index.js';
import { errorResponse, restApi, type RestOptions } from './rest/index.js';
import { problem } from './rest/problem.js';
import { webRoutes, type WebOptions } from '../web/routes.js';
import { odataRoutes } from './odata/index.js';
import { statlineRoutes } from './statline/index.js';
import { catalogRoutes } from './catalog/index.js';
import { accessMiddleware, accessSettings } from './auth/middleware.js';

export { problem };

export type AppOptions = RestOptions & {
  /** The dashboard's settings (src/web/routes.ts), e.g. the optional basemap. */
  web?: WebOptions;
};

/**
 * The HTTP application: one Hono app so tests can call it in-process or over real HTTP. Each
 * published interface is mounted here with one line. The access middleware comes first: it puts
 * the caller's access context on every request, and every interface serves only what that
 * context may see (src/access/roles.ts); data the caller may not see do not exist for them.
 */
export function createApp(store: Store, options: AppOptions = {}): Hono {
  const app = new Hono();
  const access = accessSettings(options.access);
  app.use('*', compress());
  app.use('*', accessMiddleware(store, access));

  app.route('/api/v1', restApi(store, options, access));
  app.route('/odata/v4', odataRoutes(store, { queryTimeoutMs: options.queryTimeoutMs }));
  app.route('/', statlineRoutes(store, { queryTimeoutMs: options.queryTimeoutMs }));
  app.route('/', catalogRoutes(store));

  // The dashboard (src/web) reads the API in-process through this same app.
  app.route(
    '/',
    webRoutes((path, init) => app.request(path, init), options.web),
  );

  app.notFound((c) => problem(c.req.path, 404, 'Not found', `Nothing is published at ${c.req.path}.`));
  app.onError((error, c) => errorResponse(error, c.req.path));
  return app;
}
