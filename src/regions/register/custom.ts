import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { z } from 'zod';
import { parseRegionCode } from '../../core/index.js';

const memberSchema = z.object({
  level: z.enum(['gemeente', 'wijk', 'buurt']),
  /** The year whose codes `codes` are; other years follow through crosswalks or equal codes. */
  year: z.number().int().min(1800).max(2200),
  codes: z.array(z.string()).min(1),
});

const customRegionSchema = z.object({
  code: z
    .string()
    .regex(
      /^X_[A-Z0-9_]{1,40}$/,
      'custom region codes are X_ followed by capitals, digits or _ (e.g. X_RGA)',
    ),
  name: z.string().min(1),
  name_en: z.string().optional(),
  description: z.string().optional(),
  members: memberSchema,
});

const fileSchema = z.object({ regions: z.array(customRegionSchema).min(1) }).strict();

export type CustomRegion = z.infer<typeof customRegionSchema>;

/** Reads a data center's custom regions (datacenters/<name>/regions.yaml), checking every member code. */
export async function readCustomRegions(file: string): Promise<CustomRegion[]> {
  let data: unknown;
  try {
    data = parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message.split('\n')[0]}`, { cause: error });
  }
  const parsed = fileSchema.safeParse(data);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`)
      .join('; ');
    throw new Error(`${file}: invalid custom regions: ${problems}`);
  }
  for (const region of parsed.data.regions) {
    for (const code of region.members.codes) {
      const checked = parseRegionCode(code);
      if (!checked.ok) throw new Error(`${file}: region ${region.code}: ${checked.error}`);
      if (checked.value.level !== region.members.level) {
        throw new Error(
          `${file}: region ${region.code}: ${code} is a ${checked.value.level}, but members are ${region.members.level} codes`,
        );
      }
    }
  }
  return parsed.data.regions;
}
