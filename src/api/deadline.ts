/**
 * The time limit of a request, shared by every interface (REST, OData, StatLine, catalogue): at
 * the deadline, or when the client hangs up, the engine's statements for that request are
 * interrupted (src/store/deadline.ts), not left running for an answer nobody reads.
 */
import type { MiddlewareHandler } from 'hono';
import { currentDeadline, withQueryDeadline } from '../store/index.js';

/** Why a request's work was stopped. */
export class RequestStopped extends Error {
  override readonly name = 'RequestStopped';
  constructor(
    readonly reason: 'timeout' | 'gone',
    readonly limitMs: number,
  ) {
    super(
      reason === 'timeout'
        ? `The answer took longer than ${limitMs} ms and was abandoned; narrow the selection and try again.`
        : 'The client hung up before the answer was ready.',
    );
  }
  /** 503 (try again later) at the deadline; 499, nginx's "client closed request", when the client left. */
  get status(): 499 | 503 {
    return this.reason === 'timeout' ? 503 : 499;
  }
}

/** Runs `work` under a deadline of `ms`; rejects with RequestStopped at the deadline or when `gone` aborts. */
export async function withDeadline<T>(work: () => Promise<T>, ms: number, gone?: AbortSignal): Promise<T> {
  const controller = new AbortController();
  let reason: RequestStopped | undefined;
  const stop = (why: 'timeout' | 'gone') => {
    reason ??= new RequestStopped(why, ms);
    controller.abort();
  };
  const hangUp = () => stop('gone');
  if (gone?.aborted) stop('gone');
  else gone?.addEventListener('abort', hangUp, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      stop('timeout');
      reject(reason);
    }, ms);
  });
  // The engine's "interrupted" error after a stop is the stop itself, not a defect.
  const answer = withQueryDeadline(controller.signal, work).catch((error: unknown) => {
    throw reason ?? error;
  });
  answer.catch(() => undefined);
  try {
    return await Promise.race([answer, deadline]);
  } finally {
    clearTimeout(timer);
    gone?.removeEventListener('abort', hangUp);
  }
}

/** Hono middleware: every request of the app it is used on runs under `withDeadline`. */
export function requestTimeLimit(ms: number): MiddlewareHandler {
  return (c, next) => withDeadline(() => next(), ms, c.req.raw.signal);
}

/**
 * The RequestStopped behind an error an app's error handler received, if the request was
 * stopped: the engine's interrupt error inside a stopped request counts as the stop.
 */
export function stoppedRequest(error: unknown, ms: number): RequestStopped | undefined {
  if (error instanceof RequestStopped) return error;
  return currentDeadline()?.aborted ? new RequestStopped('timeout', ms) : undefined;
}
