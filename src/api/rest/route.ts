import { withDeadline } from '../deadline.js';
import { createHash } from 'node:crypto';
import type { Context, Hono } from 'hono';
import type { z } from 'zod';
import { atLeast, visibilityKey, type Role } from '../../access/roles.js';
import { accessOf } from '../auth/context.js';
import { clip } from './params.js';
import { ProblemError, type InvalidParam } from './problem.js';

/** How a route's answer may be cached. */
export type CachePolicy =
  /** Depends on the stored data: ETag from the data version, revalidated after a minute. */
  | 'data'
  /** Fixed for the life of the process (the OpenAPI document). */
  | 'static'
  /** Never cached (health). */
  | 'none';

/** One documented response of a route. */
export interface ResponseSpec {
  description: string;
  /** Media type -> body schema (a named component, or an inline zod schema; null: binary or free-form). */
  content: Record<string, z.ZodType | string | null>;
}

/** What a handler gets: validated parameters (and JSON body) and the request context. */
export interface RouteInput<P, Q, B = Record<string, never>> {
  c: Context;
  params: P;
  query: Q;
  body: B;
}

/** HTTP methods a route may have (GET routes also answer HEAD). */
export type RouteMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/**
 * One GET route of /api/v1: the single description from which the router, the request validation
 * and the OpenAPI document are all made, so they cannot disagree.
 */
export interface RouteSpec<
  P extends z.ZodObject = z.ZodObject,
  Q extends z.ZodObject = z.ZodObject,
  B extends z.ZodObject = z.ZodObject,
> {
  /** Default GET. Anything else changes state: CSRF-checked for cookie sessions (src/api/auth). */
  method?: RouteMethod;
  /** Path below /api/v1 in OpenAPI form: '/datasets/{id}'. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  params?: P;
  query?: Q;
  /** The JSON request body (POST, PATCH), validated strictly like the query. */
  body?: B;
  /** Who may call it: a signed-in user of at least this role ('signed-in': any role). Default: everyone. */
  auth?: Role | 'signed-in';
  /** The success status (default 200; 201 for a creation). */
  okStatus?: number;
  /** The success response. */
  ok: ResponseSpec;
  /** Error statuses this route can answer besides 400 (e.g. 404). */
  errors?: number[];
  cache: CachePolicy;
  handle: (input: RouteInput<z.output<P>, z.output<Q>, z.output<B>>) => Promise<Response> | Response;
}

/** A route with its types erased, as the registry keeps it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRoute = RouteSpec<any, any, any>;

/** Declares a route (typed), for `mountRoutes` and the OpenAPI generator. */
export function route<P extends z.ZodObject, Q extends z.ZodObject, B extends z.ZodObject = z.ZodObject>(
  spec: RouteSpec<P, Q, B>,
): AnyRoute {
  return spec;
}

export interface MountOptions {
  /** The data version (changes whenever stored data change); part of every data ETag. */
  dataVersion: () => Promise<string>;
  /** Longest time a route may take before it answers 503. */
  queryTimeoutMs: number;
  /** Cache-Control max-age for data routes. */
  maxAgeSeconds: number;
  /** Bytes of answers kept in memory, keyed by ETag (0: none). */
  responseCacheBytes: number;
}

/**
 * Answers of data routes kept by their ETag: the ETag changes with the data version, so a kept
 * answer is exactly as fresh as a recomputed one. Least recently used answers leave first; the
 * total size is bounded.
 */
class ResponseCache {
  private readonly entries = new Map<string, { body: ArrayBuffer; headers: [string, string][] }>();
  private bytes = 0;
  constructor(private readonly capacity: number) {}
  get(key: string): Response | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    this.entries.delete(key);
    this.entries.set(key, hit);
    return new Response(hit.body, { headers: hit.headers });
  }
  async keep(key: string, response: Response): Promise<Response> {
    const body = await response.arrayBuffer();
    const headers: [string, string][] = [];
    response.headers.forEach((value, name) => headers.push([name, value]));
    if (body.byteLength <= this.capacity / 16) {
      this.entries.set(key, { body, headers });
      this.bytes += body.byteLength;
      for (const [oldest, entry] of this.entries) {
        if (this.bytes <= this.capacity) break;
        this.entries.delete(oldest);
        this.bytes -= entry.body.byteLength;
      }
    }
    return new Response(body, { status: response.status, headers });
  }
}

