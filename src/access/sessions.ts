// Browser sessions and API tokens. Both are random secrets handed to the client once; the store
// keeps only their SHA-256 (a fast hash is enough for 256-bit random values, unlike passwords),
// so a copy of the database cannot be used to sign in. Every check takes the time as an argument,
// so tests can move the clock.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Store } from '../store/index.js';
import { atLeast, isRole, weaker, type Role } from './roles.js';
import { AccessError, findUser, sqlTime, type User } from './users.js';

/** How long a session lives. */
export interface SessionPolicy {
  /** Minutes without a request after which a session ends (default 30). */
  idleMinutes: number;
  /** Hours after sign-in after which a session ends whatever happens (default 12). */
  lifetimeHours: number;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = { idleMinutes: 30, lifetimeHours: 12 };

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const secret = () => randomBytes(32).toString('base64url');
const ms = (iso: string) => Date.parse(iso.endsWith('Z') ? iso : `${iso.replace(' ', 'T')}Z`);

/** A new session for `user`: the cookie value and the CSRF token (both shown once). */
export async function createSession(
  store: Store,
  user: User,
  via: 'password' | 'oidc',
  now: Date,
  policy: SessionPolicy = DEFAULT_SESSION_POLICY,
): Promise<{ token: string; csrf: string; expires: Date }> {
  const token = secret();
  const csrf = secret();
  const expires = new Date(now.getTime() + policy.lifetimeHours * 3_600_000);
  await store.run(
    `INSERT INTO user_session (id_hash, user_id, csrf, created, last_seen, expires, via) VALUES ($1, $2, $3, $4, $4, $5, $6)`,
    [sha256(token), user.id, csrf, sqlTime(now), sqlTime(expires), via],
  );
  return { token, csrf, expires };
}

/**
 * The user and CSRF token of a live session, or undefined (unknown, expired, idle too long, or
 * its user removed or disabled). A dead session is deleted on sight; a live one is touched.
 */
export async function readSession(
  store: Store,
  token: string,
  now: Date,
  policy: SessionPolicy = DEFAULT_SESSION_POLICY,
): Promise<{ user: User; csrf: string } | undefined> {
  if (token.length > 100) return undefined;
  const key = sha256(token);
  const row = await store.one<{ user_id: string; csrf: string; last_seen: string; expires: string }>(
    'SELECT user_id, csrf, last_seen, expires FROM user_session WHERE id_hash = $1',
    [key],
  );
  if (!row) return undefined;
  const idleUntil = ms(row.last_seen) + policy.idleMinutes * 60_000;
  const user = await findUser(store, { id: row.user_id });
  if (now.getTime() >= ms(row.expires) || now.getTime() >= idleUntil || !user || user.disabled) {
    await store.run('DELETE FROM user_session WHERE id_hash = $1', [key]);
    return undefined;
  }
  // Touch at most once a minute: the idle timeout needs no finer grain, the store fewer writes.
  if (now.getTime() - ms(row.last_seen) > 60_000)
    await store.run('UPDATE user_session SET last_seen = $2 WHERE id_hash = $1', [key, sqlTime(now)]);
  return { user, csrf: row.csrf };
}

/** Ends a session (sign-out, or the old session on a new sign-in). */
export async function endSession(store: Store, token: string): Promise<void> {
  await store.run('DELETE FROM user_session WHERE id_hash = $1', [sha256(token)]);
}

/** Do two CSRF tokens match (constant time)? */
export function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** An API token as listed (never its secret). */
export interface TokenInfo {
  id: string;
  user: string;
  name: string;
  role: Role;
  created: string;
  expires: string;
  lastUsed: string | null;
}

const TOKEN = /^udc_([0-9a-f]{16})\.([A-Za-z0-9_-]{43})$/;

/**
 * A new API token for `user`, scoped to `role` (at most the user's own), valid for `days`. The
 * returned `token` is shown once; only its hash is kept.
 */
export async function createToken(
  store: Store,
  user: User,
  options: { name: string; role?: Role; days?: number },
  now: Date,
): Promise<{ token: string; info: TokenInfo }> {
  const role = options.role ?? user.role;
  if (!isRole(role)) throw new AccessError(`role "${String(role)}" is not a role`);
  if (!atLeast(user.role, role))
    throw new AccessError(`a token of ${user.name} (${user.role}) cannot have the role ${role}`);
  const days = options.days ?? 90;
  if (!Number.isInteger(days) || days < 1 || days > 366)
    throw new AccessError(`a token lives 1 to 366 days, not ${days}`);
  if (!/^[\p{L}\p{N} ._-]{1,80}$/u.test(options.name))
    throw new AccessError('a token name is 1-80 letters, digits, spaces, ".", "_" or "-"');
  const id = randomBytes(8).toString('hex');
  const value = secret();
  const expires = new Date(now.getTime() + days * 86_400_000);
  await store.run(
    `INSERT INTO api_token (id, user_id, name, secret_hash, role, created, expires) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [id, user.id, options.name, sha256(value), role, sqlTime(now), sqlTime(expires)],
  );
  return {
    token: `udc_${id}.${value}`,
    info: {
      id,
      user: user.name,
      name: options.name,
      role,
      created: now.toISOString(),
      expires: expires.toISOString(),
      lastUsed: null,
    },
  };
}

/**
 * The user and effective role of a valid token (the weaker of its scope and its user's current
 * role), or undefined: malformed, unknown, wrong secret, expired, or its user gone or disabled.
 */
export async function readToken(
  store: Store,
  token: string,
  now: Date,
): Promise<{ user: User; role: Role; tokenId: string } | undefined> {
  const m = TOKEN.exec(token);
  if (!m) return undefined;
  const row = await store.one<{
    user_id: string;
    secret_hash: string;
    role: string;
    expires: string;
    last_used: string | null;
  }>('SELECT user_id, secret_hash, role, expires, last_used FROM api_token WHERE id = $1', [m[1]!]);
  if (!row || !sameToken(row.secret_hash, sha256(m[2]!)) || now.getTime() >= ms(row.expires))
    return undefined;
  const user = await findUser(store, { id: row.user_id });
  if (!user || user.disabled || !isRole(row.role)) return undefined;
  if (!row.last_used || now.getTime() - ms(row.last_used) > 60_000)
    await store.run('UPDATE api_token SET last_used = $2 WHERE id = $1', [m[1]!, sqlTime(now)]);
  return { user, role: weaker(row.role, user.role), tokenId: m[1]! };
}

/** The tokens of one user (by id), or of everyone. */
export async function listTokens(store: Store, userId?: string): Promise<TokenInfo[]> {
  const rows = await store.all<{
    id: string;
    user: string;
    name: string;
    role: Role;
    created: string;
    expires: string;
    last_used: string | null;
  }>(
    `SELECT t.id, u.name AS user, t.name, t.role, t.created, t.expires, t.last_used
     FROM api_token t JOIN app_user u ON u.id = t.user_id
     WHERE $1::VARCHAR IS NULL OR t.user_id = $1 ORDER BY u.name, t.created`,
    [userId ?? null],
  );
  return rows.map((r) => ({
    id: r.id,
    user: r.user,
    name: r.name,
    role: r.role,
    created: r.created,
    expires: r.expires,
    lastUsed: r.last_used,
  }));
}

/** Revokes a token (of `userId` only, when given); false when there was none. */
export async function revokeToken(store: Store, id: string, userId?: string): Promise<boolean> {
  const n = await store.run('DELETE FROM api_token WHERE id = $1 AND ($2::VARCHAR IS NULL OR user_id = $2)', [
    id,
    userId ?? null,
  ]);
  return n > 0;
}
