import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { addUser } from '../../src/access/users.js';
import { createStory } from '../../src/annotations/index.js';
import {
  pickIndicators,
  startDashboard,
  type ApiIndicator,
  type Dashboard,
  type Picks,
} from './dashboard-server.js';

// Issue 10 end to end in real Chromium against the real server: an analyst signs in on the
// login page, writes a note on an indicator page and publishes it; an anonymous reader then
// sees it (a note with <script> shown as text), never a draft or a note about an internal
// indicator; replies form a thread; a revision of the figures marks the note; stories render
// the server's safe HTML with live figures.

const ANALYST = { name: 'analist', password: 'een-lang-wachtwoord-2026' };
const SCRIPT_NOTE =
  'Opvallend: **hoog** in de stad. <script>window.__pwned = 1</script> <img src=x onerror="window.__pwned=2">';

let dash: Dashboard;
let picks: Picks;
let M: ApiIndicator;
/** An indicator this data center keeps internal (its source is internal). */
let INTERNAL: ApiIndicator;
let analyst: BrowserContext;
let reader: BrowserContext;
let a: Page;
let r: Page;

beforeAll(async () => {
  dash = await startDashboard();
  picks = await pickIndicators(dash);
  M = picks.map;
  const { data } = await dash.api<{ data: ApiIndicator[] }>('/api/v1/indicators');
  INTERNAL = data.find((i) => i.id !== M.id && i.levels.includes('gemeente'))!;
  // As the build records an indicator computed from an internal source (confidentiality is the
  // strictest of its sources'); done before any page is asked, so no answer was cached.
  await dash.store.run(`UPDATE indicator SET confidentiality = 'internal' WHERE id = $1`, [INTERNAL.id]);
  await addUser(dash.store, {
    name: ANALYST.name,
    role: 'analyst',
    password: ANALYST.password,
    displayName: 'Anna Analist',
  });
  analyst = await dash.browser.newContext({ viewport: { width: 1280, height: 1000 } });
  reader = await dash.browser.newContext({ viewport: { width: 1280, height: 1000 } });
  a = await analyst.newPage();
  r = await reader.newPage();
  for (const p of [a, r])
    p.on('pageerror', (error) => {
      throw error;
    });
});
afterAll(async () => {
  await dash?.close();
});

const url = (path: string) => `${dash.server.url}${path}`;
const indicatorPage = (id: string) => `/groningen/indicator/${id}?level=gemeente&period=${picks.mapPeriod}`;
const pwned = (p: Page) => p.evaluate(() => (window as unknown as { __pwned?: number }).__pwned);

async function signIn(p: Page, password = ANALYST.password): Promise<void> {
  await p.goto(url(`/groningen/inloggen?terug=${encodeURIComponent(indicatorPage(M.id))}`));
  await p.getByLabel('Gebruikersnaam').fill(ANALYST.name);
  await p.getByLabel('Wachtwoord').fill(password);
  await p.getByRole('button', { name: 'Inloggen' }).last().click();
}

/** Submits a form by clicking its button and waits for the page it leads to (script reloads, or the redirect). */
async function submit(p: Page, button: ReturnType<Page['locator']>): Promise<void> {
  // The page's 'load' (the script reloads the page; without script the redirect loads it).
  await Promise.all([p.waitForEvent('load'), button.click()]);
}

let noteId = '';

