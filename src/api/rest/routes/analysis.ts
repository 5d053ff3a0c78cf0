import { visibleCondition, type AccessContext } from '../../../access/roles.js';
import { accessOf } from '../../auth/context.js';
import { z } from 'zod';
import {
  AnalysisError,
  correlate,
  DEFAULT_PEER_VARIABLES,
  findPeers,
  position,
  trend,
  typology,
  type PeerVariable,
} from '../../../analysis/index.js';
import { DatacenterError, readDatacenter, type Datacenter } from '../../../datacenters/index.js';
import { DATACENTERS_DIR } from '../../../regions/index.js';
import type { Store } from '../../../store/index.js';
import { identifier, integer, level, list, periodCode, regionCode, year } from '../params.js';
import { ProblemError, notFound } from '../problem.js';
import { route } from '../route.js';

const indicator = identifier('an indicator id');
const datacenter = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,39}$/, { error: 'expected a data center name such as groningen' })
  .describe('A data center (groningen, eindhoven, heerlen): its region and peer rule are used.');
/** Peer variables: ids separated by commas; `a|b` gives alternatives (the first with a value is used). */
const peerVariables = z
  .string()
  .max(1000)
  .transform((text, ctx) => {
    const out: PeerVariable[] = [];
    for (const part of text.split(',')) {
      const alts = part.split('|').map((a) => a.trim());
      if (alts.some((a) => !/^[a-z][a-z0-9_]{0,99}$/.test(a)) || out.length >= 10) {
        ctx.addIssue({
          code: 'custom',
          message:
            'expected 1 to 10 indicator ids separated by commas, alternatives joined by | (e.g. inwoners,omgevingsadressendichtheid|bevolkingsdichtheid)',
        });
        return z.NEVER;
      }
      out.push(alts.length === 1 ? alts[0]! : alts);
    }
    return out;
  })
  .describe(
    `Peer variables: indicator ids separated by commas; a|b means a, or b where a has no value. Default: ${DEFAULT_PEER_VARIABLES.map((v) => (typeof v === 'string' ? v : v.join('|'))).join(',')}.`,
  );
const flag = z.enum(['true', 'false'], { error: 'expected true or false' }).transform((v) => v === 'true');

const n = z.number();
const nn = z.number().nullable();
const text = z.object({ nl: z.string(), en: z.string() });
const IndicatorRef = z.looseObject({
  id: z.string(),
  title: text,
  unit: z.string(),
  decimals: z.number().int(),
});
const Test = z
  .object({ method: z.string(), z: n, p: n, significant: z.boolean(), statement: z.string() })
  .nullable();
const Interval = z
  .object({ lower: n, upper: n, level: n, method: z.string(), approximation: z.boolean() })
  .nullable();
const RegionRef = z.object({ code: z.string(), name: z.string(), level: z.string() });

