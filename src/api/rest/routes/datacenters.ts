import { visibleCondition } from '../../../access/roles.js';
import { accessOf } from '../../auth/context.js';
import { z } from 'zod';
import {
  datacenterLibrary,
  DatacenterError,
  readDatacenter,
  readDatacenters,
  selectedIndicators,
  type Datacenter,
} from '../../../datacenters/index.js';
import { DATACENTERS_DIR } from '../../../regions/index.js';
import type { Store } from '../../../store/index.js';
import { ProblemError, notFound } from '../problem.js';
import { route } from '../route.js';

const text = z.object({ nl: z.string(), en: z.string() });
const name = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,39}$/, { error: 'expected a data center name such as groningen' })
  .describe('Data center name (its folder under datacenters/): groningen, eindhoven, heerlen.');

const Summary = z.object({
  id: z.string(),
  name: text,
  description: text,
  region: z.string(),
  home: z.array(z.string()),
  colours: z.object({ primary: z.string(), accent: z.string(), text: z.string(), background: z.string() }),
  logo: z.string().describe('Path of the logo (SVG) below /api/v1.'),
});
const Detail = Summary.extend({
  sources: text.nullable(),
  regionName: z.string().nullable(),
  members: z.array(z.object({ code: z.string(), name: z.string() })),
  themes: z.array(
    z.object({
      id: z.string(),
      indicators: z.array(z.object({ id: z.string(), library: z.string(), published: z.boolean() })),
    }),
  ),
  peers: z.object({
    variables: z.array(z.union([z.string(), z.array(z.string())])),
    k: z.number().int(),
    areas: z.array(z.object({ code: z.string(), name: z.string().nullable() })),
  }),
  coverage: z.array(
    z.object({
      level: z.string(),
      period: z.string(),
      boundaryYear: z.number().int(),
      areas: z.number().int(),
      indicators: z.number().int(),
    }),
  ),
});

function summary(d: Datacenter): z.infer<typeof Summary> {
  return {
    id: d.id,
    name: d.name,
    description: d.description,
    region: d.region,
    home: d.home,
    colours: d.colours,
    logo: `/datacenters/${d.id}/logo.svg`,
  };
}

/** A data center by name; 404 when there is none, 500-free: a broken configuration is a 503 naming its problems. */
async function load(name: string, root: string): Promise<Datacenter> {
  try {
    return await readDatacenter(name, root);
  } catch (error) {
    if (error instanceof DatacenterError) {
      if (/^no data center|is not a data center name/.test(error.problems[0] ?? ''))
        throw notFound('Data center', error.problems[0]!.replace(root, 'datacenters'));
      throw new ProblemError(
        503,
        'Data center configuration invalid',
        error.message.replaceAll(root, 'datacenters'),
      );
    }
    throw error;
  }
}

