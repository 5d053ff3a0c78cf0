// A table in a file, for `udc protect <file>` and `udc protect audit <file>`: dimensions as code
// trees (with extra groupings), cells as flat records (one key per dimension, plus value and, in a
// published table set, the flag that says why a cell is not published), and the rule to apply.
//
//   kind: frequency
//   rule: frequency-10            # a rule from disclosure/rules.yaml, or an inline `config:`
//   dimensions:
//     - name: region
//       codes: [{ code: G }, { code: W1, parent: G }, { code: W2, parent: G }]
//     - name: sex
//       codes: [{ code: T }, { code: M, parent: T }, { code: V, parent: T }]
//   cells:
//     - { region: W1, sex: M, value: 3, flag: primary }
//
// A table set written by `udc protect --out` holds the true values with the flags: it is as
// confidential as the data and is meant for the owner's audit, not for publishing.
import { readFileSync, writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { z } from 'zod';
import type { DisclosureConfig } from './config.js';
import { parseDisclosureConfig } from './config.js';
import type { ProtectedTable } from './index.js';
import type { DisclosureRule } from './publish.js';
import { buildTable, cellCoordinates, type Table } from './table.js';

const RESERVED = ['value', 'flag', 'contributors', 'topContributions'];

const TableFileSchema = z
  .object({
    kind: z.enum(['frequency', 'magnitude']).default('frequency'),
    rule: z.string().optional(),
    config: z.unknown().optional(),
    dimensions: z
      .array(
        z.object({
          name: z
            .string()
            .min(1)
            .refine((n) => !RESERVED.includes(n), 'is a reserved cell field name'),
          codes: z.array(z.object({ code: z.coerce.string(), parent: z.coerce.string().nullish() })).min(1),
          groupings: z.array(z.object({ total: z.string(), parts: z.array(z.string()).min(1) })).optional(),
        }),
      )
      .min(1),
    cells: z.array(
      z.looseObject({
        value: z.number().nonnegative(),
        flag: z.enum(['primary', 'secondary', 'rounded', 'perturbed']).nullish(),
        contributors: z.number().int().nonnegative().optional(),
        topContributions: z.array(z.number().nonnegative()).optional(),
      }),
    ),
  })
  .refine((f) => f.rule === undefined || f.config === undefined, 'give either rule or config, not both');

/** A table read from a file, with its configuration and (for a table set) the flag per cell. */
export interface TableFile {
  table: Table;
  config: DisclosureConfig;
  ruleName: string | null;
  /** Per cell of `table`: the flag the file gives (null: published as is). */
  flags: (string | null)[];
}

/**
 * Reads a table file (YAML or JSON) and checks it; `rules` resolves a named rule. Throws an Error
 * naming the file, and the cell or field, when it is wrong.
 */
export function readTableFile(
  file: string,
  rules: Map<string, DisclosureRule>,
  ruleOverride?: string,
): TableFile {
  let raw: unknown;
  try {
    const text = readFileSync(file, 'utf8');
    raw = extname(file).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new Error(`${file}: cannot read the table: ${(error as Error).message}`, { cause: error });
  }
  const parsed = TableFileSchema.safeParse(raw);
  if (!parsed.success)
    throw new Error(
      `${file}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
    );
  const f = parsed.data;
  const ruleName = ruleOverride ?? f.rule ?? null;
  let config: DisclosureConfig;
  if (ruleName !== null) {
    const rule = rules.get(ruleName);
    if (!rule)
      throw new Error(
        `${file}: rule ${ruleName} is not defined; known rules: ${[...rules.keys()].join(', ')}`,
      );
    if (!rule.config) throw new Error(`${file}: rule ${ruleName} protects nothing (method none)`);
    config = rule.config;
  } else if (f.config !== undefined) config = parseDisclosureConfig(f.config, `${file}: config`);
  else throw new Error(`${file}: name a rule (rule: frequency-10) or give a config`);

  const names = f.dimensions.map((d) => d.name);
  const cells = f.cells.map((c, row) => {
    const coordinates: Record<string, string> = {};
    for (const name of names) {
      const code = c[name];
      if (code === undefined || code === null)
        throw new Error(`${file}: cells[${row}]: no code for dimension ${name}`);
      coordinates[name] = String(code);
    }
    for (const key of Object.keys(c))
      if (!names.includes(key) && !RESERVED.includes(key))
        throw new Error(
          `${file}: cells[${row}]: ${key} is not a dimension (${names.join(', ')}) nor a cell field`,
        );
    return {
      coordinates,
      value: c.value,
      ...(c.contributors !== undefined ? { contributors: c.contributors } : {}),
      ...(c.topContributions ? { topContributions: c.topContributions } : {}),
    };
  });
  let table: Table;
  try {
    table = buildTable({ kind: f.kind, dimensions: f.dimensions, cells });
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`, { cause: error });
  }
  const flags: (string | null)[] = table.cells.map(() => null);
  f.cells.forEach((c, row) => {
    const at = table.cellIndex(
      names.map((n, d) => table.dimensions[d]!.index.get(cells[row]!.coordinates[n]!)!),
    );
    flags[at] = c.flag ?? null;
  });
  return { table, config, ruleName, flags };
}

/** Writes a protected table set: the input's dimensions, every given cell with its true value and flag. */
export function writeTableSet(
  file: string,
  source: TableFile,
  dimensions: unknown,
  result: ProtectedTable,
): void {
  const cells = source.table.cells.flatMap((cell, i) =>
    cell.empty && !result.cells[i]!.flag
      ? []
      : [
          {
            ...cellCoordinates(source.table, i),
            value: cell.value,
            ...(result.cells[i]!.flag ? { flag: result.cells[i]!.flag } : {}),
          },
        ],
  );
  const set = {
    kind: source.table.kind,
    ...(source.ruleName ? { rule: source.ruleName } : { config: source.config }),
    dimensions,
    cells,
  };
  const text = extname(file).toLowerCase() === '.json' ? JSON.stringify(set, null, 2) : stringifyYaml(set);
  writeFileSync(file, text.endsWith('\n') ? text : `${text}\n`);
}

/** The dimensions of a table as a file states them. */
export function dimensionsOf(table: Table): unknown {
  return table.dimensions.map((d) => {
    const extra = d.groupings.filter((g) => !g.parts.every((p) => d.parent[p] === g.total));
    return {
      name: d.name,
      codes: d.codes.map((code, i) =>
        d.parent[i]! >= 0 ? { code, parent: d.codes[d.parent[i]!] } : { code },
      ),
      ...(extra.length > 0
        ? {
            groupings: extra.map((g) => ({ total: d.codes[g.total], parts: g.parts.map((p) => d.codes[p]) })),
          }
        : {}),
    };
  });
}
