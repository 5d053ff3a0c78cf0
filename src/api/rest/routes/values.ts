import { z } from 'zod';
import { visibleCondition } from '../../../access/roles.js';
import type { Store } from '../../../store/index.js';
import { accessOf } from '../../auth/context.js';
import { pageOf } from '../paging.js';
import { identifier, level, list, page, pageSize, periodCode, regionCode, year } from '../params.js';
import { ProblemError, notFound } from '../problem.js';
import { route } from '../route.js';
import { SORT_FIELDS, countQuery, valuesQuery, type SortField, type SortKey } from '../values-query.js';

const sortParam = z
  .string()
  .max(200)
  .transform((text, ctx) => {
    const keys: SortKey[] = [];
    for (const part of text.split(',')) {
      const descending = part.startsWith('-');
      const field = (descending ? part.slice(1) : part) as SortField;
      if (!Object.hasOwn(SORT_FIELDS, field)) {
        ctx.addIssue({
          code: 'custom',
          message: `expected fields from ${Object.keys(SORT_FIELDS).join(', ')} (a '-' in front sorts descending), separated by commas`,
        });
        return z.NEVER;
      }
      keys.push({ field, descending });
    }
    return keys;
  })
  .describe(
    `Sort order: fields from ${Object.keys(SORT_FIELDS).join(', ')}; '-' in front sorts descending (e.g. -value,regionName).`,
  );

/** The filters that select indicator values; shared by /values, its exports and /compare. */
export const selectionFilters = {
  indicator: list(identifier('an indicator id'), 50, 'indicator ids').optional(),
  level: level.optional(),
  parent: regionCode.optional(),
  region: list(regionCode, 1000, 'region codes').optional(),
  period: list(periodCode, 200, 'period codes').optional(),
  boundaryYear: year.optional().describe('Only values on the boundaries of this register year.'),
  sort: sortParam.optional(),
};
export const selectionQuery = z.object(selectionFilters);

