import { z } from 'zod';
import { visibleCondition, type AccessContext } from '../../../access/roles.js';
import type { Store } from '../../../store/index.js';
import { accessOf } from '../../auth/context.js';
import { identifier, searchText } from '../params.js';
import { notFound } from '../problem.js';
import { route } from '../route.js';

/**
 * The eight themes of the indicator library, in the order the dashboard shows them. A theme may
 * have no indicators yet; it is still listed so the navigation is stable.
 */
export const THEMES = [
  { id: 'bevolking', title: { nl: 'Bevolking', en: 'Population' } },
  { id: 'wonen', title: { nl: 'Wonen', en: 'Housing' } },
  { id: 'arbeidsmarkt', title: { nl: 'Arbeidsmarkt', en: 'Labour market' } },
  { id: 'economie', title: { nl: 'Economie', en: 'Economy' } },
  { id: 'mobiliteit', title: { nl: 'Mobiliteit', en: 'Mobility' } },
  { id: 'veiligheid', title: { nl: 'Veiligheid', en: 'Safety' } },
  { id: 'gezondheid', title: { nl: 'Gezondheid', en: 'Health' } },
  { id: 'duurzaamheid', title: { nl: 'Duurzaamheid', en: 'Sustainability' } },
] as const;

interface IndicatorRow extends Record<string, unknown> {
  id: string;
  theme: string;
  title_nl: string;
  title_en: string;
  description_nl: string | null;
  description_en: string | null;
  unit: string;
  decimals: number;
  better: string;
  kind: string;
  formula: string;
  disclosure: string;
  sources: { dataset: string; title: string | null; version: number; modified: string | null }[] | null;
  periods: string[] | null;
  levels: string[] | null;
}

/** The indicators `access` may see with their lineage, periods and levels; filtered by id, theme or text. */
export async function readIndicators(
  store: Store,
  access: AccessContext,
  filter: { id?: string; theme?: string; q?: string } = {},
): Promise<ReturnType<typeof toIndicator>[]> {
  const params: string[] = [];
  const where = [visibleCondition(access, 'i.confidentiality')];
  if (filter.id !== undefined) where.push(`i.id = $${params.push(filter.id)}`);
  if (filter.theme !== undefined) where.push(`i.theme = $${params.push(filter.theme)}`);
  if (filter.q !== undefined) {
    const n = params.push(filter.q.toLowerCase());
    where.push(
      `(contains(lower(i.id), $${n}) OR contains(lower(i.title_nl), $${n}) OR contains(lower(i.title_en), $${n}))`,
    );
  }
  const rows = await store.all<IndicatorRow>(
    `WITH chosen AS (SELECT * FROM indicator i WHERE ${where.join(' AND ')}),
     sources AS (
       SELECT s.indicator, list({'dataset': s.dataset, 'title': d.title, 'version': s.dataset_version,
                                 'modified': strftime(s.dataset_modified, '%Y-%m-%dT%H:%M:%S')} ORDER BY s.dataset) AS sources
       FROM indicator_source s JOIN chosen c ON c.id = s.indicator LEFT JOIN dataset d ON d.id = s.dataset
       GROUP BY s.indicator),
     coverage AS (
       SELECT v.indicator, list(DISTINCT v.period ORDER BY v.period) AS periods,
              list(DISTINCT y.level ORDER BY y.level) FILTER (WHERE y.level IS NOT NULL) AS levels
       FROM published_indicator_value v JOIN chosen c ON c.id = v.indicator
       LEFT JOIN region_year y ON y.code = v.region AND y.year = v.boundary_year
       GROUP BY v.indicator)
     SELECT c.id, c.theme, c.title_nl, c.title_en, c.description_nl, c.description_en, c.unit, c.decimals,
            c.better, c.kind, c.formula, c.disclosure, s.sources, g.periods, g.levels
     FROM chosen c LEFT JOIN sources s ON s.indicator = c.id LEFT JOIN coverage g ON g.indicator = c.id
     ORDER BY c.theme, c.id`,
    params,
  );
  return rows.map(toIndicator);
}

const LEVEL_ORDER = ['land', 'landsdeel', 'provincie', 'corop', 'gemeente', 'wijk', 'buurt', 'custom'];

