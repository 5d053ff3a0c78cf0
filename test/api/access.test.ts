/**
 * Access on every route: a table over ALL routes of the app (enumerated from app.routes, so a
 * route added later is probed too) x every kind of caller (anonymous, a reader's token, an
 * analyst's session, a data steward's token, an administrator's session). Data are real: the
 * bundled CBS population file imported as open, internal and confidential, and indicators built
 * over them by the real build (test/access/world.ts). Checks: status codes; internal and
 * confidential ids and titles never appear in an answer to a caller who may not see them, on any
 * interface; a hidden dataset answers exactly like a missing one; callers who may see them do.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/access/index.js';
import { createApp } from '../../src/api/app.js';
import { restRoutes } from '../../src/api/rest/index.js';
import { accessWorld, SECRETS, SEEDED, signIn, type AccessWorld } from '../access/world.js';

type Caller = { name: string; role: Role; session?: Role; token?: Role };
const CALLERS: Caller[] = [
  { name: 'anonymous', role: 'reader' },
  { name: 'reader-token', role: 'reader', token: 'reader' },
  { name: 'analyst', role: 'analyst', session: 'analyst' },
  { name: 'steward', role: 'steward', token: 'steward' },
  { name: 'admin', role: 'administrator', session: 'administrator' },
];
const LEVELS = ['internal', 'confidential'] as const;

/**
 * The matrix of docs/access.md, written out here on its own (not read from src/access/roles.ts),
 * so a change to the code's matrix is caught by this test.
 */
const MAY_SEE: Record<Role, readonly string[]> = {
  reader: ['open'],
  analyst: ['open', 'internal'],
  steward: ['open', 'internal', 'confidential'],
  administrator: ['open', 'internal', 'confidential'],
};
const canSee = (caller: { role: Role }, level: string) => MAY_SEE[caller.role].includes(level);
const ORDER: Role[] = ['reader', 'analyst', 'steward', 'administrator'];
const atLeast = (role: Role, needed: Role) => ORDER.indexOf(role) >= ORDER.indexOf(needed);
const DRAFT_MARKER = 'Conceptnotitie-7f3a';
const MISSING_UUID = '00000000-0000-4000-8000-000000000000';

let world: AccessWorld;
const sessions = {} as Record<Role, { cookie: string; csrf: string }>;
const notes = {} as Record<'open' | 'internal' | 'confidential' | 'draft', string>;
const stories = {} as Record<'published' | 'draft', string>;

function headers(caller: Caller, extra: Record<string, string> = {}): Record<string, string> {
  const h: Record<string, string> = { ...extra };
  if (caller.token) h['authorization'] = `Bearer ${world.tokens[caller.token]}`;
  if (caller.session) h['cookie'] = sessions[caller.session].cookie;
  return h;
}

async function get(caller: Caller, path: string) {
  const response = await fetch(`${world.server.url}${path}`, { headers: headers(caller) });
  const type = response.headers.get('content-type') ?? '';
  const bytes = new Uint8Array(await response.arrayBuffer());
  // Binary answers (XLSX, Parquet) are searched as latin1, so ids in their text still show.
  const text = /json|text|xml|csv|turtle|svg|html|javascript|css/.test(type)
    ? new TextDecoder().decode(bytes)
    : Buffer.from(bytes).toString('latin1');
  return { status: response.status, text, type };
}

/** The words a caller must never see: those of levels above their role, and drafts for readers. */
function forbiddenWords(caller: Caller): string[] {
  const words = LEVELS.filter((l) => !canSee(caller, l)).flatMap((l) => SECRETS[l]);
  if (!atLeast(caller.role, 'analyst')) words.push(DRAFT_MARKER);
  return words;
}

/**
 * No forbidden word in the answer. A word the request itself names may be echoed (a 404 saying
 * which id it did not find): that reveals nothing the caller did not say, and the test "hidden
 * answers like missing" proves the echo is the same as for an id that does not exist.
 */
