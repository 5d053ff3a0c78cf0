import { Command } from 'commander';
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import {
  AccessRefused,
  createKeyFile,
  createProject,
  exportAggregate,
  publishAggregate,
  importMicrodata,
  LinkageError,
  linkDeterministic,
  linkProbabilistic,
  listProjects,
  listZoneDatasets,
  parseImportConfig,
  readImportConfig,
  rekeyProject,
  rotateKey,
  writeSyntheticSet,
  type ImportConfig,
  type KeySource,
} from '../../linkage/index.js';
import { useStore, withStoreOptions, type StoreOptions } from '../context.js';
import { CliError, EXIT } from '../exit-codes.js';
import { json, table } from '../format.js';
import { progress } from '../progress.js';

/** `udc linkage`: the linkage zone (pseudonymised microdata, projects, linking, output gate). */
export function linkageCommand(): Command {
  return new Command('linkage')
    .description(
      'the linkage zone: pseudonymised microdata bound to projects, linked, leaving only through the output gate',
    )
    .addCommand(projectCommand())
    .addCommand(importCommand())
    .addCommand(linkCommand())
    .addCommand(exportCommand())
    .addCommand(publishCommand())
    .addCommand(keyCommand())
    .addCommand(rekeyCommand())
    .addCommand(datasetsCommand())
    .addCommand(syntheticCommand());
}

type Common = StoreOptions & { analyst?: string; json?: boolean };

/** Who is acting: --analyst, else $UDC_USER, else the login name. */
function actor(options: Common): string {
  return options.analyst ?? process.env['UDC_USER'] ?? userInfo().username;
}

function withAnalyst(command: Command): Command {
  return withStoreOptions(command).option(
    '--analyst <name>',
    'who is acting (default: $UDC_USER or the login name)',
  );
}

const list = (text: string | undefined): string[] =>
  (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

/** Runs linkage work, turning its expected failures into one clear CLI line. */
async function run<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof LinkageError || error instanceof AccessRefused)
      throw new CliError(error.message, EXIT.invalidInput);
    throw error;
  }
}

function projectCommand(): Command {
  const create = withAnalyst(
    new Command('create')
      .description(
        'create a project: its question, the datasets it may use, its analysts, its end date and its key',
      )
      .argument('<id>', 'project id: lower case letters, digits, underscores')
      .requiredOption('--question <text>', 'the policy question the project answers')
      .requiredOption('--datasets <names>', 'comma-separated dataset names the project may use')
      .requiredOption('--analysts <names>', 'comma-separated user names')
      .requiredOption('--end-date <date>', 'last day of the project (YYYY-MM-DD)')
      .option('--key-file <file>', 'file holding the pseudonymisation keys (outside the database)')
      .option('--create-key', 'create the key file with a fresh random key')
      .option('--key-env <name>', 'environment variable holding the keys instead of a file'),
  ).action(
    async (
      id: string,
      options: Common & {
        question: string;
        datasets: string;
        analysts: string;
        endDate: string;
        keyFile?: string;
        createKey?: boolean;
        keyEnv?: string;
      },
    ) => {
      if (Boolean(options.keyFile) === Boolean(options.keyEnv))
        throw new CliError('name the key with exactly one of --key-file or --key-env', EXIT.usage);
      const keySource: KeySource = options.keyFile
        ? { kind: 'file', path: resolve(options.keyFile) }
        : { kind: 'env', name: options.keyEnv! };
      await run(async () => {
        if (options.createKey) {
          if (keySource.kind !== 'file') throw new CliError('--create-key needs --key-file', EXIT.usage);
          await createKeyFile(keySource.path);
        }
        await useStore(options, async (store) => {
          const project = await createProject(store, {
            id,
            question: options.question,
            datasets: list(options.datasets),
            analysts: list(options.analysts),
            endDate: options.endDate,
            keySource,
            actor: actor(options),
          });
          process.stdout.write(
            options.json
              ? `${json(project)}\n`
              : `project ${project.id} created (key generation ${project.keyGeneration}).\n`,
          );
        });
      });
    },
  );
  const listProjectsCommand = withAnalyst(
    new Command('list').description('list the projects').option('--json', 'print JSON'),
  ).action(async (options: Common) => {
    await useStore(options, async (store) => {
      const projects = await listProjects(store);
      process.stdout.write(
        options.json
          ? `${json(projects)}\n`
          : `${table(
              projects.map((p) => ({
                id: p.id,
                end: p.endDate,
                datasets: p.datasets.join(','),
                analysts: p.analysts.join(','),
                key: `${p.keySource} (gen ${p.keyGeneration})`,
                question: p.question,
              })),
            )}\n`,
      );
    });
  });
  return new Command('project')
    .description('linkage projects: purpose binding')
    .addCommand(create)
    .addCommand(listProjectsCommand);
}

