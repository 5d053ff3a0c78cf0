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
    // A client that reuses a keep-alive connection just as the server closes it for idleness gets
    // a reset; a long idle limit (longer than proxies and browsers keep theirs) makes that rare.
    const http = server as { keepAliveTimeout?: number; headersTimeout?: number };
    http.keepAliveTimeout = 65_000;
    http.headersTimeout = 66_000;
    server.once('error', reject);
  });
}
