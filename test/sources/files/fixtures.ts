import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MappingInput } from '../../../src/sources/files/index.js';

/** The real CBS 03759ned population CSV (shared/data), the base every bad-input fixture is cut from. */
export const POPULATION_CSV = join(
  import.meta.dirname,
  '../../../../shared/data/stats/cbs_03759ned_bevolking_regio_2019_2026.csv',
);
export const GEMEENTEN_2023_GEOJSON = join(
  import.meta.dirname,
  '../../../../shared/data/boundaries/gemeenten_2023_groningen_assen_wgs84_simplified.geojson',
);

/** The real file's lines: header first. */
export function populationLines(): string[] {
  return readFileSync(POPULATION_CSV, 'utf8').trimEnd().split('\n');
}

/** The real header and rows for Groningen (GM0014) and a few neighbours, as a Dutch-style CSV (';' and decimal comma). */
export function dutchPopulationCsv(rows = 20): string {
  const lines = populationLines().slice(0, rows + 1);
  return lines.map((l) => toDutch(l)).join('\n') + '\n';
}

/** Rewrites a comma-separated line of the real file as a ';'-separated line with decimal commas. */
export function toDutch(line: string): string {
  return splitQuoted(line)
    .map((f) => (/^-?\d+\.\d+$/.test(f) ? f.replace('.', ',') : f))
    .join(';');
}

function splitQuoted(line: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) {
      out.push(field);
      field = '';
    } else field += ch;
  }
  out.push(field);
  return out;
}

export async function write(dir: string, name: string, content: string | Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

/** The mapping of the real population file (wide: two measures as variables). */
export function populationMapping(overrides: Partial<MappingInput> = {}): MappingInput {
  return {
    dataset: {
      id: 'bevolking',
      title: 'Bevolking',
      publisher: 'CBS',
      licence: 'CC BY 4.0',
      confidentiality: 'open',
    },
    layout: 'wide',
    region: { column: 'regio_code' },
    period: { column: 'jaar' },
    ignore: ['regio_naam', 'provincie_code'],
    ...overrides,
  };
}