/** Registers the routes on `app` (mounted at /api/v1): validation, rights, ETag/304, time limit, 405 for other methods. */
export function mountRoutes(app: Hono, routes: readonly AnyRoute[], options: MountOptions): void {
  const cache = options.responseCacheBytes > 0 ? new ResponseCache(options.responseCacheBytes) : undefined;
  const methods = new Map<string, RouteMethod[]>();
  for (const spec of routes) {
    const honoPath = spec.path.replace(/\{(\w+)\}/g, ':$1');
    methods.set(honoPath, [...(methods.get(honoPath) ?? []), spec.method ?? 'GET']);
    app.on(spec.method ?? 'GET', honoPath, async (c) => {
      checkRights(c, spec);
      const params = validate(spec.params, c.req.param() as Record<string, string>, 'path');
      const query = validate(spec.query, readQuery(c.req.url), 'query');
      const body = spec.body ? await readBody(c, spec.body) : {};
      let etag: string | undefined;
      if (spec.cache === 'data') {
        const version = await options.dataVersion();
        // What the caller may see is part of the tag: an analyst's answer is never served to a reader.
        etag = `W/"${createHash('sha1')
          .update(`${version}\n${visibilityKey(accessOf(c))}\n${c.req.path}\n${stableJson(query)}`)
          .digest('base64url')
          .slice(0, 27)}"`;
        if (matches(c.req.header('if-none-match'), etag)) {
          return new Response(null, { status: 304, headers: cacheHeaders(spec.cache, etag, options) });
        }
      }
      const kept = etag ? cache?.get(etag) : undefined;
      let response =
        kept ??
        (await withDeadline(
          () => Promise.resolve(spec.handle({ c, params, query, body })),
          options.queryTimeoutMs,
          c.req.raw.signal,
        ));
      if (response.status === 200 && etag && cache && !kept) response = await cache.keep(etag, response);
      if (response.status === 200) {
        for (const [k, v] of Object.entries(cacheHeaders(spec.cache, etag, options)))
          response.headers.set(k, v);
      }
      return response;
    });
  }
  // The Dutch API design rules want 405 (not 404) for a method a resource does not support.
  for (const [honoPath, allowed] of methods) {
    const others = (['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const).filter(
      (m) => !allowed.includes(m as RouteMethod),
    );
    const allow = [...allowed, ...(allowed.includes('GET') ? ['HEAD'] : [])].join(', ');
    app.on([...others], honoPath, (c) => {
      throw new ProblemError(
        405,
        'Method not allowed',
        `${c.req.method} is not supported on ${c.req.path}; it answers ${allow}.`,
        [],
        { allow },
      );
    });
  }
}

/** 401 for an anonymous caller of a route that needs a user, 403 for a role too weak. */
function checkRights(c: Context, spec: AnyRoute): void {
  if (!spec.auth) return;
  const access = accessOf(c);
  if (!access.user)
    throw new ProblemError(
      401,
      'Sign-in required',
      `${spec.path} needs a signed-in user or an API token.`,
      [],
      {
        'www-authenticate': 'Bearer realm="udc"',
      },
    );
  if (spec.auth !== 'signed-in' && !atLeast(access.role, spec.auth))
    throw new ProblemError(
      403,
      'Forbidden',
      `${spec.path} needs the role ${spec.auth} or higher; you act as ${access.role}.`,
    );
}

/** The JSON body, validated strictly (unknown fields refused); 415 for anything but JSON. */
async function readBody(c: Context, schema: z.ZodObject): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  // Only JSON: a cross-site HTML form cannot send it without a CORS preflight this API refuses.
  if (!/^application\/json\b/i.test(type))
    throw new ProblemError(415, 'Unsupported media type', 'Send the body as application/json.');
  const text = await c.req.text();
  if (text.length > 200_000)
    throw new ProblemError(413, 'Body too large', 'A request body has at most 200,000 characters.');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ProblemError(400, 'Invalid body', 'The body is not valid JSON.');
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new ProblemError(400, 'Invalid body', 'The body must be a JSON object.');
  const parsed = schema.strict().safeParse(raw);
  if (parsed.success) return parsed.data;
  const reasons: InvalidParam[] = parsed.error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((k) => ({
          name: clip(k),
          reason: `unknown field; expected ${Object.keys(schema.shape).join(', ')}`,
        }))
      : [{ name: issue.path.join('.') || '(body)', reason: issue.message }],
  );
  throw new ProblemError(
    400,
    'Invalid body',
    reasons.map((r) => `${r.name}: ${r.reason}`).join('; '),
    reasons,
  );
}

