import { Command, Option } from 'commander';
import {
  FileImportError,
  importFile,
  parseMapping,
  readMappingFile,
  type Mapping,
  type MappingInput,
} from '../../sources/files/index.js';
import type { ImportReport } from '../../sources/ingest.js';
import { useStore, withStoreOptions, type StoreOptions } from '../context.js';
import { CliError, EXIT } from '../exit-codes.js';
import { json } from '../format.js';

interface ImportOptions extends StoreOptions {
  mapping?: string;
  dataset?: string;
  title?: string;
  publisher?: string;
  source?: string;
  licence?: string;
  confidentiality?: 'open' | 'internal' | 'confidential';
  format?: 'csv' | 'xlsx' | 'geojson' | 'parquet';
  region?: string;
  regionPrefix?: string;
  period?: string;
  periodValue?: string;
  long?: boolean;
  variable?: string;
  value?: string;
  ignore?: string[];
  decimal?: ',' | '.';
  delimiter?: string;
  encoding?: 'utf-8' | 'windows-1252';
  sheet?: string;
  skipLines?: string;
  append?: boolean;
  maxRejects?: string;
  json?: boolean;
}

/** `udc import <file>`: one file into one dataset, atomically. */
export function importCommand(): Command {
  return withStoreOptions(
    new Command('import')
      .description('import a CSV, XLSX, GeoJSON or Parquet file as a dataset (all of it, or nothing)')
      .argument('<file>', 'the file to import')
      .option('-m, --mapping <yaml>', 'mapping file (YAML) describing dataset and columns; flags override it')
      .option('--dataset <id>', 'dataset id (letters, digits, _ . -)')
      .option('--title <text>', 'dataset title')
      .option('--publisher <name>', 'who publishes the data (e.g. "Gemeente Groningen")')
      .option('--source <text>', 'where the data comes from (default: the file path)')
      .option('--licence <text>', 'licence (e.g. "CC BY 4.0")')
      .addOption(
        new Option('--confidentiality <level>', 'who may see it (default: internal)').choices([
          'open',
          'internal',
          'confidential',
        ]),
      )
      .addOption(
        new Option('--format <format>', 'file format (default: from name and content)').choices([
          'csv',
          'xlsx',
          'geojson',
          'parquet',
        ]),
      )
      .option('--region <column>', 'column with the region code')
      .option('--region-prefix <XX>', 'prefix for bare region numbers (e.g. GM for 0014)')
      .option('--period <column>', 'column with the period (2023, 2023JJ00, 2023-05 ...)')
      .option('--period-value <code>', 'one period for the whole file (e.g. 2023JJ00)')
      .option('--long', 'long form: one value per row, with --variable and --value columns')
      .option('--variable <column>', 'long form: column naming the variable')
      .option('--value <column>', 'long form: column holding the value')
      .option('--ignore <column...>', 'wide form: columns that are not variables (names, labels)')
      .addOption(
        new Option('--decimal <separator>', 'decimal separator (default: detected)').choices([',', '.']),
      )
      .option('--delimiter <char>', 'CSV field separator (default: detected among ; , tab |)')
      .addOption(
        new Option('--encoding <name>', 'text encoding (default: detected)').choices([
          'utf-8',
          'windows-1252',
        ]),
      )
      .option('--sheet <name>', 'XLSX sheet (default: the first)')
      .option('--skip-lines <n>', 'lines (rows) above the header to skip')
      .option('--append', 'add to the dataset instead of replacing it')
      .option(
        '--max-rejects <n>',
        'store the valid rows when at most n rows are invalid (default 0: reject all)',
      )
      .option('--json', 'print the import report as JSON'),
  ).action(async (file: string, options: ImportOptions) => {
    const mapping = await buildMapping(options);
    const report = await useStore(options, (store) =>
      importFile(store, file, mapping).catch((error: unknown) => {
        if (error instanceof FileImportError) throw new CliError(error.message, EXIT.invalidInput);
        throw error;
      }),
    );
    process.stdout.write(options.json ? `${json(report)}\n` : describe(report));
    if (report.outcome === 'rejected') process.exitCode = EXIT.invalidInput;
  });
}

async function buildMapping(o: ImportOptions): Promise<Mapping> {
  const base: Partial<MappingInput> = o.mapping ? await readMappingFile(o.mapping).catch(rethrow) : {};
  const dataset = {
    ...(base.dataset ?? {}),
    ...defined({
      id: o.dataset,
      title: o.title,
      publisher: o.publisher,
      source: o.source,
      licence: o.licence,
      confidentiality: o.confidentiality,
    }),
  };
  const input: Record<string, unknown> = {
    ...base,
    ...defined({
      format: o.format,
      decimal: o.decimal,
      delimiter: o.delimiter === 'tab' ? '\t' : o.delimiter,
      encoding: o.encoding,
      sheet: o.sheet,
      skipLines: o.skipLines === undefined ? undefined : Number(o.skipLines),
      maxRejects: o.maxRejects === undefined ? undefined : Number(o.maxRejects),
      ignore: o.ignore,
    }),
    dataset,
  };
  if (o.long) input['layout'] = 'long';
  if (o.append) input['mode'] = 'append';
  if (o.region) input['region'] = { column: o.region, ...(o.regionPrefix ? { prefix: o.regionPrefix } : {}) };
  else if (o.regionPrefix && base.region) input['region'] = { ...base.region, prefix: o.regionPrefix };
  if (o.period) input['period'] = { column: o.period };
  if (o.periodValue) input['period'] = { value: o.periodValue };
  if (o.variable) input['variable'] = { column: o.variable };
  if (o.value) input['value'] = { column: o.value };
  if (!dataset.id)
    throw new CliError('name the dataset with --dataset <id> (or dataset.id in the mapping)', EXIT.usage);
  if (!input['region'])
    throw new CliError(
      'name the region column with --region <column> (or region.column in the mapping)',
      EXIT.usage,
    );
  if (!input['period'])
    throw new CliError('name the period with --period <column> or --period-value <code>', EXIT.usage);
  try {
    return parseMapping(input, o.mapping ?? 'command line');
  } catch (error) {
    return rethrow(error);
  }
}

function rethrow(error: unknown): never {
  if (error instanceof FileImportError) throw new CliError(error.message, EXIT.usage);
  throw error;
}

function defined<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The human report: counts first, then every problem on its own line with where and what was expected. */
export function describe(report: ImportReport): string {
  const lines: string[] = [];
  if (report.outcome === 'stored') {
    lines.push(
      `Imported ${report.source} into dataset ${report.dataset} (version ${report.version}): ` +
        `${report.rowsRead} values read, ${report.rowsStored} observations stored, ${report.rowsRejected} rejected, in ${report.seconds.toFixed(1)} s.`,
    );
  } else {
    lines.push(
      `Rejected ${report.source}: nothing was imported (${report.rowsRead} values read, ${report.rowsRejected} invalid).`,
    );
  }
  for (const issue of report.issues) {
    const where = [
      issue.file,
      issue.row !== undefined ? `row ${issue.row}` : '',
      issue.column ? `column "${issue.column}"` : '',
    ]
      .filter(Boolean)
      .join(', ');
    lines.push(`  ${where}: ${issue.message}${issue.expected ? ` (expected ${issue.expected})` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}
