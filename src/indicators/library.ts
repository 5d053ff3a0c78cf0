// The indicator library: YAML definitions, one file per theme, checked with zod and parsed into
// formulas. Reading and checking is pure apart from reading the files; the store is not needed
// until variables are checked against what was imported (checkLibrary).
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseYamlWithPositions, type PositionedYaml } from '../core/yaml.js';
import { z } from 'zod';
import { FormulaError, type Expr, type Position } from './formula/ast.js';
import { dependencies, dependencyOrder, walk } from './formula/check.js';
import { parseFormula } from './formula/parser.js';

/** The shared library shipped with udc. */
export const SHARED_LIBRARY_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../indicators');

/** The eight themes of the dashboard, in the order it shows them. */
export const THEMES = [
  'bevolking',
  'wonen',
  'arbeidsmarkt',
  'economie',
  'mobiliteit',
  'veiligheid',
  'gezondheid',
  'duurzaamheid',
] as const;
export type ThemeId = (typeof THEMES)[number];

const text = z.object({ nl: z.string().min(1), en: z.string().min(1) }).strict();
const ID = /^[a-z][a-z0-9_]*$/;

const indicatorSchema = z
  .object({
    id: z.string().regex(ID, 'ids are lower case letters, digits and _ (snake_case), starting with a letter'),
    title: text,
    description: text,
    unit: z.string().min(1),
    decimals: z.number().int().min(0).max(6),
    better: z.enum(['higher', 'lower', 'neither']),
    /** A formula; or numerator and denominator (ratios), scaled by `scale` (100 for a percentage). */
    formula: z.string().min(1).optional(),
    numerator: z.string().min(1).optional(),
    denominator: z.string().min(1).optional(),
    scale: z.number().positive().default(1),
    /** Dataset aliases the formula reads; derived from the formula when absent, checked when given. */
    sources: z.array(z.string()).optional(),
    disclosure: z.string().min(1).default('cbs-open'),
    method: text.partial().optional(),
  })
  .strict()
  .refine((d) => (d.formula === undefined) !== (d.numerator === undefined && d.denominator === undefined), {
    message: 'give either formula, or numerator and denominator',
  })
  .refine((d) => (d.numerator === undefined) === (d.denominator === undefined), {
    message: 'a ratio needs both numerator and denominator',
  });

const themeFileSchema = z
  .object({
    theme: z.enum(THEMES),
    title: text,
    description: text.optional(),
    /** Said plainly on the theme page when the bundled data cannot (fully) fill the theme. */
    note: text.optional(),
    indicators: z.array(z.unknown()).default([]),
  })
  .strict();

const sourcesFileSchema = z.record(
  z.string().regex(/^[a-z][a-z0-9_]*$/),
  z
    .object({
      dataset: z.string().min(1),
      /** The CBS table (or other source) that fills it, for a note when it is not in the store. */
      table: z.string().optional(),
      title: z.string().optional(),
    })
    .strict(),
);

export interface Theme {
  id: ThemeId;
  position: number;
  title: { nl: string; en: string };
  description?: { nl: string; en: string };
  note?: { nl: string; en: string };
}

export interface SourceAlias {
  alias: string;
  dataset: string;
  table?: string;
  title?: string;
}

export interface IndicatorDefinition {
  id: string;
  theme: ThemeId;
  title: { nl: string; en: string };
  description: { nl: string; en: string };
  unit: string;
  decimals: number;
  better: 'higher' | 'lower' | 'neither';
  kind: 'ratio' | 'formula';
  /** The formula as written (for a ratio: "numerator / denominator", with its scale). */
  formula: string;
  /** Parsed, with dataset aliases resolved to dataset ids. */
  expr?: Expr;
  numerator?: Expr;
  denominator?: Expr;
  scale: number;
  /** Dataset ids the values come from. */
  datasets: string[];
  /** Other indicators the formula references. */
  references: string[];
  disclosure: string;
  method?: { nl?: string; en?: string };
  /** 'shared' or the data center whose library defines it. */
  library: string;
  /** Where it is defined, for messages. */
  file: string;
  /** The definition as written, for storage and for the hash that tells a rebuild it changed. */
  raw: Record<string, unknown>;
}

