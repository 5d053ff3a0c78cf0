// The server side of `npm run bench -- api`: a store as `udc serve --demo` has it (register,
// boundaries, demo data, the real indicator build with disclosure control) plus the local test
// library of test/fixtures/indicators-local, served on a free loopback port. Runs in its
// own process so the load generator does not share its event loop. Prints {"url": ...} when ready
// and serves until stdin closes.
import { startServer } from '../src/api/server.js';
import { apiStore } from '../test/helpers/api-indicators.js';

const { store, dispose } = await apiStore();
// The same store served twice: as configured (answers kept by ETag) and with the answer cache off,
// so the benchmark shows what the engine itself delivers.
const server = await startServer(store, { host: '127.0.0.1', port: 0 });
const uncached = await startServer(store, { host: '127.0.0.1', port: 0, responseCacheBytes: 0 });
process.stdout.write(`${JSON.stringify({ url: server.url, uncachedUrl: uncached.url })}\n`);
process.stdin.resume();
process.stdin.on('end', async () => {
  await server.close();
  await uncached.close();
  await dispose();
  process.exit(0);
});