interface ImportOptions extends Common {
  project: string;
  dataset: string;
  config?: string;
  bsn?: string;
  drop?: string;
  hash?: string;
  coarsen?: string;
  keep?: string;
  referenceDate?: string;
  unique?: boolean;
  replace?: boolean;
  synthetic?: boolean;
  delimiter?: string;
}

/** The import configuration from --config and the flags (flags win). */
async function importConfig(options: ImportOptions): Promise<ImportConfig> {
  const base = options.config ? await readImportConfig(options.config) : parseImportConfig({}, 'flags');
  const columns: Record<string, unknown> = { ...base.columns };
  const add = (column: string, action: string) => {
    const existing = columns[column];
    columns[column] = existing === undefined || !options.config ? action : [...[existing].flat(), action];
  };
  if (options.bsn) columns[options.bsn] = 'bsn';
  for (const c of list(options.drop)) columns[c] = 'drop';
  for (const spec of list(options.hash)) {
    const [column, field] = spec.split(':');
    add(column!, `hash:${field ?? column}`);
  }
  for (const spec of [...list(options.coarsen), ...list(options.keep)]) {
    const [column, action] = spec.split(':');
    add(column!, action ?? 'text');
  }
  return parseImportConfig(
    {
      ...base,
      columns,
      ...(options.unique === false ? { unique: false } : {}),
      ...(options.referenceDate ? { referenceDate: options.referenceDate } : {}),
      ...(options.synthetic ? { synthetic: true } : {}),
      ...(options.delimiter ? { delimiter: options.delimiter === 'tab' ? '\t' : options.delimiter } : {}),
    },
    options.config ?? 'flags',
  );
}

function importCommand(): Command {
  return withAnalyst(
    new Command('import')
      .description(
        'pseudonymise a microdata file while reading it and store it in a project (the BSN is never stored)',
      )
      .argument('<file>', 'CSV file')
      .requiredOption('--project <id>', 'the project')
      .requiredOption('--dataset <name>', "dataset name (one of the project's datasets)")
      .option(
        '--config <file>',
        'YAML: columns (bsn, drop, text, integer, number, hash:<field>, year, age, pc4), unique, referenceDate',
      )
      .option('--bsn <column>', 'the column holding the BSN')
      .option('--drop <columns>', 'comma-separated columns not to read')
      .option('--hash <specs>', 'column:field,... keyed hashes for probabilistic linkage')
      .option('--coarsen <specs>', 'column:year|age|pc4,...')
      .option('--keep <specs>', 'column:text|integer|number,...')
      .option('--reference-date <date>', 'day ages are counted on (YYYY-MM-DD)')
      .option('--no-unique', 'the file may hold several rows per person')
      .option('--replace', 'replace the dataset if the project holds it')
      .option('--synthetic', 'mark the dataset as synthetic')
      .option('--delimiter <char>', 'field delimiter (default: detected from the header)')
      .option('--json', 'print JSON'),
  ).action(async (file: string, options: ImportOptions) => {
    await run(async () => {
      const config = await importConfig(options);
      await useStore(options, async (store) => {
        const bar = progress(`import ${options.dataset}`);
        const summary = await importMicrodata(store, {
          project: options.project,
          dataset: options.dataset,
          file,
          config,
          actor: actor(options),
          replace: options.replace,
          onProgress: (done, total) => bar.update(done, total),
        });
        bar.finish(`${summary.rows} rows`);
        process.stdout.write(
          options.json
            ? `${json(summary)}\n`
            : `${summary.rows} rows stored as ${summary.project}/${summary.dataset} (${summary.kind}, key generation ${summary.keyGeneration}); dropped: ${summary.dropped.join(', ') || 'none'}\n`,
        );
      });
    });
  });
}

