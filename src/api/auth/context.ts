import type { Context } from 'hono';
import { ANONYMOUS, type AccessContext } from '../../access/roles.js';

declare module 'hono' {
  interface ContextVariableMap {
    /** Who is asking; set once per request by the access middleware (src/api/auth/middleware.ts). */
    access: AccessContext;
    /** The cookie session behind `access`, when there is one. */
    session: { token: string; csrf: string } | undefined;
  }
}

/**
 * The caller's access context. Without the middleware (a sub-app called on its own) the caller is
 * the anonymous reader: forgetting the middleware can only ever show less.
 */
export function accessOf(c: Context): AccessContext {
  return (c.get('access') as AccessContext | undefined) ?? ANONYMOUS;
}
