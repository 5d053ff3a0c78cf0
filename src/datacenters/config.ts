// A data center's configuration: datacenters/<name>/datacenter.yaml, checked with zod, every problem
// reported with file, line and column. Reading is pure apart from the files; checks against the
// indicator library and the region register are in check.ts.
import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { parseRegionCode } from '../core/index.js';
import { THEMES } from '../indicators/library.js';
import { DATACENTERS_DIR } from '../regions/register/store.js';
import { checkContrast, isHexColour, type Colours } from './colours.js';
import { logoProblems } from './logo.js';
import { problemAt, readYamlFile, zodProblems, type YamlFile } from './yaml.js';

const text = z.object({ nl: z.string().min(1), en: z.string().min(1) }).strict();
const ID = /^[a-z][a-z0-9_]*$/;
const NAME = /^[a-z][a-z0-9-]{0,39}$/;
const regionCode = z.string().refine((c) => parseRegionCode(c).ok, {
  message: 'expected a region code such as GM0014, WK001400, BU00140000 or X_RGA',
});
const colour = z.string().refine(isHexColour, { message: 'expected a colour as #rrggbb' });

const datacenterSchema = z
  .object({
    name: text,
    description: text,
    /** The data center's region: a custom region of its regions.yaml (or any region code). */
    region: regionCode,
    /** The home gemeenten: the municipality (or municipalities) running the data center, in the newest register. */
    home: z.array(regionCode).min(1),
    /** Themes in the data center's order, each with its selection of indicators (all of the theme when absent). */
    themes: z
      .array(
        z
          .object({
            id: z.enum(THEMES),
            indicators: z.array(z.string().regex(ID, 'indicator ids are snake_case')).min(1).optional(),
          })
          .strict(),
      )
      .min(1),
    /** How peers are chosen: fixed peer areas, and the variables and k of the automatic choice. */
    peers: z
      .object({
        /** Indicators (of the library) that describe an area for the peer choice; a list gives alternatives, the first with a value is used. */
        variables: z
          .array(
            z.union([
              z.string().regex(ID, 'indicator ids are snake_case'),
              z.array(z.string().regex(ID, 'indicator ids are snake_case')).min(1),
            ]),
          )
          .min(1),
        /** How many nearest areas are peers. */
        k: z.number().int().min(1).max(50).default(10),
        /** Fixed peers of the home gemeenten (other cities a data center compares itself with). */
        areas: z.array(regionCode).default([]),
      })
      .strict(),
    colours: z.object({ primary: colour, accent: colour, text: colour, background: colour }).strict(),
    /** An SVG file in the data center's folder. */
    logo: z
      .string()
      .regex(/^[a-z0-9_-]+\.svg$/, 'expected the name of an SVG file in the folder, e.g. logo.svg'),
    /** Where the custom region's membership comes from (said on the data center's pages). */
    sources: text.optional(),
  })
  .strict();

export type DatacenterSettings = z.output<typeof datacenterSchema>;

/** A data center as configured: its settings and where its files are. */
export interface Datacenter extends DatacenterSettings {
  /** The folder name: groningen, eindhoven, heerlen. */
  id: string;
  dir: string;
  file: string;
  /** The logo's SVG text (checked: self-contained and inert). */
  logoSvg: string;
  /** datacenters/<id>/indicators when it exists: local indicators that add to the shared library. */
  localIndicators?: string;
  /** datacenters/<id>/regions.yaml when it exists. */
  regionsFile?: string;
  colours: Colours;
}

/** A data center's configuration is wrong: the message lists every problem with file, line and column. */
export class DatacenterError extends Error {
  override name = 'DatacenterError';
  constructor(readonly problems: readonly string[]) {
    super(`${problems.length} problem(s):\n- ${problems.join('\n- ')}`);
  }
}

/** The names of the data centers under `root` (folders holding a datacenter.yaml), sorted. */
export function datacenterNames(root = DATACENTERS_DIR): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(root, e.name, 'datacenter.yaml')))
    .map((e) => e.name)
    .sort();
}