function expectNoLeak(caller: Caller, url: string, text: string) {
  const asked = decodeURIComponent(url);
  for (const word of forbiddenWords(caller))
    if (!asked.includes(word))
      expect(text.includes(word), `${caller.name} ${url} reveals "${word}"`).toBe(false);
}

/** An answer with no rows: JSON data/value/features empty, CSV only its header. */
function expectEmpty(caller: Caller, path: string, text: string, type: string) {
  if (type.includes('csv')) {
    expect(text.trim().split(/\r?\n/), `${caller.name} ${path}`).toHaveLength(1);
    return;
  }
  const body = JSON.parse(text) as { data?: unknown[]; value?: unknown[]; features?: unknown[] };
  expect(body.data ?? body.value ?? body.features, `${caller.name} ${path}`).toEqual([]);
}

beforeAll(async () => {
  world = await accessWorld();
  for (const role of ['analyst', 'administrator'] as const) {
    const s = await signIn(world.server.url, `${role}-user`);
    sessions[role] = { cookie: s.cookie, csrf: s.csrf };
  }
  const analyst = CALLERS[2]!;
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${world.server.url}${path}`, {
      method: 'POST',
      headers: headers(analyst, {
        'content-type': 'application/json',
        'x-csrf-token': sessions.analyst.csrf,
      }),
      body: JSON.stringify(body),
    });
    expect(response.status, await response.clone().text()).toBe(201);
    return ((await response.json()) as { id: string }).id;
  };
  notes.open = await post('/api/v1/annotations', {
    indicator: SEEDED.open.indicator,
    region: 'GM0014',
    body: 'Groei door **studenten**.',
    status: 'published',
  });
  notes.draft = await post('/api/v1/annotations', {
    indicator: SEEDED.open.indicator,
    body: `${DRAFT_MARKER}: nog niet af`,
  });
  // Written by an analyst about internal data; a steward writes about confidential data below.
  notes.internal = await post('/api/v1/annotations', {
    indicator: SEEDED.internal.indicator,
    body: 'Interne duiding',
    status: 'published',
  });
  const steward = await fetch(`${world.server.url}/api/v1/annotations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${world.tokens.steward}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      indicator: SEEDED.confidential.indicator,
      body: 'Vertrouwelijke duiding',
      status: 'published',
    }),
  });
  expect(steward.status).toBe(201);
  notes.confidential = ((await steward.json()) as { id: string }).id;
  stories.published = await post('/api/v1/stories', {
    title: 'Bevolking in beeld',
    status: 'published',
    body: `# Groningen groeit\n\n{{chart indicator=${SEEDED.open.indicator} region=GM0014,GM0106}}\n\n{{table indicator=${SEEDED.internal.indicator} region=GM0014}}\n\n{{map indicator=${SEEDED.confidential.indicator} level=gemeente}}`,
  }).catch(() => '');
  // The analyst may not embed confidential data: that story is refused (checked below), so save without it.
  if (!stories.published)
    stories.published = await post('/api/v1/stories', {
      title: 'Bevolking in beeld',
      status: 'published',
      body: `# Groningen groeit\n\n{{chart indicator=${SEEDED.open.indicator} region=GM0014,GM0106}}\n\n{{table indicator=${SEEDED.internal.indicator} region=GM0014}}`,
    });
  stories.draft = await post('/api/v1/stories', { title: DRAFT_MARKER, body: 'Later meer.' });
}, 120_000);
afterAll(async () => {
  await world?.close();
});

