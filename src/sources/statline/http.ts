/**
 * JSON over HTTP for StatLine: a timeout on every request, and retries with exponential backoff
 * and jitter on the failures a long download meets in practice (429 Too Many Requests, 5xx,
 * connection reset, a body cut off half-way). Every error names the URL.
 */

/** How a request failed: the kind decides whether it is worth trying again. */
export type HttpFailure = 'timeout' | 'network' | 'status' | 'json';

/** A request that failed for good: after its retries, or at once when retrying cannot help. */
export class StatlineHttpError extends Error {
  constructor(
    message: string,
    readonly url: string,
    readonly kind: HttpFailure,
    readonly status?: number,
    readonly attempts = 1,
  ) {
    super(message);
    this.name = 'StatlineHttpError';
  }
}

/** Settings for one kind of request; every field has a default that suits CBS. */
export interface HttpOptions {
  /** Milliseconds a whole request (headers and body) may take. Default 60 000. */
  timeoutMs?: number;
  /** Attempts after the first. Default 5. */
  retries?: number;
  /** First backoff delay in milliseconds, doubled each retry. Default 500. */
  backoffMs?: number;
  /** Longest single wait, also for a server's Retry-After. Default 60 000. */
  maxDelayMs?: number;
  /** Told about each retry, e.g. to show it next to a progress bar. */
  onRetry?: (retry: RetryNotice) => void;
  /** Jitter source, replaceable so tests can make backoff exact. */
  random?: () => number;
}

/** What the client says when it tries a request again. */
export interface RetryNotice {
  url: string;
  attempt: number;
  delayMs: number;
  reason: string;
}

interface Attempt {
  ok: true;
  body: Buffer;
}
interface Failed {
  ok: false;
  kind: HttpFailure;
  reason: string;
  status?: number;
  retryAfterMs?: number;
  retry: boolean;
}

/** Fetches `url` and parses its JSON body, retrying transient failures; throws StatlineHttpError. */
export async function getJson<T = unknown>(url: string, options: HttpOptions = {}): Promise<T> {
  return parseJsonBody<T>(url, await getText(url, options));
}

/** Parses a body fetched from `url`, or throws a StatlineHttpError that names the URL and shows the start of the body. */
export function parseJsonBody<T = unknown>(url: string, text: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    // A malformed body is not retried: the server sent it completely (the length matched), so
    // asking again would give the same answer.
    throw new StatlineHttpError(
      `${url} did not return valid JSON (${(error as Error).message}; the body starts with ${JSON.stringify(text.slice(0, 60))}); expected an OData JSON document`,
      url,
      'json',
    );
  }
}

/** Fetches `url` as text with the timeout and retry rules of getJson. */
export async function getText(url: string, options: HttpOptions = {}): Promise<string> {
  return (await getBytes(url, options)).toString('utf8');
}

/**
 * Fetches `url` as bytes with the timeout and retry rules of getJson. A download of pages that
 * go to disk as they are never needs them as a JS string (decoding 150 MB costs real time).
 */
export async function getBytes(url: string, options: HttpOptions = {}): Promise<Buffer> {
  const retries = options.retries ?? 5;
  const backoff = options.backoffMs ?? 500;
  const maxDelay = options.maxDelayMs ?? 60_000;
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    const result = await attemptOnce(url, options.timeoutMs ?? 60_000);
    if (result.ok) return result.body;
    if (!result.retry || attempt > retries) {
      const tries = attempt > 1 ? ` after ${attempt} attempts` : '';
      throw new StatlineHttpError(
        `${url}: ${result.reason}${tries}`,
        url,
        result.kind,
        result.status,
        attempt,
      );
    }
    // Full jitter on the exponential step keeps many clients from retrying in lockstep; a
    // server's Retry-After is a floor, since it knows when it will accept us again.
    const exponential = Math.min(maxDelay, backoff * 2 ** (attempt - 1));
    const jittered = exponential / 2 + random() * (exponential / 2);
    const delayMs = Math.min(maxDelay, Math.max(jittered, result.retryAfterMs ?? 0));
    options.onRetry?.({ url, attempt, delayMs, reason: result.reason });
    await sleep(delayMs);
  }
}

async function attemptOnce(url: string, timeoutMs: number): Promise<Attempt | Failed> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(url, { signal, headers: { accept: 'application/json' } });
    // The body is read under the same timeout: a server that stalls mid-body is a timeout too.
    const bytes = Buffer.from(await response.arrayBuffer());
    if (response.ok) return { ok: true, body: bytes };
    const body = bytes.toString('utf8');
    const status = response.status;
    const retry = status === 429 || status === 408 || (status >= 500 && status !== 501);
    return {
      ok: false,
      kind: 'status',
      status,
      retry,
      retryAfterMs: retryAfter(response.headers.get('retry-after')),
      reason: `HTTP ${status} ${response.statusText}${body ? `: ${body.slice(0, 200).trim()}` : ''}${retry ? '' : ' (expected 200 OK)'}`,
    };
  } catch (error) {
    if (signal.aborted) {
      return { ok: false, kind: 'timeout', retry: true, reason: `no complete answer within ${timeoutMs} ms` };
    }
    return { ok: false, kind: 'network', retry: true, reason: describeNetworkError(error) };
  }
}

/** Reads Retry-After as seconds or as an HTTP date; undefined when absent or unreadable. */
export function retryAfter(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

// undici reports a reset as TypeError('fetch failed') with the socket error as cause, and a body
// cut short as TypeError('terminated'); name the underlying cause so the message says what happened.
function describeNetworkError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 4; depth++) {
    const code = (current as NodeJS.ErrnoException).code;
    parts.push(code ? `${current.message} (${code})` : current.message);
    current = (current as Error & { cause?: unknown }).cause;
  }
  const text = parts.join(': ') || String(error);
  return /terminated|other side closed|premature/i.test(text)
    ? `the connection closed before the whole answer arrived: ${text}`
    : `network error: ${text}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