function linkCommand(): Command {
  return withAnalyst(
    new Command('link')
      .description(
        'link datasets of a project on the pseudonym, or a file without BSN probabilistically (Fellegi-Sunter)',
      )
      .requiredOption('--project <id>', 'the project')
      .requiredOption('--base <dataset>', 'the persons (one row per person)')
      .requiredOption('--output <name>', 'name of the linked dataset')
      .option('--with <datasets>', 'deterministic: comma-separated datasets to link to the base')
      .option('--method <method>', 'deterministic or probabilistic', 'deterministic')
      .option('--file <dataset>', 'probabilistic: the dataset without BSN')
      .option('--fields <fields>', 'probabilistic: fields to compare', 'dob,postcode,house_number,geslacht')
      .option(
        '--blocking <fields>',
        'probabilistic: fields whose agreement makes a candidate pair (default: the first two)',
      )
      .option('--threshold <weight>', 'probabilistic: minimum match weight (default: even odds)')
      .option('--json', 'print JSON'),
  ).action(
    async (
      options: Common & {
        project: string;
        base: string;
        output: string;
        with?: string;
        method: string;
        file?: string;
        fields: string;
        blocking?: string;
        threshold?: string;
      },
    ) => {
      await run(() =>
        useStore(options, async (store) => {
          if (options.method === 'probabilistic') {
            if (!options.file) throw new CliError('--method probabilistic needs --file', EXIT.usage);
            const threshold = options.threshold === undefined ? undefined : Number(options.threshold);
            if (threshold !== undefined && !Number.isFinite(threshold))
              throw new CliError(`--threshold ${options.threshold}: expected a number`, EXIT.usage);
            const r = await linkProbabilistic(store, {
              project: options.project,
              actor: actor(options),
              base: options.base,
              file: options.file,
              fields: list(options.fields),
              blocking: options.blocking ? list(options.blocking) : undefined,
              threshold,
              output: options.output,
            });
            process.stdout.write(
              options.json
                ? `${json(r)}\n`
                : `${r.linked} of ${r.rows} rows linked (${(r.matchRate * 100).toFixed(1)}%), ${r.candidatePairs} candidate pairs, threshold ${r.threshold.toFixed(2)}; ` +
                    `estimated false links ${(r.estimatedFalseLinkRate * 100).toFixed(2)}%, estimated missed ${Math.round(r.estimatedMissedLinks)}, ambiguous ${r.ambiguous}\n` +
                    `${table(r.model.fields.map((f, k) => ({ field: f, m: r.model.m[k]!.toFixed(4), u: r.model.u[k]!.toExponential(2) })))}\n`,
            );
            return;
          }
          if (options.method !== 'deterministic')
            throw new CliError(
              `--method ${options.method}: expected deterministic or probabilistic`,
              EXIT.usage,
            );
          const r = await linkDeterministic(store, {
            project: options.project,
            actor: actor(options),
            base: options.base,
            with: list(options.with),
            output: options.output,
          });
          process.stdout.write(
            options.json
              ? `${json(r)}\n`
              : `${r.rows} persons in ${options.project}/${r.output}\n${table(r.rates.map((x) => ({ ...x, rate: `${(x.rate * 100).toFixed(1)}%` })))}\n`,
          );
        }),
      );
    },
  );
}

type GateOptions = Common & {
  project: string;
  dataset: string;
  by: string;
  countIf?: string;
  threshold: string;
  disclosure?: string;
};

/** A command that passes a table through the output gate: the options export and publish share. */
function gateCommand(name: string, description: string, by: string): Command {
  return withAnalyst(
    new Command(name)
      .description(description)
      .requiredOption('--project <id>', 'the project')
      .requiredOption('--dataset <name>', 'the dataset to aggregate')
      .requiredOption('--by <variables>', by)
      .option('--count-if <column>', 'count only persons for whom this column is true or above zero')
      .option('--threshold <n>', 'minimum frequency (at least 5)', '10')
      .option('--disclosure <file>', 'disclosure configuration (YAML) instead of --threshold')
      .option('--json', 'print JSON'),
  );
}

/** What the gate is asked, from the shared options. */
async function gateRequest(options: GateOptions) {
  let disclosure: unknown = { frequency: { threshold: Number(options.threshold) } };
  if (options.disclosure) {
    const { readFile } = await import('node:fs/promises');
    const { parse } = await import('yaml');
    disclosure = parse(await readFile(options.disclosure, 'utf8'));
  }
  return {
    project: options.project,
    actor: actor(options),
    dataset: options.dataset,
    by: list(options.by),
    countIf: options.countIf,
    disclosure: disclosure as never,
  };
}

function exportCommand(): Command {
  return gateCommand(
    'export',
    'aggregate a dataset and let it out through the output gate (disclosure control); microdata never leaves',
    'one to three grouping variables, e.g. buurt,age_group:age',
  )
    .option('--out <file>', 'write the protected table as CSV')
    .action(async (options: GateOptions & { out?: string }) => {
      await run(async () => {
        const request = await gateRequest(options);
        await useStore(options, async (store) => {
          const r = await exportAggregate(store, { ...request, out: options.out });
          const s = r.summary;
          process.stdout.write(
            options.json
              ? `${json(r)}\n`
              : `${s.cells} cells, ${s.primary} primary and ${s.secondary} secondary suppressions${options.out ? `; written to ${options.out}` : ''}\n`,
          );
        });
      });
    });
}

