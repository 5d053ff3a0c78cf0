import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/api/server.js';
import { loadDemoData } from '../../src/demo/load.js';
import { importFile, parseMapping } from '../../src/sources/files/index.js';
import type { Store } from '../../src/store/index.js';
import { temporaryStore } from '../helpers/store.js';
import { POPULATION_CSV, populationMapping } from '../sources/files/fixtures.js';

let store: Store;
let dispose: () => Promise<void>;
let server: RunningServer;

beforeAll(async () => {
  ({ store, dispose } = await temporaryStore());
  await loadDemoData(store);
  // An internal dataset must stay invisible to the public API.
  await importFile(
    store,
    POPULATION_CSV,
    parseMapping(
      populationMapping({ dataset: { id: 'intern-bevolking', confidentiality: 'internal' } }),
      't',
    ),
  );
  server = await startServer(store, { host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await server.close();
  await dispose();
});

describe('HTTP server on loopback', () => {
  it('answers health with the schema version', async () => {
    const response = await fetch(`${server.url}/api/v1/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', schemaVersion: expect.any(Number) });
  });

  it('lists the bundled open CBS datasets and hides internal ones', async () => {
    const body = (await (await fetch(`${server.url}/api/v1/datasets`)).json()) as {
      data: { id: string; observations: number }[];
    };
    const ids = body.data.map((d) => d.id);
    expect(ids).toEqual(expect.arrayContaining(['cbs-03759ned-bevolking', 'cbs-83625ned-verkoopprijzen']));
    expect(ids).not.toContain('intern-bevolking');
    expect(body.data[0]!.observations).toBeGreaterThan(5000);
    const hidden = await fetch(`${server.url}/api/v1/datasets/intern-bevolking`);
    expect(hidden.status).toBe(404);
    expect(hidden.headers.get('content-type')).toMatch(/application\/problem\+json/);
  });

  it('shows a dataset with its variables', async () => {
    const body = (await (await fetch(`${server.url}/api/v1/datasets/cbs-03759ned-bevolking`)).json()) as {
      variables: { key: string }[];
    };
    expect(body.variables.map((v) => v.key)).toEqual(['bevolking_1_januari', 'gemiddelde_bevolking']);
  });

  it('answers unknown paths with a problem document, not a crash', async () => {
    const response = await fetch(`${server.url}/api/v1/../../etc/passwd`);
    expect(response.status).toBe(404);
    const again = await fetch(`${server.url}/api/v1/health`);
    expect(again.status).toBe(200);
  });
});
