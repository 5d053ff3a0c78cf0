// Stories: Markdown with live figures ({{chart ...}}, {{map ...}}, {{table ...}}), written by
// analysts, published to readers. Figures are checked when a story is saved and resolved, for
// each reader, to their source and definition when it is read. Drafts are seen by analysts and
// up; the author or a data steward changes a story; every change goes to the audit log.
import { createHash, randomUUID } from 'node:crypto';
import { atLeast, type AccessContext } from '../access/roles.js';
import { sqlTime } from '../access/users.js';
import { appendAudit } from '../linkage/audit.js';
import type { Store } from '../store/index.js';
import type { NoteStatus } from './annotations.js';
import { AnnotationError } from './errors.js';
import {
  checkFigure,
  describeIndicators,
  figureData,
  figureHtml,
  parseDirective,
  UNAVAILABLE_FIGURE,
  type Figure,
  type FigureSpec,
} from './figures.js';
import { renderMarkdown } from './markdown.js';

/** A story as listed. */
export interface StorySummary {
  id: string;
  title: string;
  status: NoteStatus;
  author: string;
  created: string;
  updated: string;
}

/** A story as read: its Markdown, the rendered HTML and the figures the reader may see. */
export interface Story extends StorySummary {
  body: string;
  html: string;
  figures: Figure[];
}

interface Row extends Record<string, unknown> {
  id: string;
  title: string;
  body: string;
  status: NoteStatus;
  author: string;
  created: string;
  updated: string;
}

const MAX_BODY = 100_000;

const canSeeDrafts = (access: AccessContext) => access.user !== null && atLeast(access.role, 'analyst');

