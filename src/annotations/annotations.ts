// Notes next to the figures: attached to an indicator, an area, a period or a combination, in
// threads (a reply belongs to its thread and inherits what it is about), draft or published.
// Each note remembers the data version it was written about (the indicator's build and
// definition, and the versions of the datasets it was computed from), so when the data are
// revised the note says so. Who sees what: published notes whoever may see their indicator;
// drafts analysts and up. Who changes what: the author, or a data steward or administrator.
// Every change goes to the hash-chained audit log.
import { createHash, randomUUID } from 'node:crypto';
import { atLeast, visibleCondition, type AccessContext } from '../access/roles.js';
import { sqlTime } from '../access/users.js';
import { appendAudit } from '../linkage/audit.js';
import type { SqlValue, Store } from '../store/index.js';
import { AnnotationError } from './errors.js';
import { renderMarkdown } from './markdown.js';
import { checkIndicator, checkPeriod, checkRegion } from './target.js';

export type NoteStatus = 'draft' | 'published';

/** The data a note was written about. */
export interface DataVersion {
  built: string;
  /** The build's fingerprint (definition and dataset versions: src/indicators/build.ts). */
  definitionHash: string;
  /** The fingerprint of the definition alone (md5 of the stored definition JSON). */
  definition: string;
  datasets: { dataset: string; version: number }[];
}

/** What changed since a note was written (only when something did). */
export interface Revision {
  definitionChanged: boolean;
  built: { was: string; now: string };
  datasets: { dataset: string; was: number | null; now: number | null }[];
}

/** A note as the API serves it. */
export interface Annotation {
  id: string;
  parent: string | null;
  indicator: string | null;
  region: string | null;
  period: string | null;
  status: NoteStatus;
  /** Markdown as written. */
  body: string;
  /** The body rendered to safe HTML (src/annotations/markdown.ts). */
  html: string;
  author: string;
  created: string;
  updated: string;
  dataVersion: DataVersion | null;
  /** The data behind the note changed since it was written. */
  revised: boolean;
  revision: Revision | null;
  replies: Annotation[];
}

interface Row extends Record<string, unknown> {
  id: string;
  parent: string | null;
  indicator: string | null;
  region: string | null;
  period: string | null;
  status: NoteStatus;
  body: string;
  author: string;
  created: string;
  updated: string;
  indicator_built: string | null;
  definition_hash: string | null;
  data_versions: string | null;
  now_built: string | null;
  now_definition: string | null;
  now_versions: { dataset: string; version: number }[] | null;
}

const MAX_BODY = 20_000;

/**
 * The one visibility rule of notes as SQL over `annotation a LEFT JOIN indicator i`: the caller
 * may see the indicator (or the note is about none), and the note is published or the caller an
 * analyst or more.
 */
function visibleNote(access: AccessContext): string {
  const indicator = `(a.indicator IS NULL OR ${visibleCondition(access, 'i.confidentiality')})`;
  return atLeast(access.role, 'analyst') && access.user
    ? indicator
    : `${indicator} AND a.status = 'published'`;
}

const SELECT = `SELECT a.id, a.parent, a.indicator, a.region, a.period, a.status, a.body, a.author,
    a.created, a.updated, a.indicator_built, a.definition_hash, a.data_versions::VARCHAR AS data_versions,
    i.built AS now_built, md5(i.definition::VARCHAR) AS now_definition,
    (SELECT list({'dataset': s.dataset, 'version': s.dataset_version} ORDER BY s.dataset)
       FROM indicator_source s WHERE s.indicator = a.indicator) AS now_versions
  FROM annotation a LEFT JOIN indicator i ON i.id = a.indicator`;

function toAnnotation(r: Row): Annotation {
  const stored = r.data_versions
    ? (JSON.parse(r.data_versions) as { definition: string; datasets: DataVersion['datasets'] })
    : undefined;
  const was: DataVersion | null =
    r.indicator_built && r.definition_hash && stored
      ? { built: r.indicator_built, definitionHash: r.definition_hash, ...stored }
      : null;
  let revision: Revision | null = null;
  if (was && r.now_built && r.now_definition) {
    const now = new Map((r.now_versions ?? []).map((d) => [d.dataset, Number(d.version)]));
    const before = new Map(was.datasets.map((d) => [d.dataset, d.version]));
    const datasets = [...new Set([...before.keys(), ...now.keys()])]
      .sort()
      .filter((d) => before.get(d) !== now.get(d))
      .map((d) => ({ dataset: d, was: before.get(d) ?? null, now: now.get(d) ?? null }));
    const definitionChanged = was.definition !== r.now_definition;
    // A rebuild of unchanged data (same definition, same dataset versions) is not a revision.
    if (definitionChanged || datasets.length > 0)
      revision = { definitionChanged, built: { was: was.built, now: r.now_built }, datasets };
  }
  return {
    id: r.id,
    parent: r.parent,
    indicator: r.indicator,
    region: r.region,
    period: r.period,
    status: r.status,
    body: r.body,
    html: renderMarkdown(r.body),
    author: r.author,
    created: r.created,
    updated: r.updated,
    dataVersion: was,
    revised: revision !== null,
    revision,
    replies: [],
  };
}

