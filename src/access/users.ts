// Accounts: local (scrypt password) or from an OpenID Connect provider. No account exists until
// someone makes one: there is no default user and no default password; the first administrator
// is made with `udc users add <name> --role administrator`.
import { randomUUID } from 'node:crypto';
import type { Store } from '../store/index.js';
import { dummyHash, hashPassword, passwordProblem, verifyPassword } from './password.js';
import { isRole, ROLES, type Role } from './roles.js';

/** A user as the rest of udc sees it (never the password hash). */
export interface User {
  id: string;
  name: string;
  displayName: string | null;
  role: Role;
  created: string;
  disabled: boolean;
  hasPassword: boolean;
  oidc: { issuer: string; subject: string } | null;
}

/** A request about users is wrong (bad name, taken, weak password): the message says what and why. */
export class AccessError extends Error {
  override name = 'AccessError';
}

const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

interface UserRow extends Record<string, unknown> {
  id: string;
  name: string;
  display_name: string | null;
  role: string;
  password_hash: string | null;
  oidc_issuer: string | null;
  oidc_subject: string | null;
  created: string;
  disabled: boolean;
}

function toUser(r: UserRow): User {
  return {
    id: r.id,
    name: r.name,
    displayName: r.display_name,
    role: isRole(r.role) ? r.role : 'reader',
    created: r.created,
    disabled: r.disabled,
    hasPassword: r.password_hash !== null,
    oidc: r.oidc_issuer && r.oidc_subject ? { issuer: r.oidc_issuer, subject: r.oidc_subject } : null,
  };
}

/** A timestamp as the engine's TIMESTAMP text (UTC, no zone letter). */
export function sqlTime(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

/** Creates a user; a local account needs a password of at least 12 characters. */
export async function addUser(
  store: Store,
  input: {
    name: string;
    role: Role;
    password?: string;
    displayName?: string;
    oidc?: { issuer: string; subject: string };
  },
  now = new Date(),
): Promise<User> {
  if (!USER_NAME.test(input.name))
    throw new AccessError(
      `user name "${input.name.slice(0, 80)}": expected 1-64 letters, digits, ".", "_", "@" or "-", starting with a letter or digit`,
    );
  if (!isRole(input.role))
    throw new AccessError(`role "${String(input.role)}": expected one of ${ROLES.join(', ')}`);
  if (input.password === undefined && !input.oidc)
    throw new AccessError(`user ${input.name}: give a password, or an OpenID Connect subject`);
  if (input.password !== undefined) {
    const problem = passwordProblem(input.password);
    if (problem) throw new AccessError(`user ${input.name}: ${problem}`);
  }
  const taken = await store.one('SELECT 1 AS x FROM app_user WHERE lower(name) = lower($1)', [input.name]);
  if (taken) throw new AccessError(`user ${input.name} exists already`);
  const id = randomUUID();
  const hash = input.password === undefined ? null : await hashPassword(input.password);
  await store.run(
    `INSERT INTO app_user (id, name, display_name, role, password_hash, oidc_issuer, oidc_subject, created)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      id,
      input.name,
      input.displayName ?? null,
      input.role,
      hash,
      input.oidc?.issuer ?? null,
      input.oidc?.subject ?? null,
      sqlTime(now),
    ],
  );
  return (await findUser(store, { id }))!;
}

/** One user by id, name (any case) or OpenID Connect identity. */
export async function findUser(
  store: Store,
  by: { id: string } | { name: string } | { issuer: string; subject: string },
): Promise<User | undefined> {
  const row =
    'id' in by
      ? await store.one<UserRow>('SELECT * FROM app_user WHERE id = $1', [by.id])
      : 'name' in by
        ? await store.one<UserRow>('SELECT * FROM app_user WHERE lower(name) = lower($1)', [by.name])
        : await store.one<UserRow>('SELECT * FROM app_user WHERE oidc_issuer = $1 AND oidc_subject = $2', [
            by.issuer,
            by.subject,
          ]);
  return row ? toUser(row) : undefined;
}

/** Every user, by name. */
export async function listUsers(store: Store): Promise<User[]> {
  return (await store.all<UserRow>('SELECT * FROM app_user ORDER BY lower(name)')).map(toUser);
}

/** Removes a user with their sessions and tokens; false when there is no such user. */
export async function removeUser(store: Store, name: string): Promise<boolean> {
  return store.transaction(async (tx) => {
    const user = await tx.one<{ id: string }>('SELECT id FROM app_user WHERE lower(name) = lower($1)', [
      name,
    ]);
    if (!user) return false;
    await tx.run('DELETE FROM user_session WHERE user_id = $1', [user.id]);
    await tx.run('DELETE FROM api_token WHERE user_id = $1', [user.id]);
    await tx.run('DELETE FROM app_user WHERE id = $1', [user.id]);
    return true;
  });
}

/**
 * The user whose name and password these are, or undefined. An unknown name costs the same
 * scrypt work as a wrong password, so the answer time does not tell which names exist.
 */
export async function checkPassword(store: Store, name: string, password: string): Promise<User | undefined> {
  const row = await store.one<UserRow>('SELECT * FROM app_user WHERE lower(name) = lower($1)', [name]);
  const ok = await verifyPassword(password, row?.password_hash ?? (await dummyHash()));
  return ok && row && row.password_hash !== null && !row.disabled ? toUser(row) : undefined;
}