function publishCommand(): Command {
  return gateCommand(
    'publish',
    'aggregate a dataset through the output gate and store the protected table as a udc dataset (internal unless --open)',
    'a regional grouping and up to two more, e.g. buurt,age_group:age',
  )
    .requiredOption('--id <dataset id>', 'the id of the published dataset')
    .requiredOption('--title <text>', 'its title')
    .requiredOption('--period <code>', 'the period the microdata describe, e.g. 2024JJ00')
    .option('--total-region <code>', 'store the grand total under this region code')
    .option('--open', 'publish to everyone (default: internal, analysts and up)')
    .action(
      async (
        options: GateOptions & {
          id: string;
          title: string;
          period: string;
          totalRegion?: string;
          open?: boolean;
        },
      ) => {
        await run(async () => {
          const request = await gateRequest(options);
          await useStore(options, async (store) => {
            const r = await publishAggregate(store, {
              ...request,
              datasetId: options.id,
              title: options.title,
              period: options.period,
              totalRegion: options.totalRegion,
              confidentiality: options.open ? 'open' : 'internal',
            });
            process.stdout.write(
              options.json
                ? `${json(r)}\n`
                : `${options.id}: ${r.report.rowsStored} cells stored (${r.summary.primary} primary and ${r.summary.secondary} secondary suppressions, stored as secret)\n`,
            );
          });
        });
      },
    );
}

function keyCommand(): Command {
  const rotate = withAnalyst(
    new Command('rotate')
      .description("add a key generation (a fresh key in the key file) and re-key the project's data")
      .requiredOption('--project <id>', 'the project')
      .option('--no-rekey', 'only add the key; run `udc linkage rekey` later')
      .option('--json', 'print JSON'),
  ).action(async (options: Common & { project: string; rekey: boolean }) => {
    await run(() =>
      useStore(options, async (store) => {
        const r = await rotateKey(store, {
          project: options.project,
          actor: actor(options),
          rekey: options.rekey,
        });
        process.stdout.write(
          options.json
            ? `${json(r)}\n`
            : `project ${options.project} is at key generation ${r.generation}; ${r.rekeyed ? `${r.rekeyed.datasets.length} dataset(s) re-keyed` : 'data not re-keyed yet'}\n`,
        );
      }),
    );
  });
  return new Command('key').description('pseudonymisation keys').addCommand(rotate);
}

function rekeyCommand(): Command {
  return withAnalyst(
    new Command('rekey')
      .description('move every dataset of a project to its current key generation (no BSN needed)')
      .requiredOption('--project <id>', 'the project')
      .option('--json', 'print JSON'),
  ).action(async (options: Common & { project: string }) => {
    await run(() =>
      useStore(options, async (store) => {
        const r = await rekeyProject(store, { project: options.project, actor: actor(options) });
        process.stdout.write(
          options.json
            ? `${json(r)}\n`
            : `${r.datasets.length} dataset(s) re-keyed to generation ${r.generation}\n`,
        );
      }),
    );
  });
}

function datasetsCommand(): Command {
  return withAnalyst(
    new Command('datasets')
      .description('the datasets a project holds (names, rows, key generation; never their rows)')
      .requiredOption('--project <id>', 'the project')
      .option('--json', 'print JSON'),
  ).action(async (options: Common & { project: string }) => {
    await useStore(options, async (store) => {
      const rows = await listZoneDatasets(store, options.project);
      process.stdout.write(
        options.json
          ? `${json(rows)}\n`
          : `${table(rows, ['name', 'kind', 'rows', 'key_generation', 'unique_person', 'synthetic', 'source'])}\n`,
      );
    });
  });
}

function syntheticCommand(): Command {
  return new Command('synthetic')
    .description(
      'write SYNTHETIC microdata for Regio Groningen-Assen (population following the CBS buurt key figures 2020, registrations, a file without BSN)',
    )
    .requiredOption('--out <dir>', 'directory to write into')
    .option('--seed <n>', 'random seed', '20200101')
    .option('--scale <x>', 'persons per CBS inhabitant', '1')
    .action(async (options: { out: string; seed: string; scale: string }) => {
      const seed = Number(options.seed);
      const scale = Number(options.scale);
      if (!Number.isInteger(seed) || !(scale > 0 && scale <= 20))
        throw new CliError('--seed must be a whole number and --scale between 0 and 20', EXIT.usage);
      const { mkdir } = await import('node:fs/promises');
      await mkdir(options.out, { recursive: true });
      const r = await writeSyntheticSet(options.out, { seed, scale });
      process.stdout.write(
        `${r.persons} SYNTHETIC persons; files:\n${r.files.map((f) => `  ${f}`).join('\n')}\n`,
      );
    });
}