function checkBody(body: string): string {
  if (body.trim() === '') throw new AnnotationError('invalid', 'body: a note needs text');
  if (body.length > MAX_BODY) throw new AnnotationError('invalid', `body: at most ${MAX_BODY} characters`);
  if (body.includes('\u0000')) throw new AnnotationError('invalid', 'body: contains a NUL character');
  return body;
}

/** The current data version of an indicator (built, definition hash, source dataset versions). */
async function currentVersion(store: Store, indicator: string): Promise<DataVersion | null> {
  const row = await store.one<{ built: string; definition_hash: string; definition: string }>(
    'SELECT built, definition_hash, md5(definition::VARCHAR) AS definition FROM indicator WHERE id = $1',
    [indicator],
  );
  if (!row) return null;
  const datasets = await store.all<{ dataset: string; version: number }>(
    'SELECT dataset, dataset_version AS version FROM indicator_source WHERE indicator = $1 ORDER BY dataset',
    [indicator],
  );
  return { built: row.built, definitionHash: row.definition_hash, definition: row.definition, datasets };
}

function writer(access: AccessContext): { name: string } {
  if (!access.user || !atLeast(access.role, 'analyst'))
    throw new AnnotationError('forbidden', 'writing notes needs the role analyst or higher');
  return access.user;
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

/** Filters of the list: given fields must match exactly; with `broader`, notes about no X also match X. */
export interface AnnotationFilter {
  indicator?: string;
  region?: string;
  period?: string;
  status?: NoteStatus;
  author?: string;
  broader?: boolean;
}

/** The threads `access` may see that match `filter`, newest first, each with its visible replies (oldest first). */
export async function listAnnotations(
  store: Store,
  access: AccessContext,
  filter: AnnotationFilter = {},
): Promise<Annotation[]> {
  const params: SqlValue[] = [];
  const where = ['a.parent IS NULL', visibleNote(access)];
  for (const field of ['indicator', 'region', 'period'] as const) {
    const value = filter[field];
    if (value === undefined) continue;
    const p = `$${params.push(value)}`;
    where.push(filter.broader ? `(a.${field} = ${p} OR a.${field} IS NULL)` : `a.${field} = ${p}`);
  }
  if (filter.status) where.push(`a.status = $${params.push(filter.status)}`);
  if (filter.author) where.push(`a.author = $${params.push(filter.author)}`);
  const threads = (
    await store.all<Row>(
      `${SELECT} WHERE ${where.join(' AND ')} ORDER BY a.created DESC, a.id LIMIT 1000`,
      params,
    )
  ).map(toAnnotation);
  if (threads.length === 0) return threads;
  const replies = (
    await store.all<Row>(
      `${SELECT} WHERE a.parent IN (${threads.map((_, k) => `$${k + 1}`).join(', ')}) AND ${visibleNote(access)}
       ORDER BY a.created, a.id`,
      threads.map((t) => t.id),
    )
  ).map(toAnnotation);
  const byId = new Map(threads.map((t) => [t.id, t]));
  for (const reply of replies) byId.get(reply.parent!)?.replies.push(reply);
  return threads;
}

/** One note (with its replies when it starts a thread), or undefined when `access` may not see it. */
export async function getAnnotation(
  store: Store,
  access: AccessContext,
  id: string,
): Promise<Annotation | undefined> {
  const row = await store.one<Row>(`${SELECT} WHERE a.id = $1 AND ${visibleNote(access)}`, [id]);
  if (!row) return undefined;
  const note = toAnnotation(row);
  // A reply is only as visible as its thread.
  if (
    note.parent &&
    !(await store.one(
      `SELECT 1 AS x FROM annotation a LEFT JOIN indicator i ON i.id = a.indicator
       WHERE a.id = $1 AND ${visibleNote(access)}`,
      [note.parent],
    ))
  )
    return undefined;
  if (!note.parent)
    note.replies = (
      await store.all<Row>(
        `${SELECT} WHERE a.parent = $1 AND ${visibleNote(access)} ORDER BY a.created, a.id`,
        [id],
      )
    ).map(toAnnotation);
  return note;
}

/** Writes a new note or reply (analysts and up) and records it in the audit log. */
export async function createAnnotation(
  store: Store,
  access: AccessContext,
  input: {
    indicator?: string;
    region?: string;
    period?: string;
    body: string;
    status?: NoteStatus;
    parent?: string;
  },
  now = new Date(),
): Promise<Annotation> {
  const author = writer(access);
  const body = checkBody(input.body);
  let { indicator, region, period } = input;
  if (input.parent !== undefined) {
    const parent = await getAnnotation(store, access, input.parent);
    if (!parent)
      throw new AnnotationError('invalid', `parent: there is no note "${input.parent.slice(0, 100)}"`);
    if (parent.parent) throw new AnnotationError('invalid', 'parent: reply to the first note of a thread');
    if (indicator !== undefined || region !== undefined || period !== undefined)
      throw new AnnotationError(
        'invalid',
        'a reply is about what its thread is about: give no indicator, region or period',
      );
    ({ indicator, region, period } = {
      indicator: parent.indicator ?? undefined,
      region: parent.region ?? undefined,
      period: parent.period ?? undefined,
    });
  } else {
    if (indicator === undefined && region === undefined && period === undefined)
      throw new AnnotationError(
        'invalid',
        'a note is about an indicator, a region, a period or a combination: give at least one',
      );
    if (indicator !== undefined) indicator = await checkIndicator(store, access, indicator, 'indicator');
    if (region !== undefined) region = await checkRegion(store, region, 'region');
    if (period !== undefined) period = checkPeriod(period, 'period');
  }
  const version = indicator ? await currentVersion(store, indicator) : null;
  const id = randomUUID();
  const status = input.status ?? 'draft';
  await store.run(
    `INSERT INTO annotation (id, parent, indicator, region, period, status, body, author, created, updated,
                             indicator_built, definition_hash, data_versions)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10, $11, $12)`,
    [
      id,
      input.parent ?? null,
      indicator ?? null,
      region ?? null,
      period ?? null,
      status,
      body,
      author.name,
      sqlTime(now),
      version ? sqlTime(new Date(version.built.endsWith('Z') ? version.built : `${version.built}Z`)) : null,
      version?.definitionHash ?? null,
      version ? JSON.stringify({ definition: version.definition, datasets: version.datasets }) : null,
    ],
  );
  await appendAudit(store, {
    actor: author.name,
    project: null,
    action: 'annotation.create',
    object: `annotation:${id}`,
    outcome: 'ok',
    detail: { parent: input.parent ?? null, indicator, region, period, status, bodySha256: sha(body) },
  });
  return (await getAnnotation(store, access, id))!;
}

/** The note if `access` may change it: 404 when they cannot see it, 403 when it is not theirs. */
async function editable(store: Store, access: AccessContext, id: string): Promise<Annotation> {
  const note = await getAnnotation(store, access, id);
  if (!note) throw new AnnotationError('not-found', `There is no note "${id.slice(0, 100)}".`);
  const user = writer(access);
  if (note.author !== user.name && !atLeast(access.role, 'steward'))
    throw new AnnotationError('forbidden', 'only the author or a data steward may change this note');
  return note;
}

/**
 * Changes a note's text or status. A new text is written about the data as they are now, so the
 * note is tied to the current data version again.
 */
export async function updateAnnotation(
  store: Store,
  access: AccessContext,
  id: string,
  change: { body?: string; status?: NoteStatus },
  now = new Date(),
): Promise<Annotation> {
  const note = await editable(store, access, id);
  const body = change.body === undefined ? note.body : checkBody(change.body);
  const status = change.status ?? note.status;
  const version =
    change.body !== undefined && note.indicator ? await currentVersion(store, note.indicator) : undefined;
  await store.run(
    `UPDATE annotation SET body = $2, status = $3, updated = $4
       ${version ? ', indicator_built = $5, definition_hash = $6, data_versions = $7' : ''} WHERE id = $1`,
    [
      id,
      body,
      status,
      sqlTime(now),
      ...(version
        ? [
            sqlTime(new Date(version.built.endsWith('Z') ? version.built : `${version.built}Z`)),
            version.definitionHash,
            JSON.stringify({ definition: version.definition, datasets: version.datasets }),
          ]
        : []),
    ],
  );
  await appendAudit(store, {
    actor: access.user!.name,
    project: null,
    action: 'annotation.update',
    object: `annotation:${id}`,
    outcome: 'ok',
    detail: { status: { was: note.status, now: status }, previousBody: note.body, bodySha256: sha(body) },
  });
  return (await getAnnotation(store, access, id))!;
}

/** Deletes a note and its replies; the audit log keeps what they said. */
export async function deleteAnnotation(store: Store, access: AccessContext, id: string): Promise<void> {
  const note = await editable(store, access, id);
  const replies = await store.all<{ id: string; author: string; body: string }>(
    'SELECT id, author, body FROM annotation WHERE parent = $1',
    [id],
  );
  await store.transaction(async (tx) => {
    await tx.run('DELETE FROM annotation WHERE parent = $1', [id]);
    await tx.run('DELETE FROM annotation WHERE id = $1', [id]);
  });
  await appendAudit(store, {
    actor: access.user!.name,
    project: null,
    action: 'annotation.delete',
    object: `annotation:${id}`,
    outcome: 'ok',
    detail: { author: note.author, body: note.body, replies },
  });
}
