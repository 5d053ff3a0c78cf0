import { join } from 'node:path';
import { DATA_DIR } from '../../src/demo/load.js';
import { buildIndicators, loadLibrary, type BuildReport } from '../../src/indicators/index.js';
import { LAST_REGISTER_YEAR } from '../../src/regions/index.js';
import { importFile, parseMapping } from '../../src/sources/files/index.js';
import type { Store } from '../../src/store/index.js';
import { populationMapping } from '../sources/files/fixtures.js';

/**
 * Indicator values for the API tests, the dashboard tests and the API benchmark, made by the real
 * pipeline: the shared library (indicators/*.yaml) plus a small local library of test cases
 * (test/fixtures/indicators-local), built by buildIndicators over the bundled real CBS data and
 * protected by disclosure control, so the API sees exactly what `udc init --demo` publishes.
 */

/** The test-only local library (same format as indicators/*.yaml, with its own sources.yaml). */
export const LOCAL_LIBRARY_DIR = join(import.meta.dirname, '../fixtures/indicators-local');

/** The bundled CBS 03759ned population file (data/demo), imported a second time as internal. */
const INTERNAL_FILE = join(DATA_DIR, 'demo', 'cbs_03759ned_bevolking_regio_2019_2026.csv');
/** A copy of the bundled CBS 03759ned population file, imported with confidentiality 'internal'. */
export const INTERNAL_DATASET = 'intern-bevolking';
/** Built on INTERNAL_DATASET, so the build marks it internal: no public route may show it. */
export const INTERNAL_INDICATOR = 'intern_inwoners';
/**
 * The shared aandeel_65plus under rule frequency-10 (disclosure/rules.yaml): the engine hides
 * buurten of fewer than 10 inhabitants (primary) and what would give them away (secondary).
 */
export const PROTECTED_INDICATOR = 'aandeel_65plus_beschermd';

/** Imports INTERNAL_DATASET through the ordinary importer (a real file, never invented numbers). */
export async function importInternalDataset(store: Store): Promise<void> {
  const report = await importFile(
    store,
    INTERNAL_FILE,
    parseMapping(
      populationMapping({ dataset: { id: INTERNAL_DATASET, confidentiality: 'internal' } }),
      'test internal dataset',
    ),
  );
  if (report.outcome !== 'stored')
    throw new Error(`${INTERNAL_DATASET} did not import: ${report.issues.map((i) => i.message).join('; ')}`);
}

/**
 * Builds the shared library and the local test library over what the store holds, with gemeente
 * values also converted to the newest register year's boundaries (as buildDemoIndicators does);
 * the build ends with disclosure control, so the values are published when it returns.
 */
export async function buildApiIndicators(store: Store): Promise<BuildReport> {
  const library = await loadLibrary({ local: { name: 'test', dir: LOCAL_LIBRARY_DIR } });
  return buildIndicators(store, library, { boundaryYear: LAST_REGISTER_YEAR });
}

/**
 * The internal dataset and the build of both libraries. Needs ensureRegister and loadDemoData
 * first (an indicator whose dataset is not in the store is skipped, as the build does).
 */
export async function loadApiIndicators(store: Store): Promise<BuildReport> {
  await importInternalDataset(store);
  return buildApiIndicators(store);
}

/**
 * A store as `udc serve --demo` has it, plus the test library: register, bundled boundaries, the
 * demo datasets, the internal dataset and the real indicator build.
 */
export async function apiStore(): Promise<{ store: Store; dispose: () => Promise<void> }> {
  const { temporaryStore } = await import('./store.js');
  const { ensureRegister } = await import('../../src/regions/index.js');
  const { ensureGeometry } = await import('../../src/regions/geometry/index.js');
  const { loadDemoData } = await import('../../src/demo/load.js');
  const { store, dispose } = await temporaryStore();
  await ensureRegister(store);
  await ensureGeometry(store);
  await loadDemoData(store);
  await loadApiIndicators(store);
  return { store, dispose };
}
