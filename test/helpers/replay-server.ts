/**
 * A real HTTP server on 127.0.0.1 (port chosen by the system) that replays recorded CBS StatLine
 * responses and responses a test builds in the same shape, and misbehaves on request: resets the
 * connection, cuts a body short, answers 500 or 429, or never answers. It logs every request so a
 * test can prove what the client did (and did not) ask for.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { fileURLToPath } from 'node:url';

/** The recorded CBS payloads (see ../shared/data/SOURCES.md §5). */
export const ODATA_FIXTURES = fileURLToPath(new URL('../../../shared/data/odata-fixtures/', import.meta.url));

/** Answers one request; `hit` counts this route's requests from 1. */
export type Handler = (
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  hit: number,
) => void | Promise<void>;

export interface ReplayServer {
  /** http://127.0.0.1:<port> */
  url: string;
  /** Every request, as path and query (decoded), in order. */
  requests: string[];
  /** Serves `pathname` (exact, case-sensitive) with `handler`, replacing an earlier route. */
  route(pathname: string, handler: Handler): void;
  /** How many requests went to paths that satisfy `test`. */
  count(test: (pathAndQuery: string) => boolean): number;
  close(): Promise<void>;
}

/** Starts a replay server; close it in afterEach. */
export async function startReplayServer(): Promise<ReplayServer> {
  const routes = new Map<string, Handler>();
  const hits = new Map<string, number>();
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    requests.push(decodeURIComponent(`${url.pathname}${url.search}`));
    const handler = routes.get(url.pathname);
    if (!handler) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end(`no route for ${url.pathname}`);
      return;
    }
    const hit = (hits.get(url.pathname) ?? 0) + 1;
    hits.set(url.pathname, hit);
    Promise.resolve(handler(request, response, url, hit)).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500).end(String(error));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    route(pathname, handler) {
      routes.set(pathname, handler);
    },
    count: (test) => requests.filter(test).length,
    close: () =>
      new Promise<void>((resolve) => {
        // Hanging responses keep their sockets open; end them so close() returns.
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Serves a file as JSON, streamed (recorded pages are megabytes). */
export function file(path: string): Handler {
  return async (_request, response) => {
    const { size } = await stat(path);
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': size });
    createReadStream(path).pipe(response);
  };
}

/** Serves a value as JSON. */
export function json(value: unknown): Handler {
  return text(JSON.stringify(value));
}

/** Serves text as it is (e.g. malformed JSON), with a correct length. */
export function text(body: string, status = 200, headers: Record<string, string> = {}): Handler {
  return (_request, response) => {
    response
      .writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(body),
        ...headers,
      })
      .end(body);
  };
}

/** Closes the connection without an answer (what a client sees as ECONNRESET / "other side closed"). */
export const reset: Handler = (request) => {
  request.socket.destroy();
};

/** Sends headers and half the body, then closes: a premature end of the body. */
export function cutShort(body: string): Handler {
  return (_request, response) => {
    response.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    });
    response.write(body.slice(0, Math.floor(body.length / 2)));
    setTimeout(() => response.socket?.destroy(), 20);
  };
}

/** Never answers (until the server closes). */
export const hang: Handler = () => undefined;

/** Uses `first` for the first `times` requests of the route, then `then`. */
export function failing(times: number, first: Handler, then: Handler): Handler {
  return (request, response, url, hit) =>
    hit <= times ? first(request, response, url, hit) : then(request, response, url, hit);
}
