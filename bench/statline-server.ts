// The server side of `npm run bench -- statline`: the loopback replay server
// (test/helpers/replay-server.ts) serving the synthetic table whose description bench/statline.ts
// wrote to the JSON file named by the first argument. Runs in its own process, as CBS's server is
// not in the importing process either: serving the pages does not share the client's event loop.
// Prints {"url": ...} when ready and serves until stdin closes.
import { readFile } from 'node:fs/promises';
import { startReplayServer } from '../test/helpers/replay-server.js';
import { serveSynthetic, type Payload } from './statline.js';

const payload = JSON.parse(await readFile(process.argv[2]!, 'utf8')) as Payload;
const server = await startReplayServer();
serveSynthetic(server, payload);
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
process.stdin.resume();
process.stdin.on('end', async () => {
  await server.close();
  process.exit(0);
});
