import { z } from 'zod';

/** Dataset ids appear in URLs, formulas and file names: short, plain, case-insensitive unique. */
export const DATASET_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
/** Variable keys appear in formulas as dataset.variable. */
export const VARIABLE_KEY = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

export const confidentialityLevels = ['open', 'internal', 'confidential'] as const;
export type Confidentiality = (typeof confidentialityLevels)[number];

export const datasetMetaSchema = z.object({
  id: z
    .string()
    .regex(
      DATASET_ID,
      'a dataset id is 1-64 letters, digits, "_", "." or "-", starting with a letter or digit',
    ),
  title: z.string().min(1),
  description: z.string().optional(),
  publisher: z.string().min(1),
  source: z.string().min(1),
  licence: z.string().min(1),
  modified: z.string().optional(),
  confidentiality: z.enum(confidentialityLevels),
});
export type DatasetMeta = z.infer<typeof datasetMetaSchema>;

export const aggregations = ['sum', 'weighted', 'none'] as const;
export type Aggregation = (typeof aggregations)[number];

export const variableMetaSchema = z.object({
  key: z
    .string()
    .regex(VARIABLE_KEY, 'a variable key starts with a letter or "_" and has only letters, digits and "_"'),
  title: z.string().min(1),
  unit: z.string().optional(),
  decimals: z.number().int().min(0).max(12).optional(),
  aggregation: z.enum(aggregations),
  denominator: z.string().optional(),
  description: z.string().optional(),
});
export type VariableMeta = z.infer<typeof variableMetaSchema>;

export interface DimensionCode {
  dimension: string;
  code: string;
  title: string;
  parent?: string;
}

/** Turns a column header into a variable key: "Aantal inwoners (x 1 000)" -> "aantal_inwoners_x_1_000". */
export function variableKeyFromHeader(header: string): string {
  const slug = header
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase()
    .slice(0, 128);
  if (slug === '') return 'v';
  return /^[0-9]/.test(slug) ? `v_${slug}`.slice(0, 128) : slug;
}
