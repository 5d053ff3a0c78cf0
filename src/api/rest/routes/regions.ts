import { z } from 'zod';
import { visibleCondition } from '../../../access/roles.js';
import type { Store } from '../../../store/index.js';
import { accessOf } from '../../auth/context.js';
import { pageOf } from '../paging.js';
import { identifier, level, page, pageSize, periodCode, regionCode, searchText, year } from '../params.js';
import { ProblemError, notFound } from '../problem.js';
import { route } from '../route.js';
import { PUBLISHED_VALUE } from '../values-query.js';

/** The latest register year (of a level, when given). */
async function latestYear(store: Store, level?: string): Promise<number | undefined> {
  const row = await store.one<{ year: number | null }>(
    level
      ? 'SELECT max(year) AS year FROM region_year WHERE level = $1'
      : 'SELECT max(year) AS year FROM region_year',
    level ? [level] : [],
  );
  return row?.year ?? undefined;
}

/** Regions of the register per year, one region with its parents and children, and boundaries. */
export function regionRoutes(store: Store) {
  return [
    route({
      path: '/regions',
      operationId: 'listRegions',
      summary: 'Regions of a register year',
      description:
        'Without `year`, the latest year that has regions of the level. `parent` selects descendants (two steps down, e.g. the buurten of a gemeente).',
      tag: 'regions',
      query: z.object({
        level: level.optional(),
        year: year.optional(),
        parent: regionCode.optional(),
        q: searchText.optional(),
        page,
        pageSize,
      }),
      ok: { description: 'One page of regions.', content: { 'application/json': 'RegionPage' } },
      cache: 'data',
      handle: async ({ c, query }) => {
        const y = query.year ?? (await latestYear(store, query.level));
        const params: (string | number)[] = [y ?? 0];
        const where = ['r.year = $1'];
        if (query.level) where.push(`r.level = $${params.push(query.level)}`);
        if (query.q) where.push(`contains(lower(r.name), $${params.push(query.q.toLowerCase())})`);
        if (query.parent) {
          const p = params.push(query.parent);
          where.push(`r.code IN (SELECT code FROM region_parent WHERE year = r.year AND parent = $${p}
                        UNION SELECT c.code FROM region_parent c JOIN region_parent m ON m.code = c.parent AND m.year = c.year
                        WHERE c.year = r.year AND m.parent = $${p})`);
        }
        const rows = await store.all<{ total: number }>(
          `SELECT r.code, r.name, r.level, r.year, count(*) OVER () AS total FROM region_year r
           WHERE ${where.join(' AND ')} ORDER BY r.code
           LIMIT $${params.push(query.pageSize)} OFFSET $${params.push((query.page - 1) * query.pageSize)}`,
          params,
        );
        const total =
          rows[0]?.total ??
          Number(
            (
              await store.one<{ n: number }>(
                `SELECT count(*) AS n FROM region_year r WHERE ${where.join(' AND ')}`,
                params.slice(0, -2),
              )
            )?.n ?? 0,
          );
        return c.json({
          data: rows.map(({ total: _, ...r }) => r),
          ...pageOf(c, query.page, query.pageSize, total),
        });
      },
    }),
    route({
      path: '/regions/{code}',
      operationId: 'getRegion',
      summary: 'One region in one year, with its parents and children',
      description: 'Without `year`, the latest register year the code is in.',
      tag: 'regions',
      params: z.object({ code: regionCode }),
      query: z.object({ year: year.optional() }),
      ok: { description: 'The region.', content: { 'application/json': 'RegionDetail' } },
      errors: [404],
      cache: 'data',
      handle: async ({ c, params, query }) => {
        const years = (
          await store.all<{ year: number }>('SELECT year FROM region_year WHERE code = $1 ORDER BY year', [
            params.code,
          ])
        ).map((r) => r.year);
        if (years.length === 0)
          throw notFound('Region', `There is no region ${params.code} in any year of the register.`);
        const y = query.year ?? years.at(-1)!;
        if (!years.includes(y))
          throw notFound(
            'Region',
            `Region ${params.code} is not in the ${y} register; it is in ${years[0]}-${years.at(-1)}.`,
          );
        const region = await store.one<Record<string, unknown>>(
          `SELECT y.code, y.name, y.level, y.year, strftime(r.valid_from, '%Y-%m-%d') AS "validFrom",
                  strftime(r.valid_to, '%Y-%m-%d') AS "validTo"
           FROM region_year y LEFT JOIN region r ON r.code = y.code WHERE y.code = $1 AND y.year = $2`,
          [params.code, y],
        );
        const parents = await store.all(
          `SELECT p.classification, p.parent AS code, y.name FROM region_parent p
           LEFT JOIN region_year y ON y.code = p.parent AND y.year = p.year
           WHERE p.code = $1 AND p.year = $2 ORDER BY p.classification, p.parent`,
          [params.code, y],
        );
        const children = await store.all(
          `SELECT DISTINCT y.code, y.name, y.level FROM region_parent p JOIN region_year y ON y.code = p.code AND y.year = p.year
           WHERE p.parent = $1 AND p.year = $2 ORDER BY y.code`,
          [params.code, y],
        );
        return c.json({ ...region, years, parents, children });
      },
    }),
    route({
      path: '/geometry',
      operationId: 'getGeometry',
      summary: 'Boundaries of a level and year as GeoJSON, optionally with one indicator’s values',
      description:
        'Without `year`, the latest year with boundaries of the level. With `indicator`, each feature carries the value for `period` ' +
        '(default: the latest period that has values on these boundaries).',
      tag: 'regions',
      query: z.object({
        level: level.default('gemeente'),
        year: year.optional(),
        parent: regionCode.optional(),
        indicator: identifier('an indicator id').optional(),
        period: periodCode.optional(),
      }),
      ok: {
        description: 'A FeatureCollection (WGS84).',
        content: { 'application/geo+json': 'FeatureCollection' },
      },
      errors: [404],
      cache: 'data',
      handle: async ({ c, query }) => {
        if (query.period && !query.indicator)
          throw new ProblemError(400, 'Invalid query parameters', 'period: only with indicator', [
            { name: 'period', reason: 'only meaningful together with indicator' },
          ]);
        const y =
          query.year ??
          (
            await store.one<{ year: number | null }>(
              'SELECT max(year) AS year FROM region_geometry WHERE level = $1',
              [query.level],
            )
          )?.year ??
          undefined;
        const available = await store.one<{ n: number }>(
          'SELECT count(*) AS n FROM region_geometry WHERE level = $1 AND year = $2',
          [query.level, y ?? 0],
        );
        if (!y || Number(available?.n ?? 0) === 0) {
          const has = await store.all<{ level: string; year: number }>(
            'SELECT DISTINCT level, year FROM region_geometry ORDER BY level, year',
          );
          throw notFound(
            'Geometry',
            `There are no ${query.level} boundaries${y ? ` for ${y}` : ''}; boundaries exist for ${
              has.map((h) => `${h.level} ${h.year}`).join(', ') || 'nothing yet'
            }.`,
          );
        }
        const params: (string | number)[] = [query.level, y];
        let join = '';
        let extra = '';
        let period: string | undefined;
        if (query.indicator) {
          const indicator = await store.one(
            `SELECT id FROM indicator i WHERE id = $1 AND ${visibleCondition(accessOf(c), 'i.confidentiality')}`,
            [query.indicator],
          );
          if (!indicator)
            throw notFound('Indicator', `There is no published indicator "${query.indicator}".`);
          period =
            query.period ??
            (
              await store.one<{ period: string | null }>(
                'SELECT max(period) AS period FROM published_indicator_value WHERE indicator = $1 AND boundary_year = $2',
                [query.indicator, y],
              )
            )?.period ??
            undefined;
          const i = params.push(query.indicator);
          const p = params.push(period ?? '');
          join = `LEFT JOIN (published_indicator_value v JOIN indicator i ON i.id = v.indicator AND ${visibleCondition(accessOf(c), 'i.confidentiality')})
                    ON v.region = g.code AND v.boundary_year = g.year AND v.indicator = $${i} AND v.period = $${p}`;
          extra = `, ${PUBLISHED_VALUE} AS value, v.status, v.disclosure`;
        }
        let where = 'g.level = $1 AND g.year = $2';
        if (query.parent) {
          const p = params.push(query.parent);
          where += ` AND g.code IN (SELECT code FROM region_parent WHERE year = g.year AND parent = $${p}
                       UNION SELECT c.code FROM region_parent c JOIN region_parent m ON m.code = c.parent AND m.year = c.year
                       WHERE c.year = g.year AND m.parent = $${p})`;
        }
        const rows = await store.all<
          { code: string; name: string | null; geojson: string } & Record<string, unknown>
        >(
          `SELECT g.code, y.name, g.geojson::VARCHAR AS geojson${extra}
           FROM region_geometry g LEFT JOIN region_year y ON y.code = g.code AND y.year = g.year ${join}
           WHERE ${where} ORDER BY g.code`,
          params,
        );
        const features = rows.map(({ code, name, geojson, ...values }) => {
          const properties = {
            code,
            name,
            level: query.level,
            year: y,
            ...(query.indicator
              ? {
                  indicator: query.indicator,
                  period,
                  ...values,
                  value: values['value'] ?? null,
                  status: values['status'] ?? 'missing',
                }
              : {}),
          };
          // The stored geometry is already GeoJSON text: spliced in, not parsed and serialised again.
          return `{"type":"Feature","id":${JSON.stringify(code)},"geometry":${geojson},"properties":${JSON.stringify(properties)}}`;
        });
        return new Response(
          `{"type":"FeatureCollection","attribution":"Bron: CBS, Kadaster","features":[${features.join(',')}]}`,
          { headers: { 'content-type': 'application/geo+json; charset=utf-8' } },
        );
      },
    }),
  ];
}
