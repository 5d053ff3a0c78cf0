/**
 * One client for every StatLine-speaking server: CBS (opendata.cbs.nl v3, datasets.cbs.nl v4),
 * CBS's third-party catalog (dataderden.cbs.nl), a replay server in tests, and later udc's own
 * StatLine-compatible API. Only the base URL (and the protocol, guessed from it) differs.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pruneTable, tableCache, type TableCache } from './cache.js';
import { checkPages, downloadFeed, pageRows, type FeedDownload, type FeedProgress } from './feed.js';
import { StatlineHttpError, type HttpOptions } from './http.js';
import { englishTwinId } from './labels.js';
import { queryKey, type ObservationQuery } from './query.js';
import { fetchThemesV3, matchThemes, themePaths } from './themes.js';
import { StatlineFormatError } from './normalise.js';
import type { CatalogEntry, RawObservation, StatlineApi, TableMetadata } from './table.js';
import { fetchCatalogV3, fetchModifiedV3, fetchTableV3, feedUrlV3, observationsFromV3Row } from './v3.js';
import {
  fetchCatalogV4,
  fetchModifiedV4,
  fetchTableV4,
  observationFromV4Row,
  observationsUrlV4,
} from './v4.js';

/** CBS's own servers. */
export const CBS_V3 = 'https://opendata.cbs.nl';
export const CBS_THIRD_PARTY = 'https://dataderden.cbs.nl';
export const CBS_V4 = 'https://datasets.cbs.nl/odata/v1';

/** Where and how to reach a StatLine server. */
export interface StatlineClientOptions {
  /** Server root: https://opendata.cbs.nl (v3), https://datasets.cbs.nl/odata/v1 (v4), or any mirror. */
  baseUrl?: string;
  /** Protocol; guessed from the base URL when absent (datasets.cbs.nl and odata4 hosts speak v4). */
  api?: StatlineApi;
  /** v4 catalog (CBS); v3 catalogs are part of the base URL. */
  catalog?: string;
  /** Cache root (<dataDir>/statline-cache); without one, downloads go to a temporary folder. */
  cacheDir?: string;
  http?: HttpOptions;
}

/** The protocol a base URL speaks, as far as its address tells. */
export function apiFor(baseUrl: string): StatlineApi {
  return /datasets\.cbs\.nl|odata4|\/odata\/v1\b/i.test(baseUrl) ? 'v4' : 'v3';
}

/** A table's observations on disk, ready to be read back as raw observations. */
export interface DownloadedObservations extends FeedDownload {
  url: string;
  /** The observations, page by page; `counted.rows` follows the rows of the pages read. */
  rowsOf(counted?: { rows: number }): AsyncGenerator<RawObservation>;
  /**
   * Parses every page; the first that is not valid JSON is removed from the cache and thrown as
   * a StatlineHttpError naming its URL and file. For when the engine could not read the pages.
   */
  check(): Promise<void>;
  /** Removes a temporary download (a cached one stays). */
  release(): Promise<void>;
}

/** A StatLine client bound to one server. */
export class StatlineClient {
  readonly baseUrl: string;
  readonly api: StatlineApi;
  readonly catalog: string;
  readonly http: HttpOptions;
  readonly cacheDir: string | undefined;

  constructor(options: StatlineClientOptions = {}) {
    this.baseUrl = (options.baseUrl ?? CBS_V3).replace(/\/+$/, '');
    this.api = options.api ?? apiFor(this.baseUrl);
    this.catalog = options.catalog ?? 'CBS';
    this.http = options.http ?? {};
    this.cacheDir = options.cacheDir;
  }

  /** Every table in the server's catalog. */
  async listTables(): Promise<CatalogEntry[]> {
    return this.api === 'v3'
      ? fetchCatalogV3(this.baseUrl, this.http)
      : fetchCatalogV4(this.baseUrl, this.catalog, this.http);
  }

  /**
   * Tables whose id, title or summary hold every word, optionally of one catalog, modified since
   * a date, and filed under a theme whose path holds every theme word (v3 catalogs only: the v4
   * catalog has no themes). Entries found by theme carry the matching theme paths.
   */
  async search(words: readonly string[], options: CatalogSearch = {}): Promise<CatalogEntry[]> {
    const themeWords = (options.theme ?? []).filter((w) => w.trim());
    if (themeWords.length === 0) return searchCatalog(await this.listTables(), words, options);
    if (this.api !== 'v3') {
      throw new StatlineFormatError(
        `${this.baseUrl}: the v4 catalog (Datasets) has no themes; search by theme on a v3 server such as ${CBS_V3}`,
      );
    }
    const [tables, { themes, links }] = await Promise.all([
      this.listTables(),
      fetchThemesV3(this.baseUrl, this.http),
    ]);
    const wanted = new Map(matchThemes(themePaths(themes), themeWords).map((t) => [t.id, t.path]));
    const themed: CatalogEntry[] = [];
    for (const t of searchCatalog(tables, words, options)) {
      const paths = (links.get(t.id.toLowerCase()) ?? [])
        .map((id) => wanted.get(id))
        .filter((p): p is string => p !== undefined);
      if (paths.length > 0) themed.push({ ...t, themes: [...new Set(paths)] });
    }
    return themed;
  }

