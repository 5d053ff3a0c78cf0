/**
 * Errors as RFC 9457 problem documents (application/problem+json), as the Dutch API design rules
 * ask. A handler throws a ProblemError; the app's error handler turns it into the response, so a
 * bad request never becomes a 500.
 */

/** One rejected query or path parameter: which one, and what was expected. */
export interface InvalidParam {
  name: string;
  reason: string;
}

export class ProblemError extends Error {
  override readonly name = 'ProblemError';
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly invalidParams: readonly InvalidParam[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }
}

/** An RFC 9457 problem document. */
export function problem(
  instance: string,
  status: number,
  title: string,
  detail: string,
  invalidParams: readonly InvalidParam[] = [],
  headers: Record<string, string> = {},
): Response {
  const body: Record<string, unknown> = { type: 'about:blank', title, status, detail, instance };
  if (invalidParams.length > 0) body['invalid-params'] = invalidParams;
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store', ...headers },
  });
}

/** The problem document of a thrown ProblemError. */
export function problemOf(instance: string, error: ProblemError): Response {
  return problem(instance, error.status, error.title, error.detail, error.invalidParams, error.headers);
}

/** 404 for a thing the API does not publish (unknown, or not open: ids of hidden data never leak). */
export function notFound(what: string, detail: string): ProblemError {
  return new ProblemError(404, `${what} not found`, detail);
}
