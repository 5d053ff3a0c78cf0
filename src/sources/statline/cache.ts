/**
 * The on-disk cache of StatLine downloads, under <dataDir>/statline-cache. A table's files live in
 * a folder named by the server, the table and its Modified stamp, so a table CBS has not changed is
 * never downloaded twice and a changed one starts a fresh folder. Observation pages are written one
 * file per page, each complete before it gets its name, so a broken download resumes after the last
 * whole page.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const PAGE = /^page-(\d{5})\.json$/;
const COMPLETE = 'complete';

/** The cache folder of one version of one table on one server. */
export class TableCache {
  constructor(readonly dir: string) {}

  /** Reads a cached JSON document (metadata), or undefined when it is not there. */
  async read<T>(name: string): Promise<T | undefined> {
    const text = await readFile(join(this.dir, `${name}.json`), 'utf8').catch(() => undefined);
    return text === undefined ? undefined : (JSON.parse(text) as T);
  }

  /** Writes a JSON document atomically (a reader never sees half a file). */
  async write(name: string, value: unknown): Promise<void> {
    await writeAtomically(join(this.dir, `${name}.json`), JSON.stringify(value));
  }

  /** The page folder of one query (filter and select) of the table's observations. */
  feed(query: string): FeedPages {
    const key = createHash('sha256').update(query).digest('hex').slice(0, 16);
    return new FeedPages(join(this.dir, `feed-${key}`));
  }
}

/** The pages of one download: page-00001.json, page-00002.json ... and a marker when the last one is in. */
export class FeedPages {
  constructor(readonly dir: string) {}

  /** The complete pages on disk, in order, and whether the download finished. */
  async list(): Promise<{ files: string[]; complete: boolean }> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const pages = names
      .map((n) => PAGE.exec(n))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
    // Only an unbroken run from page 1 counts: a gap means a page went missing.
    const files: string[] = [];
    for (let i = 0; i < pages.length && pages[i] === i + 1; i++) files.push(this.page(i + 1));
    return { files, complete: names.includes(COMPLETE) && files.length === pages.length };
  }

  /** Path of page `index` (1-based). */
  page(index: number): string {
    return join(this.dir, `page-${String(index).padStart(5, '0')}.json`);
  }

  /** Stores one page's body under its number, atomically. */
  async writePage(index: number, body: string | Uint8Array): Promise<string> {
    const file = this.page(index);
    await writeAtomically(file, body);
    return file;
  }

  /** Removes page `index` and every page after it, and the finished mark: they are fetched again. */
  async discardFrom(index: number): Promise<void> {
    await rm(join(this.dir, COMPLETE), { force: true });
    const names = await readdir(this.dir).catch(() => [] as string[]);
    for (const name of names) {
      const page = PAGE.exec(name);
      if (page && Number(page[1]) >= index) await rm(join(this.dir, name), { force: true });
    }
  }

  /** Marks the download finished: the last page has no next link. */
  async markComplete(): Promise<void> {
    await writeAtomically(join(this.dir, COMPLETE), new Date().toISOString());
  }
}

/** The cache root of a data directory. */
export function cacheRoot(dataDir: string): string {
  return join(dataDir, 'statline-cache');
}

/** The folder for table `id` at stamp `modified` on `baseUrl`. */
export function tableCache(root: string, baseUrl: string, id: string, modified: string): TableCache {
  return new TableCache(join(tableFolder(root, baseUrl, id), safeName(modified)));
}

/** Removes the cached versions of a table other than `keep`, so the cache holds one version per table. */
export async function pruneTable(root: string, baseUrl: string, id: string, keep: string): Promise<void> {
  const folder = tableFolder(root, baseUrl, id);
  const versions = await readdir(folder).catch(() => [] as string[]);
  for (const v of versions) {
    if (v !== safeName(keep)) await rm(join(folder, v), { recursive: true, force: true });
  }
}

function tableFolder(root: string, baseUrl: string, id: string): string {
  const server = safeName(baseUrl.replace(/^[a-z]+:\/\//i, ''));
  return join(root, server, safeName(id.toLowerCase()));
}

// Stamps and URLs hold ':' and '/', which are not portable in file names.
function safeName(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 120) || '_';
}

async function writeAtomically(file: string, content: string | Uint8Array): Promise<void> {
  await mkdir(join(file, '..'), { recursive: true });
  const temporary = `${file}.${process.pid}.${Math.floor(Math.random() * 1e9)}.part`;
  await writeFile(temporary, content);
  await rename(temporary, file);
}
