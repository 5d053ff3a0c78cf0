import { Command } from 'commander';
import {
  buildIndicators,
  checkAgainstStore,
  FormulaError,
  LibraryError,
  loadLibrary,
  type IndicatorLibrary,
} from '../../indicators/index.js';
import { installationLibrary } from '../../datacenters/index.js';
import { LAST_REGISTER_YEAR } from '../../regions/index.js';
import { useStore, withStoreOptions, type StoreOptions } from '../context.js';
import { CliError, EXIT } from '../exit-codes.js';
import { json, table } from '../format.js';
import { progress } from '../progress.js';

interface LibraryOptions extends StoreOptions {
  library?: string;
  json?: boolean;
}

/** `udc indicators list|show|check|build`: the indicator library and its values. */
export function indicatorsCommand(): Command {
  const command = new Command('indicators').description(
    'the indicator library: list, show, check definitions, build values',
  );
  const withLibrary = (c: Command) =>
    withStoreOptions(c).option(
      '--library <dir>',
      "library folder (default: the shared library, indicators/, with every data center's local indicators)",
    );

  command.addCommand(
    withLibrary(
      new Command('list')
        .description('list the indicators of the library, per theme, with whether values are built')
        .option('--theme <theme>', 'only this theme')
        .option('--json', 'print JSON'),
    ).action(async (options: LibraryOptions & { theme?: string }) => {
      const library = await readLibrary(options);
      const built = await builtCounts(options);
      const rows = library.indicators
        .filter((i) => !options.theme || i.theme === options.theme)
        .map((i) => ({
          id: i.id,
          theme: i.theme,
          title: i.title.nl,
          unit: i.unit,
          kind: i.kind,
          values: built.get(i.id) ?? 0,
        }));
      if (options.theme && !library.themes.some((t) => t.id === options.theme))
        throw new CliError(
          `no theme "${options.theme}"; themes are ${library.themes.map((t) => t.id).join(', ')}`,
          EXIT.usage,
        );
      process.stdout.write(options.json ? `${json(rows)}\n` : `${table(rows)}\n${rows.length} indicators\n`);
    }),
  );

  command.addCommand(
    withLibrary(
      new Command('show')
        .description('show one indicator: definition, sources and lineage, and its values per level and year')
        .argument('<id>', 'indicator id')
        .option('--json', 'print JSON'),
    ).action(async (id: string, options: LibraryOptions) => {
      const library = await readLibrary(options);
      const def = library.indicators.find((i) => i.id === id);
      if (!def)
        throw new CliError(
          `no indicator "${id}" in the library; run \`udc indicators list\``,
          EXIT.invalidInput,
        );
      const stored = await useStore(
        options,
        async (store) => ({
          lineage: await store.all(
            `SELECT s.dataset, s.dataset_version AS version, strftime(s.dataset_modified, '%Y-%m-%d') AS modified,
                    strftime(i.built, '%Y-%m-%d %H:%M') AS built
             FROM indicator_source s JOIN indicator i ON i.id = s.indicator WHERE s.indicator = $1 ORDER BY s.dataset`,
            [id],
          ),
          values: await store.all(
            `SELECT coalesce(y.level, 'custom') AS level, v.year, v.boundary_year, count(*) AS areas, count(v.value) AS "values",
                    count(*) FILTER (WHERE v.derivation = 'summed') AS summed, count(*) FILTER (WHERE v.status = 'provisional') AS provisional,
                    count(v.disclosure) AS protected
             FROM indicator_value v LEFT JOIN region_year y ON y.code = v.region AND y.year = v.boundary_year
             WHERE v.indicator = $1 GROUP BY ALL ORDER BY v.year, v.boundary_year, level`,
            [id],
          ),
        }),
        { readOnly: true },
      ).catch((error: unknown) => {
        if (error instanceof CliError && error.exitCode === EXIT.unavailable)
          return { lineage: [], values: [] };
        throw error;
      });
      const shown = {
        id: def.id,
        theme: def.theme,
        title: def.title,
        description: def.description,
        unit: def.unit,
        decimals: def.decimals,
        better: def.better,
        kind: def.kind,
        formula: def.formula,
        datasets: def.datasets,
        references: def.references,
        disclosure: def.disclosure,
        method: def.method,
        file: def.file,
      };
      if (options.json) {
        process.stdout.write(`${json({ ...shown, ...stored })}\n`);
        return;
      }
      const lines = [
        `${def.id}  ${def.title.nl} / ${def.title.en}`,
        `theme        ${def.theme}`,
        `unit         ${def.unit} (${def.decimals} decimals), better: ${def.better}`,
        `formula      ${def.formula}`,
        `datasets     ${def.datasets.join(', ')}`,
        `disclosure   ${def.disclosure}`,
        `description  ${def.description.nl}`,
        ...(def.method?.nl ? [`method       ${def.method.nl}`] : []),
        `defined in   ${def.file}`,
        '',
        stored.lineage.length
          ? `Lineage:\n${table(stored.lineage)}`
          : 'Not built yet: run `udc indicators build`.',
        ...(stored.values.length ? ['', `Values:\n${table(stored.values)}`] : []),
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    }),
  );

  command.addCommand(
    withLibrary(
      new Command('check').description(
        'check the library: schema, formulas (syntax, cycles) and, with a database, the variables they read',
      ),
    ).action(async (options: LibraryOptions) => {
      const library = await readLibrary(options);
      const result = await useStore(options, (store) => checkAgainstStore(store, library), {
        readOnly: true,
      }).catch((error: unknown) => {
        if (error instanceof FormulaError) throw new CliError(error.message, EXIT.invalidInput);
        if (error instanceof CliError && error.exitCode === EXIT.unavailable) return undefined;
        throw error;
      });
      const lines = [
        `${library.indicators.length} indicators in ${library.themes.length} themes: definitions and formulas are valid.`,
      ];
      if (!result) lines.push('No database yet, so the variables the formulas read were not checked.');
      else {
        lines.push(`${result.buildable.length} can be built from the datasets in the store.`);
        for (const s of result.skipped) lines.push(`  not buildable: ${s.id}: ${s.reason}`);
      }
      process.stdout.write(`${lines.join('\n')}\n`);
    }),
  );

  command.addCommand(
    withLibrary(
      new Command('build')
        .description('compute indicator values for every area and year (only what changed, unless --force)')
        .argument('[ids...]', 'only these indicators (and those they reference)')
        .option('--force', 'recompute even when definitions and datasets did not change')
        .option(
          '--boundary-year <year>',
          `also convert gemeente values to this year's boundaries (default ${LAST_REGISTER_YEAR}, the newest register year)`,
        )
        .option('--no-conversion', "keep every value on its own year's boundaries only")
        .option('--json', 'print the report as JSON'),
    ).action(
      async (
        ids: string[],
        options: LibraryOptions & { force?: boolean; boundaryYear?: string; conversion: boolean },
      ) => {
        const boundaryYear = !options.conversion
          ? undefined
          : options.boundaryYear === undefined
            ? LAST_REGISTER_YEAR
            : Number(options.boundaryYear);
        if (
          boundaryYear !== undefined &&
          !(Number.isInteger(boundaryYear) && boundaryYear >= 1900 && boundaryYear <= 2100)
        )
          throw new CliError(
            `--boundary-year must be a year such as 2026, not "${options.boundaryYear}"`,
            EXIT.usage,
          );
        const library = await readLibrary(options);
        const bar = progress('indicators');
        const report = await useStore(options, (store) =>
          buildIndicators(store, library, {
            ...(ids.length ? { only: ids } : {}),
            force: options.force ?? false,
            ...(boundaryYear !== undefined ? { boundaryYear } : {}),
            onProgress: (done, total) => bar.update(done, total),
          }),
        ).catch((error: unknown) => {
          if (error instanceof FormulaError || error instanceof LibraryError)
            throw new CliError(error.message, EXIT.invalidInput);
          if (error instanceof Error && error.name === 'BuildError')
            throw new CliError(error.message, EXIT.invalidInput);
          throw error;
        });
        bar.finish();
        if (options.json) {
          process.stdout.write(`${json(report)}\n`);
          return;
        }
        const values = report.built.reduce((n, b) => n + b.values, 0);
        const lines = [
          `Built ${report.built.length} indicators (${values} values) in ${(report.ms / 1000).toFixed(1)} s; ${report.unchanged.length} unchanged.`,
          ...report.skipped.map((s) => `  not buildable: ${s.id}: ${s.reason}`),
        ];
        process.stdout.write(`${lines.join('\n')}\n`);
      },
    ),
  );
  return command;
}

async function readLibrary(options: LibraryOptions): Promise<IndicatorLibrary> {
  try {
    return options.library ? await loadLibrary({ shared: options.library }) : await installationLibrary();
  } catch (error) {
    if (error instanceof LibraryError) throw new CliError(error.message, EXIT.invalidInput);
    throw error;
  }
}

/** How many values each built indicator has; empty when there is no database yet. */
async function builtCounts(options: StoreOptions): Promise<Map<string, number>> {
  return useStore(
    options,
    async (store) =>
      new Map(
        (
          await store.all<{ indicator: string; n: number }>(
            'SELECT indicator, count(value)::INTEGER AS n FROM indicator_value GROUP BY indicator',
          )
        ).map((r) => [r.indicator, r.n]),
      ),
    { readOnly: true },
  ).catch((error: unknown) => {
    if (error instanceof CliError && error.exitCode === EXIT.unavailable) return new Map<string, number>();
    throw error;
  });
}
