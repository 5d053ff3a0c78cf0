/**
 * Server-driven paging: StatLine answers a large query one page at a time and names the next page
 * in `odata.nextLink` (v3) or `@odata.nextLink` (v4). Pages are kept on disk as they arrive, so a
 * failure costs only the page it happened on. The next link is read from the page's envelope
 * (envelope.ts), not by parsing the page: the rows are parsed once, where they are read.
 */
import { readFile, stat } from 'node:fs/promises';
import type { FeedPages } from './cache.js';
import { readEnvelope } from './envelope.js';
import { getBytes, getText, parseJsonBody, StatlineHttpError, type HttpOptions } from './http.js';

/** An OData collection response: the rows and, when there are more, where they are. */
export interface ODataPage {
  value: Record<string, unknown>[];
  nextLink?: string;
  count?: number;
}

/** Reads an OData collection document of either version, or throws naming the URL and what was expected. */
export function readODataPage(url: string, document: unknown): ODataPage {
  if (Array.isArray(document)) return { value: document as Record<string, unknown>[] };
  const body = document as Record<string, unknown> | null;
  if (body === null || typeof body !== 'object' || !Array.isArray(body['value'])) {
    throw new StatlineHttpError(
      `${url} returned JSON without a "value" array; expected an OData collection (rows in "value")`,
      url,
      'json',
    );
  }
  const next = body['odata.nextLink'] ?? body['@odata.nextLink'];
  const count = body['odata.count'] ?? body['@odata.count'];
  return {
    value: body['value'] as Record<string, unknown>[],
    nextLink: typeof next === 'string' ? next : undefined,
    count: count === undefined ? undefined : Number(count),
  };
}

/**
 * Points a next link at the server we were given: CBS's links name CBS's own host even when the
 * answer came through a mirror, replay server or proxy, and the client talks only to its base URL.
 */
export function rebaseLink(link: string, requestUrl: string): string {
  const target = new URL(link, requestUrl);
  const base = new URL(requestUrl);
  if (target.origin === base.origin) return target.href;
  return `${base.origin}${target.pathname}${target.search}`;
}

/** What a finished download reports. */
export interface FeedDownload {
  /** The page files, in order. */
  files: string[];
  /** Pages that were already on disk and not requested again. */
  pagesFromCache: number;
}

/**
 * Progress of a download: rows so far and (when the server said) how many there will be. While
 * pages arrive the rows are an estimate (one page is counted, the others scaled by their size:
 * pages are not parsed during the download); once it is complete they are the server's total.
 */
export type FeedProgress = (rows: number, total?: number) => void;

/**
 * Downloads every page of the collection at `firstUrl` into `pages`, starting after the last
 * complete page already there. Each page is checked only as far as its envelope (it is JSON from
 * head to tail, with a "value" array and perhaps a next link); its rows are parsed, and so
 * validated, when they are read (`checkPages` finds a broken one). Throws StatlineHttpError when
 * a page cannot be fetched after its retries or is not JSON; the pages before it stay on disk for
 * the next attempt.
 */