const TrendSchema = z.object({
  indicator: IndicatorRef,
  region: RegionRef,
  reference: z.object({ code: z.string(), name: z.string() }).nullable(),
  period: z.string(),
  series: z.array(z.object({ period: z.string(), value: nn, boundaryYear: z.number().int() })),
  model: z.object({ model: z.string(), basis: z.string() }),
  changes: z.array(
    z.looseObject({ years: z.number().int(), change: nn, relativeChange: nn, difference: nn, test: Test }),
  ),
});
const Distribution = z.looseObject({
  scope: z.enum(['nl', 'region', 'peers']),
  within: z.string().nullable(),
  n: z.number().int(),
  areas: z.number().int(),
  mean: nn,
  sd: nn,
  z: nn,
  percentile: nn,
  rank: nn,
});
const PositionSchema = z.object({
  indicator: IndicatorRef,
  region: RegionRef,
  period: z.string(),
  boundaryYear: z.number().int(),
  value: nn,
  status: z.string(),
  interval: Interval,
  model: z.object({ model: z.string(), basis: z.string() }),
  distributions: z.array(Distribution),
  comparisons: z.array(
    z.object({ region: z.string(), name: z.string(), value: nn, difference: nn, test: Test }),
  ),
  notes: z.array(z.string()),
});
const PeersSchema = z.object({
  region: RegionRef,
  period: z.string(),
  boundaryYear: z.number().int(),
  k: z.number().int(),
  candidates: z.number().int(),
  within: z.string().nullable(),
  variables: z.array(
    z.looseObject({ id: z.string(), transform: z.string(), mean: n, sd: n, value: n, z: n }),
  ),
  dropped: z.array(z.object({ variable: z.string(), reason: z.string() })),
  peers: z.array(
    z.object({
      code: z.string(),
      name: z.string(),
      distance: n,
      values: z.record(z.string(), n),
      z: z.record(z.string(), n),
    }),
  ),
  method: z.string(),
  explanation: z.string(),
});
const Point = z.object({ code: z.string(), name: z.string(), x: n, y: n });
const CorrelationSchema = z.object({
  x: IndicatorRef,
  y: IndicatorRef,
  level: z.string(),
  boundaryYear: z.number().int(),
  within: z.string().nullable(),
  n: z.number().int(),
  pearson: z.object({ r: nn, interval: z.tuple([n, n]).nullable(), method: z.string() }),
  spearman: z.object({ rho: nn, method: z.string() }),
  points: z.array(Point),
  highlight: Point.nullable(),
  caveat: text,
});
const TypologySchema = z.object({
  indicators: z.array(IndicatorRef),
  level: z.string(),
  period: z.string(),
  boundaryYear: z.number().int(),
  within: z.string().nullable(),
  seed: z.number().int(),
  k: z.number().int(),
  criterion: z.string(),
  silhouettes: z.array(z.object({ k: z.number().int(), silhouette: n, inertia: n })),
  excluded: z.number().int(),
  clusters: z.array(
    z.object({
      cluster: z.number().int(),
      size: z.number().int(),
      profile: z.array(z.object({ indicator: z.string(), mean: n, z: n })),
      label: z.string(),
    }),
  ),
  areas: z.array(z.object({ code: z.string(), name: z.string(), cluster: z.number().int() })),
});

/** Runs an analysis; its AnalysisError becomes a problem (404 for missing data, 400 for a request that cannot make sense). */
async function answer<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AnalysisError)
      throw error.kind === 'not-found'
        ? notFound('Analysis data', error.message)
        : new ProblemError(400, 'Invalid analysis request', error.message);
    throw error;
  }
}

/** A data center named in a query; 404 when there is none (a broken one answers 503). */
async function datacenterOf(name: string | undefined, root: string): Promise<Datacenter | undefined> {
  if (name === undefined) return undefined;
  try {
    return await readDatacenter(name, root);
  } catch (error) {
    if (error instanceof DatacenterError) {
      if (/^no data center/.test(error.problems[0] ?? ''))
        throw notFound('Data center', `There is no data center ${name}.`);
      throw new ProblemError(
        503,
        'Data center configuration invalid',
        error.message.replaceAll(root, 'datacenters'),
      );
    }
    throw error;
  }
}

const within = regionCode.describe(
  'Also (or only) within this region: a data center’s custom region (X_RGA), a provincie, a gemeente.',
);

