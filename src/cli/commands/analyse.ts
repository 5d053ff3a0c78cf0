import { Command } from 'commander';
import { parsePeriod, parseRegionCode } from '../../core/index.js';
import {
  AnalysisError,
  DEFAULT_PEER_VARIABLES,
  findPeers,
  trend,
  typology,
  type PeerVariable,
} from '../../analysis/index.js';
import { DatacenterError, readDatacenter, type Datacenter } from '../../datacenters/index.js';
import { DATACENTERS_DIR } from '../../regions/index.js';
import { useStore, withStoreOptions, type StoreOptions } from '../context.js';
import { CliError, EXIT } from '../exit-codes.js';
import { json, table } from '../format.js';

type Options = StoreOptions & { json?: boolean; datacenter?: string };

/** `udc analyse peers|trend|typology`: analysis over the published indicator values (docs/analysis.md). */
export function analyseCommand(): Command {
  return new Command('analyse')
    .description('analysis of published values: peer areas, trends, area typology')
    .addCommand(peersCommand())
    .addCommand(trendCommand())
    .addCommand(typologyCommand());
}

const common = (c: Command) =>
  withStoreOptions(c)
    .option('--datacenter <name>', 'use a data center’s region and peer rule (groningen, eindhoven, heerlen)')
    .option('--json', 'print JSON');

function peersCommand(): Command {
  return common(
    new Command('peers')
      .description('the areas most alike an area on size, urbanity and household composition, and why')
      .argument('<region>', 'region code, e.g. BU00140100, WK077211, GM0917')
      .option('--k <k>', 'how many peers (default 10, or the data center’s)')
      .option('--variables <ids>', 'peer variables: ids separated by commas, alternatives joined by |')
      .option('--period <period>', 'period, e.g. 2020JJ00 (default: the one with most peer variables)')
      .option('--within <region>', 'only candidates inside this region (e.g. X_RGA, GM0014)'),
  ).action(
    async (
      region: string,
      options: Options & { k?: string; variables?: string; period?: string; within?: string },
    ) => {
      const dc = await datacenterOf(options.datacenter);
      const k = options.k === undefined ? (dc?.peers.k ?? 10) : wholeNumber(options.k, '--k', 1, 50);
      const variables: readonly PeerVariable[] = options.variables
        ? options.variables.split(',').map((p) => (p.includes('|') ? p.split('|') : p))
        : (dc?.peers.variables ?? DEFAULT_PEER_VARIABLES);
      const result = await run(options, (store) =>
        findPeers(store, {
          region: code(region),
          variables,
          k,
          ...(options.period ? { period: period(options.period) } : {}),
          ...(options.within ? { within: code(options.within) } : {}),
        }),
      );
      if (options.json) return void process.stdout.write(`${json(result)}\n`);
      const rows = result.peers.map((p, i) => ({
        rank: i + 1,
        code: p.code,
        name: p.name,
        distance: p.distance.toFixed(3),
        ...Object.fromEntries(result.variables.map((v) => [v.id, p.values[v.id]])),
      }));
      process.stdout.write(
        `${result.explanation}\n\n` +
          `${table(result.variables.map((v) => ({ variable: v.id, transform: v.transform, value: v.value, z: v.z.toFixed(2), mean: v.mean.toFixed(3), sd: v.sd.toFixed(3) })))}\n\n` +
          `${table(rows)}\n` +
          result.dropped.map((d) => `not used: ${d.variable}: ${d.reason}\n`).join('') +
          `\n${result.method}\n`,
      );
    },
  );
}

function trendCommand(): Command {
  return common(
    new Command('trend')
      .description(
        'change of an area’s value over 1 and 5 years, and whether it differs from a reference area’s change',
      )
      .argument('<indicator>', 'indicator id, e.g. bevolking_1_januari')
      .argument('<region>', 'region code, e.g. GM0917')
      .option('--period <period>', 'end of the trend (default: the newest with a value)')
      .option('--reference <region>', 'compare with this area (default NL01; with --datacenter, its region)'),
  ).action(
    async (indicator: string, region: string, options: Options & { period?: string; reference?: string }) => {
      const dc = await datacenterOf(options.datacenter);
      const reference = options.reference
        ? code(options.reference)
        : dc && dc.region !== code(region)
          ? dc.region
          : undefined;
      const result = await run(options, (store) =>
        trend(store, {
          indicator,
          region: code(region),
          ...(options.period ? { period: period(options.period) } : {}),
          ...(reference ? { reference } : {}),
        }),
      );
      if (options.json) return void process.stdout.write(`${json(result)}\n`);
      const rows = result.changes.map((c) => ({
        years: c.years,
        from: c.from ? `${c.from.period} ${c.from.value}` : '',
        to: `${c.to.period} ${c.to.value}`,
        change: c.change?.toFixed(2) ?? '',
        '%': c.relativeChange?.toFixed(2) ?? '',
        reference: c.reference?.change?.toFixed(2) ?? '',
        'reference %': c.reference?.relativeChange?.toFixed(2) ?? '',
        significant: c.test ? (c.test.significant ? 'yes' : 'no') : '',
      }));
      process.stdout.write(
        `${result.indicator.title.nl} (${result.indicator.unit}), ${result.region.name} (${result.region.code})` +
          `${result.reference ? ` against ${result.reference.name} (${result.reference.code})` : ''}\n\n${table(rows)}\n\n` +
          result.changes
            .map((c) => `${c.years} year(s): ${c.test?.statement ?? ''}${c.note ? ` (${c.note})` : ''}`)
            .join('\n') +
          `\nModel: ${result.model.basis}\n`,
      );
    },
  );
}

