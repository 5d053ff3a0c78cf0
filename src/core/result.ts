/**
 * The outcome of a core function: a value, or an error saying what went wrong. Core functions
 * return these instead of throwing, so the edges (CLI, API, importers) decide how to report.
 */
export type Result<T, E = string> = { ok: true; value: T } | { ok: false; error: E };

/** Wraps a value as a successful Result. */
export function ok<T>(value: T): Result<T, never> {
  return { ok: true, value };
}

/** Wraps an error as a failed Result. */
export function err<E>(error: E): Result<never, E> {
  return { ok: false, error };
}