/**
 * Reads and checks datacenters/<name>/datacenter.yaml: the schema, the colours' contrast and the
 * logo. Throws a DatacenterError listing every problem found.
 */
export async function readDatacenter(name: string, root = DATACENTERS_DIR): Promise<Datacenter> {
  if (!NAME.test(name))
    throw new DatacenterError([
      `"${name}" is not a data center name: expected lower case letters, digits and -, such as groningen`,
    ]);
  const dir = join(root, name);
  const file = join(dir, 'datacenter.yaml');
  if (!existsSync(file)) {
    const known = datacenterNames(root);
    throw new DatacenterError([
      `no data center "${name}": ${file} does not exist; data centers are ${known.join(', ') || 'none'}`,
    ]);
  }
  const { doc, problems } = await readYamlFile(file);
  if (!doc) throw new DatacenterError(problems);
  const parsed = datacenterSchema.safeParse(doc.value);
  if (!parsed.success) throw new DatacenterError(zodProblems(doc, parsed.error));
  const settings = parsed.data;
  problems.push(...sameTwice(doc, settings));
  for (const rule of checkContrast(settings.colours))
    if (!rule.passes)
      problems.push(
        problemAt(
          doc,
          ['colours', rule.fore === 'white' ? rule.back : rule.fore],
          `contrast ${rule.fore} on ${rule.back} is ${rule.ratio}:1; ${rule.why} needs at least ${rule.minimum}:1`,
        ),
      );
  let logoSvg = '';
  try {
    logoSvg = await readFile(join(dir, settings.logo), 'utf8');
    for (const p of logoProblems(logoSvg)) problems.push(problemAt(doc, ['logo'], `${settings.logo} ${p}`));
  } catch {
    problems.push(problemAt(doc, ['logo'], `${settings.logo} does not exist in ${dir}`));
  }
  if (problems.length) throw new DatacenterError(problems);
  const local = join(dir, 'indicators');
  const regions = join(dir, 'regions.yaml');
  return {
    ...settings,
    id: name,
    dir,
    file,
    logoSvg,
    ...(existsSync(local) ? { localIndicators: local } : {}),
    ...(existsSync(regions) ? { regionsFile: regions } : {}),
  };
}

/** Every data center under `root`; throws on the first one whose configuration is wrong. */
export async function readDatacenters(root = DATACENTERS_DIR): Promise<Datacenter[]> {
  const out: Datacenter[] = [];
  for (const name of datacenterNames(root)) out.push(await readDatacenter(name, root));
  return out;
}

/** Lists that name the same item twice (a theme, an indicator, a gemeente). */
function sameTwice(doc: YamlFile, s: DatacenterSettings): string[] {
  const problems: string[] = [];
  const once = (items: readonly string[], path: (string | number)[], what: string) => {
    const seen = new Set<string>();
    items.forEach((item, i) => {
      if (seen.has(item)) problems.push(problemAt(doc, [...path, i], `${what} ${item} is listed twice`));
      seen.add(item);
    });
  };
  once(
    s.themes.map((t) => t.id),
    ['themes'],
    'theme',
  );
  const indicators = new Set<string>();
  s.themes.forEach((t, ti) =>
    (t.indicators ?? []).forEach((id, ii) => {
      if (indicators.has(id))
        problems.push(problemAt(doc, ['themes', ti, 'indicators', ii], `indicator ${id} is listed twice`));
      indicators.add(id);
    }),
  );
  once(s.home, ['home'], 'gemeente');
  once(
    s.peers.variables.map((v) => (typeof v === 'string' ? v : v.join('|'))),
    ['peers', 'variables'],
    'variable',
  );
  return problems;
}

/** Where a setting of a data center's file is, for messages of later checks. */
export async function positionsOf(datacenter: Datacenter): Promise<YamlFile | undefined> {
  return (await readYamlFile(datacenter.file)).doc;
}