/** The directives of a body, in order (each a line that is only {{...}}, outside code blocks). */
function directives(body: string): { text: string; line: number }[] {
  const found: { text: string; line: number }[] = [];
  let code = false;
  body
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .forEach((raw, i) => {
      const line = raw.trim();
      if (/^```/.test(line)) code = !code;
      const m = !code && /^\{\{([^{}]*)\}\}$/.exec(line);
      if (m) found.push({ text: m[1]!.trim(), line: i + 1 });
    });
  return found;
}

async function checkStory(
  store: Store,
  access: AccessContext,
  input: { title: string; body: string },
): Promise<void> {
  if (input.title.trim() === '' || input.title.length > 200)
    throw new AnnotationError('invalid', 'title: 1 to 200 characters');
  if (input.body.length > MAX_BODY)
    throw new AnnotationError('invalid', `body: at most ${MAX_BODY} characters`);
  if (input.body.includes('\u0000')) throw new AnnotationError('invalid', 'body: contains a NUL character');
  const found = directives(input.body);
  if (found.length > 50) throw new AnnotationError('invalid', 'body: at most 50 figures');
  for (const d of found) await checkFigure(store, access, parseDirective(d.text, d.line));
}

async function render(store: Store, access: AccessContext, row: Row): Promise<Story> {
  const specs: (FigureSpec | undefined)[] = directives(row.body).map((d) => {
    try {
      return parseDirective(d.text, d.line);
    } catch {
      return undefined; // checked on save; a story saved before a rule changed shows it as unavailable
    }
  });
  const described = await describeIndicators(store, access, [
    ...new Set(specs.flatMap((s) => s?.indicator ?? [])),
  ]);
  const figures: Figure[] = [];
  const byLine = new Map<number, string>();
  for (const spec of specs) {
    if (!spec) continue;
    const indicators = spec.indicator.map((id) => described.get(id));
    if (indicators.some((i) => i === undefined)) {
      byLine.set(spec.line, UNAVAILABLE_FIGURE);
      continue;
    }
    const { line, ...selection } = spec;
    const figure: Figure = {
      ...selection,
      index: figures.length,
      data: figureData(spec),
      indicators: indicators as Figure['indicators'],
    };
    figures.push(figure);
    byLine.set(line, figureHtml(figure));
  }
  const html = renderMarkdown(row.body, (_text, line) => byLine.get(line) ?? UNAVAILABLE_FIGURE);
  // The Markdown too says nothing of a figure the reader may not see: its directive is replaced.
  const lines = row.body.replace(/\r\n?/g, '\n').split('\n');
  for (const d of directives(row.body))
    if (byLine.get(d.line) === UNAVAILABLE_FIGURE || !byLine.has(d.line))
      lines[d.line - 1] = '{{unavailable}}';
  return {
    id: row.id,
    title: row.title,
    status: row.status,
    author: row.author,
    created: row.created,
    updated: row.updated,
    body: lines.join('\n'),
    html,
    figures,
  };
}

/** The stories `access` may see, most recently changed first. */
export async function listStories(store: Store, access: AccessContext): Promise<StorySummary[]> {
  return store.all<StorySummary & Record<string, unknown>>(
    `SELECT id, title, status, author, created, updated FROM story
     ${canSeeDrafts(access) ? '' : "WHERE status = 'published'"} ORDER BY updated DESC, id LIMIT 1000`,
  );
}

/** One story rendered for `access`, or undefined when they may not see it. */
export async function getStory(store: Store, access: AccessContext, id: string): Promise<Story | undefined> {
  const row = await store.one<Row>(
    `SELECT id, title, body, status, author, created, updated FROM story WHERE id = $1
     ${canSeeDrafts(access) ? '' : "AND status = 'published'"}`,
    [id],
  );
  return row ? render(store, access, row) : undefined;
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

function writer(access: AccessContext): { name: string } {
  if (!access.user || !atLeast(access.role, 'analyst'))
    throw new AnnotationError('forbidden', 'writing stories needs the role analyst or higher');
  return access.user;
}

/** Saves a new story (analysts and up) after checking every figure. */
export async function createStory(
  store: Store,
  access: AccessContext,
  input: { title: string; body: string; status?: NoteStatus },
  now = new Date(),
): Promise<Story> {
  const author = writer(access);
  await checkStory(store, access, input);
  const id = randomUUID();
  const status = input.status ?? 'draft';
  await store.run(
    `INSERT INTO story (id, title, body, status, author, created, updated) VALUES ($1, $2, $3, $4, $5, $6, $6)`,
    [id, input.title.trim(), input.body, status, author.name, sqlTime(now)],
  );
  await appendAudit(store, {
    actor: author.name,
    project: null,
    action: 'story.create',
    object: `story:${id}`,
    outcome: 'ok',
    detail: { title: input.title.trim(), status, bodySha256: sha(input.body) },
  });
  return (await getStory(store, access, id))!;
}

async function editable(store: Store, access: AccessContext, id: string): Promise<Story> {
  const story = await getStory(store, access, id);
  if (!story) throw new AnnotationError('not-found', `There is no story "${id.slice(0, 100)}".`);
  const user = writer(access);
  if (story.author !== user.name && !atLeast(access.role, 'steward'))
    throw new AnnotationError('forbidden', 'only the author or a data steward may change this story');
  return story;
}

/** Changes a story's title, text or status; figures are checked again. */
export async function updateStory(
  store: Store,
  access: AccessContext,
  id: string,
  change: { title?: string; body?: string; status?: NoteStatus },
  now = new Date(),
): Promise<Story> {
  const story = await editable(store, access, id);
  // The stored text, not the one rendered for this caller (which hides figures they may not see).
  const stored = (await store.one<{ body: string }>('SELECT body FROM story WHERE id = $1', [id]))!.body;
  const next = {
    title: change.title ?? story.title,
    body: change.body ?? stored,
    status: change.status ?? story.status,
  };
  await checkStory(store, access, next);
  await store.run('UPDATE story SET title = $2, body = $3, status = $4, updated = $5 WHERE id = $1', [
    id,
    next.title.trim(),
    next.body,
    next.status,
    sqlTime(now),
  ]);
  await appendAudit(store, {
    actor: access.user!.name,
    project: null,
    action: 'story.update',
    object: `story:${id}`,
    outcome: 'ok',
    detail: {
      status: { was: story.status, now: next.status },
      previousBody: stored,
      bodySha256: sha(next.body),
    },
  });
  return (await getStory(store, access, id))!;
}

/** Deletes a story; the audit log keeps its text. */
export async function deleteStory(store: Store, access: AccessContext, id: string): Promise<void> {
  const story = await editable(store, access, id);
  const stored = (await store.one<{ body: string }>('SELECT body FROM story WHERE id = $1', [id]))!.body;
  await store.run('DELETE FROM story WHERE id = $1', [id]);
  await appendAudit(store, {
    actor: access.user!.name,
    project: null,
    action: 'story.delete',
    object: `story:${id}`,
    outcome: 'ok',
    detail: { title: story.title, author: story.author, body: stored },
  });
}
