// Roles and confidentiality levels: who may see what. This file is the one place that turns a
// caller's rights into the SQL condition every published query uses, so no route can disagree
// with another about what an analyst may see.
import { confidentialityLevels, type Confidentiality } from '../sources/metadata.js';

export { confidentialityLevels, type Confidentiality };

/** The roles, weakest first: each may do everything the one before it may. */
export const ROLES = ['reader', 'analyst', 'steward', 'administrator'] as const;
export type Role = (typeof ROLES)[number];

/** Is `text` one of the roles? */
export function isRole(text: unknown): text is Role {
  return typeof text === 'string' && (ROLES as readonly string[]).includes(text);
}

/** Does `role` include the rights of `needed`? */
export function atLeast(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

/** The weaker of two roles (a token's scope and its user's current role). */
export function weaker(a: Role, b: Role): Role {
  return ROLES.indexOf(a) <= ROLES.indexOf(b) ? a : b;
}

/**
 * The matrix (docs/access.md): readers (anonymous or not) see open data; analysts and data
 * stewards also internal data; confidential data only data stewards and administrators.
 */
const VISIBLE: Readonly<Record<Role, readonly Confidentiality[]>> = {
  reader: ['open'],
  analyst: ['open', 'internal'],
  steward: ['open', 'internal', 'confidential'],
  administrator: ['open', 'internal', 'confidential'],
};

/** Who is asking: the one access context every interface reads (set by the HTTP middleware). */
export interface AccessContext {
  /** The signed-in user; null for an anonymous reader. */
  user: { id: string; name: string; role: Role } | null;
  /** The effective role (a token may be scoped below its user's role). */
  role: Role;
  /** How the caller proved who they are. */
  via: 'anonymous' | 'session' | 'token';
}

/** The anonymous public reader. */
export const ANONYMOUS: AccessContext = Object.freeze({ user: null, role: 'reader', via: 'anonymous' });

/** The levels `access` may see. */
export function visibleLevels(access: AccessContext): readonly Confidentiality[] {
  return VISIBLE[access.role];
}

/** May `access` see data of this confidentiality level? */
export function canSee(access: AccessContext, level: string): boolean {
  return (visibleLevels(access) as readonly string[]).includes(level);
}

/**
 * The SQL condition that keeps only rows `access` may see, on a confidentiality column such as
 * `d.confidentiality`. `column` is program text (never request text); the levels come from the
 * fixed list above, so the condition is a constant and needs no parameters.
 */
export function visibleCondition(access: AccessContext, column: string): string {
  if (!/^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/.test(column))
    throw new Error(`visibleCondition: "${column}" is not a column name`);
  return `${column} IN (${visibleLevels(access)
    .map((l) => `'${l}'`)
    .join(', ')})`;
}

/** A short key of what `access` may see, for cache keys: answers differ only by it. */
export function visibilityKey(access: AccessContext): string {
  return visibleLevels(access).join('+');
}
