import { z } from 'zod';
import { LEVELS } from './params.js';

/**
 * The shapes of the answers (docs/api.md, /work/notes contract). They document the API in the
 * OpenAPI document and the tests check real answers against them, so document and server agree.
 */

const text = z.object({ nl: z.string(), en: z.string() });
const level = z.enum(LEVELS);

export const Page = z
  .object({
    number: z.number().int().describe('This page, from 1.'),
    size: z.number().int().describe('Items per page.'),
    total: z.number().int().describe('Items in the whole selection.'),
    totalPages: z.number().int(),
  })
  .describe('Where this page is in the selection.');

export const Links = z
  .object({
    self: z.object({ href: z.string() }),
    first: z.object({ href: z.string() }).optional(),
    prev: z.object({ href: z.string() }).optional(),
    next: z.object({ href: z.string() }).optional(),
    last: z.object({ href: z.string() }).optional(),
  })
  .describe('Paging links (also sent as an RFC 8288 Link header).');

const paged = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item), page: Page, _links: Links });

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string(),
    'invalid-params': z.array(z.object({ name: z.string(), reason: z.string() })).optional(),
  })
  .describe('RFC 9457 problem details.');

export const Health = z.object({ status: z.literal('ok'), schemaVersion: z.number().int() });

export const Dataset = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string().nullable(),
  publisher: z.string(),
  source: z.string(),
  licence: z.string(),
  modified: z.string().nullable(),
  version: z.number().int(),
  observations: z.number().int(),
});
export const Variable = z.object({
  key: z.string(),
  title: z.string(),
  unit: z.string().nullable(),
  decimals: z.number().int().nullable(),
  aggregation: z.enum(['sum', 'weighted', 'none']),
  denominator: z.string().nullable(),
  description: z.string().nullable(),
});
export const DatasetDetail = Dataset.extend({ variables: z.array(Variable) });
export const Observation = z.object({
  variable: z.string(),
  region: z.string(),
  period: z.string(),
  categories: z
    .string()
    .describe("Extra dimension codes, e.g. 'Geslacht=T001038;Leeftijd=10000'; '' when none."),
  value: z.number().nullable(),
  status: z.string(),
});

export const Theme = z.object({ id: z.string(), title: text, indicatorCount: z.number().int() });

export const Indicator = z.object({
  id: z.string(),
  theme: z.string(),
  title: text,
  description: z.object({ nl: z.string().nullable(), en: z.string().nullable() }),
  unit: z.string(),
  decimals: z.number().int(),
  better: z.enum(['higher', 'lower', 'neither']),
  kind: z.enum(['ratio', 'formula']),
  formula: z.string(),
  disclosure: z.string(),
  sources: z.array(
    z.object({
      dataset: z.string(),
      title: z.string().nullable(),
      version: z.number().int(),
      modified: z.string().nullable(),
    }),
  ),
  periods: z.array(z.string()),
  levels: z.array(level),
});

export const Value = z.object({
  indicator: z.string(),
  region: z.string(),
  regionName: z.string().nullable(),
  level: level.nullable(),
  period: z.string(),
  year: z.number().int(),
  boundaryYear: z.number().int(),
  value: z
    .number()
    .nullable()
    .describe(
      "Rounded to the indicator's decimals; null when missing, secret or hidden by disclosure control.",
    ),
  status: z.string(),
  derivation: z.enum(['computed', 'summed', 'converted']),
  conversion: z.enum(['exact', 'estimated']).nullable(),
  disclosure: z.enum(['primary', 'secondary', 'rounded', 'perturbed']).nullable(),
});

export const Region = z.object({ code: z.string(), name: z.string(), level, year: z.number().int() });
export const RegionDetail = Region.extend({
  validFrom: z.string().nullable(),
  validTo: z.string().nullable(),
  years: z.array(z.number().int()).describe('Register years the code is in.'),
  parents: z.array(z.object({ classification: z.string(), code: z.string(), name: z.string().nullable() })),
  children: z.array(z.object({ code: z.string(), name: z.string(), level })),
});

export const FeatureCollection = z
  .object({
    type: z.literal('FeatureCollection'),
    attribution: z.string().optional(),
    features: z.array(
      z.object({
        type: z.literal('Feature'),
        id: z.string().optional(),
        geometry: z.object({ type: z.string(), coordinates: z.array(z.unknown()) }).nullable(),
        properties: z.record(z.string(), z.unknown()),
      }),
    ),
  })
  .describe('GeoJSON (RFC 7946), WGS84.');

const profileValue = z.object({
  region: z.string(),
  value: z.number().nullable(),
  status: z.string(),
  disclosure: z.string().nullable(),
});
export const Profile = z.object({
  region: Region,
  references: z.array(Region.extend({ relation: z.enum(['gemeente', 'custom', 'land']) })),
  indicators: z.array(
    z.object({
      indicator: z.string(),
      theme: z.string(),
      title: text,
      unit: z.string(),
      decimals: z.number().int(),
      better: z.enum(['higher', 'lower', 'neither']),
      period: z.string(),
      values: z.array(profileValue).describe('The region first, then each reference that has a value.'),
      series: z.array(z.object({ period: z.string(), value: z.number().nullable() })),
    }),
  ),
});

export const SearchResult = z.object({
  indicators: z.array(z.object({ id: z.string(), theme: z.string(), title: text })),
  regions: z.array(Region),
});

/** Named schemas: components of the OpenAPI document, referred to by name from routes. */
export const COMPONENTS: Record<string, z.ZodType> = {
  Problem,
  Health,
  Page,
  Links,
  Dataset,
  DatasetDetail,
  Variable,
  Observation,
  Theme,
  Indicator,
  Value,
  Region,
  RegionDetail,
  FeatureCollection,
  Profile,
  SearchResult,
  DatasetList: z.object({ data: z.array(Dataset) }),
  VariableList: z.object({ data: z.array(Variable) }),
  ObservationPage: paged(Observation),
  ThemeList: z.object({ data: z.array(Theme) }),
  IndicatorList: z.object({ data: z.array(Indicator) }),
  ValuePage: paged(Value),
  ValueList: z.object({ data: z.array(Value) }),
  RegionPage: paged(Region),
};
