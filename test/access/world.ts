/**
 * A store with data at every confidentiality level, made by the real pipeline: the region
 * register, the bundled boundaries, the bundled CBS 03759ned population file (data/demo) imported
 * three times (open, internal, confidential) through importFile, and the indicators of
 * test/access/library built over them by buildIndicators. Plus one user of every role with a
 * session-capable password and an API token, and the real server on loopback.
 */
import { join } from 'node:path';
import { addUser, createToken, type Role, type User } from '../../src/access/index.js';
import { startServer, type RunningServer } from '../../src/api/server.js';
import type { AppOptions } from '../../src/api/app.js';
import { DATA_DIR } from '../../src/demo/load.js';
import { buildIndicators, loadLibrary, type BuildReport } from '../../src/indicators/index.js';
import { ensureGeometry } from '../../src/regions/geometry/index.js';
import { ensureRegister } from '../../src/regions/index.js';
import { importFile, parseMapping } from '../../src/sources/files/index.js';
import type { Store } from '../../src/store/index.js';
import { temporaryStore } from '../helpers/store.js';

export const POPULATION_FILE = join(DATA_DIR, 'demo', 'cbs_03759ned_bevolking_regio_2019_2026.csv');
export const LIBRARY_DIR = join(import.meta.dirname, 'library');

/** The seeded datasets and indicators by level. */
export const SEEDED = {
  open: { dataset: 'acc-bevolking-open', indicator: 'acc_inwoners_open' },
  internal: { dataset: 'acc-bevolking-intern', indicator: 'acc_inwoners_intern' },
  confidential: { dataset: 'acc-bevolking-geheim', indicator: 'acc_inwoners_geheim' },
} as const;

/** Words that appear only in internal (resp. confidential) data: ids and titles. */
export const SECRETS = {
  internal: ['acc-bevolking-intern', 'acc_inwoners_intern', 'internal copy, for tests', 'Inwoners (intern)'],
  confidential: [
    'acc-bevolking-geheim',
    'acc_inwoners_geheim',
    'confidential copy, for tests',
    'Inwoners (vertrouwelijk)',
  ],
};

export const PASSWORD = 'correct horse battery staple';

/** Imports the population file as dataset `id` with the given confidentiality. */
export async function importPopulation(
  store: Store,
  id: string,
  confidentiality: 'open' | 'internal' | 'confidential',
): Promise<void> {
  const report = await importFile(
    store,
    POPULATION_FILE,
    parseMapping(
      {
        dataset: {
          id,
          title: `Bevolking op 1 januari (${confidentiality === 'open' ? 'open' : confidentiality === 'internal' ? 'internal' : 'confidential'} copy, for tests)`,
          publisher: 'Centraal Bureau voor de Statistiek (CBS)',
          licence: 'CC BY 4.0 (Bron: CBS)',
          confidentiality,
        },
        layout: 'wide',
        region: { column: 'regio_code' },
        period: { column: 'jaar' },
        ignore: ['regio_naam', 'provincie_code'],
        decimal: '.',
      },
      `access test ${id}`,
    ),
  );
  if (report.outcome !== 'stored')
    throw new Error(`${id} did not import: ${report.issues.map((i) => i.message).join('; ')}`);
}

/** Builds test/access/library over the store. */
export async function buildLibrary(store: Store): Promise<BuildReport> {
  return buildIndicators(store, await loadLibrary({ shared: LIBRARY_DIR }), {});
}

/** Fills a store with the register, boundaries, three datasets and three indicators. */
export async function seed(store: Store): Promise<void> {
  await ensureRegister(store);
  await ensureGeometry(store);
  await importPopulation(store, SEEDED.open.dataset, 'open');
  await importPopulation(store, SEEDED.internal.dataset, 'internal');
  await importPopulation(store, SEEDED.confidential.dataset, 'confidential');
  const report = await buildLibrary(store);
  if (report.built.length !== 3)
    throw new Error(`expected 3 indicators built, got ${JSON.stringify(report)}`);
}

export interface AccessWorld {
  store: Store;
  server: RunningServer;
  users: Record<Role, User>;
  /** An API token per role (the reader's is a reader-scoped token of the reader user). */
  tokens: Record<Role, string>;
  close(): Promise<void>;
}

/** The seeded store, one user and token per role, and the server (options: e.g. a clock). */
export async function accessWorld(options: AppOptions = {}): Promise<AccessWorld> {
  const { store, dispose } = await temporaryStore();
  await seed(store);
  const users = {} as Record<Role, User>;
  const tokens = {} as Record<Role, string>;
  for (const role of ['reader', 'analyst', 'steward', 'administrator'] as const) {
    users[role] = await addUser(store, { name: `${role}-user`, role, password: PASSWORD });
    tokens[role] = (await createToken(store, users[role], { name: `${role} token` }, new Date())).token;
  }
  const server = await startServer(store, { host: '127.0.0.1', port: 0, ...options });
  return {
    store,
    server,
    users,
    tokens,
    close: async () => {
      await server.close();
      await dispose();
    },
  };
}

/** Signs in over HTTP; returns the cookie header value and the CSRF token. */
export async function signIn(
  url: string,
  name: string,
  password = PASSWORD,
): Promise<{ cookie: string; csrf: string; setCookie: string }> {
  const response = await fetch(`${url}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password }),
  });
  if (response.status !== 200)
    throw new Error(`sign-in of ${name}: ${response.status} ${await response.text()}`);
  const setCookie = response.headers.get('set-cookie') ?? '';
  const cookie = setCookie.split(';')[0]!;
  const body = (await response.json()) as { csrfToken: string };
  return { cookie, csrf: body.csrfToken, setCookie };
}
