import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { aggregations, confidentialityLevels } from '../metadata.js';
import { fileFormats } from './detect.js';
import { FileImportError } from './errors.js';

const columnRef = z.object({ column: z.string().min(1) });

/**
 * How a file's columns become observations: the mapping file (YAML) a data center keeps next to
 * a recurring delivery, or the same fields from command-line flags.
 */
export const mappingSchema = z
  .object({
    dataset: z.object({
      id: z.string(),
      title: z.string().optional(),
      description: z.string().optional(),
      publisher: z.string().optional(),
      source: z.string().optional(),
      licence: z.string().optional(),
      modified: z.string().optional(),
      confidentiality: z.enum(confidentialityLevels).optional(),
    }),
    format: z.enum(fileFormats).optional(),
    /** long: one value per row (region, period, variable, value); wide: one column per variable. */
    layout: z.enum(['long', 'wide']).default('wide'),
    region: columnRef.extend({
      prefix: z
        .string()
        .regex(/^[A-Z]{2}$/)
        .optional(),
    }),
    period: z.union([columnRef, z.object({ value: z.string().min(1) })]),
    variable: columnRef.optional(),
    value: columnRef.optional(),
    /** Variables: for wide files the columns to import (all others when absent), for long files their metadata. */
    variables: z
      .array(
        z.object({
          column: z.string().min(1),
          key: z.string().optional(),
          title: z.string().optional(),
          unit: z.string().optional(),
          decimals: z.number().int().min(0).max(12).optional(),
          aggregation: z.enum(aggregations).optional(),
          denominator: z.string().optional(),
        }),
      )
      .optional(),
    /** Columns to leave out of a wide file (names, labels). */
    ignore: z.array(z.string()).optional(),
    decimal: z.enum([',', '.']).optional(),
    delimiter: z.enum([';', ',', '\t', '|']).optional(),
    encoding: z.enum(['utf-8', 'windows-1252']).optional(),
    skipLines: z.number().int().min(0).max(1000).optional(),
    sheet: z.string().optional(),
    mode: z.enum(['replace', 'append']).default('replace'),
    maxRejects: z.number().int().min(0).default(0),
  })
  .superRefine((m, ctx) => {
    if (m.layout === 'long' && (!m.variable || !m.value)) {
      ctx.addIssue({
        code: 'custom',
        message: 'a long file needs variable.column and value.column',
        path: ['layout'],
      });
    }
  });

export type Mapping = z.output<typeof mappingSchema>;
export type MappingInput = z.input<typeof mappingSchema>;

/** Validates a mapping, with messages that name the field. */
export function parseMapping(input: unknown, origin: string): Mapping {
  const parsed = mappingSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`)
      .join('; ');
    throw new FileImportError(origin, `invalid mapping: ${problems}`);
  }
  return parsed.data;
}

/** Reads and validates a mapping YAML file. */
export async function readMappingFile(file: string): Promise<Mapping> {
  const text = await readFile(file, 'utf8').catch(() => {
    throw new FileImportError(file, 'the mapping file cannot be read');
  });
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    throw new FileImportError(file, `the mapping file is not valid YAML: ${(error as Error).message}`);
  }
  return parseMapping(data, file);
}