function typologyCommand(): Command {
  return common(
    new Command('typology')
      .description(
        'k-means clusters of the areas of a level on chosen indicators, k chosen by the mean silhouette',
      )
      .requiredOption('--indicators <ids>', 'indicator ids separated by commas')
      .requiredOption('--level <level>', 'buurt, wijk or gemeente')
      .requiredOption('--period <period>', 'period, e.g. 2020JJ00')
      .option('--boundary-year <year>', 'boundaries (default: the year of the period)')
      .option(
        '--within <region>',
        'only areas inside this region (default: the data center’s region, else all)',
      )
      .option('--seed <seed>', 'seed of the PRNG', '1')
      .option('--k-min <k>', 'smallest k tried', '2')
      .option('--k-max <k>', 'largest k tried', '8'),
  ).action(
    async (
      options: Options & {
        indicators: string;
        level: string;
        period: string;
        boundaryYear?: string;
        within?: string;
        seed: string;
        kMin: string;
        kMax: string;
      },
    ) => {
      const dc = await datacenterOf(options.datacenter);
      const p = period(options.period);
      const within = options.within ? code(options.within) : dc?.region;
      const result = await run(options, (store) =>
        typology(store, {
          indicators: options.indicators.split(',').map((s) => s.trim()),
          level: options.level,
          period: p,
          boundaryYear: options.boundaryYear
            ? wholeNumber(options.boundaryYear, '--boundary-year', 1995, 2100)
            : Number(p.slice(0, 4)),
          ...(within ? { within } : {}),
          seed: wholeNumber(options.seed, '--seed', 0, 2 ** 31 - 1),
          kMin: wholeNumber(options.kMin, '--k-min', 2, 12),
          kMax: wholeNumber(options.kMax, '--k-max', 2, 12),
        }),
      );
      if (options.json) return void process.stdout.write(`${json(result)}\n`);
      process.stdout.write(
        `${result.areas.length} ${result.level} areas (${result.excluded} left out: a value missing), seed ${result.seed}\n` +
          `k = ${result.k}: ${result.criterion}\n\n` +
          `${table(result.silhouettes.map((s) => ({ k: s.k, silhouette: s.silhouette.toFixed(4), inertia: s.inertia.toFixed(1) })))}\n\n` +
          `${table(
            result.clusters.map((c) => ({
              cluster: c.cluster,
              size: c.size,
              label: c.label,
              ...Object.fromEntries(c.profile.map((p) => [p.indicator, p.mean.toFixed(1)])),
            })),
          )}\n`,
      );
    },
  );
}

async function run<T>(
  options: StoreOptions,
  work: (store: Parameters<Parameters<typeof useStore>[1]>[0]) => Promise<T>,
): Promise<T> {
  return useStore(
    options,
    async (store) => {
      try {
        return await work(store);
      } catch (error) {
        if (error instanceof AnalysisError) throw new CliError(error.message, EXIT.invalidInput);
        throw error;
      }
    },
    { readOnly: true },
  );
}

async function datacenterOf(name: string | undefined): Promise<Datacenter | undefined> {
  if (name === undefined) return undefined;
  try {
    return await readDatacenter(name, DATACENTERS_DIR);
  } catch (error) {
    if (error instanceof DatacenterError) throw new CliError(error.message, EXIT.invalidInput);
    throw error;
  }
}

function code(text: string): string {
  const parsed = parseRegionCode(text.trim().toUpperCase());
  if (!parsed.ok) throw new CliError(parsed.error, EXIT.usage);
  return parsed.value.code;
}

function period(text: string): string {
  const parsed = parsePeriod(text.trim());
  if (!parsed.ok)
    throw new CliError(`"${text}" is not a CBS period code such as 2020JJ00: ${parsed.error}`, EXIT.usage);
  return parsed.value.code;
}

function wholeNumber(text: string, option: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new CliError(`${option} must be a whole number from ${min} to ${max}, not "${text}"`, EXIT.usage);
  return n;
}
