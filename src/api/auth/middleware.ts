/**
 * The access middleware: once per request it works out who is asking (an API token in
 * `Authorization: Bearer`, a session cookie, or nobody) and puts that access context on the Hono
 * context, where every interface reads it (accessOf). It also guards every state-changing
 * request: a cookie session must send its CSRF token (synchronizer token, X-CSRF-Token header),
 * and a browser request from another origin is refused.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { getCookie } from 'hono/cookie';
import { OidcClient, type OidcConfig, type PendingLogin } from '../../access/oidc.js';
import { DEFAULT_LOGIN_LIMIT, LoginLimiter, type LoginLimitPolicy } from '../../access/rate-limit.js';
import { ANONYMOUS, type AccessContext } from '../../access/roles.js';
import {
  DEFAULT_SESSION_POLICY,
  readSession,
  readToken,
  sameToken,
  type SessionPolicy,
} from '../../access/sessions.js';
import type { Store } from '../../store/index.js';
import { problem } from '../rest/problem.js';

/** Options of users, sessions and sign-in (createApp's `access`). */
export interface AccessOptions {
  /** The clock (tests move it to expire sessions and tokens). */
  now?: () => Date;
  session?: Partial<SessionPolicy>;
  loginLimit?: Partial<LoginLimitPolicy>;
  /** OpenID Connect sign-in; off when absent. */
  oidc?: OidcConfig;
  /** Behind a reverse proxy that terminates TLS: trust X-Forwarded-Proto/-Host/-For. */
  trustProxy?: boolean;
}

/** What the middleware and the sign-in routes share for the life of the app. */
export interface AccessSettings {
  now: () => Date;
  session: SessionPolicy;
  limiter: LoginLimiter;
  oidc: OidcClient | undefined;
  /** Started OIDC sign-ins by state, until the provider sends the browser back (10 minutes). */
  pending: Map<string, PendingLogin>;
  trustProxy: boolean;
}

export const SESSION_COOKIE = 'udc_session';
export const CSRF_HEADER = 'x-csrf-token';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Settings from options, with the defaults filled in. */
export function accessSettings(options: AccessOptions = {}): AccessSettings {
  return {
    now: options.now ?? (() => new Date()),
    session: { ...DEFAULT_SESSION_POLICY, ...options.session },
    limiter: new LoginLimiter({ ...DEFAULT_LOGIN_LIMIT, ...options.loginLimit }),
    oidc: options.oidc ? new OidcClient(options.oidc) : undefined,
    pending: new Map(),
    trustProxy: options.trustProxy ?? false,
  };
}

/** The origin the client used (scheme, host, port). */
export function requestOrigin(c: Context, trustProxy: boolean): URL {
  const url = new URL(c.req.url);
  if (trustProxy) {
    const proto = c.req.header('x-forwarded-proto')?.split(',')[0]?.trim();
    const host = c.req.header('x-forwarded-host')?.split(',')[0]?.trim();
    if (proto === 'https' || proto === 'http') url.protocol = `${proto}:`;
    if (host) url.host = host;
  }
  return url;
}

/** Cookies are Secure except over plain http on loopback (a developer's `udc serve`). */
export function secureCookies(c: Context, trustProxy: boolean): boolean {
  const url = requestOrigin(c, trustProxy);
  if (url.protocol === 'https:') return true;
  return !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

/** The client's address, for the sign-in rate limit. */
export function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded) return forwarded.slice(0, 64);
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    // No socket: the dashboard asking in-process, which passes on its reader's address.
    return c.req.header(CLIENT_ADDRESS_HEADER)?.slice(0, 64) ?? 'in-process';
  }
}

/** How the dashboard, asking the API in-process, tells it the reader's address. */
export const CLIENT_ADDRESS_HEADER = 'x-udc-client-address';

/** The middleware (mount first, on every path). */
export function accessMiddleware(store: Store, settings: AccessSettings): MiddlewareHandler {
  return async (c, next) => {
    const now = settings.now();
    let access: AccessContext = ANONYMOUS;
    let staleCookie = false;
    const authorization = c.req.header('authorization');
    if (authorization !== undefined) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
      const found = m ? await readToken(store, m[1]!, now) : undefined;
      // A wrong token is an error, never a silent fall back to anonymous: the script must know.
      if (!found)
        return problem(
          c.req.path,
          401,
          'Invalid token',
          'The API token is malformed, unknown, revoked or expired.',
          [],
          {
            'www-authenticate': 'Bearer realm="udc", error="invalid_token"',
          },
        );
      access = {
        user: { id: found.user.id, name: found.user.name, role: found.user.role },
        role: found.role,
        via: 'token',
      };
    } else {
      const token = getCookie(c, SESSION_COOKIE);
      if (token) {
        const session = await readSession(store, token, now, settings.session);
        if (session) {
          access = {
            user: { id: session.user.id, name: session.user.name, role: session.user.role },
            role: session.user.role,
            via: 'session',
          };
          c.set('session', { token, csrf: session.csrf });
        } else staleCookie = true;
      }
    }
    c.set('access', access);

    if (UNSAFE.has(c.req.method)) {
      // A browser tells where a request comes from; another site's page may not change anything here.
      const origin = c.req.header('origin');
      const site = c.req.header('sec-fetch-site');
      if ((origin && origin !== requestOrigin(c, settings.trustProxy).origin) || site === 'cross-site')
        return problem(
          c.req.path,
          403,
          'Cross-site request refused',
          'State-changing requests must come from this site.',
        );
      const session = c.get('session');
      if (access.via === 'session' && session) {
        // A form posted without script carries the token as a field (parsed once; Hono keeps it).
        const type = c.req.header('content-type') ?? '';
        const form = /^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(type);
        const field = form && !c.req.header(CSRF_HEADER) ? (await c.req.parseBody())['_csrf'] : undefined;
        const sent = c.req.header(CSRF_HEADER) ?? (typeof field === 'string' ? field : '');
        if (!sameToken(sent, session.csrf))
          return problem(
            c.req.path,
            403,
            'CSRF token missing or wrong',
            `A signed-in browser request that changes something must send the session's CSRF token in the ${CSRF_HEADER} header or, for a form, the _csrf field (from GET /api/v1/session).`,
          );
      }
    }

    await next();

    try {
      c.res.headers.append('vary', 'Cookie, Authorization');
      // What a signed-in caller sees may be more than the public: never for shared caches.
      if (access.via !== 'anonymous') {
        const control = c.res.headers.get('cache-control');
        if (control?.includes('public'))
          c.res.headers.set('cache-control', control.replace('public', 'private'));
      }
      if (staleCookie)
        c.res.headers.append('set-cookie', `${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax`);
    } catch {
      // Immutable headers (a proxied fetch answer): nothing to add.
    }
  };
}
