import { RequestStopped } from '../deadline.js';
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import type { Store } from '../../store/index.js';
import { accessSettings, type AccessOptions, type AccessSettings } from '../auth/middleware.js';
import { authRoutes } from '../auth/routes.js';
import { annotationRoutes } from './routes/annotations.js';
import { API_VERSION, openApiDocument } from './openapi.js';
import { ProblemError, problem, problemOf } from './problem.js';
import { mountRoutes, route, type AnyRoute } from './route.js';
import { datasetRoutes } from './routes/datasets.js';
import { exportRoutes } from './routes/exports.js';
import { indicatorRoutes } from './routes/indicators.js';
import { regionRoutes } from './routes/regions.js';
import { valueRoutes } from './routes/values.js';
import { analysisRoutes } from './routes/analysis.js';
import { datacenterRoutes } from './routes/datacenters.js';
import { dataVersion } from './version.js';

export interface RestOptions {
  /** Longest a request may take before it is answered 503 (default 10 s). */
  queryTimeoutMs?: number;
  /** Most values one export may hold (default 200,000). */
  maxExportRows?: number;
  /** Memory for answers kept by ETag (default 64 MB; 0 turns the cache off). */
  responseCacheBytes?: number;
  /** Exports built at the same time; more are answered 429 (default 2). */
  maxConcurrentExports?: number;
  /** Cache-Control max-age of data answers (default 60 s; clients revalidate with the ETag). */
  maxAgeSeconds?: number;
  /** Users, sessions, sign-in and OpenID Connect (docs/access.md). */
  access?: AccessOptions;
}

/** Every route of /api/v1, in the order of the OpenAPI document. */
export function restRoutes(
  store: Store,
  options: RestOptions = {},
  settings: AccessSettings = accessSettings(options.access),
): AnyRoute[] {
  const routes: AnyRoute[] = [
    route({
      path: '/health',
      operationId: 'health',
      summary: 'Liveness and schema version',
      tag: 'meta',
      ok: { description: 'The server runs.', content: { 'application/json': 'Health' } },
      cache: 'none',
      handle: async ({ c }) => {
        const row = await store.one<{ version: number }>(
          'SELECT max(version) AS version FROM schema_migration',
        );
        return c.json({ status: 'ok', schemaVersion: row?.version ?? 0 });
      },
    }),
    ...datasetRoutes(store),
    ...indicatorRoutes(store),
    ...regionRoutes(store),
    ...valueRoutes(store),
    ...datacenterRoutes(store),
    ...analysisRoutes(store),
    ...exportRoutes(store, {
      maxExportRows: options.maxExportRows ?? 200_000,
      maxConcurrentExports: options.maxConcurrentExports ?? 2,
    }),
    ...annotationRoutes(store),
    ...authRoutes(store, settings),
  ];
  let document: string | undefined;
  routes.push(
    route({
      path: '/openapi.json',
      operationId: 'openapi',
      summary: 'This document (OpenAPI 3.1)',
      tag: 'meta',
      ok: { description: 'The OpenAPI 3.1 document.', content: { 'application/json': null } },
      cache: 'static',
      handle: () => {
        document ??= JSON.stringify(openApiDocument(routes));
        return new Response(document, { headers: { 'content-type': 'application/json' } });
      },
    }),
  );
  return routes;
}

/**
 * The REST API (mount at /api/v1): NL API Design Rules — plural nouns, lowercase paths, camelCase
 * fields, problem+json errors, an API-Version header, paging links, OpenAPI 3.1 at /openapi.json.
 */
export function restApi(
  store: Store,
  options: RestOptions = {},
  settings: AccessSettings = accessSettings(options.access),
): Hono {
  const api = new Hono();
  api.use(
    '*',
    cors({
      origin: '*',
      allowMethods: ['GET', 'HEAD'],
      exposeHeaders: ['ETag', 'Link', 'Content-Disposition', 'API-Version'],
    }),
  );
  api.use('*', async (c, next) => {
    await next();
    c.res.headers.set('api-version', API_VERSION);
  });
  mountRoutes(api, restRoutes(store, options, settings), {
    dataVersion: dataVersion(store),
    queryTimeoutMs: options.queryTimeoutMs ?? 10_000,
    maxAgeSeconds: options.maxAgeSeconds ?? 60,
    responseCacheBytes: options.responseCacheBytes ?? 64 * 2 ** 20,
  });
  api.onError((error, c) => errorResponse(error, c.req.path));
  return api;
}

/** A thrown ProblemError as its problem document; anything else as a 500 that leaks nothing. */
export function errorResponse(error: unknown, path: string): Response {
  if (error instanceof ProblemError) return problemOf(path, error);
  if (error instanceof RequestStopped) {
    return error.reason === 'timeout'
      ? problem(path, 503, 'Query took too long', error.message, [], { 'retry-after': '5' })
      : problem(path, 499, 'Client closed request', error.message);
  }
  // A defect must not take the server down or leak internals; the message stays in the log.
  console.error(error);
  return problem(path, 500, 'Internal error', 'The request could not be answered.');
}