/** Values, compare and the region profile. */
export function valueRoutes(store: Store) {
  return [
    route({
      path: '/values',
      operationId: 'listValues',
      summary:
        'Indicator values: filter by indicator, level, parent region, region and period; paged and sorted',
      description:
        'Values hidden by disclosure control are served as null with their `disclosure` flag. ' +
        'Exports of the same selection: /values.csv, /values.xlsx, /values.parquet, /values.geojson.',
      tag: 'values',
      query: z.object({ ...selectionFilters, page, pageSize }),
      ok: { description: 'One page of values.', content: { 'application/json': 'ValuePage' } },
      cache: 'data',
      handle: async ({ c, query }) => {
        const { page: number, pageSize: size, ...selection } = query;
        const { sql, params } = valuesQuery(selection, accessOf(c), { page: { number, size } });
        const rows = await store.all<{ total: number }>(sql, params);
        let total = rows[0]?.total;
        if (total === undefined) {
          const count = countQuery(selection, accessOf(c));
          total = Number((await store.one<{ n: number }>(count.sql, count.params))?.n ?? 0);
        }
        return c.json({
          data: rows.map(({ total: _, ...r }) => r),
          ...pageOf(c, number, size, Number(total)),
        });
      },
    }),
    route({
      path: '/compare',
      operationId: 'compareRegions',
      summary: 'Regions side by side: values of one or more indicators for a list of regions',
      tag: 'values',
      query: z.object({
        indicator: selectionFilters.indicator.unwrap(),
        regions: list(regionCode, 50, 'region codes'),
        period: selectionFilters.period,
        boundaryYear: selectionFilters.boundaryYear,
      }),
      ok: {
        description:
          'The values, region by region in the order asked: one per indicator, region and period (without boundaryYear, ' +
          'the value on the period’s own boundaries where there is one, else on the newest).',
        content: { 'application/json': 'ValueList' },
      },
      cache: 'data',
      handle: async ({ c, query }) => {
        const { sql, params } = valuesQuery(
          {
            indicator: query.indicator,
            region: query.regions,
            period: query.period,
            boundaryYear: query.boundaryYear,
          },
          accessOf(c),
        );
        const rows = await store.all<{
          indicator: string;
          region: string;
          period: string;
          year: number;
          boundaryYear: number;
        }>(sql, params);
        // Side by side means one value per indicator, region and period. A gemeente value converted
        // to newer boundaries sits next to the one on its own year's boundaries: without a
        // boundaryYear, keep the one on its own boundaries (as computed), else the newest.
        const chosen = new Map<string, (typeof rows)[number]>();
        for (const r of rows) {
          const key = `${r.indicator}\u0000${r.region}\u0000${r.period}`;
          const seen = chosen.get(key);
          if (
            !seen ||
            (seen.boundaryYear !== seen.year &&
              (r.boundaryYear === r.year || r.boundaryYear > seen.boundaryYear))
          )
            chosen.set(key, r);
        }
        const order = new Map(query.regions.map((r, i) => [r, i]));
        const data = [...chosen.values()].sort((a, b) => order.get(a.region)! - order.get(b.region)!);
        return c.json({ data });
      },
    }),
    route({
      path: '/profile/{code}',
      operationId: 'getProfile',
      summary:
        'A region’s profile: every indicator with its value, its references (gemeente, custom regions, Nederland) and its series',
      description:
        'Without `period`, each indicator shows its latest period that has a value for the region. References are the gemeente of a wijk or ' +
        'buurt, the custom regions it belongs to, and Nederland.',
      tag: 'values',
      params: z.object({ code: regionCode }),
      query: z.object({ period: periodCode.optional() }),
      ok: { description: 'The profile.', content: { 'application/json': 'Profile' } },
      errors: [404],
      cache: 'data',
      handle: async ({ c, params, query }) => {
        const values = await store.all<{
          indicator: string;
          period: string;
          boundaryYear: number;
          value: number | null;
          status: string;
          disclosure: string | null;
          region: string;
        }>(valuesQuery({ region: [params.code] }, accessOf(c)).sql, [params.code]);
        const known = await store.one<{ code: string; name: string; level: string; year: number }>(
          `SELECT code, name, level, year FROM region_year WHERE code = $1 ORDER BY year DESC LIMIT 1`,
          [params.code],
        );
        if (!known)
          throw notFound('Region', `There is no region ${params.code} in any year of the register.`);
        // The region as on the boundaries its newest values use (else its latest register year).
        const year = values.length ? Math.max(...values.map((v) => v.boundaryYear)) : known.year;
        const region =
          (await store.one<{ code: string; name: string; level: string; year: number }>(
            'SELECT code, name, level, year FROM region_year WHERE code = $1 AND year = $2',
            [params.code, year],
          )) ?? known;
        // The gemeente and Nederland above the region, and the custom regions it (or its wijk) lies in.
        const references = await store.all<{
          code: string;
          name: string;
          level: string;
          year: number;
          relation: string;
        }>(
          `SELECT DISTINCT y.code, y.name, y.level, y.year, p.classification AS relation
           FROM region_parent p JOIN region_year y ON y.code = p.parent AND y.year = p.year
           WHERE p.year = $2 AND p.classification IN ('gemeente', 'custom', 'land')
             AND (p.code = $1 OR (p.classification = 'custom' AND p.code IN
                   (SELECT parent FROM region_parent WHERE code = $1 AND year = $2 AND classification = 'wijk')))
           ORDER BY CASE p.classification WHEN 'gemeente' THEN 0 WHEN 'custom' THEN 1 ELSE 2 END, y.code`,
          [params.code, year],
        );
        // A wijk or buurt has no direct land parent: Nederland through its gemeente.
        if (!references.some((r) => r.relation === 'land') && region.level !== 'land') {
          const land = await store.one<{ code: string; name: string; level: string; year: number }>(
            `SELECT code, name, level, year FROM region_year WHERE level = 'land' AND year = $1`,
            [year],
          );
          if (land) references.push({ ...land, relation: 'land' });
        }
        if (query.period && !values.some((v) => v.period === query.period))
          throw new ProblemError(
            404,
            'Profile not found',
            `Region ${params.code} has no values for ${query.period}.`,
          );
        const indicators = await store.all<{
          id: string;
          theme: string;
          title_nl: string;
          title_en: string;
          unit: string;
          decimals: number;
          better: string;
        }>(
          `SELECT id, theme, title_nl, title_en, unit, decimals, better FROM indicator i WHERE ${visibleCondition(accessOf(c), 'i.confidentiality')} ORDER BY theme, id`,
        );
        // One value per indicator and period: where a period exists on several boundary years, the
        // one on the region's current boundaries (else the newest) makes the series.
        const perIndicator = new Map<string, Map<string, (typeof values)[number]>>();
        for (const v of values) {
          const periods = perIndicator.get(v.indicator) ?? new Map<string, (typeof values)[number]>();
          perIndicator.set(v.indicator, periods);
          const seen = periods.get(v.period);
          if (
            !seen ||
            (seen.boundaryYear !== year && (v.boundaryYear === year || v.boundaryYear > seen.boundaryYear))
          )
            periods.set(v.period, v);
        }
        const chosen = indicators
          .filter((i) => perIndicator.has(i.id))
          .map((i) => {
            const own = [...perIndicator.get(i.id)!.values()].sort((a, b) =>
              a.period.localeCompare(b.period),
            );
            const withValue = own.filter((v) => v.value !== null);
            const period = query.period ?? (withValue.length ? withValue : own).at(-1)!.period;
            return { i, period, own, mine: own.find((v) => v.period === period) };
          })
          .filter((x) => x.mine !== undefined);
        // Reference values of every chosen indicator and period in one query.
        const refCodes = references.map((r) => r.code);
        type RefValue = {
          indicator: string;
          region: string;
          period: string;
          boundaryYear: number;
          value: number | null;
          status: string;
          disclosure: string | null;
        };
        let refValues: RefValue[] = [];
        if (refCodes.length && chosen.length) {
          const q = valuesQuery(
            {
              indicator: [...new Set(chosen.map((x) => x.i.id))],
              region: refCodes,
              period: [...new Set(chosen.map((x) => x.period))],
            },
            accessOf(c),
          );
          refValues = await store.all<RefValue>(q.sql, q.params);
        }
        return c.json({
          region,
          references,
          indicators: chosen.map(({ i, period, own, mine }) => {
            const refs = refCodes
              .map((code) => {
                const candidates = refValues.filter(
                  (r) => r.indicator === i.id && r.region === code && r.period === period,
                );
                return candidates.find((r) => r.boundaryYear === mine!.boundaryYear) ?? candidates[0];
              })
              .filter((r) => r !== undefined);
            return {
              indicator: i.id,
              theme: i.theme,
              title: { nl: i.title_nl, en: i.title_en },
              unit: i.unit,
              decimals: i.decimals,
              better: i.better,
              period,
              values: [mine!, ...refs].map((v) => ({
                region: v.region,
                value: v.value,
                status: v.status,
                disclosure: v.disclosure,
              })),
              series: own.map((v) => ({ period: v.period, value: v.value })),
            };
          }),
        });
      },
    }),
  ];
}