/** Probes of one level: [path, kind]. entity: 200 when visible, else 404; rows: 200 always, the ids only when visible. */
function levelProbes(level: 'open' | 'internal' | 'confidential'): [string, 'entity' | 'rows' | 'binary'][] {
  const { dataset: ds, indicator: ind } = SEEDED[level];
  const f = (filter: string) => encodeURIComponent(filter);
  return [
    [`/api/v1/datasets/${ds}`, 'entity'],
    [`/api/v1/datasets/${ds}/variables`, 'entity'],
    [`/api/v1/datasets/${ds}/observations?region=GM0014`, 'entity'],
    [`/api/v1/indicators/${ind}`, 'entity'],
    [`/api/v1/geometry?level=gemeente&indicator=${ind}`, 'entity'],
    [`/api/v1/values?indicator=${ind}&region=GM0014`, 'rows'],
    [`/api/v1/compare?indicator=${ind}&regions=GM0014,GM0106`, 'rows'],
    [`/api/v1/values.csv?indicator=${ind}&region=GM0014`, 'rows'],
    [`/api/v1/values.geojson?indicator=${ind}&region=GM0014`, 'rows'],
    [`/api/v1/values.xlsx?indicator=${ind}&region=GM0014`, 'binary'],
    [`/api/v1/values.parquet?indicator=${ind}&region=GM0014`, 'binary'],
    [`/api/v1/annotations?indicator=${ind}`, 'rows'],
    [`/api/v1/annotations/${notes[level]}`, 'entity'],
    [`/odata/v4/Datasets('${ds}')`, 'entity'],
    [`/odata/v4/Observations?$filter=${f(`Dataset eq '${ds}'`)}&$top=3`, 'rows'],
    [`/odata/v4/IndicatorValues?$filter=${f(`Indicator eq '${ind}'`)}&$top=3`, 'rows'],
    [`/ODataApi/odata/${ds}`, 'entity'],
    [`/ODataApi/odata/${ds}/TableInfos`, 'entity'],
    [`/ODataFeed/odata/${ds}/TypedDataSet?$top=3`, 'entity'],
    // Analyses read what the caller may see, like every other interface.
    [`/api/v1/analysis/trend?indicator=${ind}&region=GM0014`, 'entity'],
    [`/api/v1/analysis/typology?indicators=${ind}&level=gemeente&kMax=3`, 'entity'],
  ];
}

/** Probes that list everything a caller may see. */
const LISTS = [
  '/api/v1/datasets',
  '/api/v1/indicators',
  '/api/v1/search?q=inwoners',
  '/api/v1/profile/GM0014',
  '/odata/v4/Datasets',
  '/ODataCatalog/Tables',
  '/catalog',
  '/catalog.ttl',
  '/catalog.jsonld',
];

/** Other GET probes (no level of their own): every answer is checked for leaks. */
const OTHERS = [
  '/api/v1/health',
  '/api/v1/themes',
  '/api/v1/regions?level=gemeente&pageSize=5',
  '/api/v1/regions/GM0014',
  '/api/v1/values?region=GM0014&period=2020JJ00',
  '/api/v1/annotations',
  '/api/v1/annotations?region=GM0014&broader=true',
  '/api/v1/stories',
  '/api/v1/session',
  '/api/v1/tokens',
  '/api/v1/tokens/0123456789abcdef',
  '/api/v1/auth/oidc/login',
  '/api/v1/auth/oidc/callback?code=x&state=y',
  '/api/v1/openapi.json',
  '/odata/v4',
  "/odata/v4/IndicatorValues?$filter=Region%20eq%20'GM0014'",
  '/odata/v4/$metadata',
  '/ODataCatalog',
  '/',
  '/zoek?q=inwoners',
  '/thema/bevolking',
  `/indicator/${SEEDED.internal.indicator}`,
  `/indicator/${SEEDED.confidential.indicator}/grafiek.svg`,
  '/gebied/GM0014',
  `/vergelijk?indicator=${SEEDED.internal.indicator}&regions=GM0014,GM0106`,
  '/datasets',
  '/assets/app.js',
  // Analyses and data centers (src/api/rest/routes/analysis.ts, datacenters.ts), asked about hidden indicators too.
  '/api/v1/datacenters',
  '/api/v1/datacenters/groningen',
  '/api/v1/datacenters/groningen/logo.svg',
  ...(['open', 'internal', 'confidential'] as const).flatMap((l) => {
    const ind = SEEDED[l].indicator;
    return [
      `/api/v1/analysis/trend?indicator=${ind}&region=GM0014`,
      `/api/v1/analysis/position?indicator=${ind}&region=GM0014`,
      `/api/v1/analysis/peers?region=GM0014`,
      `/api/v1/analysis/correlation?x=${ind}&y=${SEEDED.open.indicator}&level=gemeente`,
      `/api/v1/analysis/typology?indicators=${ind},${SEEDED.open.indicator}&level=gemeente`,
    ];
  }),
];

