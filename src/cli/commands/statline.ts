import { Command, Option } from 'commander';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import {
  StatlineClient,
  StatlineFormatError,
  StatlineHttpError,
  cacheRoot,
  importTable,
  mirror,
  type MirrorOutcome,
  type StatlineImportResult,
  type TableMetadata,
} from '../../sources/statline/index.js';
import { useStore, withStoreOptions, type StoreOptions } from '../context.js';
import { CliError, EXIT } from '../exit-codes.js';
import { json, table as textTable } from '../format.js';
import { progress } from '../progress.js';
import { describe as describeReport } from './import.js';

interface ClientOptions extends StoreOptions {
  baseUrl?: string;
  api?: 'v3' | 'v4';
  catalog?: string;
  timeout?: string;
  retries?: string;
  cache?: boolean;
  json?: boolean;
}

/** `udc statline search|info|import|mirror`: CBS StatLine tables into the store. */
export function statlineCommand(): Command {
  const statline = new Command('statline').description(
    'find, describe, import and mirror CBS StatLine tables (OData v3 and v4)',
  );
  statline.addCommand(
    withClientOptions(
      new Command('search')
        .description('search the catalog by words (all must occur in id, title or summary), theme and date')
        .argument('[words...]', 'words to look for')
        .option(
          '--theme <words...>',
          'only tables filed under a CBS theme whose path holds these words (v3 catalogs), e.g. --theme arbeid',
        )
        .option(
          '--in-catalog <name>',
          'only tables of this catalog (e.g. CBS, or a third party on dataderden)',
        )
        .option('--modified-since <date>', 'only tables modified on or after this date (YYYY-MM-DD)')
        .option('--data-dir <dir>', 'data directory (unused by search; accepted for symmetry)'),
    ).action(
      async (
        words: string[],
        o: ClientOptions & { inCatalog?: string; modifiedSince?: string; theme?: string[] },
      ) => {
        if (o.modifiedSince !== undefined && !/^\d{4}(-\d{2}(-\d{2})?)?$/.test(o.modifiedSince))
          throw new CliError(
            `--modified-since must be a date such as 2024-01-31 (or 2024-01, 2024), not "${o.modifiedSince}"`,
            EXIT.usage,
          );
        const found = await transfer(() =>
          client(o).search(words, {
            catalog: o.inCatalog,
            modifiedSince: o.modifiedSince,
            theme: o.theme,
          }),
        );
        const rows = found.map((t) => ({
          id: t.id,
          title: t.title,
          modified: t.modified?.slice(0, 10) ?? '',
          period: t.period ?? '',
          rows: t.recordCount ?? '',
          ...(o.theme ? { theme: t.themes?.join('; ') ?? '' } : {}),
        }));
        process.stdout.write(o.json ? `${json(found)}\n` : `${textTable(rows)}\n${found.length} tables\n`);
      },
    ),
  );
  statline.addCommand(
    withClientOptions(
      new Command('info')
        .description('describe a table: measures, dimensions, period')
        .argument('<table>', 'table id')
        .option(
          '--data-dir <dir>',
          'data directory whose statline-cache keeps the metadata (default: $UDC_DATA_DIR or ./.udc)',
        ),
    ).action(async (id: string, o: ClientOptions) => {
      const table = await transfer(() => client(o).table(id));
      process.stdout.write(o.json ? `${json(table)}\n` : describeTable(table));
    }),
  );
  statline.addCommand(
    withClientOptions(
      withStoreOptions(
        new Command('import')
          .description('import a table as a dataset (all of it, or nothing)')
          .argument('<table>', 'table id (e.g. 83599NED, 03759ned)')
          .option('--filter <odata>', 'an OData $filter, e.g. "Perioden ge \'2019JJ00\'"')
          .option('--select <measure...>', 'only these measures (v4 codes) or topics (v3 keys)')
          .option('--dataset <id>', 'dataset id (default: the table id)')
          .option(
            '--typed',
            'v3: read TypedDataSet instead of UntypedDataSet (symbols such as x and . become null)',
          )
          .option('--no-english', "do not add English labels from the table's ENG twin"),
      ),
    ).action(
      async (
        id: string,
        o: ClientOptions & {
          filter?: string;
          select?: string[];
          dataset?: string;
          typed?: boolean;
          english?: boolean;
        },
      ) => {
        const c = client(o);
        const bar = progress(`${id}`);
        const result = await useStore(o, (store) =>
          transfer(() =>
            importTable(store, c, id, {
              filter: o.filter,
              select: o.select,
              typed: o.typed,
              datasetId: o.dataset,
              english: o.english,
              onProgress: (rows, total) => bar.update(rows, total),
            }),
          ),
        );
        bar.finish(
          `${result.rowsDownloaded.toLocaleString('en-US')} rows in ${plural(result.pages, 'page')}`,
        );
        process.stdout.write(o.json ? `${json(result.report)}\n` : describeImport(result));
        if (result.report.outcome === 'rejected') process.exitCode = EXIT.invalidInput;
      },
    ),
  );
  statline.addCommand(
    withClientOptions(
      withStoreOptions(
        new Command('mirror')
          .description(
            'import the listed tables that changed since their last import (by their Modified stamp)',
          )
          .argument('[tables...]', 'table ids')
          .option('--list <file>', 'a file with one table id per line (# starts a comment)')
          .option('--filter <odata>', 'an OData $filter (default: the one of the last import)')
          .option('--select <measure...>', 'only these measures (default: those of the last import)')
          .option('--typed', 'v3: read TypedDataSet (default: as the last import did)')
          .option('--no-english', "do not add English labels from the tables' ENG twins"),
      ),
    ).action(
      async (
        tables: string[],
        o: ClientOptions & {
          list?: string;
          filter?: string;
          select?: string[];
          typed?: boolean;
          english?: boolean;
        },
      ) => {
        const ids = [...tables, ...(o.list ? await readList(o.list) : [])];
        if (ids.length === 0) throw new CliError('name the tables to mirror, or a --list file', EXIT.usage);
        const c = client(o);
        let bar = progress('mirror');
        const outcomes = await useStore(o, (store) =>
          mirror(store, c, ids, {
            filter: o.filter,
            select: o.select,
            typed: o.typed,
            english: o.english,
            onStart: (t) => (bar = progress(t)),
            onProgress: (rows, total) => bar.update(rows, total),
            onTable: (outcome) => {
              if (outcome.result) bar.finish(`${outcome.result.rowsDownloaded.toLocaleString('en-US')} rows`);
              if (!o.json) process.stdout.write(describeOutcome(outcome));
            },
          }),
        );
        if (o.json)
          process.stdout.write(
            `${json(outcomes.map(({ result, ...rest }) => ({ ...rest, report: result?.report })))}\n`,
          );
        if (outcomes.some((x) => x.outcome === 'failed')) process.exitCode = EXIT.unavailable;
        else if (outcomes.some((x) => x.outcome === 'rejected')) process.exitCode = EXIT.invalidInput;
      },
    ),
  );
  return statline;
}

