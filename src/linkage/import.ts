// `udc linkage import`: a microdata file enters a project's zone pseudonymised. Read and hashed
// in JavaScript (the BSN never reaches the engine), loaded by the engine from the pseudonymised
// copy (part files in a private directory next to the database, deleted afterwards), proved
// unique per person where it must be, and stored in one transaction: a rejected file changes
// nothing but the audit log, which records the refusal.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { ident, type Store } from '../store/index.js';
import { appendAudit } from './audit.js';
import { enumType } from './categories.js';
import type { ImportConfig } from './config.js';
import { LinkageError } from './errors.js';
import { authorize, datasetTable, NAME, projectKeys } from './projects.js';
import { pseudonymiseFile, type OutputColumn, type PseudonymisedFile } from './pseudonymise.js';
import { dropDataset } from './tables.js';

export interface ImportRequest {
  project: string;
  dataset: string;
  file: string;
  config: ImportConfig;
  actor: string;
  /** Replace the dataset when the project holds it already. */
  replace?: boolean;
  today?: string;
  onProgress?: (done: number, total: number) => void;
  /** Worker threads for pseudonymising (default: one per core for large files; 0: none). */
  threads?: number;
}

export interface ImportSummary {
  project: string;
  dataset: string;
  rows: number;
  kind: 'pseudonymised' | 'unkeyed';
  keyGeneration: number;
  columns: OutputColumn[];
  dropped: string[];
  seconds: number;
}

/** Where the pseudonymised copy is written: next to the database (inside the zone), else the temp dir. */
function workDirectory(store: Store): string {
  return store.path === ':memory:' ? tmpdir() : dirname(store.path);
}

/**
 * Imports one file into a project: purpose checked (the dataset must be one of the project's),
 * keys checked, pseudonymised while read, loaded, proved unique, stored; every step logged.
 */