function cacheHeaders(
  policy: CachePolicy,
  etag: string | undefined,
  options: MountOptions,
): Record<string, string> {
  if (policy === 'none') return { 'cache-control': 'no-store' };
  if (policy === 'static') return { 'cache-control': 'public, max-age=3600' };
  return {
    'cache-control': `public, max-age=${options.maxAgeSeconds}, must-revalidate`,
    ...(etag ? { etag } : {}),
  };
}

/** If-None-Match matches when it lists this ETag (weak comparison, RFC 9110 13.1.2) or is `*`. */
function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const bare = etag.replace(/^W\//, '');
  return header.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || tag.replace(/^W\//, '') === bare;
  });
}

/** Query parameters as one value each; a parameter given twice is an error, not a silent pick. */
function readQuery(url: string): Record<string, string> {
  // No prototype: a parameter called __proto__ is just an unknown parameter.
  const raw: Record<string, string> = Object.create(null) as Record<string, string>;
  const twice: InvalidParam[] = [];
  const search = url.indexOf('?');
  if (search < 0) return raw;
  for (const [key, value] of new URLSearchParams(url.slice(search + 1))) {
    if (Object.hasOwn(raw, key))
      twice.push({ name: clip(key), reason: 'given more than once; give it once' });
    raw[key] = value;
  }
  if (twice.length > 0) throw invalid('query', twice);
  return raw;
}

function validate<S extends z.ZodObject | undefined>(
  schema: S,
  raw: Record<string, string>,
  where: 'path' | 'query',
): S extends z.ZodObject ? z.output<S> : Record<string, never> {
  type Out = S extends z.ZodObject ? z.output<S> : Record<string, never>;
  if (!schema) {
    const extra = Object.keys(raw);
    if (extra.length > 0)
      throw invalid(
        where,
        extra.map((k) => ({ name: clip(k), reason: 'unknown parameter: this resource takes none' })),
      );
    return {} as Out;
  }
  const parsed = schema.strict().safeParse(raw);
  if (parsed.success) return parsed.data as Out;
  const known = Object.keys(schema.shape);
  const reasons: InvalidParam[] = [];
  for (const issue of parsed.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        reasons.push({
          name: clip(key),
          reason: `unknown parameter; this resource takes ${known.join(', ') || 'none'}`,
        });
    } else {
      const name = String(issue.path[0] ?? '');
      const given = raw[name];
      reasons.push({
        name,
        reason:
          issue.code === 'invalid_type' && given === undefined
            ? 'required'
            : `${issue.message}${given !== undefined && !issue.message.includes('"') ? `, got "${clip(given)}"` : ''}`,
      });
    }
  }
  throw invalid(where, reasons);
}

function invalid(where: 'path' | 'query', reasons: InvalidParam[]): ProblemError {
  return new ProblemError(
    where === 'path' ? 404 : 400,
    where === 'path' ? 'Not found' : 'Invalid query parameters',
    reasons.map((r) => `${r.name}: ${r.reason}`).join('; '),
    reasons,
  );
}

/** JSON with sorted keys, so the same query in another parameter order has the same ETag. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}