  /** The table's Modified stamp: one small request, no data. */
  async modified(id: string): Promise<string> {
    return this.api === 'v3'
      ? fetchModifiedV3(this.baseUrl, id, this.http)
      : fetchModifiedV4(this.baseUrl, this.catalog, id, this.http);
  }

  /** Everything about a table but its observations; cached by its Modified stamp. */
  async table(id: string): Promise<TableMetadata> {
    const modified = this.cacheDir ? await this.modified(id) : undefined;
    const cache =
      this.cacheDir && modified ? tableCache(this.cacheDir, this.baseUrl, id, modified) : undefined;
    const cached = await cache?.read<TableMetadata>('metadata');
    if (cached) return cached;
    const table =
      this.api === 'v3'
        ? await fetchTableV3(this.baseUrl, id, this.http)
        : await fetchTableV4(this.baseUrl, this.catalog, id, this.http);
    await cache?.write('metadata', table);
    return table;
  }

  /**
   * The English twin of a Dutch table (80137ned -> 80137eng), or undefined when CBS has none
   * (the server answers 404) or the table is not Dutch.
   */
  async englishTwin(table: TableMetadata): Promise<TableMetadata | undefined> {
    if (table.language && table.language.toLowerCase() !== 'nl') return undefined;
    const id = englishTwinId(table.id);
    if (!id) return undefined;
    try {
      return await this.table(id);
    } catch (error) {
      if (error instanceof StatlineHttpError && error.status === 404) return undefined;
      throw error;
    }
  }

  /** The URL the observations of a query are read from. */
  observationsUrl(table: TableMetadata, query: ObservationQuery = {}): string {
    return this.api === 'v3' ? feedUrlV3(this.baseUrl, table, query) : observationsUrlV4(table, query);
  }

  /**
   * Downloads a query's observations page by page into the cache (resuming after the last
   * complete page of an earlier attempt), and gives them back as raw observations.
   */
  async download(
    table: TableMetadata,
    query: ObservationQuery = {},
    onProgress?: FeedProgress,
  ): Promise<DownloadedObservations> {
    const url = this.observationsUrl(table, query);
    const temporary = this.cacheDir ? undefined : await mkdtemp(join(tmpdir(), 'udc-statline-'));
    const cache: TableCache = tableCache(temporary ?? this.cacheDir!, this.baseUrl, table.id, table.modified);
    const unfiltered = !query.filter && !query.select?.length;
    const pages = cache.feed(`${this.api} ${queryKey(query)}`);
    const done = await downloadFeed(
      url,
      pages,
      this.http,
      onProgress,
      unfiltered ? table.observationCount : undefined,
    ).catch(async (error: unknown) => {
      if (temporary) await rm(temporary, { recursive: true, force: true });
      throw error;
    });
    if (this.cacheDir) await pruneTable(this.cacheDir, this.baseUrl, table.id, table.modified);
    const toRaw =
      this.api === 'v3'
        ? observationsFromV3Row
        : (t: TableMetadata, r: Record<string, unknown>) => [observationFromV4Row(t, r)];
    return {
      ...done,
      url,
      async *rowsOf(counted = { rows: 0 }) {
        for await (const row of pageRows(done.files)) {
          counted.rows++;
          yield* toRaw(table, row);
        }
      },
      check: () => checkPages(url, pages, done.files),
      release: async () => {
        if (temporary) await rm(temporary, { recursive: true, force: true });
      },
    };
  }
}

/** How to narrow a catalog search. */
export interface CatalogSearch {
  /** Only tables of this catalog (CBS, or a third party on dataderden). */
  catalog?: string;
  /** Only tables modified on or after this date (YYYY-MM-DD, compared with Modified). */
  modifiedSince?: string;
  /** Only tables filed under a theme whose path holds every one of these words. */
  theme?: readonly string[];
}

/** Filters a catalog by words (all must occur in id, title, short title or summary), catalog and date. */
export function searchCatalog(
  tables: readonly CatalogEntry[],
  words: readonly string[],
  options: CatalogSearch = {},
): CatalogEntry[] {
  const needles = words.map((w) => w.toLowerCase()).filter(Boolean);
  return tables.filter((t) => {
    const haystack = `${t.id} ${t.title} ${t.shortTitle ?? ''} ${t.summary ?? ''}`.toLowerCase();
    if (!needles.every((n) => haystack.includes(n))) return false;
    if (options.catalog && t.catalog.toLowerCase() !== options.catalog.toLowerCase()) return false;
    if (options.modifiedSince && (t.modified ?? '') < options.modifiedSince) return false;
    return true;
  });
}
