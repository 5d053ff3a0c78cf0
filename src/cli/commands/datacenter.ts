import { Command } from 'commander';
import {
  checkDatacenter,
  datacenterLibrary,
  datacenterNames,
  DatacenterError,
  readDatacenter,
  readDatacenters,
} from '../../datacenters/index.js';
import { LibraryError } from '../../indicators/index.js';
import { DATACENTERS_DIR, ensureRegister } from '../../regions/index.js';
import { useStore, withStoreOptions, type StoreOptions } from '../context.js';
import { CliError, EXIT } from '../exit-codes.js';
import { json, table } from '../format.js';

type Options = StoreOptions & { root: string; json?: boolean };

/** `udc datacenter list|check`: the data centers under datacenters/ and whether their configuration holds. */
export function datacenterCommand(): Command {
  const withRoot = (c: Command) =>
    c
      .option('--root <dir>', 'folder with one folder per data center', DATACENTERS_DIR)
      .option('--json', 'print JSON');
  return new Command('datacenter')
    .description('the data centers this installation serves: list them, check their configuration')
    .addCommand(
      withRoot(
        new Command('list').description('list the data centers with their region, home gemeenten and themes'),
      ).action(async (options: Options) => {
        const all = await readDatacenters(options.root).catch(rethrow);
        const rows = all.map((d) => ({
          name: d.id,
          title: d.name.nl,
          region: d.region,
          home: d.home.join(' '),
          themes: d.themes.map((t) => t.id).join(' '),
          local: d.localIndicators ? 'yes' : 'no',
        }));
        process.stdout.write(
          options.json ? `${json(rows)}\n` : `${table(rows)}\n${rows.length} data centers\n`,
        );
      }),
    )
    .addCommand(
      withStoreOptions(
        withRoot(
          new Command('check')
            .description(
              'check data centers (all, or the names given): schema, colour contrast, logo, indicator selection against the library (shared and local), region and home gemeenten against the register',
            )
            .argument('[names...]', 'data centers to check (default: all)')
            .option('--years <years>', 'register years whose region members are counted', '2024,2026'),
        ),
      ).action(async (names: string[], options: Options & { years: string }) => {
        const years = options.years.split(',').map((y) => Number(y.trim()));
        if (years.some((y) => !Number.isInteger(y) || y < 1995 || y > 2100))
          throw new CliError(
            `--years must be register years such as 2024,2026, not "${options.years}"`,
            EXIT.usage,
          );
        const chosen = names.length ? names : datacenterNames(options.root);
        if (chosen.length === 0) throw new CliError(`no data centers in ${options.root}`, EXIT.invalidInput);
        const results = await useStore(options, async (store) => {
          await ensureRegister(store);
          const out = [];
          for (const name of chosen) {
            try {
              const d = await readDatacenter(name, options.root);
              out.push(await checkDatacenter(d, { library: await datacenterLibrary(d), store, years }));
            } catch (error) {
              if (error instanceof DatacenterError)
                out.push({ datacenter: name, problems: [...error.problems], summary: undefined });
              else if (error instanceof LibraryError)
                out.push({ datacenter: name, problems: [error.message], summary: undefined });
              else throw error;
            }
          }
          return out;
        });
        if (options.json) process.stdout.write(`${json(results)}\n`);
        else
          for (const r of results) {
            if (r.problems.length === 0 && r.summary)
              process.stdout.write(
                `${r.datacenter}: ok: ${r.summary.indicators} indicators (${r.summary.local} local), region members ${Object.entries(
                  r.summary.members,
                )
                  .map(([y, n]) => `${n} in ${y}`)
                  .join(', ')}\n`,
              );
            else
              process.stdout.write(
                `${r.datacenter}: ${r.problems.length} problem(s):\n- ${r.problems.join('\n- ')}\n`,
              );
          }
        if (results.some((r) => r.problems.length > 0)) process.exitCode = EXIT.invalidInput;
      }),
    );
}

function rethrow(error: unknown): never {
  if (error instanceof DatacenterError) throw new CliError(error.message, EXIT.invalidInput);
  throw error;
}