export interface IndicatorLibrary {
  themes: Theme[];
  sources: Map<string, SourceAlias>;
  indicators: IndicatorDefinition[];
}

/** A library file is wrong: the message names the file, the line and column, and what was expected. */
export class LibraryError extends Error {
  override name = 'LibraryError';
}

/**
 * Reads a library folder (sources.yaml and one YAML file per theme) and, when given, data
 * centers' folders of local indicators that add to the shared ones (never replace them). Throws a
 * LibraryError listing every problem found, each with file, line and column.
 */
export async function loadLibrary(
  dirs: {
    shared?: string;
    local?: { name: string; dir: string } | readonly { name: string; dir: string }[];
  } = {},
): Promise<IndicatorLibrary> {
  const shared = dirs.shared ?? SHARED_LIBRARY_DIR;
  const problems: string[] = [];
  const sources = new Map<string, SourceAlias>();
  const themes = new Map<ThemeId, Theme>();
  const indicators: IndicatorDefinition[] = [];
  const locals = dirs.local === undefined ? [] : Array.isArray(dirs.local) ? dirs.local : [dirs.local];
  const folders = [{ name: 'shared', dir: shared }, ...(locals as { name: string; dir: string }[])];
  for (const { dir } of folders) {
    const file = join(dir, 'sources.yaml');
    const doc = await readYaml(file, problems, true);
    if (doc === undefined) continue;
    const parsed = sourcesFileSchema.safeParse(doc.value);
    if (!parsed.success) {
      problems.push(...zodProblems(parsed.error, file, doc.position));
      continue;
    }
    for (const [alias, s] of Object.entries(parsed.data)) sources.set(alias, { alias, ...s });
  }
  for (const { name, dir } of folders) {
    const files = (await readdir(dir).catch(() => [] as string[]))
      .filter((f) => /\.ya?ml$/.test(f) && f !== 'sources.yaml')
      .sort();
    for (const f of files) {
      const file = join(dir, f);
      const doc = await readYaml(file, problems);
      if (doc === undefined) continue;
      const parsed = themeFileSchema.safeParse(doc.value);
      if (!parsed.success) {
        problems.push(...zodProblems(parsed.error, file, doc.position));
        continue;
      }
      const t = parsed.data;
      if (name === 'shared' || !themes.has(t.theme)) {
        themes.set(t.theme, {
          id: t.theme,
          position: THEMES.indexOf(t.theme) + 1,
          title: t.title,
          ...(t.description ? { description: t.description } : {}),
          ...(t.note ? { note: t.note } : {}),
        });
      }
      t.indicators.forEach((item, index) => {
        const path: (string | number)[] = ['indicators', index];
        const d = indicatorSchema.safeParse(item);
        if (!d.success) {
          problems.push(...zodProblems(d.error, file, doc.position, path));
          return;
        }
        const at = (key: string): Position => doc.position([...path, key]);
        try {
          indicators.push(
            definition(d.data, t.theme, name, file, at, sources, item as Record<string, unknown>),
          );
        } catch (error) {
          if (error instanceof FormulaError || error instanceof LibraryError) problems.push(error.message);
          else throw error;
        }
      });
    }
  }
  const seen = new Map<string, string>();
  for (const i of indicators) {
    const first = seen.get(i.id);
    if (first)
      problems.push(
        `${i.file}: indicator ${i.id} is defined twice (first in ${first}); ids are unique across the library`,
      );
    else seen.set(i.id, i.file);
  }
  for (const i of indicators)
    for (const r of i.references)
      if (!seen.has(r))
        problems.push(`${i.file}: indicator ${i.id} references @${r}, which the library does not define`);
  if (!problems.length) {
    try {
      dependencyOrder(new Map(indicators.map((i) => [i.id, new Set(i.references)])));
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  if (problems.length)
    throw new LibraryError(
      `the indicator library has ${problems.length} problem(s):\n- ${problems.join('\n- ')}`,
    );
  const ordered = THEMES.filter((id) => themes.has(id)).map((id) => themes.get(id)!);
  return { themes: ordered, sources, indicators };
}

function definition(
  d: z.output<typeof indicatorSchema>,
  theme: ThemeId,
  library: string,
  file: string,
  at: (key: string) => Position,
  sources: Map<string, SourceAlias>,
  raw: Record<string, unknown>,
): IndicatorDefinition {
  const parse = (key: 'formula' | 'numerator' | 'denominator', formula: string) => {
    // Point errors at the file: the formula's own line 1 is the YAML line of the key's value.
    const start = at(key);
    const inFile = (p: Position): Position => ({
      line: p.line + start.line - 1,
      column: p.line === 1 ? p.column + start.column - 1 : p.column,
    });
    let expr: Expr;
    try {
      expr = parseFormula(formula);
    } catch (error) {
      if (error instanceof FormulaError)
        throw new FormulaError(error.reason, inFile(error.at), `${file}: indicator ${d.id}, ${key}`);
      throw error;
    }
    walk(expr, (n) => {
      n.at = inFile(n.at);
    });
    resolveAliases(expr, sources, `${file}: indicator ${d.id}, ${key}`);
    return expr;
  };
  const expr = d.formula !== undefined ? parse('formula', d.formula) : undefined;
  const numerator = d.numerator !== undefined ? parse('numerator', d.numerator) : undefined;
  const denominator = d.denominator !== undefined ? parse('denominator', d.denominator) : undefined;
  const datasets = new Set<string>();
  const references = new Set<string>();
  for (const e of [expr, numerator, denominator]) {
    if (!e) continue;
    const deps = dependencies(e);
    for (const v of deps.variables) datasets.add(v.slice(0, v.lastIndexOf('.')));
    for (const r of deps.references) references.add(r);
  }
  if (d.sources) {
    const declared = new Set(d.sources.map((s) => sources.get(s)?.dataset ?? s));
    const missing = [...datasets].filter((x) => !declared.has(x));
    if (missing.length)
      throw new LibraryError(
        `${file}: indicator ${d.id} reads ${missing.join(', ')} but its sources list only ${d.sources.join(', ')}`,
      );
  }
  return {
    id: d.id,
    theme,
    title: d.title,
    description: d.description,
    unit: d.unit,
    decimals: d.decimals,
    better: d.better,
    kind: expr ? 'formula' : 'ratio',
    formula: expr
      ? d.formula!
      : `(${d.numerator}) / (${d.denominator})${d.scale !== 1 ? ` * ${d.scale}` : ''}`,
    ...(expr ? { expr } : { numerator: numerator!, denominator: denominator! }),
    scale: d.scale,
    datasets: [...datasets].sort(),
    references: [...references].sort(),
    disclosure: d.disclosure,
    ...(d.method ? { method: d.method } : {}),
    library,
    file,
    raw,
  };
}

/** Replaces dataset aliases (kwb) by the dataset ids they stand for (cbs-84799ned-kwb2020). */
function resolveAliases(expr: Expr, sources: Map<string, SourceAlias>, where: string): void {
  walk(expr, (n) => {
    if (n.kind !== 'variable') return;
    const alias = sources.get(n.dataset);
    if (alias) n.dataset = alias.dataset;
    else if (!/-/.test(n.dataset))
      throw new FormulaError(
        `unknown dataset alias ${n.dataset}; sources.yaml defines ${[...sources.keys()].join(', ') || 'none'} (or write a dataset id in backticks)`,
        n.at,
        where,
      );
  });
}

async function readYaml(
  file: string,
  problems: string[],
  optional = false,
): Promise<PositionedYaml | undefined> {
  let source: string;
  try {
    source = await readFile(file, 'utf8');
  } catch (error) {
    if (optional && (error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    problems.push(`${file}: cannot be read (${(error as Error).message})`);
    return undefined;
  }
  const parsed = parseYamlWithPositions(source, file);
  if (!parsed.doc) problems.push(...parsed.problems);
  return parsed.doc;
}

function zodProblems(
  error: z.ZodError,
  file: string,
  position: PositionedYaml['position'],
  prefix: (string | number)[] = [],
): string[] {
  return error.issues.map((issue) => {
    const path = [...prefix, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
    const p = position(path);
    const field = path.length ? path.join('.') : 'the file';
    return `${file}: line ${p.line}, column ${p.column}: ${field}: ${issue.message}`;
  });
}
