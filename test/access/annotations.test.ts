/**
 * Notes and stories over real HTTP: threads, drafts, who may change what, XSS, the audit trail,
 * and notes surviving a data revision (the dataset re-imported and the indicators rebuilt by the
 * real pipeline) marked as revised.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndicators, loadLibrary } from '../../src/indicators/index.js';
import { listAudit, verifyAudit } from '../../src/linkage/audit.js';
import {
  accessWorld,
  buildLibrary,
  importPopulation,
  LIBRARY_DIR,
  SEEDED,
  signIn,
  type AccessWorld,
} from './world.js';

let world: AccessWorld;
let analyst: { cookie: string; csrf: string };

beforeAll(async () => {
  world = await accessWorld();
  analyst = await signIn(world.server.url, 'analyst-user');
}, 120_000);
afterAll(async () => {
  await world?.close();
});

type Note = {
  id: string;
  status: string;
  body: string;
  html: string;
  author: string;
  revised: boolean;
  revision: {
    definitionChanged: boolean;
    datasets: { dataset: string; was: number | null; now: number | null }[];
  } | null;
  dataVersion: { definitionHash: string; datasets: { dataset: string; version: number }[] } | null;
  replies: Note[];
  indicator: string | null;
  region: string | null;
  period: string | null;
};

async function call(method: string, path: string, as: 'analyst' | 'anonymous' | 'steward', body?: unknown) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (as === 'analyst') Object.assign(headers, { cookie: analyst.cookie, 'x-csrf-token': analyst.csrf });
  if (as === 'steward') headers['authorization'] = `Bearer ${world.tokens.steward}`;
  const response = await fetch(`${world.server.url}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    json: text ? (JSON.parse(text) as Note & { detail?: string; data?: Note[] }) : undefined,
  };
}

describe('annotations', () => {
  it('a note with script and javascript: links is stored as written and rendered inert', async () => {
    const body =
      'Let op <script>alert(document.cookie)</script> en [deze link](javascript:alert(1)) <img src=x onerror=alert(2)>';
    const made = await call('POST', '/api/v1/annotations', 'analyst', {
      indicator: SEEDED.open.indicator,
      region: 'gm0014',
      period: '2021JJ00',
      body,
      status: 'published',
    });
    expect(made.status).toBe(201);
    expect(made.json!.body).toBe(body);
    expect(made.json!.region).toBe('GM0014');
    const read = await call('GET', `/api/v1/annotations/${made.json!.id}`, 'anonymous');
    expect(read.json!.html).not.toMatch(/<script|<img|href="javascript/i);
    expect(read.json!.html).toContain('&lt;script&gt;alert(document.cookie)&lt;/script&gt;');
  });

  it('threads: a reply inherits what its thread is about; drafts are for analysts and up', async () => {
    const thread = await call('POST', '/api/v1/annotations', 'analyst', {
      indicator: SEEDED.open.indicator,
      region: 'GM0106',
      body: 'Assen: *stabiel*.',
      status: 'published',
    });
    const reply = await call('POST', '/api/v1/annotations', 'steward', {
      parent: thread.json!.id,
      body: 'Eens.',
      status: 'published',
    });
    expect(reply.status).toBe(201);
    expect(reply.json).toMatchObject({
      indicator: SEEDED.open.indicator,
      region: 'GM0106',
      author: 'steward-user',
    });
    const draftReply = await call('POST', '/api/v1/annotations', 'analyst', {
      parent: thread.json!.id,
      body: 'Nog checken.',
    });
    expect(draftReply.json!.status).toBe('draft');
    const asReader = await call(
      'GET',
      `/api/v1/annotations?indicator=${SEEDED.open.indicator}&region=GM0106`,
      'anonymous',
    );
    expect(asReader.json!.data!.map((n) => [n.body, n.replies.map((r) => r.body)])).toEqual([
      ['Assen: *stabiel*.', ['Eens.']],
    ]);
    const asAnalyst = await call(
      'GET',
      `/api/v1/annotations?indicator=${SEEDED.open.indicator}&region=GM0106`,
      'analyst',
    );
    expect(asAnalyst.json!.data![0]!.replies.map((r) => r.body)).toEqual(['Eens.', 'Nog checken.']);
    expect(asAnalyst.json!.data![0]!.html).toBe('<p>Assen: <em>stabiel</em>.</p>');
    // broader: notes about the region in general come along on an indicator page.
    await call('POST', '/api/v1/annotations', 'analyst', {
      region: 'GM0106',
      body: 'Algemeen over Assen.',
      status: 'published',
    });
    const broader = await call(
      'GET',
      `/api/v1/annotations?indicator=${SEEDED.open.indicator}&region=GM0106&broader=true`,
      'anonymous',
    );
    expect(broader.json!.data!.map((n) => n.body).sort()).toEqual([
      'Algemeen over Assen.',
      'Assen: *stabiel*.',
    ]);
    // A reply to a reply, or a reply with its own subject, is refused.
    expect(
      (await call('POST', '/api/v1/annotations', 'analyst', { parent: reply.json!.id, body: 'x' })).status,
    ).toBe(400);
    expect(
      (
        await call('POST', '/api/v1/annotations', 'analyst', {
          parent: thread.json!.id,
          region: 'GM0014',
          body: 'x',
        })
      ).status,
    ).toBe(400);
  });

  it('refuses bad input with a message naming the field', async () => {
    const cases: [unknown, string][] = [
      [{ body: 'x' }, 'give at least one'],
      [{ indicator: 'bestaat_niet', body: 'x' }, 'indicator: there is no indicator "bestaat_niet"'],
      [{ indicator: SEEDED.confidential.indicator, body: 'x' }, 'indicator: there is no indicator'],
      [{ region: 'GM9999', body: 'x' }, 'region: region GM9999 is in no year of the register'],
      [{ period: '2020XX99', body: 'x' }, 'period:'],
      [{ region: 'GM0014', body: '   ' }, 'body: a note needs text'],
      [{ region: 'GM0014', body: 'x', colour: 'red' }, 'colour: unknown field'],
    ];
    for (const [body, message] of cases) {
      const answer = await call('POST', '/api/v1/annotations', 'analyst', body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.json!.detail, JSON.stringify(body)).toContain(message);
    }
  });

  it('the author or a steward may change or delete a note; another analyst may not; every change is in the audit log', async () => {
    const note = await call('POST', '/api/v1/annotations', 'analyst', {
      region: 'GM0014',
      body: 'Eerste versie',
      status: 'draft',
    });
    const id = note.json!.id;
    const other = await fetch(`${world.server.url}/api/v1/annotations/${id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${otherAnalystToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ body: 'overgenomen' }),
    });
    expect(other.status).toBe(403);
    expect(
      (
        await call('PATCH', `/api/v1/annotations/${id}`, 'analyst', {
          body: 'Tweede versie',
          status: 'published',
        })
      ).json,
    ).toMatchObject({
      body: 'Tweede versie',
      status: 'published',
    });
    expect((await call('PATCH', `/api/v1/annotations/${id}`, 'steward', { status: 'draft' })).status).toBe(
      200,
    );
    expect((await call('DELETE', `/api/v1/annotations/${id}`, 'anonymous')).status).toBe(401);
    expect((await call('DELETE', `/api/v1/annotations/${id}`, 'analyst')).status).toBe(204);
    expect((await call('GET', `/api/v1/annotations/${id}`, 'analyst')).status).toBe(404);
    const log = (await listAudit(world.store)).filter((e) => e.object === `annotation:${id}`);
    expect(log.map((e) => [e.actor, e.action])).toEqual([
      ['analyst-user', 'annotation.create'],
      ['analyst-user', 'annotation.update'],
      ['steward-user', 'annotation.update'],
      ['analyst-user', 'annotation.delete'],
    ]);
    expect(JSON.parse(log[1]!.detail)).toMatchObject({ previousBody: 'Eerste versie' });
    expect(JSON.parse(log[3]!.detail)).toMatchObject({ body: 'Tweede versie' });
    expect((await verifyAudit(world.store)).ok).toBe(true);
  });

  it('survives a data revision (the dataset re-imported, the indicators rebuilt) and says what changed', async () => {
    const note = await call('POST', '/api/v1/annotations', 'analyst', {
      indicator: SEEDED.open.indicator,
      region: 'GM0014',
      period: '2023JJ00',
      body: 'Geschreven bij versie 1.',
      status: 'published',
    });
    expect(note.json).toMatchObject({ revised: false, revision: null });
    expect(note.json!.dataVersion!.datasets).toEqual([{ dataset: SEEDED.open.dataset, version: 1 }]);
    // A rebuild of unchanged data is not a revision.
    await buildIndicators(world.store, await loadLibrary({ shared: LIBRARY_DIR }), { force: true });
    expect((await call('GET', `/api/v1/annotations/${note.json!.id}`, 'anonymous')).json!.revised).toBe(
      false,
    );
    // The source is imported again (a new version) and the indicators are rebuilt.
    await importPopulation(world.store, SEEDED.open.dataset, 'open');
    await buildLibrary(world.store);
    const after = (await call('GET', `/api/v1/annotations/${note.json!.id}`, 'anonymous')).json!;
    expect(after.body).toBe('Geschreven bij versie 1.');
    expect(after.revised).toBe(true);
    expect(after.revision).toMatchObject({
      definitionChanged: false,
      datasets: [{ dataset: SEEDED.open.dataset, was: 1, now: 2 }],
    });
    // The list says so too; rewriting the note ties it to the data of now.
    const listed = (
      await call('GET', `/api/v1/annotations?indicator=${SEEDED.open.indicator}&period=2023JJ00`, 'anonymous')
    ).json!.data!;
    expect(listed.find((n) => n.id === note.json!.id)!.revised).toBe(true);
    const rewritten = (
      await call('PATCH', `/api/v1/annotations/${note.json!.id}`, 'analyst', {
        body: 'Bijgewerkt bij versie 2.',
      })
    ).json!;
    expect(rewritten).toMatchObject({
      revised: false,
      dataVersion: { datasets: [{ dataset: SEEDED.open.dataset, version: 2 }] },
    });
  });
});

describe('stories', () => {
  it('checks figures when saved, naming the line and what was expected', async () => {
    const cases: [string, string][] = [
      [
        '{{graph indicator=x}}',
        'line 1: {{graph indicator=x}}: expected {{chart ...}}, {{map ...}} or {{table ...}}',
      ],
      [
        `tekst\n\n{{chart indicator=${SEEDED.open.indicator}}}`,
        'line 3: {{chart indicator=acc_inwoners_open}}: chart needs region=...',
      ],
      [`{{map indicator=${SEEDED.open.indicator} level=straat}}`, 'level straat: expected one of land'],
      [
        `{{chart indicator=${SEEDED.open.indicator} region=GM0014 colour=red}}`,
        'chart takes indicator, region, period, not colour',
      ],
      ['{{chart indicator=bestaat_niet region=GM0014}}', 'line 1: there is no indicator "bestaat_niet"'],
      [
        `{{chart indicator=${SEEDED.open.indicator} region=GM9999}}`,
        'line 1: region GM9999 is in no year of the register',
      ],
    ];
    for (const [body, message] of cases) {
      const answer = await call('POST', '/api/v1/stories', 'analyst', { title: 'Test', body });
      expect(answer.status, body).toBe(400);
      expect(answer.json!.detail, body).toContain(message);
    }
    expect((await world.store.one<{ n: number }>('SELECT count(*) AS n FROM story'))!.n).toBe(0);
  });

  it('renders text and figures with their source and definition; drafts stay with analysts', async () => {
    const made = await call('POST', '/api/v1/stories', 'analyst', {
      title: 'Groningen <groeit>',
      body: `Tekst met <script>x</script>.\n\n{{map indicator=${SEEDED.open.indicator} level=gemeente period=2023JJ00 parent=PV20}}\n\n\`\`\`\n{{chart indicator=geen_figuur}}\n\`\`\``,
    });
    expect(made.status).toBe(201);
    const id = made.json!.id;
    expect((await call('GET', `/api/v1/stories/${id}`, 'anonymous')).status).toBe(404);
    expect((await call('GET', '/api/v1/stories', 'anonymous')).json!.data).toEqual([]);
    await call('PATCH', `/api/v1/stories/${id}`, 'analyst', { status: 'published' });
    const story = (await call('GET', `/api/v1/stories/${id}`, 'anonymous')).json as unknown as {
      title: string;
      html: string;
      figures: {
        kind: string;
        data: string;
        indicators: {
          title: { nl: string };
          formula: string;
          sources: { dataset: string; version: number }[];
        }[];
      }[];
    };
    expect(story.title).toBe('Groningen <groeit>');
    expect(story.html).toContain('&lt;script&gt;');
    expect(story.html).not.toContain('<script');
    expect(story.html).toContain('<pre><code>{{chart indicator=geen_figuur}}</code></pre>');
    expect(story.figures).toHaveLength(1);
    expect(story.figures[0]).toMatchObject({
      kind: 'map',
      data: `/api/v1/geometry?level=gemeente&parent=PV20&indicator=${SEEDED.open.indicator}&period=2023JJ00`,
      indicators: [
        {
          title: { nl: 'Inwoners (open)' },
          formula: 'open.bevolking_1_januari',
          sources: [{ dataset: SEEDED.open.dataset }],
        },
      ],
    });
    expect(story.html).toMatch(
      /<figure class="udc-figure" data-kind="map" data-index="0" data-indicator="acc_inwoners_open"/,
    );
    // The figure's data URL answers.
    expect((await fetch(`${world.server.url}${story.figures[0]!.data}`)).status).toBe(200);
  });
});

let otherAnalystToken = '';
beforeAll(async () => {
  const { addUser, createToken } = await import('../../src/access/index.js');
  const other = await addUser(world.store, {
    name: 'tweede-analist',
    role: 'analyst',
    password: 'een ander lang wachtwoord',
  });
  otherAnalystToken = (await createToken(world.store, other, { name: 't' }, new Date())).token;
});
