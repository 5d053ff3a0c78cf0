import { Command } from 'commander';
import { parseRegionCode } from '../../core/index.js';
import {
  childrenByParent,
  convertSeries,
  ensureRegister,
  listRegions,
  RegisterError,
  showRegion,
  LAST_REGISTER_YEAR,
  type RegionInYear,
} from '../../regions/index.js';
import type { Store } from '../../store/index.js';
import { useStore, withStoreOptions, type StoreOptions } from '../context.js';
import { CliError, EXIT } from '../exit-codes.js';
import { json, table } from '../format.js';
import { geocodeCommand, importBoundariesCommand, parseYear } from './regions-geo.js';

/** `udc regions`: the versioned region register, its hierarchy, crosswalks, boundaries and geocoding. */
export function regionsCommand(): Command {
  return new Command('regions')
    .description(
      'the region register per year: list, show, tree, convert between years, boundaries, geocoding',
    )
    .addCommand(listCommand())
    .addCommand(showCommand())
    .addCommand(treeCommand())
    .addCommand(convertCommand())
    .addCommand(importBoundariesCommand())
    .addCommand(geocodeCommand());
}

type YearOptions = StoreOptions & { year: string; json?: boolean };

function listCommand(): Command {
  return withStoreOptions(
    new Command('list')
      .description('list the regions of a year, optionally of one level and inside one parent')
      .option('--year <year>', 'register year (the indeling of 1 January)', String(LAST_REGISTER_YEAR))
      .option('--level <level>', 'gemeente, wijk, buurt, provincie, corop, landsdeel, land or custom')
      .option('--parent <code>', 'only regions inside this region (e.g. PV20, GM0014, X_RGA)')
      .option('--json', 'print JSON'),
  ).action(async (options: YearOptions & { level?: string; parent?: string }) => {
    const year = parseYear(options.year);
    const parent = options.parent ? checkedCode(options.parent) : undefined;
    await withRegister(options, async (store) => {
      const rows = await listRegions(store, { year, level: options.level, parent });
      process.stdout.write(
        options.json
          ? `${json(rows)}\n`
          : `${table(rows, ['code', 'name', 'level'])}\n${rows.length} regions in ${year}.\n`,
      );
    });
  });
}

