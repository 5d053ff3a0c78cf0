// The disclosure configuration is data (YAML or JSON per dataset or indicator), checked with zod.
import { z } from 'zod';

/** Minimum frequency: a cell with 0 < units < threshold is unsafe. */
export const FrequencyRuleSchema = z.object({
  threshold: z.number().int().min(1),
  /**
   * Protection interval asked for an unsafe cell, as a percentage: of the threshold for frequency
   * tables (threshold 10, 30% -> the intruder's interval must reach 3 above and below the value, as
   * far as zero allows), of the cell value for magnitude tables.
   */
  protectionPercent: z.number().min(0).max(100).default(30),
});

/** (n,k)-dominance: unsafe when the n largest contributions make up more than k% of the cell. */
export const DominanceRuleSchema = z.object({
  n: z.number().int().min(1),
  k: z.number().gt(0).max(100),
});

/** p%-rule: unsafe when the second largest contributor could estimate the largest within p%. */
export const PPercentRuleSchema = z.object({
  p: z.number().gt(0).max(100),
});

/** Rounding to a base: 'additive' rounds the innermost cells and adds them up; 'nearest' rounds every cell on its own. */
export const RoundingSchema = z.object({
  base: z.number().int().min(2).default(5),
  mode: z.enum(['additive', 'nearest']).default('additive'),
});

/**
 * A perturbation table (ptable) for the cell-key method: for an original count `value` (the last
 * row also serves every larger count), the perturbations `noise` with their probabilities, which
 * must add up to 1 and may not make a count negative.
 */
export const PTableSchema = z
  .array(
    z.object({
      value: z.number().int().min(0),
      noise: z.array(z.object({ add: z.number().int(), probability: z.number().min(0).max(1) })).min(1),
    }),
  )
  .min(1);

/** Cell-key method settings. */
export const CellKeySchema = z.object({
  ptable: PTableSchema.optional(),
  /** Salt mixed into the hash of the coordinates when cells have no record keys (keep it secret). */
  salt: z.string().default('udc'),
});

/** Everything the disclosure layer can be told for one dataset or indicator. */
export const DisclosureConfigSchema = z.object({
  /** Suppression (primary + secondary), or a perturbative alternative. */
  method: z.enum(['suppression', 'rounding', 'cell-key']).default('suppression'),
  frequency: FrequencyRuleSchema.optional(),
  dominance: DominanceRuleSchema.optional(),
  pPercent: PPercentRuleSchema.optional(),
  /** Zero cells (given, value 0): publish them, or treat them as unsafe (group disclosure). */
  zeros: z.enum(['publish', 'suppress']).default('publish'),
  /** Empty cells (no data given; structural zeros): publish as not applicable, or suppress. */
  empty: z.enum(['publish', 'suppress']).default('publish'),
  /** Cells always suppressed, by code per dimension name. */
  alwaysSuppress: z.array(z.record(z.string(), z.string())).default([]),
  /** Protection interval for manual suppressions, as a percentage of the cell value (at least 1). */
  manualProtectionPercent: z.number().min(0).max(100).default(10),
  /** What a complementary suppression costs: its value (information lost), one per cell, or log(value). */
  secondaryCost: z.enum(['value', 'unity', 'log']).default('value'),
  rounding: RoundingSchema.default({ base: 5, mode: 'additive' }),
  cellKey: CellKeySchema.default({ salt: 'udc' }),
});

/** A checked disclosure configuration (defaults filled in). */
export type DisclosureConfig = z.infer<typeof DisclosureConfigSchema>;
/** A configuration as written by a person (defaults may be left out). */
export type DisclosureConfigInput = z.input<typeof DisclosureConfigSchema>;
/** A checked ptable. */
export type PTable = z.infer<typeof PTableSchema>;

/**
 * Checks a configuration and fills its defaults; throws an Error naming the field and what was
 * expected when it is wrong.
 */
export function parseDisclosureConfig(input: unknown, where = 'disclosure configuration'): DisclosureConfig {
  const result = DisclosureConfigSchema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`${where}: ${problems.join('; ')}`);
  }
  return result.data;
}