export async function importMicrodata(store: Store, request: ImportRequest): Promise<ImportSummary> {
  const started = performance.now();
  if (!NAME.test(request.dataset))
    throw new LinkageError(
      `dataset name "${request.dataset}": expected lower case letters, digits, single underscores`,
    );
  const project = await authorize(store, {
    project: request.project,
    actor: request.actor,
    action: 'import',
    datasets: [request.dataset],
    today: request.today,
  });
  const source = basename(request.file);
  const refuse = async (error: unknown): Promise<never> => {
    await appendAudit(store, {
      actor: request.actor,
      project: project.id,
      action: 'import',
      object: request.dataset,
      outcome: 'failed',
      detail: {
        source,
        problems: error instanceof LinkageError ? error.problems.slice(0, 20) : [(error as Error).message],
      },
    });
    throw error;
  };
  if (!existsSync(request.file)) return refuse(new LinkageError(`${request.file} does not exist`));
  const existing = await store.one('SELECT 1 FROM linkage_dataset WHERE project = $1 AND name = $2', [
    project.id,
    request.dataset,
  ]);
  if (existing && !request.replace)
    return refuse(
      new LinkageError(
        `project ${project.id} holds dataset ${request.dataset} already (use --replace to replace it)`,
      ),
    );

  const keys = await projectKeys(store, project, request.actor, `import ${request.dataset}`);
  const size = (await stat(request.file)).size;
  const copy = join(workDirectory(store), `.udc-linkage-${randomBytes(8).toString('hex')}`);
  try {
    await mkdir(copy, { mode: 0o700 });
    const read = await pseudonymiseFile(
      request.file,
      copy,
      request.config,
      { keys, generation: project.keyGeneration },
      { onProgress: (bytes) => request.onProgress?.(bytes, size), threads: request.threads },
    ).catch(refuse);
    const unique = read.hasBsn ? (request.config.unique ?? true) : false;
    const table = datasetTable(project.id, request.dataset);
    const copyRead = readCopy(read);
    // The pseudonym travels as two 32-bit halves (cheap to write without BigInt); here it becomes
    // the signed 64-bit value: hi * 2^32 + lo, never out of range.
    // Text and PC4 columns with few values are stored as categories (see categories.ts).
    const columns = read.columns.map((c) => {
      const values = read.categories[c.name];
      return values ? { ...c, categories: values.length } : c;
    });
    const keep = [
      ...(read.hasBsn ? [`${PSEUDONYM} AS pseudonym`] : []),
      ...read.columns.map((c) => {
        const values = read.categories[c.name];
        return values ? `CAST(${ident(c.name)} AS ${enumType(values)}) AS ${ident(c.name)}` : ident(c.name);
      }),
    ].join(', ');
    const kind = read.hasBsn ? 'pseudonymised' : 'unkeyed';
    await store
      .transaction(async (tx) => {
        await dropDataset(tx, project.id, request.dataset);
        await tx.run(`CREATE TABLE ${table} AS SELECT ${keep} FROM ${copyRead}`, read.parts);
        if (unique) {
          const dup = await tx.one<{ n: number }>(
            `SELECT count(*) - count(DISTINCT pseudonym) AS n FROM ${table}`,
          );
          if ((dup?.n ?? 0) > 0) throw await duplicates(tx, read, source, dup!.n);
        }
        await tx.run('DELETE FROM linkage_dataset WHERE project = $1 AND name = $2', [
          project.id,
          request.dataset,
        ]);
        await tx.run(
          `INSERT INTO linkage_dataset VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
          [
            project.id,
            request.dataset,
            `${project.id}__${request.dataset}`,
            kind,
            read.rows,
            project.keyGeneration,
            unique,
            request.config.synthetic || /synthetic|synthetisch/i.test(source),
            source,
            JSON.stringify(columns),
            JSON.stringify({ dropped: read.dropped }),
            new Date().toISOString(),
          ],
        );
      })
      .catch(refuse);
    await appendAudit(store, {
      actor: request.actor,
      project: project.id,
      action: 'import',
      object: request.dataset,
      outcome: 'ok',
      detail: { source, rows: read.rows, kind, keyGeneration: project.keyGeneration, dropped: read.dropped },
    });
    return {
      project: project.id,
      dataset: request.dataset,
      rows: read.rows,
      kind,
      keyGeneration: project.keyGeneration,
      columns,
      dropped: read.dropped,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await rm(copy, { recursive: true, force: true });
  }
}

const PSEUDONYM = `(p_hi::BIGINT * 4294967296 + p_lo)`;

/** The table function reading the copy's parts ($1 ... $n), typed, nothing guessed. */
function readCopy(read: PseudonymisedFile): string {
  const types = [
    `'line': 'BIGINT'`,
    ...(read.hasBsn ? [`'p_hi': 'INTEGER'`, `'p_lo': 'BIGINT'`] : []),
    ...read.columns.map((c) => `'${c.name}': '${c.type}'`),
  ].join(', ');
  // The delimiter is one of , ; tab | (checked where it was chosen), so it is safe as a literal.
  const files = read.parts.map((_, i) => `$${i + 1}`).join(', ');
  return `read_csv([${files}], header = false, delim = '${read.delimiter}', quote = '"', escape = '"',
            auto_detect = false, columns = {${types}})`;
}

/** Names the lines that hold the same person (the BSN stays masked: lines are enough to find them). */
async function duplicates(
  tx: Store,
  read: PseudonymisedFile,
  source: string,
  count: number,
): Promise<LinkageError> {
  const rows = await tx.all<{ lines: string }>(
    `SELECT string_agg(line::VARCHAR, ', ' ORDER BY line) AS lines FROM ${readCopy(read)}
      GROUP BY ${PSEUDONYM} HAVING count(*) > 1 ORDER BY min(line) LIMIT 10`,
    read.parts,
  );
  const problems = rows.map(
    (r) => `${source}, lines ${r.lines}: the same person (same BSN) appears more than once`,
  );
  return new LinkageError(
    `${count} duplicate person row(s) in a file that must hold one row per person (set unique: false for registrations with several rows per person)\n${problems.join('\n')}`,
    problems,
  );
}
