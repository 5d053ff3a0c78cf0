// Projects bind every use of linked microdata to an approved purpose: a question, the datasets it
// may use, its analysts and an end date. Every request outside that is refused and logged.
import { z } from 'zod';
import { ident, type Store } from '../store/index.js';
import { appendAudit } from './audit.js';
import { AccessRefused, LinkageError } from './errors.js';
import { fingerprint, formatKeySource, parseKeySource, readKeys, type KeySource } from './keys.js';

/**
 * Project ids and dataset names become parts of table names (`<project>__<dataset>`): lower case,
 * digits and single underscores, so that the double underscore separates them unambiguously.
 */
export const NAME = /^(?!.*__)[a-z][a-z0-9_]{0,29}$/;

const ProjectInput = z.object({
  id: z.string().regex(NAME, 'a lower-case name of at most 30 letters, digits or single underscores'),
  question: z.string().trim().min(10, 'the policy question, in a sentence'),
  datasets: z.array(z.string().regex(NAME, 'dataset names: lower case, digits, single underscores')).min(1),
  analysts: z.array(z.string().trim().min(1)).min(1),
  endDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD'),
});

/** A project as stored. */
export interface Project {
  id: string;
  question: string;
  datasets: string[];
  analysts: string[];
  endDate: string;
  keySource: string;
  keyGeneration: number;
  keyFingerprints: string[];
  created: string;
  createdBy: string;
}

type ProjectRow = {
  id: string;
  question: string;
  datasets: string;
  analysts: string;
  end_date: string;
  key_source: string;
  key_generation: number;
  key_fingerprints: string;
  created: string;
  created_by: string;
};

function fromRow(row: ProjectRow): Project {
  return {
    id: row.id,
    question: row.question,
    datasets: JSON.parse(row.datasets) as string[],
    analysts: JSON.parse(row.analysts) as string[],
    endDate: row.end_date,
    keySource: row.key_source,
    keyGeneration: row.key_generation,
    keyFingerprints: JSON.parse(row.key_fingerprints) as string[],
    created: row.created,
    createdBy: row.created_by,
  };
}

/** Creates a project; its key must exist already (see createKeyFile). Logged. */
export async function createProject(
  store: Store,
  input: z.input<typeof ProjectInput> & { keySource: KeySource; actor: string },
): Promise<Project> {
  const parsed = ProjectInput.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new LinkageError(`project: ${problems.join('; ')}`, problems);
  }
  const p = parsed.data;
  if (Number.isNaN(Date.parse(p.endDate)))
    throw new LinkageError(`project: end date ${p.endDate} is not a date`);
  if (await store.one('SELECT 1 FROM linkage_project WHERE id = $1', [p.id]))
    throw new LinkageError(`project ${p.id} exists already`);
  const keys = await readKeys(input.keySource);
  const fingerprints = keys.map(fingerprint);
  const created = new Date().toISOString();
  await store.run(`INSERT INTO linkage_project VALUES ($1, $2, $3, $4, $5::DATE, $6, $7, $8, $9, $10)`, [
    p.id,
    p.question,
    JSON.stringify([...new Set(p.datasets)]),
    JSON.stringify([...new Set(p.analysts)]),
    p.endDate,
    formatKeySource(input.keySource),
    keys.length,
    JSON.stringify(fingerprints),
    created,
    input.actor,
  ]);
  await appendAudit(store, {
    actor: input.actor,
    project: p.id,
    action: 'project.create',
    object: p.id,
    outcome: 'ok',
    detail: { datasets: p.datasets, analysts: p.analysts, endDate: p.endDate, keyGeneration: keys.length },
  });
  return (await getProject(store, p.id))!;
}

/** One project, or undefined. */
export async function getProject(store: Store, id: string): Promise<Project | undefined> {
  const row = await store.one<ProjectRow>(
    `SELECT id, question, datasets, analysts, strftime(end_date, '%Y-%m-%d') AS end_date, key_source,
            key_generation, key_fingerprints, created, created_by
       FROM linkage_project WHERE id = $1`,
    [id],
  );
  return row ? fromRow(row) : undefined;
}