function showCommand(): Command {
  return withStoreOptions(
    new Command('show')
      .description(
        'one region in one year: name, level, validity, parents (with how udc knows them) and children',
      )
      .argument('<code>', 'region code, e.g. GM0014')
      .option('--year <year>', 'register year', String(LAST_REGISTER_YEAR))
      .option('--json', 'print JSON'),
  ).action(async (code: string, options: YearOptions) => {
    const year = parseYear(options.year);
    await withRegister(options, async (store) => {
      const region = await showRegion(store, checkedCode(code), year);
      if (options.json) return void process.stdout.write(`${json(region)}\n`);
      const lines = [
        `${region.code} ${region.name} (${region.level}, ${year})`,
        `valid: ${region.valid_from ?? 'before the records'} .. ${region.valid_to ?? 'now'}; source: ${region.source ?? ''}`,
        'parents:',
        table(region.parents, ['classification', 'parent', 'name', 'basis']),
        `children: ${region.children.length}`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    });
  });
}

function treeCommand(): Command {
  return withStoreOptions(
    new Command('tree')
      .description(
        'the hierarchy below a region in one year (gemeente -> wijk -> buurt, provincie -> gemeente, ...)',
      )
      .argument('<code>', 'region code, e.g. PV20, GM0014 or X_RGA')
      .option('--year <year>', 'register year', String(LAST_REGISTER_YEAR))
      .option('--depth <n>', 'levels to show', '3')
      .option('--json', 'print JSON'),
  ).action(async (code: string, options: YearOptions & { depth: string }) => {
    const year = parseYear(options.year);
    const depth = Number(options.depth);
    await withRegister(options, async (store) => {
      const root = await showRegion(store, checkedCode(code), year);
      const tree = subtree(
        await childrenByParent(store, year),
        root,
        Number.isInteger(depth) && depth > 0 ? depth : 3,
      );
      if (options.json) return void process.stdout.write(`${json(tree)}\n`);
      const lines: string[] = [];
      const walk = (node: TreeNode, indent: string) => {
        lines.push(`${indent}${node.code} ${node.name} (${node.level})`);
        for (const child of node.children) walk(child, `${indent}  `);
      };
      walk(tree, '');
      process.stdout.write(`${lines.join('\n')}\n`);
    });
  });
}

interface TreeNode {
  code: string;
  name: string;
  level: string;
  children: TreeNode[];
}

// Children one level down only: a buurt is listed under its wijk, not again under the gemeente.
const CHILD_LEVEL: Record<string, string[]> = {
  land: ['provincie'],
  landsdeel: ['provincie'],
  provincie: ['corop', 'gemeente'],
  corop: ['gemeente'],
  custom: ['gemeente', 'wijk', 'buurt'],
  gemeente: ['wijk'],
  wijk: ['buurt'],
};

function subtree(
  children: ReadonlyMap<string, readonly RegionInYear[]>,
  node: { code: string; name: string; level: string },
  depth: number,
): TreeNode {
  const out: TreeNode = { code: node.code, name: node.name, level: node.level, children: [] };
  if (depth <= 0) return out;
  let below = (children.get(node.code) ?? []).filter((c) =>
    (CHILD_LEVEL[node.level] ?? []).includes(c.level),
  );
  // Under a provincie, gemeenten hang under their COROP when that level is shown.
  if (node.level === 'provincie' && below.some((c) => c.level === 'corop'))
    below = below.filter((c) => c.level === 'corop');
  out.children = below.map((child) => subtree(children, child, depth - 1));
  return out;
}

function convertCommand(): Command {
  return withStoreOptions(
    new Command('convert')
      .description(
        'convert a variable of one period to the boundaries of another year (counts by weights, ratios via numerator and denominator)',
      )
      .requiredOption('--dataset <id>', 'dataset')
      .requiredOption('--variable <key>', 'variable (the numerator for a ratio)')
      .requiredOption('--period <code>', 'period, e.g. 2018JJ00')
      .requiredOption('--to-year <year>', 'the boundary year to convert to')
      .option('--from-year <year>', "the boundary year of the stored figures (default: the period's year)")
      .option('--level <level>', 'gemeente, wijk or buurt', 'gemeente')
      .option('--denominator <key>', 'for a ratio: the denominator variable of the same dataset')
      .option('--scale <n>', 'for a ratio: multiply by this (100 for a percentage, 1000 per 1,000)', '1')
      .option('--json', 'print JSON'),
  ).action(
    async (
      options: StoreOptions & {
        dataset: string;
        variable: string;
        period: string;
        toYear: string;
        fromYear?: string;
        level: string;
        denominator?: string;
        scale: string;
        json?: boolean;
      },
    ) => {
      const toYear = parseYear(options.toYear);
      const fromYear = options.fromYear ? parseYear(options.fromYear) : Number(options.period.slice(0, 4));
      await withRegister(options, async (store) => {
        const result = await convertSeries(store, {
          dataset: options.dataset,
          variable: options.variable,
          period: options.period,
          level: options.level,
          fromYear,
          toYear,
          denominator: options.denominator,
          scale: Number(options.scale),
        });
        if (options.json) return void process.stdout.write(`${json(result)}\n`);
        const rows = result.values.map((v) => ({
          region: v.region,
          value: v.value === null ? 'onbekend' : Math.round(v.value * 100) / 100,
          estimated: `${Math.round(v.estimatedShare * 1000) / 10}%`,
          basis: v.bases.join('+'),
          from:
            v.sources.length > 3
              ? `${v.sources.slice(0, 3).join(' ')} +${v.sources.length - 3}`
              : v.sources.join(' '),
        }));
        process.stdout.write(`${table(rows)}\n`);
        for (const u of result.unresolved) process.stderr.write(`note: ${u}\n`);
      });
    },
  );
}

function checkedCode(text: string): string {
  const parsed = parseRegionCode(text);
  if (!parsed.ok) throw new CliError(parsed.error, EXIT.invalidInput);
  return parsed.value.code;
}

async function withRegister(options: StoreOptions, work: (store: Store) => Promise<void>): Promise<void> {
  await useStore(options, async (store) => {
    if (!store.readOnly) await ensureRegister(store);
    try {
      await work(store);
    } catch (error) {
      if (error instanceof RegisterError) throw new CliError(error.message, EXIT.invalidInput);
      throw error;
    }
  });
}
