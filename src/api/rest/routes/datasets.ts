import { z } from 'zod';
import type { Context } from 'hono';
import { visibleCondition } from '../../../access/roles.js';
import type { Store } from '../../../store/index.js';
import { accessOf } from '../../auth/context.js';
import { pageOf } from '../paging.js';
import { identifier, list, page, pageSize, periodCode, regionCode } from '../params.js';
import { notFound } from '../problem.js';
import { route } from '../route.js';

const DATASET_COLUMNS = `id, title, description, publisher, source, licence,
  strftime(modified, '%Y-%m-%dT%H:%M:%S') AS modified, version`;

const datasetId = z.object({ id: identifier('a dataset id') });

/**
 * Datasets, their variables and observations. A dataset the caller may not see does not exist for
 * them: asking for it answers exactly as for an unknown id.
 */
export function datasetRoutes(store: Store) {
  const openDataset = async (c: Context, id: string) => {
    const dataset = await store.one(
      `SELECT ${DATASET_COLUMNS}, (SELECT count(*) FROM observation o WHERE o.dataset = d.id) AS observations
       FROM dataset d WHERE id = $1 AND ${visibleCondition(accessOf(c), 'd.confidentiality')}`,
      [id],
    );
    if (!dataset) throw notFound('Dataset', `There is no published dataset "${id}".`);
    return dataset;
  };
  const variables = (id: string) =>
    store.all(
      `SELECT key, title, unit, decimals, aggregation, denominator, description FROM variable WHERE dataset = $1 ORDER BY key`,
      [id],
    );

  return [
    route({
      path: '/datasets',
      operationId: 'listDatasets',
      summary: 'Published datasets',
      tag: 'datasets',
      ok: { description: 'Every open dataset.', content: { 'application/json': 'DatasetList' } },
      cache: 'data',
      handle: async ({ c }) =>
        c.json({
          data: await store.all(
            `SELECT ${DATASET_COLUMNS}, (SELECT count(*) FROM observation o WHERE o.dataset = d.id) AS observations
             FROM dataset d WHERE ${visibleCondition(accessOf(c), 'd.confidentiality')} ORDER BY id`,
          ),
        }),
    }),
    route({
      path: '/datasets/{id}',
      operationId: 'getDataset',
      summary: 'One dataset with its variables',
      tag: 'datasets',
      params: datasetId,
      ok: { description: 'The dataset.', content: { 'application/json': 'DatasetDetail' } },
      errors: [404],
      cache: 'data',
      handle: async ({ c, params }) => {
        const dataset = await openDataset(c, params.id);
        return c.json({ ...dataset, variables: await variables(params.id) });
      },
    }),
    route({
      path: '/datasets/{id}/variables',
      operationId: 'listVariables',
      summary: 'The variables of a dataset',
      tag: 'datasets',
      params: datasetId,
      ok: { description: 'Its variables.', content: { 'application/json': 'VariableList' } },
      errors: [404],
      cache: 'data',
      handle: async ({ c, params }) => {
        await openDataset(c, params.id);
        return c.json({ data: await variables(params.id) });
      },
    }),
    route({
      path: '/datasets/{id}/observations',
      operationId: 'listObservations',
      summary: 'Observations of a dataset, filtered and paged',
      tag: 'datasets',
      params: datasetId,
      query: z.object({
        variable: list(identifier('a variable key'), 100, 'variable keys').optional(),
        region: list(regionCode, 500, 'region codes').optional(),
        period: list(periodCode, 200, 'period codes').optional(),
        page,
        pageSize,
      }),
      ok: { description: 'One page of observations.', content: { 'application/json': 'ObservationPage' } },
      errors: [404],
      cache: 'data',
      handle: async ({ c, params, query }) => {
        await openDataset(c, params.id);
        const values: (string | number)[] = [params.id];
        const p = (v: string | number) => {
          values.push(v);
          return `$${values.length}`;
        };
        const where = ['dataset = $1'];
        if (query.variable) where.push(`variable IN (${query.variable.map(p).join(', ')})`);
        if (query.region) where.push(`region IN (${query.region.map(p).join(', ')})`);
        if (query.period) where.push(`period IN (${query.period.map(p).join(', ')})`);
        const rows = await store.all<{ total: number }>(
          `SELECT variable, region, period, categories, value, status, count(*) OVER () AS total
           FROM observation WHERE ${where.join(' AND ')}
           ORDER BY variable, region, period, categories
           LIMIT ${p(query.pageSize)} OFFSET ${p((query.page - 1) * query.pageSize)}`,
          values,
        );
        const total =
          rows[0]?.total ??
          Number(
            (
              await store.one<{ n: number }>(
                `SELECT count(*) AS n FROM observation WHERE ${where.join(' AND ')}`,
                values.slice(0, -2),
              )
            )?.n ?? 0,
          );
        return c.json({
          data: rows.map(({ total: _, ...row }) => row),
          ...pageOf(c, query.page, query.pageSize, total),
        });
      },
    }),
  ];
}