function withClientOptions(command: Command): Command {
  return command
    .option(
      '--base-url <url>',
      'StatLine server (default https://opendata.cbs.nl; v4: https://datasets.cbs.nl/odata/v1)',
    )
    .addOption(new Option('--api <version>', 'protocol (default: from the base URL)').choices(['v3', 'v4']))
    .option('--catalog <name>', 'v4 catalog (default CBS)')
    .option('--timeout <ms>', 'milliseconds one request may take (default 60000)')
    .option('--retries <n>', 'retries of a failed request (default 5)')
    .option('--no-cache', 'do not keep downloads in <data-dir>/statline-cache')
    .option('--json', 'print JSON');
}

function client(o: ClientOptions): StatlineClient {
  const dataDir =
    o.dataDir ?? process.env['UDC_DATA_DIR'] ?? (o.database ? dirname(resolve(o.database)) : '.udc');
  return new StatlineClient({
    baseUrl: o.baseUrl ?? process.env['UDC_STATLINE_URL'],
    api: o.api,
    catalog: o.catalog,
    cacheDir: o.cache === false ? undefined : cacheRoot(dataDir),
    http: {
      timeoutMs: number(o.timeout, '--timeout'),
      retries: number(o.retries, '--retries'),
      onRetry: (r) =>
        process.stderr.write(
          `\nretry ${r.attempt} of ${r.url} in ${(r.delayMs / 1000).toFixed(1)} s: ${r.reason}\n`,
        ),
    },
  });
}

function number(text: string | undefined, option: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0)
    throw new CliError(`${option} must be a whole number, not "${text}"`, EXIT.usage);
  return n;
}

// Transfer failures are expected (a server down, a table that does not exist): one clear line.
async function transfer<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof StatlineHttpError) {
      const missing = error.status === 404;
      throw new CliError(
        missing ? `${error.message} (is the table id right? try \`udc statline search\`)` : error.message,
        missing ? EXIT.invalidInput : EXIT.unavailable,
      );
    }
    if (error instanceof StatlineFormatError) throw new CliError(error.message, EXIT.invalidInput);
    throw error;
  }
}

async function readList(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new CliError(`cannot read the table list ${file}: ${error.code ?? error.message}`, EXIT.usage);
  });
  return text
    .split(/\r?\n/)
    .map((l) => l.replace(/#.*/, '').trim())
    .filter(Boolean);
}

function describeTable(t: TableMetadata): string {
  const lines = [
    `${t.id}  ${t.title}`,
    `catalog ${t.catalog}, ${t.api}, modified ${t.modified}${t.periodText ? `, period ${t.periodText}` : ''}`,
    `source ${t.url}`,
    '',
    'measures:',
    textTable(
      t.measures.map((m) => ({
        key: m.key,
        title: m.group ? `${m.group}: ${m.title}` : m.title,
        unit: m.unit ?? '',
        decimals: m.decimals ?? '',
        type: m.dataType ?? '',
      })),
    ),
    '',
    'dimensions:',
    textTable(
      t.dimensions.map((d) => ({
        key: d.key,
        title: d.title,
        kind: d.kind,
        codes: d.codes.length,
        groups: d.groups?.length ?? '',
        first: d.codes[0]?.code ?? '',
        last: d.codes.at(-1)?.code ?? '',
      })),
    ),
  ];
  return `${lines.join('\n')}\n`;
}

function describeImport(r: StatlineImportResult): string {
  const cached = r.pagesFromCache > 0 ? ` (${r.pagesFromCache} from the cache)` : '';
  const english = !r.english
    ? ''
    : 'problem' in r.english
      ? `English labels not added: ${r.english.problem}\n`
      : `English labels: ${r.english.labels} from ${r.english.table}\n`;
  return `${r.table.id}: ${plural(r.pages, 'page')}${cached}, ${r.rowsDownloaded} rows downloaded from ${r.url}\n${describeReport(r.report)}${english}`;
}

function describeOutcome(o: MirrorOutcome): string {
  switch (o.outcome) {
    case 'unchanged':
      return `${o.table}: unchanged since ${o.modified} (not downloaded)\n`;
    case 'failed':
      return `${o.table}: FAILED: ${o.error}\n`;
    default:
      return `${o.table}: ${o.previous ? `changed (${o.previous} -> ${o.modified})` : 'new'}; ${describeImport(o.result!)}`;
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