/** Every project, by id. */
export async function listProjects(store: Store): Promise<Project[]> {
  const rows = await store.all<ProjectRow>(
    `SELECT id, question, datasets, analysts, strftime(end_date, '%Y-%m-%d') AS end_date, key_source,
            key_generation, key_fingerprints, created, created_by
       FROM linkage_project ORDER BY id`,
  );
  return rows.map(fromRow);
}

/** A request to use a project: who, doing what, on which datasets. */
export interface AccessRequest {
  project: string;
  actor: string;
  action: string;
  datasets: readonly string[];
  /** The day the request is judged on (default today; tests pass a date). */
  today?: string;
}

/**
 * Checks a request against the project's purpose: the project exists, has not ended, the actor is
 * one of its analysts and every dataset is one it may use. A refusal is written to the audit log
 * and thrown as AccessRefused; an allowed request returns the project (the caller logs its work).
 */
export async function authorize(store: Store, request: AccessRequest): Promise<Project> {
  const project = await getProject(store, request.project);
  const today = request.today ?? new Date().toISOString().slice(0, 10);
  let reason: string | undefined;
  if (!project) reason = `project ${request.project} does not exist`;
  else if (project.endDate < today) reason = `project ${project.id} ended on ${project.endDate}`;
  else if (!project.analysts.includes(request.actor))
    reason = `${request.actor} is not an analyst of project ${project.id} (analysts: ${project.analysts.join(', ')})`;
  else {
    const outside = request.datasets.filter((d) => !project.datasets.includes(d));
    if (outside.length > 0)
      reason = `dataset(s) ${outside.join(', ')} are outside project ${project.id}, which may use ${project.datasets.join(', ')}`;
  }
  if (reason !== undefined) {
    await appendAudit(store, {
      actor: request.actor,
      project: project ? project.id : request.project,
      action: request.action,
      object: request.datasets.join(','),
      outcome: 'refused',
      detail: { reason },
    });
    throw new AccessRefused(`refused: ${reason}`);
  }
  return project!;
}

/** The pseudonymisation keys of a project, checked against the fingerprints it stored; logged as key use. */
export async function projectKeys(
  store: Store,
  project: Project,
  actor: string,
  purpose: string,
): Promise<Buffer[]> {
  const keys = await readKeys(parseKeySource(project.keySource));
  const known = project.keyFingerprints;
  for (let g = 0; g < Math.min(keys.length, known.length); g++) {
    if (fingerprint(keys[g]!) !== known[g])
      throw new LinkageError(
        `project ${project.id}: key ${g + 1} in ${project.keySource} is not the key the project was created or rotated with (fingerprint differs)`,
      );
  }
  if (keys.length < project.keyGeneration)
    throw new LinkageError(
      `project ${project.id}: ${project.keySource} holds ${keys.length} key(s), the project is at generation ${project.keyGeneration}`,
    );
  await appendAudit(store, {
    actor,
    project: project.id,
    action: 'key.use',
    object: project.keySource,
    outcome: 'ok',
    detail: { purpose, generation: project.keyGeneration },
  });
  return keys;
}

/** The table of a project's dataset, schema-qualified and quoted. */
export function datasetTable(project: string, dataset: string): string {
  return `linkage.${ident(`${project}__${dataset}`)}`;
}

/** A dataset a project holds (imported or linked). */
export type ZoneDataset = {
  project: string;
  name: string;
  table_name: string;
  kind: 'pseudonymised' | 'unkeyed' | 'linked';
  rows: number;
  key_generation: number | null;
  unique_person: boolean;
  synthetic: boolean;
  source: string;
  columns: string;
  report: string | null;
  created: string;
};

/** The datasets of a project. */
export async function listZoneDatasets(store: Store, project: string): Promise<ZoneDataset[]> {
  return store.all<ZoneDataset>('SELECT * FROM linkage_dataset WHERE project = $1 ORDER BY name', [project]);
}

/** One dataset of a project, or a clear error. */
export async function zoneDataset(store: Store, project: string, name: string): Promise<ZoneDataset> {
  const row = await store.one<ZoneDataset>('SELECT * FROM linkage_dataset WHERE project = $1 AND name = $2', [
    project,
    name,
  ]);
  if (!row)
    throw new LinkageError(
      `project ${project} has no dataset ${name} (import it with \`udc linkage import\`)`,
    );
  return row;
}
