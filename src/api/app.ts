import { Hono } from 'hono';
import type { Store } from '../store/index.js';

/**
 * The HTTP application: one Hono app so tests can call it in-process or over real HTTP. Until
 * access control exists only 'open' datasets are served: internal and confidential data stay
 * invisible, not even their ids leak.
 */
export function createApp(store: Store): Hono {
  const app = new Hono();

  app.get('/api/v1/health', async (c) => {
    const row = await store.one<{ version: number }>('SELECT max(version) AS version FROM schema_migration');
    return c.json({ status: 'ok', schemaVersion: row?.version ?? 0 });
  });

  app.get('/api/v1/datasets', async (c) => {
    const rows = await store.all(
      `SELECT id, title, description, publisher, source, licence, strftime(modified, '%Y-%m-%dT%H:%M:%S') AS modified,
              version, (SELECT count(*) FROM observation o WHERE o.dataset = d.id) AS observations
       FROM dataset d WHERE confidentiality = 'open' ORDER BY id`,
    );
    return c.json({ data: rows });
  });

  app.get('/api/v1/datasets/:id', async (c) => {
    const id = c.req.param('id');
    const dataset = await store.one(
      `SELECT id, title, description, publisher, source, licence, version FROM dataset WHERE id = $1 AND confidentiality = 'open'`,
      [id],
    );
    if (!dataset)
      return problem(c.req.path, 404, 'Dataset not found', `There is no published dataset "${id}".`);
    const variables = await store.all(
      'SELECT key, title, unit, decimals, aggregation FROM variable WHERE dataset = $1 ORDER BY key',
      [id],
    );
    return c.json({ ...dataset, variables });
  });

  app.get('/', (c) =>
    c.html(`<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>udc — Urban Data Center</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>udc — Urban Data Center</h1>
<p>De API draait. Datasets: <a href="/api/v1/datasets">/api/v1/datasets</a>.</p>
<p lang="en">The API is running. Datasets: <a href="/api/v1/datasets">/api/v1/datasets</a>.</p>
<p><small>Bron: CBS (CC BY 4.0)</small></p></main></body></html>`),
  );

  app.notFound((c) => problem(c.req.path, 404, 'Not found', `Nothing is published at ${c.req.path}.`));
  app.onError((error, c) => {
    // A defect must not take the server down or leak internals; the message stays in the log.
    console.error(error);
    return problem(c.req.path, 500, 'Internal error', 'The request could not be answered.');
  });
  return app;
}

/** An RFC 9457 problem document. */
export function problem(instance: string, status: number, title: string, detail: string): Response {
  return new Response(JSON.stringify({ type: 'about:blank', title, status, detail, instance }), {
    status,
    headers: { 'content-type': 'application/problem+json' },
  });
}
