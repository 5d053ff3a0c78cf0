/**
 * Notes (annotations, issue 10) next to the figures: threads with their replies, a mark on every
 * note whose figures were revised after it was written, and for analysts the forms to write,
 * reply and publish (plain HTML forms, see post.ts). The note's text is the API's safe HTML (a
 * strict Markdown subset with everything the writer typed escaped), so a note with `<script>` is
 * shown as that text. Readers get only what the API gives them: published notes about indicators
 * they may see.
 */
import type { Note } from './api.js';
import { periodLabel } from './format.js';
import { html, raw, type Html } from './html.js';
import { canWrite, formFields, href, type PageContext } from './layout.js';

/** What a new note on this page is about, and the choices the writer has. */
export interface NoteTarget {
  indicator?: string;
  /** Areas the note may be about (the first is the default); none: the note is about no area. */
  regions?: { code: string; name: string }[];
  /** The year the note may be tied to (optional for the writer). */
  period?: string;
}

function date(ctx: PageContext, iso: string): string {
  const d = new Date(iso.includes('T') ? iso : `${iso.replace(' ', 'T')}Z`);
  if (Number.isNaN(d.getTime())) return iso.slice(0, 10);
  return new Intl.DateTimeFormat(ctx.lang === 'nl' ? 'nl-NL' : 'en-GB', { dateStyle: 'long' }).format(d);
}

/** The mark of a note written about figures that have changed since. */
function revisedMark(ctx: PageContext, note: Note): Html {
  if (!note.revised || !note.revision) return html``;
  const w = ctx.words;
  const r = note.revision;
  const parts = [
    ...r.datasets.map((d) => w.datasetRevised(d.dataset, d.was, d.now)),
    ...(r.definitionChanged ? [w.definitionRevised] : []),
  ];
  return html`<p class="revised" role="note">
    <strong>${w.writtenEarlier}</strong>${parts.length ? html` <span>(${parts.join('; ')})</span>` : ''}
  </p>`;
}

/** What a note is about, as links: its indicator, area and year. */
function about(ctx: PageContext, note: Note, names: Map<string, string>): Html {
  const items: Html[] = [];
  if (note.indicator)
    items.push(
      html`<a href="${href(ctx, `/indicator/${note.indicator}`, { region: note.region ?? undefined })}"
        >${names.get(note.indicator) ?? note.indicator}</a
      >`,
    );
  if (note.region)
    items.push(
      html`<a href="${href(ctx, `/gebied/${note.region}`)}">${names.get(note.region) ?? note.region}</a>`,
    );
  if (note.period) items.push(html`${periodLabel(note.period)}`);
  if (items.length === 0) return html``;
  return html`<span class="note-about"
    >${ctx.words.about}: ${items.map((x, i) => html`${i > 0 ? ', ' : ''}${x}`)}</span
  >`;
}

function noteArticle(
  ctx: PageContext,
  note: Note,
  names: Map<string, string>,
  back: string,
  reply: boolean,
): Html {
  const w = ctx.words;
  const draft = note.status === 'draft';
  return html`<article
    class="note${draft ? ' draft' : ''}${note.revised ? ' is-revised' : ''}"
    id="notitie-${note.id}"
    data-note="${note.id}"
    data-status="${note.status}"
  >
    <p class="note-meta">
      <span class="note-author">${note.author}</span>,
      <time datetime="${note.created}">${date(ctx, note.created)}</time>
      ${draft ? html`<span class="badge">${w.draft}</span>` : ''} ${reply ? '' : about(ctx, note, names)}
    </p>
    ${revisedMark(ctx, note)}
    <div class="note-body">${raw(note.html)}</div>
    ${
      draft && canWrite(ctx)
        ? html`<form method="post" action="${ctx.base}/notities/${note.id}/publiceren" class="inline-form">
            ${formFields(ctx, back)}
            <button type="submit" data-publish="${note.id}">${w.publish}</button>
          </form>`
        : ''
    }
    ${note.replies.length > 0 ? html`<div class="replies">${note.replies.map((r) => noteArticle(ctx, r, names, back, true))}</div>` : ''}
    ${reply || !canWrite(ctx) ? '' : replyForm(ctx, note, back)}
  </article>`;
}

