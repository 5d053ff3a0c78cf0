import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Store } from '../store/index.js';
import { createApp, type AppOptions } from './app.js';

export interface RunningServer {
  url: string;
  close: () => Promise<void>;
}

/** Serves the app on host:port (port 0 picks a free one) and resolves once it listens. */
export function startServer(
  store: Store,
  options: { host: string; port: number } & AppOptions,
): Promise<RunningServer> {
  const { host, port, ...appOptions } = options;
  const app = createApp(store, appOptions);
  return new Promise((resolve, reject) => {
    let server: ServerType | undefined = undefined;
    server = serve({ fetch: app.fetch, hostname: host, port }, (info: AddressInfo) => {
      const address = info.address.includes(':') ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${address}:${info.port}`,
        close: () =>
          new Promise((done) => {
            // Keep-alive sockets (autocannon, browsers) would hold close() open.
            (server as { closeAllConnections?: () => void }).closeAllConnections?.();
            server!.close(() => done());
          }),
      });
    });
    server.once('error', reject);
  });
}
