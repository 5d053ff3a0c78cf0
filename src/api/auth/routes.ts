/**
 * Signing in and out, API tokens, and OpenID Connect sign-in, as /api/v1 routes:
 * GET/POST/DELETE /session, GET/POST /tokens, DELETE /tokens/{id}, GET /auth/oidc/login and
 * /auth/oidc/callback. A new sign-in always gets a new session (the one the browser had, if any,
 * ends), so a session id planted before sign-in is worth nothing after it.
 */
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import { OidcError, type IdClaims } from '../../access/oidc.js';
import { ROLES, type Role } from '../../access/roles.js';
import { createSession, createToken, endSession, listTokens, revokeToken } from '../../access/sessions.js';
import { addUser, AccessError, checkPassword, findUser, type User } from '../../access/users.js';
import type { Store } from '../../store/index.js';
import { accessOf } from './context.js';
import { clientAddress, secureCookies, SESSION_COOKIE, type AccessSettings } from './middleware.js';
import { ProblemError } from '../rest/problem.js';
import { route, type AnyRoute } from '../rest/route.js';

const OIDC_COOKIE = 'udc_oidc_state';
const PENDING_MS = 10 * 60_000;

const sessionAnswer = z.object({
  user: z.object({ name: z.string(), displayName: z.string().nullable(), role: z.enum(ROLES) }).nullable(),
  role: z.enum(ROLES),
  via: z.enum(['anonymous', 'session', 'token']),
  csrfToken: z.string().optional(),
  oidc: z.boolean(),
});

const tokenInfo = z.object({
  id: z.string(),
  user: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  created: z.string(),
  expires: z.string(),
  lastUsed: z.string().nullable(),
});

/** Only a path on this site: never an open redirect to somewhere else. */
function localPath(text: string | undefined): string {
  return text && /^\/(?![/\\])[\x21-\x7e]*$/.test(text) ? text : '/';
}

