/**
 * Server-driven paging: StatLine answers a large query one page at a time and names the next page
 * in `odata.nextLink` (v3) or `@odata.nextLink` (v4). Pages are kept on disk as they arrive, so a
 * failure costs only the page it happened on.
 */
import { readFile } from 'node:fs/promises';
import type { FeedPages } from './cache.js';
import { getText, parseJsonBody, StatlineHttpError, type HttpOptions } from './http.js';

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
  /** Rows in all pages. */
  rows: number;
  /** Rows in each page, in the order of `files` (the bulk reader numbers rows from these). */
  rowsPerPage: number[];
  /** Pages that were already on disk and not requested again. */
  pagesFromCache: number;
}

/** Progress of a download: rows so far and (when the server said) how many there will be. */
export type FeedProgress = (rows: number, total?: number) => void;

/**
 * Downloads every page of the collection at `firstUrl` into `pages`, starting after the last
 * complete page already there. Throws StatlineHttpError when a page cannot be fetched after its
 * retries; the pages before it stay on disk for the next attempt.
 */
export async function downloadFeed(
  firstUrl: string,
  pages: FeedPages,
  http: HttpOptions,
  onProgress?: FeedProgress,
  total?: number,
): Promise<FeedDownload> {
  const { files, complete } = await pages.list();
  let rows = 0;
  const rowsPerPage: number[] = [];
  let next: string | undefined = firstUrl;
  // The stored pages are counted and their last next link is where the download continues.
  for (const file of files) {
    const page = readODataPage(file, parseJsonBody(file, await readFile(file, 'utf8')));
    rows += page.value.length;
    rowsPerPage.push(page.value.length);
    next = page.nextLink === undefined ? undefined : rebaseLink(page.nextLink, firstUrl);
  }
  const pagesFromCache = files.length;
  onProgress?.(rows, total);
  if (complete || (files.length > 0 && next === undefined)) {
    if (!complete) await pages.markComplete();
    return { files, rows, rowsPerPage, pagesFromCache };
  }
  const seen = new Set<string>();
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
    const body = await getText(url, http);
    const page = readODataPage(url, parseJsonBody(url, body));
    files.push(await pages.writePage(files.length + 1, body));
    rows += page.value.length;
    rowsPerPage.push(page.value.length);
    total = total ?? page.count;
    onProgress?.(rows, total);
    next = page.nextLink === undefined ? undefined : rebaseLink(page.nextLink, url);
  }
  await pages.markComplete();
  return { files, rows, rowsPerPage, pagesFromCache };
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