function statusChoice(ctx: PageContext, id: string): Html {
  const w = ctx.words;
  return html`<div>
    <label for="${id}">${w.noteStatus}</label>
    <select id="${id}" name="status">
      <option value="draft" selected>${w.draft}</option>
      <option value="published">${w.published}</option>
    </select>
  </div>`;
}

function replyForm(ctx: PageContext, note: Note, back: string): Html {
  const w = ctx.words;
  return html`<details class="reply">
    <summary>${w.reply}</summary>
    <form method="post" action="${ctx.base}/notities/${note.id}/antwoord" class="note-form">
      ${formFields(ctx, back)}
      <div>
        <label for="antwoord-${note.id}">${w.replyText}</label>
        <textarea id="antwoord-${note.id}" name="body" rows="3" required maxlength="20000"></textarea>
      </div>
      ${statusChoice(ctx, `antwoord-status-${note.id}`)}
      <button type="submit">${w.sendReply}</button>
    </form>
  </details>`;
}

/** The form of a new note about the page's subject. */
function newNoteForm(ctx: PageContext, target: NoteTarget, back: string): Html {
  const w = ctx.words;
  return html`<form method="post" action="${ctx.base}/notities" class="note-form" id="nieuwe-notitie">
    <h3>${w.newNote}</h3>
    ${formFields(ctx, back)}
    ${target.indicator ? html`<input type="hidden" name="indicator" value="${target.indicator}" />` : ''}
    ${
      target.regions && target.regions.length > 0
        ? html`<div>
            <label for="notitie-gebied">${w.noteArea}</label>
            <select id="notitie-gebied" name="region">
              ${target.indicator ? html`<option value="">${w.noArea}</option>` : ''}
              ${target.regions.map((r, i) => html`<option value="${r.code}" ${i === 0 && !target.indicator ? raw('selected') : ''}>${r.name}</option>`)}
            </select>
          </div>`
        : ''
    }
    ${
      target.period
        ? html`<div>
            <label for="notitie-jaar">${w.noteYear}</label>
            <select id="notitie-jaar" name="period">
              <option value="">${w.allYears}</option>
              <option value="${target.period}">${periodLabel(target.period)}</option>
            </select>
          </div>`
        : ''
    }
    <div class="wide">
      <label for="notitie-tekst">${w.noteText}</label>
      <textarea
        id="notitie-tekst"
        name="body"
        rows="4"
        required
        maxlength="20000"
        aria-describedby="notitie-hulp"
      ></textarea>
      <p class="help" id="notitie-hulp">${w.noteHelp}</p>
    </div>
    ${statusChoice(ctx, 'notitie-status')}
    <button type="submit">${w.saveNote}</button>
  </form>`;
}

/**
 * The notes section of a page: the threads (newest first), and for analysts the form of a new
 * note. `names` gives titles of indicators and names of areas the notes mention.
 */
export function notesSection(
  ctx: PageContext,
  notes: Note[],
  target: NoteTarget,
  names: Map<string, string>,
): Html {
  const w = ctx.words;
  const back = ctx.url.pathname + ctx.url.search;
  return html`<section aria-labelledby="notes-heading" id="notities" class="notes-section">
    <h2 id="notes-heading">${w.notes} <span class="muted">(${notes.length})</span></h2>
    ${notes.length === 0 ? html`<p>${w.noNotes}</p>` : notes.map((n) => noteArticle(ctx, n, names, back, false))}
    ${
      canWrite(ctx)
        ? newNoteForm(ctx, target, back)
        : ctx.datacenter && !ctx.session.user
          ? html`<p class="muted">
              <a href="${href(ctx, '/inloggen', { terug: back })}">${w.signIn}</a> ${w.signInToWrite}
            </p>`
          : ''
    }
  </section>`;
}

/** The notes per area code (threads about an area; replies count with their thread). */
export function notesByRegion(notes: Note[]): Map<string, Note[]> {
  const byRegion = new Map<string, Note[]>();
  for (const n of notes) if (n.region) byRegion.set(n.region, [...(byRegion.get(n.region) ?? []), n]);
  return byRegion;
}
