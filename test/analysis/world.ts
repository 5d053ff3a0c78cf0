import { loadDemoData } from '../../src/demo/load.js';
import { buildIndicators, loadLibrary } from '../../src/indicators/index.js';
import { ensureRegister } from '../../src/regions/index.js';
import type { Store } from '../../src/store/index.js';
import { temporaryStore } from '../helpers/store.js';

/**
 * The real pipeline the analysis reads: the register with every data center's custom regions, the
 * bundled real CBS data through the ordinary importer, and the shared library built on the 2026
 * boundaries (which protects the values, so published_indicator_value shows them).
 */
export async function publishedStore(): Promise<{ store: Store; dir: string; dispose: () => Promise<void> }> {
  const world = await temporaryStore();
  await ensureRegister(world.store);
  await loadDemoData(world.store);
  await buildIndicators(world.store, await loadLibrary(), { boundaryYear: 2026 });
  return world;
}
