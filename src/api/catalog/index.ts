/**
 * The DCAT-AP-NL 3.0 catalogue of what udc publishes, at /catalog: JSON-LD by default
 * (application/ld+json), Turtle when the client asks for text/turtle or reads /catalog.ttl.
 */
import { Hono, type Context } from 'hono';
import type { Store } from '../../store/index.js';
import { accessOf } from '../auth/context.js';
import { catalogNodes, type CatalogOwner } from './dcat.js';
import { toJsonLd, toTurtle } from './rdf.js';

export { catalogNodes, type CatalogOwner } from './dcat.js';
export { toJsonLd, toTurtle, PREFIXES } from './rdf.js';

/** Who the catalogue names as publisher and contact; default the udc instance itself. */
export interface CatalogOptions {
  owner?: CatalogOwner;
}

/** The catalogue routes as a Hono app, to be mounted at the server root. */
export function catalogRoutes(store: Store, options: CatalogOptions = {}): Hono {
  const owner = options.owner ?? { name: 'udc, open Urban Data Center' };
  const app = new Hono();

  const answer = async (c: Context, format: 'turtle' | 'jsonld'): Promise<Response> => {
    const root = new URL(c.req.url).origin;
    const nodes = await catalogNodes(store, root, owner, accessOf(c));
    if (format === 'turtle') {
      return new Response(toTurtle(nodes), {
        headers: { 'content-type': 'text/turtle;charset=utf-8', vary: 'accept' },
      });
    }
    return new Response(JSON.stringify(toJsonLd(nodes), null, 1), {
      headers: { 'content-type': 'application/ld+json;charset=utf-8', vary: 'accept' },
    });
  };

  app.get('/catalog', (c) => {
    const accept = c.req.header('accept') ?? '';
    const turtle =
      /text\/turtle/.test(accept) && !/application\/(ld\+)?json/.test(accept.split('text/turtle')[0]!);
    return answer(c, turtle ? 'turtle' : 'jsonld');
  });
  app.get('/catalog.ttl', (c) => answer(c, 'turtle'));
  app.get('/catalog.jsonld', (c) => answer(c, 'jsonld'));
  return app;
}