/** A concrete path for a route pattern no probe above covers (a route added later): ids of hidden data. */
function genericProbes(pattern: string): string[] {
  const base = pattern.replace(/\{[^}]*\}/g, '').replace(/\/\*$/, '/');
  if (!/:\w+/.test(base)) return [base];
  return [SEEDED.internal.indicator, SEEDED.confidential.dataset].map((id) =>
    base.replace(/:(\w+)/g, (_, name: string) => (/code/i.test(name) ? 'GM0014' : id)),
  );
}

const matches = (pattern: string, path: string) =>
  new RegExp(
    `^${pattern
      .replace(/\{[^}]*\}/g, '')
      .replace(/[.]/g, '\\.')
      .replace(/\/\*$/, '(/.*)?')
      .replace(/:\w+/g, '[^/]+')}$`,
  ).test(path.split('?')[0]!);

describe('every route x every caller', () => {
  it('every GET route of the app is probed (by name above, or by a generic probe for routes added later)', () => {
    const named = [
      ...(['open', 'internal', 'confidential'] as const).flatMap((l) => levelProbes(l).map(([p]) => p)),
      ...LISTS,
      ...OTHERS,
      `/api/v1/stories/${stories.published}`,
    ];
    const patterns = [
      ...new Set(
        createApp(world.store)
          .routes.filter((r) => r.method === 'GET')
          .map((r) => r.path),
      ),
    ];
    const unprobed = patterns.filter(
      (pattern) => ![...named, ...genericProbes(pattern)].some((p) => matches(pattern, p)),
    );
    expect(patterns.length).toBeGreaterThan(40);
    expect(unprobed).toEqual([]);
  });

  for (const caller of CALLERS) {
    describe(caller.name, () => {
      for (const level of ['open', 'internal', 'confidential'] as const) {
        it(`data of level ${level}: ${canSee(caller, level) ? 'visible' : 'invisible, as if missing'}`, async () => {
          const visible = canSee(caller, level);
          for (const [path, kind] of levelProbes(level)) {
            const answer = await get(caller, path);
            expect(answer.status, `${caller.name} ${path}: ${answer.text.slice(0, 200)}`).toBeLessThan(500);
            expectNoLeak(caller, path, answer.text);
            const id =
              path.includes('dataset') || path.includes('Dataset') || path.includes('OData')
                ? SEEDED[level].dataset
                : SEEDED[level].indicator;
            if (kind === 'entity') {
              expect(answer.status, `${caller.name} ${path} ${answer.text.slice(0, 300)}`).toBe(
                visible ? 200 : 404,
              );
              if (visible)
                expect(answer.text, path).toContain(
                  path.includes('/annotations/')
                    ? notes[level]
                    : path.endsWith('/variables')
                      ? 'bevolking_1_januari'
                      : id,
                );
            } else {
              expect(answer.status, `${caller.name} ${path}`).toBe(200);
              if (kind === 'rows' && visible) expect(answer.text, `${caller.name} ${path}`).toContain(id);
              if (kind === 'rows' && !visible) expectEmpty(caller, path, answer.text, answer.type);
            }
          }
        });
      }

      it('a hidden dataset answers exactly like one that does not exist', async () => {
        for (const level of LEVELS) {
          if (canSee(caller, level)) continue;
          for (const [path, kind] of levelProbes(level)) {
            if (kind !== 'entity' || path.includes('/annotations/')) continue;
            const fake = path
              .replaceAll(SEEDED[level].dataset, 'acc-bestaat-niet')
              .replaceAll(SEEDED[level].indicator, 'acc_bestaat_niet');
            const [hidden, missing] = [await get(caller, path), await get(caller, fake)];
            expect(hidden.status, path).toBe(missing.status);
            expect(
              hidden.text.replaceAll(SEEDED[level].dataset, 'X').replaceAll(SEEDED[level].indicator, 'X'),
              path,
            ).toBe(missing.text.replaceAll('acc-bestaat-niet', 'X').replaceAll('acc_bestaat_niet', 'X'));
          }
        }
      });

      it('lists show exactly the levels the caller may see', async () => {
        for (const path of LISTS) {
          const answer = await get(caller, path);
          expect(answer.status, path).toBe(200);
          expectNoLeak(caller, path, answer.text);
          for (const level of ['open', ...LEVELS] as const) {
            if (!canSee(caller, level)) continue;
            const { dataset, indicator } = SEEDED[level];
            expect(answer.text, `${caller.name} ${path} lists ${level}`).toContain(
              /indicators|search|profile/.test(path) ? indicator : dataset,
            );
          }
        }
      });

      it('every other GET route (and any route added later) answers without 5xx and reveals nothing', async () => {
        const app = createApp(world.store);
        const generic = [...new Set(app.routes.filter((r) => r.method === 'GET').map((r) => r.path))].flatMap(
          genericProbes,
        );
        for (const path of [
          ...OTHERS,
          ...generic,
          `/api/v1/stories/${stories.published}`,
          `/api/v1/stories/${stories.draft}`,
        ]) {
          const answer = await get(caller, path);
          expect(answer.status, `${caller.name} ${path}: ${answer.text.slice(0, 200)}`).toBeLessThan(500);
          expectNoLeak(caller, path, answer.text);
        }
        // Drafts: analysts and up only.
        expect((await get(caller, `/api/v1/stories/${stories.draft}`)).status).toBe(
          atLeast(caller.role, 'analyst') ? 200 : 404,
        );
        expect((await get(caller, `/api/v1/annotations/${notes.draft}`)).status).toBe(
          atLeast(caller.role, 'analyst') ? 200 : 404,
        );
        // Signed-in routes: 401 for the anonymous caller only.
        expect((await get(caller, '/api/v1/tokens')).status).toBe(caller.name === 'anonymous' ? 401 : 200);
      });

      it('state-changing routes: 401 without a user, 403 for a role too weak, 405 where none exists', async () => {
        const specs = restRoutes(world.store);
        const app = createApp(world.store);
        const unsafe = [
          ...new Set(
            app.routes
              .filter((r) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method))
              .map((r) => `${r.method} ${r.path}`),
          ),
          'PUT /odata/v4/Datasets',
          'POST /ODataApi/odata/x',
          'DELETE /catalog',
        ];
        for (const key of unsafe) {
          const [method, pattern] = key.split(' ') as [string, string];
          if (method === 'DELETE' && pattern === '/api/v1/session' && caller.session) continue; // below, on its own session
          const path = pattern
            .replace(/:id/g, pattern.includes('tokens') ? '0123456789abcdef' : MISSING_UUID)
            .replace(/\/\*$/, '/x');
          const response = await fetch(`${world.server.url}${path}`, {
            method,
            headers: headers(caller, {
              'content-type': 'application/json',
              ...(caller.session ? { 'x-csrf-token': sessions[caller.session].csrf } : {}),
            }),
            body: '{}',
          });
          const text = await response.text();
          expect(response.status, `${caller.name} ${key}: ${text.slice(0, 200)}`).toBeLessThan(500);
          const spec = specs.find(
            (s) =>
              (s.method ?? 'GET') === method && `/api/v1${s.path.replace(/\{(\w+)\}/g, ':$1')}` === pattern,
          );
          if (!spec) {
            expect([404, 405], `${caller.name} ${key}`).toContain(response.status);
            continue;
          }
          if (spec.auth && caller.name === 'anonymous') expect(response.status, key).toBe(401);
          else if (spec.auth && spec.auth !== 'signed-in' && !atLeast(caller.role, spec.auth))
            expect(response.status, key).toBe(403);
          else
            expect([401, 403], `${caller.name} ${key}: ${text.slice(0, 200)}`).not.toContain(response.status);
        }
      });
    });
  }

  it('signing out ends the session (DELETE /session, with its CSRF token)', async () => {
    const s = await signIn(world.server.url, 'analyst-user');
    const out = await fetch(`${world.server.url}/api/v1/session`, {
      method: 'DELETE',
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrf },
    });
    expect(out.status).toBe(204);
    const after = await fetch(`${world.server.url}/api/v1/datasets/${SEEDED.internal.dataset}`, {
      headers: { cookie: s.cookie },
    });
    expect(after.status).toBe(404);
  });

  it('a reader sees the published story with the internal figure shown as unavailable, an analyst sees it with source and definition', async () => {
    const asReader = JSON.parse((await get(CALLERS[0]!, `/api/v1/stories/${stories.published}`)).text) as {
      html: string;
      figures: { indicator: string[] }[];
    };
    expect(asReader.figures.map((f) => f.indicator)).toEqual([[SEEDED.open.indicator]]);
    expect(asReader.html).toContain('udc-figure-unavailable');
    const asAnalyst = JSON.parse((await get(CALLERS[2]!, `/api/v1/stories/${stories.published}`)).text) as {
      figures: {
        indicator: string[];
        data: string;
        indicators: { formula: string; sources: { dataset: string; version: number }[] }[];
      }[];
    };
    expect(asAnalyst.figures.map((f) => f.indicator)).toEqual([
      [SEEDED.open.indicator],
      [SEEDED.internal.indicator],
    ]);
    expect(asAnalyst.figures[1]!.indicators[0]).toMatchObject({
      formula: 'intern.bevolking_1_januari',
      sources: [{ dataset: SEEDED.internal.dataset, version: 1 }],
    });
    expect(asAnalyst.figures[1]!.data).toBe(
      `/api/v1/values?indicator=${SEEDED.internal.indicator}&region=GM0014`,
    );
  });

  it('an analyst cannot embed confidential data in a story (it does not exist for them)', async () => {
    const response = await fetch(`${world.server.url}/api/v1/stories`, {
      method: 'POST',
      headers: {
        cookie: sessions.analyst.cookie,
        'x-csrf-token': sessions.analyst.csrf,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        title: 't',
        body: `{{map indicator=${SEEDED.confidential.indicator} level=gemeente}}`,
      }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { detail: string }).detail).toBe(
      `line 1: there is no indicator "${SEEDED.confidential.indicator}"`,
    );
  });

  it('data answers for signed-in callers are private to them, and differ in ETag by what the caller may see', async () => {
    const anonymous = await fetch(`${world.server.url}/api/v1/datasets`);
    const analyst = await fetch(`${world.server.url}/api/v1/datasets`, { headers: headers(CALLERS[2]!) });
    expect(anonymous.headers.get('cache-control')).toMatch(/^public/);
    expect(analyst.headers.get('cache-control')).toMatch(/^private/);
    expect(analyst.headers.get('vary')).toMatch(/Cookie/);
    expect(anonymous.headers.get('etag')).not.toBe(analyst.headers.get('etag'));
    // The analyst's ETag must not make a reader's cache answer 304 with the analyst's data.
    const reuse = await fetch(`${world.server.url}/api/v1/datasets`, {
      headers: { 'if-none-match': analyst.headers.get('etag')! },
    });
    expect(reuse.status).toBe(200);
    expectNoLeak(CALLERS[0]!, '/api/v1/datasets', await reuse.text());
  });
});
