/**
 * A store with what udc publishes, served over real HTTP on loopback: the bundled real CBS demo
 * datasets (open), one internal dataset that must stay invisible, and indicator values taken
 * one-to-one from the bundled 03759ned population figures (not invented numbers), one of them
 * flagged by disclosure control, plus an internal indicator.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { startServer, type RunningServer } from '../../src/api/server.js';
import { DATA_DIR } from '../../src/demo/load.js';
import { importFile, parseMapping } from '../../src/sources/files/index.js';
import type { Store } from '../../src/store/index.js';
import { POPULATION_CSV, populationMapping } from '../sources/files/fixtures.js';
import { temporaryStore } from './store.js';

export interface PublishedWorld {
  store: Store;
  server: RunningServer;
  close(): Promise<void>;
}

/** The region and period whose indicator value disclosure control hides. */
export const HIDDEN = { region: 'GM0014', period: '2020JJ00' } as const;

/** The demo datasets every published-data test relies on. */
export const DEMO_DATASETS = ['cbs-03759ned-bevolking', 'cbs-83625ned-verkoopprijzen'];

/**
 * Imports the bundled demo files (data/demo/datasets.yaml) as the ordinary importer does. The
 * manifest grows while other rooms add data; a file the importer rejects is left out here (the
 * demo's own tests own that), so these tests depend only on the files that import.
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
    if (report.outcome === 'stored') stored.push(report.dataset);
  }
  return stored;
}

/** Fills the store with the published data described above. */
export async function fillPublished(store: Store, options: { onlyBaseDemo?: boolean } = {}): Promise<void> {
  const stored = await loadDemoFiles(store, options.onlyBaseDemo ? DEMO_DATASETS : undefined);
  for (const id of DEMO_DATASETS) {
    if (!stored.includes(id)) throw new Error(`demo dataset ${id} did not import; expected it in data/demo`);
  }
  await importFile(
    store,
    POPULATION_CSV,
    parseMapping(
      populationMapping({ dataset: { id: 'intern-bevolking', confidentiality: 'internal' } }),
      't',
    ),
  );
  for (const [id, confidentiality] of [
    ['inwoners', 'open'],
    ['intern_inwoners', 'internal'],
  ] as const) {
    await store.run(
      `INSERT INTO indicator (id, theme, title_nl, title_en, unit, decimals, better, kind, formula, disclosure,
                              confidentiality, library, definition, definition_hash, built)
       VALUES ($1, 'bevolking', 'Inwoners op 1 januari', 'Inhabitants on 1 January', 'aantal', 0, 'neither', 'formula',
               'cbs-03759ned-bevolking.bevolking_1_januari', 'frequency', $2, 'shared', '{}', 'test', TIMESTAMP '2025-01-01 00:00:00')`,
      [id, confidentiality],
    );
    await store.run(
      `INSERT INTO indicator_value (indicator, region, period, year, boundary_year, value, numerator, denominator, status, derivation)
       SELECT $1, o.region, o.period, p.year, p.year, o.value, o.value, 1, o.status, 'computed'
       FROM observation o JOIN period p ON p.code = o.period
       WHERE o.dataset = 'cbs-03759ned-bevolking' AND o.variable = 'bevolking_1_januari'`,
      [id],
    );
    await store.run(
      `INSERT INTO indicator_source (indicator, dataset, dataset_version) VALUES ($1, 'cbs-03759ned-bevolking', 1)`,
      [id],
    );
  }
  // Flagged but with its value still stored: the API must withhold it all the same.
  await store.run(
    `UPDATE indicator_value SET disclosure = 'primary' WHERE indicator = 'inwoners' AND region = $1 AND period = $2`,
    [HIDDEN.region, HIDDEN.period],
  );
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