describe('an analyst writes a note and a reader reads it', () => {
  it('refuses a wrong password on the login page, and signs in with the right one', async () => {
    await signIn(a, 'verkeerd-wachtwoord-123');
    expect(await a.textContent('[role=alert]')).toContain('verkeerde naam of wachtwoord');
    expect(await a.inputValue('#login-name')).toBe(ANALYST.name);
    await signIn(a);
    await a.waitForURL((u) => u.pathname === `/groningen/indicator/${M.id}`);
    expect(await a.textContent('.account')).toContain('Ingelogd als analist (analist)');
    const cookie = (await analyst.cookies()).find((c) => c.name === 'udc_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Lax');
  });

  it('writes a draft note about an area on the indicator page', async () => {
    expect(await a.locator('#notities article.note').count()).toBe(0);
    await a.selectOption('#notitie-gebied', 'GM0014');
    await a.fill('#notitie-tekst', SCRIPT_NOTE);
    await submit(a, a.getByRole('button', { name: 'Notitie opslaan' }));
    expect(a.url()).toMatch(/#notitie-/);
    const note = a.locator('#notities article.note').first();
    noteId = (await note.getAttribute('data-note'))!;
    expect(noteId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await note.getAttribute('data-status')).toBe('draft');
    expect(await note.locator('.badge').textContent()).toBe('concept');
    // The API's safe HTML: the Markdown is formatted, the markup is text and nothing ran.
    expect(await note.locator('.note-body strong').textContent()).toBe('hoog');
    expect(await note.locator('.note-body').textContent()).toContain('<script>window.__pwned = 1</script>');
    expect(await note.locator('.note-body script, .note-body img').count()).toBe(0);
    expect(await pwned(a)).toBeUndefined();
  });

  it('a reader does not see the draft', async () => {
    await r.goto(url(indicatorPage(M.id)));
    expect(await r.locator('#notities article.note').count()).toBe(0);
    expect(await r.locator('.note-marker').count()).toBe(0);
    expect(await r.locator('#nieuwe-notitie').count()).toBe(0);
    expect(await r.textContent('#notities')).toContain('Inloggen');
    const api = await dash.api<{ data: unknown[] }>(`/api/v1/annotations?indicator=${M.id}`);
    expect(api.data).toHaveLength(0);
  });

  it('the analyst publishes it, and the reader sees it (inert) on the indicator page, the map and the area profile', async () => {
    await submit(a, a.locator(`button[data-publish="${noteId}"]`));
    expect(await a.getAttribute(`#notitie-${noteId}`, 'data-status')).toBe('published');

    await r.goto(url(indicatorPage(M.id)));
    const note = r.locator(`#notitie-${noteId}`);
    expect(await note.getAttribute('data-status')).toBe('published');
    expect(await note.locator('.note-author').textContent()).toBe(ANALYST.name);
    expect(await note.locator('.note-body').textContent()).toContain('<script>window.__pwned = 1</script>');
    expect(await note.locator('.note-about').textContent()).toContain('Groningen');
    expect(await pwned(r)).toBeUndefined();
    // No forms for a reader.
    expect(await r.locator('form[action$="/publiceren"], form[action$="/antwoord"]').count()).toBe(0);
    // On the map: a marker on the area and its count in the area's name; a list as text alternative.
    expect(await r.locator('.note-marker[data-code="GM0014"]').count()).toBe(1);
    expect(await r.getAttribute('#kaart a.area[data-code="GM0014"]', 'aria-label')).toMatch(/, 1 notitie$/);
    expect(await r.getAttribute('.note-marks a', 'href')).toBe(`#notitie-${noteId}`);
    // On the area profile.
    await r.goto(url('/groningen/gebied/GM0014'));
    expect(await r.locator(`#notitie-${noteId} .note-body strong`).textContent()).toBe('hoog');
    expect(await pwned(r)).toBeUndefined();
  });

  it('replies form a thread', async () => {
    await a.goto(url(indicatorPage(M.id)));
    await a.click(`#notitie-${noteId} details.reply summary`);
    await a.fill(`#antwoord-${noteId}`, 'Klopt: de *studenten*.');
    await a.selectOption(`#antwoord-status-${noteId}`, 'published');
    await submit(a, a.locator(`#notitie-${noteId} details.reply button[type=submit]`));
    await r.goto(url(indicatorPage(M.id)));
    expect(await r.locator(`#notitie-${noteId} .replies article.note .note-body em`).textContent()).toBe(
      'studenten',
    );
  });

  it('marks the note when the figures it was written about are revised', async () => {
    // A revision as a re-import records it in the lineage: a new version of a source dataset
    // (the annotations room's own tests do the real re-import and rebuild).
    await dash.store.run(
      `UPDATE indicator_source SET dataset_version = dataset_version + 1 WHERE indicator = $1`,
      [M.id],
    );
    await r.goto(url(indicatorPage(M.id)));
    const mark = r.locator(`#notitie-${noteId} > .revised`);
    expect(await mark.textContent()).toContain('Geschreven bij een eerdere versie van de cijfers');
    expect(await mark.textContent()).toMatch(/versie \d+ → \d+/);
  });

  it('a reader never sees an internal indicator or the notes about it; the analyst does', async () => {
    await a.goto(url(indicatorPage(INTERNAL.id)));
    expect(await a.textContent('h1')).toBe(INTERNAL.title.nl);
    await a.selectOption('#notitie-gebied', 'GM0014');
    await a.fill('#notitie-tekst', 'Interne opmerking over een interne indicator.');
    await a.selectOption('#notitie-status', 'published');
    await submit(a, a.getByRole('button', { name: 'Notitie opslaan' }));
    await a.goto(url('/groningen/gebied/GM0014'));
    expect(await a.textContent('#notities')).toContain('Interne opmerking');

    expect((await r.goto(url(indicatorPage(INTERNAL.id))))?.status()).toBe(404);
    await r.goto(url('/groningen/gebied/GM0014'));
    expect(await r.textContent('#notities')).not.toContain('Interne opmerking');
    expect(await r.locator(`main a[href*="/indicator/${INTERNAL.id}"]`).count()).toBe(0);
    await r.goto(url(`/groningen/thema/${INTERNAL.theme}`));
    expect(await r.locator(`a[href^="/groningen/indicator/${INTERNAL.id}"]`).count()).toBe(0);
  });

  it('signs out: the session ends and the drafts are gone', async () => {
    await a.goto(url(indicatorPage(M.id)));
    await submit(a, a.getByRole('button', { name: 'Uitloggen' }));
    expect(new URL(a.url()).pathname).toBe('/groningen/');
    expect(await a.locator('.account').count()).toBe(0);
    expect(await a.locator('a[href^="/groningen/inloggen"]').count()).toBe(1);
    const session = await (
      await fetch(url('/api/v1/session'), {
        headers: { cookie: (await analyst.cookies()).map((c) => `${c.name}=${c.value}`).join('; ') },
      })
    ).json();
    expect(session.user).toBeNull();
  });

  it('without script, the login form still signs in (a plain form post)', async () => {
    const plain = await dash.browser.newContext({ javaScriptEnabled: false });
    const p = await plain.newPage();
    await signIn(p);
    await p.waitForURL((u) => u.pathname === `/groningen/indicator/${M.id}`);
    expect(await p.textContent('.account')).toContain('Ingelogd als analist');
    expect(await p.locator('#nieuwe-notitie input[name=_csrf]').count()).toBe(1);
    await plain.close();
  });
});

describe('without script', () => {
  it('an analyst writes a note with a plain form post (the CSRF token travels as the _csrf field)', async () => {
    const plain = await dash.browser.newContext({ javaScriptEnabled: false });
    const p = await plain.newPage();
    await signIn(p);
    await p.waitForURL((u) => u.pathname === `/groningen/indicator/${M.id}`);
    const before = await p.locator('#notities article.note').count();
    await p.selectOption('#notitie-gebied', 'GM0014');
    await p.fill('#notitie-tekst', 'Geschreven zonder script.');
    await submit(p, p.getByRole('button', { name: 'Notitie opslaan' }));
    expect(await p.locator('#notities article.note').count()).toBe(before + 1);
    expect(await p.locator('#notities').textContent()).toContain('Geschreven zonder script.');
    await plain.close();
  });
});

describe('stories', () => {
  it('lists published stories and renders one with its live figures, source and definition', async () => {
    const author = {
      user: { id: 'x', name: ANALYST.name, role: 'analyst' as const },
      role: 'analyst' as const,
      via: 'session' as const,
    };
    const users = await dash.store.all<{ id: string }>('SELECT id FROM app_user WHERE name = $1', [
      ANALYST.name,
    ]);
    author.user.id = users[0]!.id;
    const story = await createStory(dash.store, author, {
      title: 'Ouder worden in de regio',
      status: 'published',
      body: [
        '# Ouder worden',
        'De stad is *jong*. <script>window.__pwned = 3</script>',
        `{{chart indicator=${M.id} region=GM0014,GM0106}}`,
        `{{table indicator=${M.id} region=GM0014,GM0106 period=${picks.mapPeriod}}}`,
        `{{map indicator=${M.id} level=gemeente parent=X_RGA period=${picks.mapPeriod}}}`,
      ].join('\n\n'),
    });
    await createStory(dash.store, author, {
      title: 'Concept van een verhaal',
      status: 'draft',
      body: 'nog niet klaar',
    });
    await r.goto(url('/groningen/verhalen'));
    const titles = await r.$$eval('.stories h2 a', (as) => as.map((x) => x.textContent));
    expect(titles).toEqual(['Ouder worden in de regio']);
    await r.click('.stories h2 a');
    await r.waitForURL(new RegExp(`/groningen/verhalen/${story.id}`));
    expect(await r.textContent('h1')).toBe('Ouder worden in de regio');
    expect(await r.textContent('.story-body')).toContain('<script>window.__pwned = 3</script>');
    expect(await pwned(r)).toBeUndefined();
    // Each figure drawn live from the API, its caption naming source and definition.
    expect(await r.locator('.udc-figure[data-kind="chart"] svg.chart .series').count()).toBe(2);
    const values = await dash.api<{ data: { region: string; value: number | null }[] }>(
      `/api/v1/values?indicator=${M.id}&region=GM0014&period=${picks.mapPeriod}`,
    );
    const cell = await r.textContent('.udc-figure[data-kind="table"] tr[data-region="GM0014"] td');
    expect(cell!.trim()).toContain(
      new Intl.NumberFormat('nl-NL', {
        minimumFractionDigits: M.decimals,
        maximumFractionDigits: M.decimals,
      }).format(values.data[0]!.value!),
    );
    expect(await r.locator('.udc-figure[data-kind="map"] svg.choropleth a.area').count()).toBe(12);
    expect(await r.textContent('.udc-figure[data-kind="map"] figcaption')).toContain('Bron / source');
  });
});