/** The data centers this installation serves: list, one with its selection and coverage, its logo. */
export function datacenterRoutes(store: Store, root = DATACENTERS_DIR) {
  return [
    route({
      path: '/datacenters',
      operationId: 'listDatacenters',
      summary: 'The data centers this installation serves',
      tag: 'datacenters',
      ok: {
        description: 'The data centers.',
        content: { 'application/json': z.object({ data: z.array(Summary) }) },
      },
      errors: [503],
      cache: 'data',
      handle: async ({ c }) => {
        try {
          return c.json({ data: (await readDatacenters(root)).map(summary) });
        } catch (error) {
          if (error instanceof DatacenterError)
            throw new ProblemError(
              503,
              'Data center configuration invalid',
              error.message.replaceAll(root, 'datacenters'),
            );
          throw error;
        }
      },
    }),
    route({
      path: '/datacenters/{name}',
      operationId: 'getDatacenter',
      summary:
        'One data center: its region and members, themes and indicator selection, peers, and what the published data cover',
      description:
        '`coverage` lists, per level inside the data center’s region, each period and boundary year with published values: how many areas and indicators.',
      tag: 'datacenters',
      params: z.object({ name }),
      ok: { description: 'The data center.', content: { 'application/json': Detail } },
      errors: [404, 503],
      cache: 'data',
      handle: async ({ c, params }) => {
        const d = await load(params.name, root);
        const library = await datacenterLibrary(d);
        const published = new Set(
          (
            await store.all<{ id: string }>(
              `SELECT id FROM indicator i WHERE ${visibleCondition(accessOf(c), 'i.confidentiality')}`,
            )
          ).map((r) => r.id),
        );
        const libraryOf = new Map(library.indicators.map((i) => [i.id, i.library]));
        const year = await store.one<{ year: number | null }>('SELECT max(year) AS year FROM region_year');
        const latest = Number(year?.year ?? 0);
        const regionName = await store.one<{ name: string }>(
          'SELECT name FROM region_year WHERE code = $1 AND year = $2',
          [d.region, latest],
        );
        const members = await store.all<{ code: string; name: string }>(
          `SELECT y.code, y.name FROM region_parent p JOIN region_year y ON y.code = p.code AND y.year = p.year
           WHERE p.year = $1 AND p.parent = $2 AND p.classification = 'custom' ORDER BY y.code`,
          [latest, d.region],
        );
        const names = new Map(
          d.peers.areas.length
            ? (
                await store.all<{ code: string; name: string }>(
                  `SELECT code, name FROM region_year WHERE year = $1 AND code IN (${d.peers.areas.map((_, i) => `$${i + 2}`).join(', ')})`,
                  [latest, ...d.peers.areas],
                )
              ).map((r) => [r.code, r.name])
            : [],
        );
        const areas = d.peers.areas.map((code) => ({ code, name: names.get(code) ?? null }));
        // What the published values cover inside the region: per level, period and boundary year.
        const coverage = await store.all<{
          level: string;
          period: string;
          boundaryYear: number;
          areas: number;
          indicators: number;
        }>(
          `WITH inside AS (
             SELECT code, year FROM region_parent WHERE parent = $1
             UNION SELECT c.code, c.year FROM region_parent c
               JOIN region_parent m ON m.code = c.parent AND m.year = c.year WHERE m.parent = $1)
           SELECT * FROM (SELECT y.level, v.period, v.boundary_year AS "boundaryYear", count(DISTINCT v.region)::INTEGER AS areas,
                  count(DISTINCT v.indicator)::INTEGER AS indicators
           FROM published_indicator_value v
           JOIN indicator i ON i.id = v.indicator AND ${visibleCondition(accessOf(c), 'i.confidentiality')}
           JOIN inside d ON d.code = v.region AND d.year = v.boundary_year
           JOIN region_year y ON y.code = v.region AND y.year = v.boundary_year
           WHERE v.value IS NOT NULL AND v.period LIKE '____JJ00'
           GROUP BY ALL) ORDER BY CASE level WHEN 'gemeente' THEN 0 WHEN 'wijk' THEN 1 ELSE 2 END, period, "boundaryYear"`,
          [d.region],
        );
        return c.json({
          ...summary(d),
          sources: d.sources ?? null,
          regionName: regionName?.name ?? null,
          members,
          themes: selectedIndicators(d, library).map((t) => ({
            id: t.theme,
            indicators: t.indicators.map((id) => ({
              id,
              library: libraryOf.get(id) ?? 'shared',
              published: published.has(id),
            })),
          })),
          peers: { variables: d.peers.variables, k: d.peers.k, areas },
          coverage: coverage.map((r) => ({ ...r, boundaryYear: Number(r.boundaryYear) })),
        });
      },
    }),
    route({
      path: '/datacenters/{name}/logo.svg',
      operationId: 'getDatacenterLogo',
      summary: 'A data center’s logo (SVG, checked to be self-contained and inert)',
      tag: 'datacenters',
      params: z.object({ name }),
      ok: { description: 'The logo.', content: { 'image/svg+xml': null } },
      errors: [404, 503],
      cache: 'data',
      handle: async ({ params }) => {
        const d = await load(params.name, root);
        return new Response(d.logoSvg, {
          headers: {
            'content-type': 'image/svg+xml; charset=utf-8',
            // The SVG is checked inert; this keeps it so even if opened directly.
            'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
          },
        });
      },
    }),
  ];
}