/** Analysis over published values: trend, position, peers, correlation, typology (docs/analysis.md). */
export function analysisRoutes(store: Store, root = DATACENTERS_DIR) {
  return [
    route({
      path: '/analysis/trend',
      operationId: 'analyseTrend',
      summary:
        'Change of an area’s value over 1 and 5 years, and whether it differs from a reference area’s change',
      description:
        'Counts are tested on log ratios under Poisson variation, shares under binomial variation (register data) or approximate survey variances (Labour Force Survey), at the 5 % level; other indicators get no test, and the answer says why.',
      tag: 'analysis',
      query: z.object({
        indicator,
        region: regionCode,
        period: periodCode.optional(),
        reference: regionCode
          .optional()
          .describe('The area to compare the change with (default NL01; with `datacenter`, its region).'),
        datacenter: datacenter.optional(),
      }),
      ok: { description: 'The trend.', content: { 'application/json': TrendSchema } },
      errors: [404],
      cache: 'data',
      handle: async ({ c, query }) => {
        const dc = await datacenterOf(query.datacenter, root);
        const reference = query.reference ?? (dc && dc.region !== query.region ? dc.region : undefined);
        return c.json(
          await answer(() =>
            trend(store, {
              access: accessOf(c),
              indicator: query.indicator,
              region: query.region,
              ...(query.period ? { period: query.period } : {}),
              ...(reference ? { reference } : {}),
            }),
          ),
        );
      },
    }),
    route({
      path: '/analysis/position',
      operationId: 'analysePosition',
      summary:
        'Where an area stands: z-score, percentile and rank in its level (Nederland, a region, its peers)',
      description:
        'z = (value − mean) / sample standard deviation; percentile = share below plus half the share equal. Survey values carry an approximate 95 % interval; differences with Nederland and the region are tested.',
      tag: 'analysis',
      query: z.object({
        indicator,
        region: regionCode,
        period: periodCode.optional(),
        boundaryYear: year.optional(),
        within: within.optional(),
        datacenter: datacenter.optional(),
        peers: flag.optional().describe('Also the distribution among the area’s peers (default true).'),
      }),
      ok: { description: 'The position.', content: { 'application/json': PositionSchema } },
      errors: [404],
      cache: 'data',
      handle: async ({ c, query }) => {
        const dc = await datacenterOf(query.datacenter, root);
        const inside = query.within ?? (dc && dc.region !== query.region ? dc.region : undefined);
        return c.json(
          await answer(() =>
            position(store, {
              access: accessOf(c),
              indicator: query.indicator,
              region: query.region,
              ...(query.period ? { period: query.period } : {}),
              ...(query.boundaryYear ? { boundaryYear: query.boundaryYear } : {}),
              ...(inside ? { within: inside } : {}),
              ...(query.peers === false
                ? {}
                : { peers: dc ? { variables: dc.peers.variables, k: dc.peers.k } : {} }),
            }),
          ),
        );
      },
    }),
    route({
      path: '/analysis/peers',
      operationId: 'analysePeers',
      summary:
        'The areas most alike an area on size, urbanity and household composition, with the choice explained',
      tag: 'analysis',
      query: z.object({
        region: regionCode,
        variables: peerVariables.optional(),
        k: integer(1, 50, 'a number of peers')
          .optional()
          .describe('How many peers (default 10, or the data center’s).'),
        period: periodCode.optional(),
        boundaryYear: year.optional(),
        within: within.optional(),
        datacenter: datacenter.optional(),
      }),
      ok: { description: 'The peers.', content: { 'application/json': PeersSchema } },
      errors: [404],
      cache: 'data',
      handle: async ({ c, query }) => {
        const dc = await datacenterOf(query.datacenter, root);
        return c.json(
          await answer(() =>
            findPeers(store, {
              access: accessOf(c),
              region: query.region,
              variables: query.variables ?? dc?.peers.variables ?? DEFAULT_PEER_VARIABLES,
              k: query.k ?? dc?.peers.k ?? 10,
              ...(query.period ? { period: query.period } : {}),
              ...(query.boundaryYear ? { boundaryYear: query.boundaryYear } : {}),
              ...(query.within ? { within: query.within } : {}),
            }),
          ),
        );
      },
    }),
    route({
      path: '/analysis/correlation',
      operationId: 'analyseCorrelation',
      summary:
        'Correlation of two indicators over the areas of a level (Pearson and Spearman), with the ecological-inference caveat',
      tag: 'analysis',
      query: z.object({
        x: indicator,
        y: indicator,
        level,
        period: periodCode.optional(),
        periodY: periodCode.optional().describe('Period of y when it differs from x’s.'),
        boundaryYear: year.optional(),
        within: within.optional(),
        highlight: regionCode.optional().describe('An area to pick out among the points.'),
      }),
      ok: {
        description: 'The correlation and its points.',
        content: { 'application/json': CorrelationSchema },
      },
      errors: [404],
      cache: 'data',
      handle: async ({ c, query }) =>
        c.json(
          await answer(() =>
            correlate(store, {
              access: accessOf(c),
              x: query.x,
              y: query.y,
              level: query.level,
              ...(query.period ? { period: query.period } : {}),
              ...(query.periodY ? { periodY: query.periodY } : {}),
              ...(query.boundaryYear ? { boundaryYear: query.boundaryYear } : {}),
              ...(query.within ? { within: query.within } : {}),
              ...(query.highlight ? { highlight: query.highlight } : {}),
            }),
          ),
        ),
    }),
    route({
      path: '/analysis/typology',
      operationId: 'analyseTypology',
      summary:
        'Area typology: k-means clusters of the areas of a level on chosen indicators, k by the mean silhouette',
      description:
        'Indicators are standardised; k-means++ seeding from a seeded PRNG (mulberry32), 10 starts; k = kMin..kMax with the highest mean silhouette. The same data and seed give the same clusters.',
      tag: 'analysis',
      query: z.object({
        indicators: list(indicator, 10, 'indicator ids'),
        level,
        period: periodCode
          .optional()
          .describe('Default: the newest period the first indicator has at this level.'),
        boundaryYear: year.optional(),
        within: within.optional(),
        seed: integer(0, 2 ** 31 - 1, 'a seed')
          .optional()
          .describe('Seed of the PRNG (default 1).'),
        kMin: integer(2, 12, 'a number of clusters').optional(),
        kMax: integer(2, 12, 'a number of clusters').optional(),
      }),
      ok: { description: 'The typology.', content: { 'application/json': TypologySchema } },
      errors: [404],
      cache: 'data',
      handle: async ({ c, query }) => {
        if (query.kMin !== undefined && query.kMax !== undefined && query.kMin > query.kMax)
          throw new ProblemError(
            400,
            'Invalid query parameters',
            `kMin (${query.kMin}) is larger than kMax (${query.kMax})`,
            [{ name: 'kMin', reason: `expected at most kMax (${query.kMax})` }],
          );
        return c.json(
          await answer(async () => {
            const chosen =
              query.period && query.boundaryYear
                ? { period: query.period, boundaryYear: query.boundaryYear }
                : await newestLevelPeriod(
                    store,
                    accessOf(c),
                    query.indicators[0]!,
                    query.level,
                    query.period,
                    query.boundaryYear,
                  );
            return typology(store, {
              access: accessOf(c),
              indicators: query.indicators,
              level: query.level,
              ...chosen,
              ...(query.within ? { within: query.within } : {}),
              ...(query.seed !== undefined ? { seed: query.seed } : {}),
              ...(query.kMin !== undefined ? { kMin: query.kMin } : {}),
              ...(query.kMax !== undefined ? { kMax: query.kMax } : {}),
            });
          }),
        );
      },
    }),
  ];
}