export async function downloadFeed(
  firstUrl: string,
  pages: FeedPages,
  http: HttpOptions,
  onProgress?: FeedProgress,
  total?: number,
): Promise<FeedDownload> {
  const { files, complete } = await pages.list();
  const estimate = new RowEstimate(total);
  for (const file of files) estimate.add((await stat(file)).size);
  if (files.length > 0) estimate.calibrate(await readFile(files[0]!));
  const pagesFromCache = files.length;
  // Only the last stored page's next link matters: it is where the download continues.
  let next: string | undefined = firstUrl;
  if (!complete && files.length > 0) {
    const last = files[files.length - 1]!;
    const link = readEnvelope(last, await readFile(last)).nextLink;
    next = link === undefined ? undefined : rebaseLink(link, firstUrl);
  }
  if (complete || next === undefined) {
    if (!complete) await pages.markComplete();
    onProgress?.(estimate.rows(true), estimate.total);
    return { files, pagesFromCache };
  }
  onProgress?.(estimate.rows(false), estimate.total);
  const seen = new Set<string>();
  // One page is written while the next is fetched; pages are written in order, one at a time.
  let writing: Promise<unknown> = Promise.resolve();
  try {
    while (next !== undefined) {
      if (seen.has(next)) {
        throw new StatlineHttpError(
          `${next} was named as the next page twice; expected each next link to move forward`,
          next,
          'json',
        );
      }
      seen.add(next);
      const url: string = next;
      const body = await getBytes(url, http);
      const page = readEnvelope(url, body);
      await writing;
      const index = files.length + 1;
      files.push(pages.page(index));
      writing = pages.writePage(index, body);
      // Handled here so a failing write waits, unreported, for the await that throws it.
      writing.catch(() => undefined);
      estimate.total ??= page.count;
      estimate.calibrate(body);
      estimate.add(body.byteLength);
      onProgress?.(estimate.rows(false), estimate.total);
      next = page.nextLink === undefined ? undefined : rebaseLink(page.nextLink, url);
    }
  } finally {
    await writing.catch(() => undefined);
  }
  await writing;
  await pages.markComplete();
  onProgress?.(estimate.rows(true), estimate.total);
  return { files, pagesFromCache };
}

/** Rows of a download estimated from its bytes: one page is counted, the rest scaled by size. */
class RowEstimate {
  private bytesPerRow: number | undefined;
  private bytes = 0;
  constructor(public total: number | undefined) {}

  calibrate(page: Uint8Array): void {
    if (this.bytesPerRow !== undefined) return;
    try {
      const rows = readODataPage('', JSON.parse(Buffer.from(page).toString('utf8'))).value.length;
      if (rows > 0) this.bytesPerRow = page.byteLength / rows;
    } catch {
      // A broken page is reported where its rows are read; the estimate waits for another.
    }
  }

  add(bytes: number): void {
    this.bytes += bytes;
  }

  /** Never the total before the download is complete, always the total (when known) after. */
  rows(complete: boolean): number {
    const rows = this.bytesPerRow ? Math.round(this.bytes / this.bytesPerRow) : 0;
    if (this.total === undefined) return rows;
    return complete ? this.total : Math.min(rows, Math.max(0, this.total - 1));
  }
}

/**
 * Finds the first stored page that is not a valid OData JSON document, removes it and the pages
 * after it from the cache (so the next import fetches them again) and throws a StatlineHttpError
 * naming its URL and file. Returns when every page parses. For the error path: it parses every page.
 */
export async function checkPages(
  firstUrl: string,
  pages: FeedPages,
  files: readonly string[],
): Promise<void> {
  let url = firstUrl;
  for (const [i, file] of files.entries()) {
    let page: ODataPage;
    try {
      page = readODataPage(url, parseJsonBody(url, await readFile(file, 'utf8')));
    } catch (error) {
      await pages.discardFrom(i + 1);
      throw new StatlineHttpError(
        `${(error as Error).message} (page ${i + 1}, stored as ${file}; removed from the cache so the next import fetches it again)`,
        url,
        'json',
      );
    }
    if (page.nextLink !== undefined) url = rebaseLink(page.nextLink, url);
  }
}

/** Reads the rows of stored pages one page at a time (a page is at most a few MB). */
export async function* pageRows(files: readonly string[]): AsyncGenerator<Record<string, unknown>> {
  for (const file of files) {
    const page = readODataPage(file, parseJsonBody(file, await readFile(file, 'utf8')));
    yield* page.value;
  }
}

/** Fetches every page of a small collection (catalog, code lists) into memory. */
export async function fetchAll(firstUrl: string, http: HttpOptions): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  const seen = new Set<string>();
  let next: string | undefined = firstUrl;
  while (next !== undefined && !seen.has(next)) {
    seen.add(next);
    const url: string = next;
    const page = readODataPage(url, parseJsonBody(url, await getText(url, http)));
    rows.push(...page.value);
    next = page.nextLink === undefined ? undefined : rebaseLink(page.nextLink, url);
  }
  return rows;
}