/** The auth routes of /api/v1. */
export function authRoutes(store: Store, settings: AccessSettings): AnyRoute[] {
  const startSession = async (c: Context, user: User, via: 'password' | 'oidc') => {
    const old = getCookie(c, SESSION_COOKIE);
    if (old) await endSession(store, old);
    const session = await createSession(store, user, via, settings.now(), settings.session);
    setCookie(c, SESSION_COOKIE, session.token, {
      path: '/',
      httpOnly: true,
      secure: secureCookies(c, settings.trustProxy),
      sameSite: 'Lax',
      expires: session.expires,
    });
    return session;
  };

  /** The account of an OIDC identity: found by issuer and subject, or made when the configuration allows. */
  const oidcUser = async (claims: IdClaims): Promise<User> => {
    const client = settings.oidc!;
    const mapped = client.roleFromClaims(claims);
    const existing = await findUser(store, { issuer: claims.iss, subject: claims.sub });
    if (existing) {
      // With a role map the provider is the source of truth for roles; sign-in brings them up to date.
      if (mapped && mapped !== existing.role)
        await store.run('UPDATE app_user SET role = $2 WHERE id = $1', [existing.id, mapped]);
      return { ...existing, role: mapped ?? existing.role };
    }
    const role: Role | undefined = mapped ?? client.config.defaultRole;
    if (!role)
      throw new ProblemError(
        403,
        'No account',
        'Your identity provider signed you in, but udc has no account for you; ask an administrator.',
      );
    const base =
      String(claims.preferred_username ?? claims.email ?? `oidc-${claims.sub}`)
        .replace(/[^A-Za-z0-9._@-]/g, '-')
        .replace(/^[^A-Za-z0-9]+/, '')
        .slice(0, 56) || 'oidc-user';
    for (let n = 0; ; n++) {
      const name = n === 0 ? base : `${base}-${n + 1}`;
      try {
        return await addUser(
          store,
          {
            name,
            role,
            oidc: { issuer: claims.iss, subject: claims.sub },
            ...(typeof claims.name === 'string' ? { displayName: claims.name.slice(0, 200) } : {}),
          },
          settings.now(),
        );
      } catch (error) {
        if (!(error instanceof AccessError && /exists already/.test(error.message)) || n > 20) throw error;
      }
    }
  };

  return [
    route({
      path: '/session',
      operationId: 'getSession',
      summary: 'Who is asking: the signed-in user and role, and the CSRF token of a browser session',
      tag: 'access',
      ok: { description: 'The caller.', content: { 'application/json': sessionAnswer } },
      cache: 'none',
      handle: ({ c }) => {
        const access = accessOf(c);
        const session = c.get('session');
        return c.json({
          user: access.user ? { name: access.user.name, displayName: null, role: access.user.role } : null,
          role: access.role,
          via: access.via,
          ...(session ? { csrfToken: session.csrf } : {}),
          oidc: settings.oidc !== undefined,
        });
      },
    }),
    route({
      method: 'POST',
      path: '/session',
      operationId: 'signIn',
      summary: 'Sign in with name and password: sets the session cookie and returns the CSRF token',
      description:
        'Failed attempts are limited per name and per address; past the limit the answer is 429 with Retry-After.',
      tag: 'access',
      body: z.object({ name: z.string().min(1).max(64), password: z.string().min(1).max(1024) }),
      ok: { description: 'Signed in.', content: { 'application/json': sessionAnswer } },
      errors: [401, 415, 429],
      cache: 'none',
      handle: async ({ c, body }) => {
        const now = settings.now();
        const address = clientAddress(c, settings.trustProxy);
        const wait = settings.limiter.retryAfter(body.name, address, now);
        if (wait > 0)
          throw new ProblemError(
            429,
            'Too many attempts',
            `Too many failed sign-ins; try again in ${wait} s.`,
            [],
            {
              'retry-after': String(wait),
            },
          );
        const user = await checkPassword(store, body.name, body.password);
        if (!user) {
          settings.limiter.fail(body.name, address, now);
          throw new ProblemError(401, 'Sign-in failed', 'Wrong name or password.');
        }
        settings.limiter.succeed(body.name);
        const session = await startSession(c, user, 'password');
        return c.json({
          user: { name: user.name, displayName: user.displayName, role: user.role },
          role: user.role,
          via: 'session',
          csrfToken: session.csrf,
          oidc: settings.oidc !== undefined,
        });
      },
    }),
    route({
      method: 'DELETE',
      path: '/session',
      operationId: 'signOut',
      summary: 'Sign out: ends the session',
      tag: 'access',
      auth: 'signed-in',
      ok: { description: 'Signed out (204).', content: {} },
      okStatus: 204,
      errors: [401, 403],
      cache: 'none',
      handle: async ({ c }) => {
        const session = c.get('session');
        if (session) await endSession(store, session.token);
        deleteCookie(c, SESSION_COOKIE, { path: '/' });
        return c.body(null, 204);
      },
    }),
    route({
      path: '/tokens',
      operationId: 'listTokens',
      summary: 'Your API tokens (never their secrets)',
      tag: 'access',
      auth: 'signed-in',
      ok: {
        description: 'The tokens.',
        content: { 'application/json': z.object({ data: z.array(tokenInfo) }) },
      },
      errors: [401],
      cache: 'none',
      handle: async ({ c }) => c.json({ data: await listTokens(store, accessOf(c).user!.id) }),
    }),
    route({
      method: 'POST',
      path: '/tokens',
      operationId: 'createToken',
      summary: 'A new API token for scripts, shown once; scoped to a role at most your own',
      description:
        'Only from a signed-in browser session (a token cannot make tokens). Use it as `Authorization: Bearer <token>`.',
      tag: 'access',
      auth: 'signed-in',
      body: z.object({
        name: z.string().min(1).max(80),
        role: z.enum(ROLES).optional(),
        days: z.number().int().min(1).max(366).optional(),
      }),
      okStatus: 201,
      ok: {
        description: 'The token (shown only now) and its description.',
        content: { 'application/json': tokenInfo.extend({ token: z.string() }) },
      },
      errors: [401, 403, 415],
      cache: 'none',
      handle: async ({ c, body }) => {
        const access = accessOf(c);
        if (access.via !== 'session')
          throw new ProblemError(
            403,
            'Forbidden',
            'API tokens are made from a signed-in browser session or with `udc users token`.',
          );
        const user = (await findUser(store, { id: access.user!.id }))!;
        try {
          const { token, info } = await createToken(store, user, body, settings.now());
          return c.json({ ...info, token }, 201);
        } catch (error) {
          if (error instanceof AccessError) throw new ProblemError(400, 'Invalid body', error.message);
          throw error;
        }
      },
    }),
    route({
      method: 'DELETE',
      path: '/tokens/{id}',
      operationId: 'revokeToken',
      summary: 'Revoke one of your API tokens (an administrator: anyone’s)',
      tag: 'access',
      auth: 'signed-in',
      params: z.object({
        id: z.string().regex(/^[0-9a-f]{16}$/, { error: 'expected a token id (16 hex digits)' }),
      }),
      okStatus: 204,
      ok: { description: 'Revoked (204).', content: {} },
      errors: [401, 403, 404],
      cache: 'none',
      handle: async ({ c, params }) => {
        const access = accessOf(c);
        const done = await revokeToken(
          store,
          params.id,
          access.role === 'administrator' ? undefined : access.user!.id,
        );
        if (!done) throw new ProblemError(404, 'Token not found', `You have no token ${params.id}.`);
        return c.body(null, 204);
      },
    }),
    route({
      path: '/auth/oidc/login',
      operationId: 'oidcLogin',
      summary: 'Sign in through the configured OpenID Connect provider (redirects there)',
      tag: 'access',
      query: z.object({ returnTo: z.string().max(500).optional() }),
      ok: { description: 'A redirect (302) to the provider.', content: {} },
      errors: [404, 502],
      cache: 'none',
      handle: async ({ c, query }) => {
        if (!settings.oidc)
          throw new ProblemError(404, 'Not found', 'OpenID Connect sign-in is not configured.');
        const now = settings.now();
        for (const [state, p] of settings.pending)
          if (now.getTime() - p.created > PENDING_MS || settings.pending.size > 10_000)
            settings.pending.delete(state);
        const { url, pending } = await settings.oidc
          .begin(localPath(query.returnTo), now)
          .catch((error: unknown) => {
            throw oidcProblem(error);
          });
        settings.pending.set(pending.state, pending);
        // Binds the answer to this browser: a callback with a state begun elsewhere is refused.
        setCookie(c, OIDC_COOKIE, pending.state, {
          path: '/api/v1/auth/oidc',
          httpOnly: true,
          secure: secureCookies(c, settings.trustProxy),
          sameSite: 'Lax',
          maxAge: PENDING_MS / 1000,
        });
        return c.redirect(url, 302);
      },
    }),
    route({
      path: '/auth/oidc/callback',
      operationId: 'oidcCallback',
      summary: 'Where the OpenID Connect provider sends the browser back; signs in and redirects',
      tag: 'access',
      query: z.object({
        code: z.string().max(2000).optional(),
        state: z.string().max(200).optional(),
        error: z.string().max(200).optional(),
        error_description: z.string().max(1000).optional(),
        error_uri: z.string().max(1000).optional(),
        iss: z.string().max(500).optional(),
        session_state: z.string().max(500).optional(),
        scope: z.string().max(1000).optional(),
      }),
      ok: { description: 'A redirect (302) to the page the sign-in started from.', content: {} },
      errors: [400, 403, 404, 502],
      cache: 'none',
      handle: async ({ c, query }) => {
        if (!settings.oidc)
          throw new ProblemError(404, 'Not found', 'OpenID Connect sign-in is not configured.');
        const pending = query.state ? settings.pending.get(query.state) : undefined;
        const cookie = getCookie(c, OIDC_COOKIE);
        if (
          !pending ||
          !cookie ||
          cookie !== query.state ||
          settings.now().getTime() - pending.created > PENDING_MS
        )
          throw new ProblemError(
            400,
            'Sign-in failed',
            'This sign-in was not started here, or took longer than 10 minutes; start again.',
          );
        settings.pending.delete(pending.state);
        deleteCookie(c, OIDC_COOKIE, { path: '/api/v1/auth/oidc' });
        if (query.error || !query.code)
          throw new ProblemError(
            403,
            'Sign-in refused',
            `The identity provider answered: ${query.error ?? 'no code'}.`,
          );
        const claims = await settings.oidc
          .finish(query.code, pending, settings.now())
          .catch((error: unknown) => {
            throw oidcProblem(error);
          });
        const user = await oidcUser(claims);
        if (user.disabled) throw new ProblemError(403, 'Sign-in refused', 'This account is disabled.');
        await startSession(c, user, 'oidc');
        return c.redirect(pending.returnTo, 302);
      },
    }),
  ];
}

function oidcProblem(error: unknown): ProblemError {
  if (error instanceof OidcError) return new ProblemError(502, 'Sign-in failed', error.message);
  if (error instanceof ProblemError) return error;
  console.error(error);
  return new ProblemError(502, 'Sign-in failed', 'The identity provider could not be reached.');
}
