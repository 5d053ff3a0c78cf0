/**
 * A store with what udc publishes, served over real HTTP on loopback: the region register, the
 * bundled real CBS demo datasets (open), one internal dataset that must stay invisible, and the
 * indicator values the real build makes of them (the shared library plus the local test library
 * of test/fixtures/indicators-local: an internal indicator, and one that disclosure control
 * protects by minimum frequency). See test/helpers/api-indicators.ts.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { startServer, type RunningServer } from '../../src/api/server.js';
import { DATA_DIR, loadDemoData } from '../../src/demo/load.js';
import { ensureRegister } from '../../src/regions/index.js';
import { importFile, parseMapping } from '../../src/sources/files/index.js';
import type { Store } from '../../src/store/index.js';
import { loadApiIndicators, PROTECTED_INDICATOR } from './api-indicators.js';
import { temporaryStore } from './store.js';

export interface PublishedWorld {
  store: Store;
  server: RunningServer;
  close(): Promise<void>;
}

/**
 * A value disclosure control hides for real: a buurt of Groningen with 5 inhabitants in CBS
 * Kerncijfers wijken en buurten 2020, below the minimum frequency 10 of PROTECTED_INDICATOR's rule
 * (primary suppression). fillPublished checks that the build hid it.
 */
export const HIDDEN = { indicator: PROTECTED_INDICATOR, region: 'BU00140511', period: '2020JJ00' } as const;

/** The demo datasets every published-data test relies on. */
export const DEMO_DATASETS = ['cbs-03759ned-bevolking', 'cbs-83625ned-verkoopprijzen'];

/**
 * Imports bundled demo files (data/demo/datasets.yaml) as the ordinary importer does, only the
 * datasets named in `only` when given. Returns the ids stored.
 */
export async function loadDemoFiles(store: Store, only?: readonly string[]): Promise<string[]> {
  const manifestPath = join(DATA_DIR, 'demo', 'datasets.yaml');
  const manifest = parseYaml(await readFile(manifestPath, 'utf8')) as { file: string; mapping: unknown }[];
  const stored: string[] = [];
  for (const entry of manifest) {
    const mappingPath =
      typeof entry.mapping === 'string' ? join(DATA_DIR, 'demo', entry.mapping) : manifestPath;
    const mapping =
      typeof entry.mapping === 'string' ? parseYaml(await readFile(mappingPath, 'utf8')) : entry.mapping;
    const id = (mapping as { dataset?: { id?: string } }).dataset?.id;
    if (only && !only.includes(id ?? '')) continue;
    const report = await importFile(
      store,
      join(DATA_DIR, 'demo', entry.file),
      parseMapping(mapping, mappingPath),
    );
    if (report.outcome !== 'stored')
      throw new Error(
        `demo file ${entry.file} did not import: ${report.issues.map((i) => i.message).join('; ')}`,
      );
    stored.push(report.dataset);
  }
  return stored;
}

/**
 * Fills the store with the published data described above: register, demo data (all of it, or
 * with `onlyBaseDemo` just DEMO_DATASETS, for tests that need little data; indicators on other
 * datasets are then skipped by the build), the internal dataset and the real indicator build.
 */
export async function fillPublished(store: Store, options: { onlyBaseDemo?: boolean } = {}): Promise<void> {
  await ensureRegister(store);
  if (options.onlyBaseDemo) await loadDemoFiles(store, DEMO_DATASETS);
  else await loadDemoData(store);
  await loadApiIndicators(store);
  if (!options.onlyBaseDemo) {
    const hidden = await store.one<{ disclosure: string | null }>(
      `SELECT disclosure FROM published_indicator_value WHERE indicator = $1 AND region = $2 AND period = $3`,
      [HIDDEN.indicator, HIDDEN.region, HIDDEN.period],
    );
    if (hidden?.disclosure !== 'primary')
      throw new Error(
        `expected disclosure control to hide ${HIDDEN.indicator} of ${HIDDEN.region} in ${HIDDEN.period} (primary), found ${JSON.stringify(hidden)}`,
      );
  }
}

/** A filled temporary store and the real udc server on 127.0.0.1. */
export async function publishedWorld(options: { onlyBaseDemo?: boolean } = {}): Promise<PublishedWorld> {
  const { store, dispose } = await temporaryStore();
  await fillPublished(store, options);
  const server = await startServer(store, { host: '127.0.0.1', port: 0 });
  return {
    store,
    server,
    close: async () => {
      await server.close();
      await dispose();
    },
  };
}
