// What an import does with each column of a microdata file: configuration as data (YAML or
// flags), checked with zod. Direct identifiers must be dealt with explicitly: a column whose name
// looks like one (naam, adres, geboortedatum ...) is refused until the configuration says drop,
// hash or coarsen.
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { LinkageError } from './errors.js';

/**
 * Column actions:
 * - `bsn`: the person's BSN; checked with the 11-test and replaced by the pseudonym (never stored)
 * - `drop`: not read into the zone at all
 * - `text`, `integer`, `number`: kept as they are, typed
 * - `hash:<field>`: replaced by a keyed hash (for probabilistic linkage on exact agreement) under
 *   the field name, e.g. `hash:dob` in two files with different column names
 * - `year`: a date coarsened to its year; `age`: a date coarsened to whole years of age on the reference date
 * - `pc4`: a postcode coarsened to its four digits
 * A column may take several actions (e.g. a date of birth as `[age, hash:dob]`).
 */
export const ColumnAction = z.union([
  z.enum(['bsn', 'drop', 'text', 'integer', 'number', 'year', 'age', 'pc4']),
  z.string().regex(/^hash:[a-z][a-z0-9_]{0,29}$/, 'hash:<field>, the field a lower-case name'),
]);
export type ColumnAction = z.infer<typeof ColumnAction>;

export const ImportConfigSchema = z.object({
  /** Column actions by source column name. Unlisted columns are kept as text. */
  columns: z.record(z.string(), z.union([ColumnAction, z.array(ColumnAction).min(1)])).default({}),
  /** One row per person (a duplicate BSN is an error). Default true for files with a BSN. */
  unique: z.boolean().optional(),
  /** The day ages are computed on, YYYY-MM-DD (default 1 January of this year). */
  referenceDate: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
  /** The file is synthetic (generated): recorded with the dataset. */
  synthetic: z.boolean().default(false),
  delimiter: z.enum([',', ';', '\t', '|']).optional(),
});
export type ImportConfig = z.infer<typeof ImportConfigSchema>;

/** Column names that are direct identifiers unless the configuration says what to do with them. */
const DIRECT_IDENTIFIER =
  /^(bsn|burgerservicenummer|sofinummer|naam|name|voornaam|voornamen|achternaam|geslachtsnaam|surname|first_?name|last_?name|adres|address|straat|straatnaam|street|geboortedatum|date_?of_?birth|birth_?date|dob|telefoon|telefoonnummer|phone|e-?mail|iban|postcode|huisnummer|house_?number)$/i;

/** True when a column name looks like a direct identifier. */
export function looksLikeIdentifier(column: string): boolean {
  return DIRECT_IDENTIFIER.test(column.trim());
}

/** Checks a configuration (from YAML, JSON or flags); `where` names its origin in errors. */
export function parseImportConfig(input: unknown, where: string): ImportConfig {
  const result = ImportConfigSchema.safeParse(input ?? {});
  if (!result.success) {
    const problems = result.error.issues.map(
      (i) => `${where}: ${i.path.join('.') || '(root)'}: ${i.message}`,
    );
    throw new LinkageError(problems.join('; '), problems);
  }
  const bsn = Object.entries(result.data.columns).filter(([, a]) =>
    (Array.isArray(a) ? a : [a]).includes('bsn'),
  );
  if (bsn.length > 1)
    throw new LinkageError(
      `${where}: columns ${bsn.map(([c]) => c).join(', ')} are all marked bsn; a file has one`,
    );
  return result.data;
}

/** Reads an import configuration from a YAML (or JSON) file. */
export async function readImportConfig(file: string): Promise<ImportConfig> {
  let data: unknown;
  try {
    data = parseYaml(await readFile(file, 'utf8'));
  } catch (error) {
    throw new LinkageError(`${file}: not readable YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  return parseImportConfig(data, file);
}
