import { afterEach, beforeEach } from 'vitest';
import type { Store } from '../../src/store/index.js';
import { startReplayServer, type ReplayServer } from './replay-server.js';
import { temporaryStore } from './store.js';

export interface ReplayWorld {
  server: ReplayServer;
  store: Store;
  /** The temporary directory of the store (and of any cache a test puts there). */
  dir: string;
}

/**
 * Gives every test of the file a fresh loopback replay server and a fresh migrated store, and
 * closes both after it. `receive` is called before each test with the new pair.
 */
export function useReplayServerAndStore(receive: (world: ReplayWorld) => void): void {
  let server: ReplayServer | undefined;
  let dispose: (() => Promise<void>) | undefined;
  beforeEach(async () => {
    server = await startReplayServer();
    const temporary = await temporaryStore();
    dispose = temporary.dispose;
    receive({ server, store: temporary.store, dir: temporary.dir });
  });
  afterEach(async () => {
    await server?.close();
    await dispose?.();
  });
}
