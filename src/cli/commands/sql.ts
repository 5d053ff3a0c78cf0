import { Command, Option } from 'commander';
import { useStore, withStoreOptions, type StoreOptions } from '../context.js';
import { CliError, EXIT } from '../exit-codes.js';
import { csv, json, table } from '../format.js';

/** `udc sql <query>`: ad-hoc questions to the store, which is opened read-only so nothing can change. */
export function sqlCommand(): Command {
  return withStoreOptions(
    new Command('sql')
      .description('run a read-only SQL query against the store')
      .argument('<query>', 'the SQL query (the database is opened read-only)')
      .addOption(
        new Option('--output <format>', 'output format').choices(['table', 'csv', 'json']).default('table'),
      ),
  ).action(async (query: string, options: StoreOptions & { output: 'table' | 'csv' | 'json' }) => {
    const rows = await useStore(
      options,
      (store) =>
        store.all(query).catch((error: unknown) => {
          throw new CliError(
            `the query failed: ${(error as Error).message.split('\n')[0]}`,
            EXIT.invalidInput,
          );
        }),
      { readOnly: true },
    );
    const out =
      options.output === 'json'
        ? `${json(rows)}\n`
        : options.output === 'csv'
          ? csv(rows)
          : `${table(rows)}\n`;
    process.stdout.write(out);
  });
}