function toIndicator(r: IndicatorRow) {
  return {
    id: r.id,
    theme: r.theme,
    title: { nl: r.title_nl, en: r.title_en },
    description: { nl: r.description_nl, en: r.description_en },
    unit: r.unit,
    decimals: r.decimals,
    better: r.better,
    kind: r.kind,
    formula: r.formula,
    disclosure: r.disclosure,
    sources: r.sources ?? [],
    periods: r.periods ?? [],
    levels: [...(r.levels ?? [])].sort((a, b) => LEVEL_ORDER.indexOf(a) - LEVEL_ORDER.indexOf(b)),
  };
}

/** Themes, indicators and search. */
export function indicatorRoutes(store: Store) {
  return [
    route({
      path: '/themes',
      operationId: 'listThemes',
      summary: 'The themes of the indicator library',
      tag: 'indicators',
      ok: {
        description: 'The eight themes with their number of open indicators.',
        content: { 'application/json': 'ThemeList' },
      },
      cache: 'data',
      handle: async ({ c }) => {
        const counts = new Map(
          (
            await store.all<{ theme: string; n: number }>(
              `SELECT theme, count(*) AS n FROM indicator i WHERE ${visibleCondition(accessOf(c), 'i.confidentiality')} GROUP BY theme`,
            )
          ).map((r) => [r.theme, Number(r.n)]),
        );
        // The library's own themes once it has stored them (indicator_theme); else the fixed eight.
        const stored = await store
          .all<{ id: string; nl: string; en: string }>(
            'SELECT id, title_nl AS nl, title_en AS en FROM indicator_theme ORDER BY position, id',
          )
          .catch(() => []);
        const themes = stored.length
          ? stored.map((t) => ({ id: t.id, title: { nl: t.nl, en: t.en } }))
          : THEMES.map((t) => ({ id: t.id, title: t.title }));
        return c.json({ data: themes.map((t) => ({ ...t, indicatorCount: counts.get(t.id) ?? 0 })) });
      },
    }),
    route({
      path: '/indicators',
      operationId: 'listIndicators',
      summary: 'Indicators, by theme or text',
      tag: 'indicators',
      query: z.object({
        theme: identifier('a theme id').optional(),
        q: searchText.optional(),
      }),
      ok: { description: 'The matching open indicators.', content: { 'application/json': 'IndicatorList' } },
      cache: 'data',
      handle: async ({ c, query }) => c.json({ data: await readIndicators(store, accessOf(c), query) }),
    }),
    route({
      path: '/indicators/{id}',
      operationId: 'getIndicator',
      summary: 'One indicator: definition, lineage, periods and levels',
      tag: 'indicators',
      params: z.object({ id: identifier('an indicator id') }),
      ok: { description: 'The indicator.', content: { 'application/json': 'Indicator' } },
      errors: [404],
      cache: 'data',
      handle: async ({ c, params }) => {
        const [indicator] = await readIndicators(store, accessOf(c), { id: params.id });
        if (!indicator) throw notFound('Indicator', `There is no published indicator "${params.id}".`);
        return c.json(indicator);
      },
    }),
    route({
      path: '/search',
      operationId: 'search',
      summary: 'Indicators and regions whose name contains the text',
      tag: 'search',
      query: z.object({ q: searchText }),
      ok: {
        description: 'At most 20 indicators and 20 regions.',
        content: { 'application/json': 'SearchResult' },
      },
      cache: 'data',
      handle: async ({ c, query }) => {
        const q = query.q.toLowerCase();
        const indicators = await store.all(
          `SELECT id, theme, {'nl': title_nl, 'en': title_en} AS title FROM indicator i
           WHERE ${visibleCondition(accessOf(c), 'i.confidentiality')} AND (contains(lower(id), $1) OR contains(lower(title_nl), $1) OR contains(lower(title_en), $1))
           ORDER BY NOT starts_with(lower(title_nl), $1), title_nl LIMIT 20`,
          [q],
        );
        // Each region once, in the latest year it exists (names of earlier years are history).
        const regions = await store.all(
          `SELECT code, name, level, year FROM (
             SELECT code, name, level, year, row_number() OVER (PARTITION BY code ORDER BY year DESC) AS n
             FROM region_year WHERE contains(lower(name), $1) OR lower(code) = $1)
           WHERE n = 1
           ORDER BY NOT starts_with(lower(name), $1),
                    list_position(['land', 'provincie', 'gemeente', 'custom', 'wijk', 'buurt'], level) NULLS LAST, length(name), code
           LIMIT 20`,
          [q],
        );
        return c.json({ indicators, regions });
      },
    }),
  ];
}
