import { z } from 'zod';

/**
 * Builders for query and path parameters. Every parameter arrives as text; each builder says in
 * its error message what it expects, and its JSON Schema (for the OpenAPI document) says the same.
 */

/** The largest page a client may ask for. */
export const MAX_PAGE_SIZE = 10_000;
export const DEFAULT_PAGE_SIZE = 1_000;
/** Pages beyond this are refused: deep offsets cost the engine a scan for nothing. */
export const MAX_PAGE = 100_000;

/** Region levels of the register (region_year.level). */
export const LEVELS = [
  'land',
  'landsdeel',
  'provincie',
  'corop',
  'gemeente',
  'wijk',
  'buurt',
  'custom',
] as const;

const REGION_CODE = /^(?:[A-Z]{2}[0-9A-Z]{2,8}|X_[A-Z0-9_]{1,40})$/;
const PERIOD_CODE = /^[0-9]{4}[A-Z0-9]{4}$/;
const IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

export const integer = (min: number, max: number, what: string) =>
  z.coerce
    .number({ error: `expected ${what}: a whole number from ${min} to ${max}` })
    .int({ error: `expected ${what}: a whole number from ${min} to ${max}` })
    .min(min, { error: `expected ${what}: a whole number from ${min} to ${max}` })
    .max(max, { error: `expected ${what}: a whole number from ${min} to ${max}` });

export const page = integer(1, MAX_PAGE, 'a page number').default(1).describe('Page number, from 1.');
export const pageSize = integer(1, MAX_PAGE_SIZE, 'a page size')
  .default(DEFAULT_PAGE_SIZE)
  .describe(`Items per page (default ${DEFAULT_PAGE_SIZE}, at most ${MAX_PAGE_SIZE}).`);

export const year = integer(1800, 2200, 'a year').describe('Register year (the boundaries of 1 January).');

export const level = z
  .enum(LEVELS, { error: `expected one of ${LEVELS.join(', ')}` })
  .describe('Region level.');

/** One region code, any case (stored codes are upper case). */
export const regionCode = z
  .string()
  .max(43)
  .transform((s) => s.trim().toUpperCase())
  .pipe(
    z.string().regex(REGION_CODE, {
      error: 'expected a region code such as GM0014, WK001400, BU00140000, PV20, NL01 or X_RGA',
    }),
  )
  .describe('Region code (GM0014, WK001400, BU00140000, PV20, CR01, LD01, NL01, X_RGA).');

export const periodCode = z
  .string()
  .regex(PERIOD_CODE, { error: 'expected a CBS period code such as 2023JJ00, 2023KW02 or 2023MM07' })
  .describe('CBS period code (2023JJ00, 2023KW02, 2023MM07).');

export const identifier = (what: string) =>
  z
    .string()
    .regex(IDENTIFIER, {
      error: `expected ${what}: letters, digits, '-', '_' or '.', at most 100 characters`,
    })
    .describe(`${what[0]!.toUpperCase()}${what.slice(1)}.`);

/** A comma-separated list of items that each pass `item`, at most `max` of them. */
export function list<T extends z.ZodType<unknown, string>>(item: T, max: number, what: string) {
  return z
    .string()
    .max(max * 50, { error: `expected at most ${max} ${what}` })
    .transform((text, ctx) => {
      const parts = text.split(',').map((p) => p.trim());
      if (parts.length > max || parts.some((p) => p === '')) {
        ctx.addIssue({ code: 'custom', message: `expected 1 to ${max} ${what}, separated by commas` });
        return z.NEVER;
      }
      const out: z.output<T>[] = [];
      for (const p of parts) {
        const parsed = item.safeParse(p);
        if (!parsed.success) {
          ctx.addIssue({
            code: 'custom',
            message: `"${clip(p)}": ${parsed.error.issues[0]?.message ?? 'invalid'}`,
          });
          return z.NEVER;
        }
        out.push(parsed.data as z.output<T>);
      }
      return [...new Set(out)];
    })
    .describe(`One or more ${what}, separated by commas (at most ${max}).`);
}

/** Text to search for. */
export const searchText = z
  .string()
  .trim()
  .min(1, { error: 'expected some text to search for' })
  .max(100, { error: 'expected at most 100 characters' })
  .describe('Text to look for in names and titles (case-insensitive).');

/** Shortens echoed input so an error message stays readable. */
export function clip(text: string, length = 40): string {
  return text.length > length ? `${text.slice(0, length)}…` : text;
}
