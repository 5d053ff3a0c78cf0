// Reads a microdata file and writes a pseudonymised copy for the engine to load: the BSN is checked
// with the 11-test and replaced by its keyed hash before the line goes anywhere, direct
// identifiers are dropped, hashed or coarsened, and every problem is named by file, line and
// column. The BSN itself is never written (not to the copy, not to a message).
//
// This module reads the header and plans each column; the lines are pseudonymised in chunks of
// whole lines by pseudonymise-chunk.ts, on this thread for small files and in worker threads for
// large ones. Each chunk becomes one part file of the copy (part-000000.csv, ...), written by the
// thread that made it; the engine loads the parts in order.
import { open, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { splitCsvLine } from '../sources/files/csv-dialect.js';
import type { ColumnAction, ImportConfig } from './config.js';
import { looksLikeIdentifier } from './config.js';
import { LinkageError } from './errors.js';
import { Pseudonymiser } from './keys.js';
import { mergeCategories, sortCategories } from './categories.js';
import {
  MAX_PROBLEMS,
  pseudonymiseChunk,
  categoricalColumns,
  isCategorical,
  type ChunkPlan,
  type ColumnStep,
} from './pseudonymise-chunk.js';
import type { WorkerReply, WorkerRequest } from './pseudonymise-worker.js';
import { startWorker } from './threads.js';

export { ageOn, normaliseForHash, parseDate } from './pseudonymise-values.js';

/** An output column of the pseudonymised copy and the engine type it loads as. */
export interface OutputColumn {
  name: string;
  type: 'BIGINT' | 'INTEGER' | 'DOUBLE' | 'VARCHAR' | 'BOOLEAN';
  /** Where it came from: the source column and the action taken. */
  origin: string;
  /** Stored as a category (the engine's ENUM) of this many values (text and PC4 columns with few values). */
  categories?: number;
}

/** What pseudonymising a file produced. */
export interface PseudonymisedFile {
  /**
   * Columns of the copy after `line` (and `p_hi`, `p_lo`, the pseudonym's two 32-bit halves,
   * when the file has a BSN).
   */
  columns: OutputColumn[];
  hasBsn: boolean;
  rows: number;
  dropped: string[];
  /** The copy's delimiter (the file's own, so kept fields need no quoting). */
  delimiter: string;
  /** The part files of the copy, in line order (no header). */
  parts: string[];
  /** Text and PC4 columns with few distinct values: their values, in the engine's order (see categories.ts). */
  categories: Record<string, string[]>;
}

export interface PseudonymiseOptions {
  onProgress?: (bytes: number) => void;
  /** Worker threads; default one per core for files of several chunks, 0 for this thread only. */
  threads?: number;
  /** Bytes read per chunk (default 8 MiB). */
  chunkBytes?: number;
}

const DELIMITERS = [',', ';', '\t', '|'] as const;
const CHUNK_BYTES = 8 << 20;

/** A column name as it may be stored: lower case, letters, digits and underscores. */
export function storedName(column: string): string {
  const name = column
    .trim()
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return /^[a-z]/.test(name) ? name.slice(0, 60) : `c_${name}`.slice(0, 60);
}

/** Picks the delimiter that splits the header into the most fields. */
function detectDelimiter(header: string): string {
  let best: string = ',';
  let bestCount = 0;
  for (const d of DELIMITERS) {
    const count = header.split(d).length - 1;
    if (count > bestCount) [best, bestCount] = [d, count];
  }
  return best;
}

/** The key material a thread needs to make the same pseudonyms. */
export interface PseudonymKeys {
  keys: readonly Buffer[];
  generation: number;
}

/**
 * Pseudonymises `file` into part files in the directory `target` (see PseudonymisedFile). Throws a
 * LinkageError naming file, line and column for the first problems and leaves `target` for the
 * caller to delete.
 */
export async function pseudonymiseFile(
  file: string,
  target: string,
  config: ImportConfig,
  keys: PseudonymKeys,
  options: PseudonymiseOptions = {},
): Promise<PseudonymisedFile> {
  const pseudonymiser = new Pseudonymiser(keys.keys, keys.generation);
  const chunkBytes = options.chunkBytes ?? CHUNK_BYTES;
  const input = await open(file, 'r');
  const size = (await input.stat()).size;
  const threads = options.threads ?? (size > 2 * chunkBytes ? Math.min(availableParallelism(), 8) : 0);
  // Workers left by an earlier import are reused; new ones load their modules while this thread
  // reads the header.
  const workers = takeWorkers(threads);
  let pool: Pool | undefined;
  try {
    let carry: Buffer = Buffer.alloc(0);
    let eof = false;
    /** Reads up to chunkBytes more after the carried bytes, into a buffer of its own. */
    const read = async (): Promise<Buffer> => {
      const buffer = Buffer.allocUnsafeSlow(carry.length + chunkBytes);
      carry.copy(buffer, 0);
      const { bytesRead } = await input.read(buffer, carry.length, chunkBytes, null);
      if (bytesRead === 0) eof = true;
      return buffer.subarray(0, carry.length + bytesRead);
    };

    // The header: the first line.
    let head = await read();
    while (head.indexOf(10) < 0 && !eof) {
      carry = head;
      head = await read();
    }
    const headerEnd = head.indexOf(10);
    if (head.length === 0) throw new LinkageError(`${file}: the file is empty (expected a header line)`);
    const headerLine = head.toString('utf8', 0, headerEnd < 0 ? head.length : headerEnd).replace(/\r$/, '');
    const { plan, columns, dropped } = planColumns(file, headerLine, config);
    carry = headerEnd < 0 ? Buffer.alloc(0) : Buffer.from(head.subarray(headerEnd + 1));

    const problems: string[][] = [];
    const parts: (string | undefined)[] = [];
    // Per categorical output column the values found so far; null once it has too many.
    const categories: (Set<string> | null)[] = Array.from(
      { length: categoricalColumns(plan) },
      () => new Set(),
    );
    const track = () => categories.map((c) => c !== null);
    let rows = 0;
    let found = 0;
    let bytes = headerEnd + 1;
    const done = (seq: number, result: ChunkDone, length: number) => {
      mergeCategories(categories, result.categories);
      rows += result.rows;
      problems[seq] = result.problems;
      parts[seq] = result.part;
      found += result.problems.length;
      bytes += length;
      options.onProgress?.(bytes);
    };
    pool = workers.length > 0 ? new Pool(workers, plan, keys) : undefined;

    const sent: Promise<void>[] = [];
    let seq = 0;
    let line = 2;
    while (!eof && found < MAX_PROBLEMS) {
      const data = await read();
      let chunk: Buffer;
      if (eof) {
        chunk = data;
        carry = Buffer.alloc(0);
      } else {
        const cut = data.lastIndexOf(10);
        if (cut < 0) {
          carry = data;
          continue;
        }
        chunk = data.subarray(0, cut + 1);
        carry = Buffer.from(data.subarray(cut + 1));
      }
      if (chunk.length === 0) break;
      const part = join(target, `part-${String(seq).padStart(6, '0')}.csv`);
      const firstLine = line;
      line += countLines(chunk);
      const n = seq++;
      if (pool) {
        await pool.whenFree();
        const length = chunk.length;
        sent.push(pool.run(n, chunk, firstLine, part, track()).then((r) => done(n, r, length)));
      } else {
        const result = pseudonymiseChunk(plan, pseudonymiser, chunk, firstLine, track());
        if (result.output.length > 0) await writeFile(part, result.output, { mode: 0o600 });
        done(n, { ...result, part: result.output.length > 0 ? part : undefined }, chunk.length);
      }
    }
    await pool?.drain();
    await Promise.all(sent);

    const all = problems.flat();
    if (all.length > 0) {
      throw new LinkageError(
        all.length >= MAX_PROBLEMS
          ? `${all.slice(0, 5).join('\n')}\n(stopped after ${MAX_PROBLEMS} problems)`
          : all.slice(0, 5).join('\n') + (all.length > 5 ? `\n(${all.length - 5} more)` : ''),
        all.slice(0, MAX_PROBLEMS),
      );
    }
    if (rows === 0) throw new LinkageError(`${file}: the file has a header but no rows`);
    // Output columns are in the order of the plan's steps.
    const actions = plan.steps.flat().map((s) => s.action);
    const counted = columns.filter((_, j) => isCategorical(actions[j]!));
    return {
      categories: Object.fromEntries(
        counted.flatMap((c, k) => {
          const values = categories[k];
          return values && values.size > 0 ? [[c.name, sortCategories(values)]] : [];
        }),
      ),
      columns,
      hasBsn: plan.bsnIndex >= 0,
      rows,
      dropped,
      delimiter: plan.delimiter,
      parts: parts.filter((p): p is string => p !== undefined),
    };
  } finally {
    await input.close();
    await returnWorkers(workers, pool);
  }
}

/**
 * Worker threads idle between imports of this process. Starting one costs about 0.2 CPU seconds
 * (a thread, Node's bootstrap, the TypeScript loader, the modules), which three imports of two
 * workers each would pay six times. An idle worker holds no plan and no keys (`forget`) and does
 * not keep the process alive.
 */
const idleWorkers: Worker[] = [];

/** Worker threads waiting for the next import (for tests). */
export function idleWorkerThreads(): number {
  return idleWorkers.length;
}

function takeWorkers(count: number): Worker[] {
  const workers = idleWorkers.splice(0, count);
  while (workers.length < count) {
    const worker = startWorker('pseudonymise-worker');
    // A worker that fails or stops while idle is simply not reused.
    const drop = () => {
      const at = idleWorkers.indexOf(worker);
      if (at >= 0) idleWorkers.splice(at, 1);
    };
    worker.on('error', drop);
    worker.on('exit', drop);
    workers.push(worker);
  }
  for (const worker of workers) worker.ref();
  return workers;
}

/**
 * Keeps the workers for the next import when every chunk sent came back and none failed; stops
 * them otherwise (a late reply must never reach another import).
 */
async function returnWorkers(workers: Worker[], pool: Pool | undefined): Promise<void> {
  const reusable = pool === undefined ? workers.length > 0 : pool.release();
  if (!reusable) {
    await Promise.all(workers.map((w) => w.terminate()));
    return;
  }
  for (const worker of workers) {
    worker.postMessage({ kind: 'forget' } satisfies WorkerRequest);
    worker.unref();
    idleWorkers.push(worker);
  }
}

/** Lines in a chunk: its line breaks, plus a last line without one. */
function countLines(chunk: Buffer): number {
  let n = 0;
  for (let at = chunk.indexOf(10); at >= 0; at = chunk.indexOf(10, at + 1)) n++;
  return chunk.length > 0 && chunk[chunk.length - 1] !== 10 ? n + 1 : n;
}

/**
 * Reads the header and decides per column what goes into the copy. Throws a LinkageError for a
 * configured column that is missing, an unconfigured direct identifier, or nothing kept.
 */
function planColumns(
  file: string,
  line: string,
  config: ImportConfig,
): { plan: ChunkPlan; columns: OutputColumn[]; dropped: string[] } {
  const problems: string[] = [];
  const text = line.replace(/^\uFEFF/, '');
  const delimiter = config.delimiter ?? detectDelimiter(text);
  const header = splitCsvLine(text, delimiter).map((h) => h.trim());
  const columns: OutputColumn[] = [];
  const dropped: string[] = [];
  const steps: ColumnStep[][] = [];
  const names = new Set<string>();
  let bsnIndex = -1;
  for (const [column] of Object.entries(config.columns)) {
    if (!header.includes(column))
      problems.push(
        `${file}: column "${column}" (configured as ${config.columns[column]}) is not in the header; the file has ${header.join(', ')}`,
      );
  }
  header.forEach((column, i) => {
    const configured = config.columns[column];
    steps.push([]);
    if (configured === undefined && looksLikeIdentifier(column)) {
      problems.push(
        `${file}: column "${column}" looks like a direct identifier; configure it as bsn, drop, hash:<field> or coarsen it (year, age, pc4)`,
      );
      return;
    }
    const actions: ColumnAction[] =
      configured === undefined ? ['text'] : Array.isArray(configured) ? configured : [configured];
    for (const act of actions) {
      if (act === 'drop') {
        dropped.push(column);
        continue;
      }
      if (act === 'bsn') {
        if (bsnIndex >= 0 && bsnIndex !== i) problems.push(`${file}: two columns are marked bsn`);
        bsnIndex = i;
        continue;
      }
      const [name, type]: [string, OutputColumn['type']] =
        act === 'text'
          ? [storedName(column), 'VARCHAR']
          : act === 'integer' || act === 'number'
            ? [storedName(column), act === 'integer' ? 'INTEGER' : 'DOUBLE']
            : act === 'year'
              ? [storedName(`${column}_year`), 'INTEGER']
              : act === 'age'
                ? [storedName('age'), 'INTEGER']
                : act === 'pc4'
                  ? [storedName(`${column}_pc4`), 'VARCHAR']
                  : [`h_${act.slice(5)}`, 'BIGINT'];
      if (names.has(name) || name === 'line' || name === 'p_hi' || name === 'p_lo' || name === 'pseudonym')
        problems.push(
          `${file}: column "${column}" would be stored as "${name}", which another column uses already`,
        );
      names.add(name);
      columns.push({ name, type, origin: `${column} (${act})` });
      steps[i]!.push({ action: act, column });
    }
  });
  if (columns.length === 0 && bsnIndex < 0) problems.push(`${file}: no column is kept`);
  if (problems.length > 0)
    throw new LinkageError(
      problems.slice(0, 5).join('\n') + (problems.length > 5 ? `\n(${problems.length - 5} more)` : ''),
      problems,
    );
  return {
    plan: {
      file,
      delimiter,
      header,
      bsnIndex,
      steps,
      reference: config.referenceDate ?? `${new Date().getUTCFullYear()}-01-01`,
    },
    columns,
    dropped,
  };
}

/** What a chunk gave back. */
type ChunkDone = { rows: number; problems: string[]; part?: string; categories: (string[] | null)[] };

/** Worker threads taking chunks, at most two each in flight. */
class Pool {
  private readonly busy: number[];
  private readonly waiting = new Map<
    number,
    { resolve: (r: ChunkDone) => void; part: string; worker: number }
  >();
  private failure: Error | undefined;
  private free: (() => void) | undefined;
  /** Removes the listeners this pool added (see `release`). */
  private readonly detach: (() => void)[] = [];

  constructor(
    private readonly workers: Worker[],
    plan: ChunkPlan,
    keys: PseudonymKeys,
  ) {
    this.busy = workers.map(() => 0);
    workers.forEach((worker, i) => {
      const onMessage = (reply: WorkerReply) => this.reply(i, reply);
      const onError = (error: Error) => this.fail(error);
      const onExit = () => this.fail(new Error('a pseudonymising worker thread stopped'));
      worker.on('message', onMessage).on('error', onError).on('exit', onExit);
      this.detach.push(() => worker.off('message', onMessage).off('error', onError).off('exit', onExit));
      worker.postMessage({
        kind: 'init',
        plan,
        keys: keys.keys.map((k) => new Uint8Array(k)),
        generation: keys.generation,
      } satisfies WorkerRequest);
    });
  }

  /** Resolves when some worker has room for another chunk. */
  async whenFree(): Promise<void> {
    while (Math.min(...this.busy) >= 2) {
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => (this.free = resolve));
    }
    if (this.failure) throw this.failure;
  }

  /** Sends a chunk (its memory moves to the worker) to the least busy worker. */
  run(seq: number, chunk: Buffer, firstLine: number, part: string, track: boolean[]): Promise<ChunkDone> {
    const worker = this.busy.indexOf(Math.min(...this.busy));
    this.busy[worker]!++;
    const result = new Promise<ChunkDone>((resolve) => this.waiting.set(seq, { resolve, part, worker }));
    const data = chunk.buffer as ArrayBuffer;
    this.workers[worker]!.postMessage(
      { kind: 'chunk', seq, data, length: chunk.length, firstLine, part, track } satisfies WorkerRequest,
      [data],
    );
    return result;
  }

  /**
   * Detaches the pool from its workers; true when they can serve another import (every chunk came
   * back, none failed).
   */
  release(): boolean {
    for (const detach of this.detach) detach();
    return this.waiting.size === 0 && this.failure === undefined;
  }

  /** Waits for every chunk sent; throws what a worker failed with. */
  async drain(): Promise<void> {
    while (this.waiting.size > 0) {
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => (this.free = resolve));
    }
    if (this.failure) throw this.failure;
  }

  private reply(worker: number, reply: WorkerReply): void {
    const job = this.waiting.get(reply.seq);
    if (!job) return;
    this.waiting.delete(reply.seq);
    this.busy[worker]!--;
    if (reply.kind === 'failed')
      this.fail(new Error(`pseudonymising in a worker thread failed: ${reply.message}`));
    else
      job.resolve({
        rows: reply.rows,
        problems: reply.problems,
        part: reply.written ? job.part : undefined,
        categories: reply.categories,
      });
    this.wake();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.wake();
  }

  private wake(): void {
    const free = this.free;
    this.free = undefined;
    free?.();
  }
}