/** The newest period (and boundary year) an indicator has published values for at a level. */
async function newestLevelPeriod(
  store: Store,
  access: AccessContext,
  indicatorId: string,
  levelName: string,
  period?: string,
  boundaryYear?: number,
): Promise<{ period: string; boundaryYear: number }> {
  const row = await store.one<{ period: string; boundaryYear: number }>(
    `SELECT v.period, v.boundary_year AS "boundaryYear" FROM published_indicator_value v
     JOIN indicator i ON i.id = v.indicator AND ${visibleCondition(access, 'i.confidentiality')}
     JOIN region_year y ON y.code = v.region AND y.year = v.boundary_year
     WHERE v.indicator = $1 AND y.level = $2 AND v.value IS NOT NULL AND v.period LIKE '____JJ00'
       AND ($3::VARCHAR IS NULL OR v.period = $3) AND ($4::INTEGER IS NULL OR v.boundary_year = $4)
     ORDER BY v.period DESC, v.boundary_year DESC LIMIT 1`,
    [indicatorId, levelName, period ?? null, boundaryYear ?? null],
  );
  if (!row)
    throw new AnalysisError(
      `${indicatorId} has no published ${levelName} values${period ? ` in ${period}` : ''}${boundaryYear ? ` on the ${boundaryYear} boundaries` : ''}`,
      'not-found',
    );
  return { period: row.period, boundaryYear: Number(row.boundaryYear) };
}
