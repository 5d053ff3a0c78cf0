import { Command } from 'commander';
import { useStore, withStoreOptions, type StoreOptions } from '../context.js';
import { CliError, EXIT } from '../exit-codes.js';
import { json, table } from '../format.js';

/** `udc datasets [id]`: what the store holds. */
export function datasetsCommand(): Command {
  return withStoreOptions(
    new Command('datasets')
      .description('list the datasets in the store, or show one with its variables')
      .argument('[id]', 'a dataset to show')
      .option('--json', 'print JSON'),
  ).action(async (id: string | undefined, options: StoreOptions & { json?: boolean }) => {
    await useStore(
      options,
      async (store) => {
        if (!id) {
          const rows = await store.all(
            `SELECT d.id, d.title, d.publisher, d.confidentiality, d.version, strftime(d.imported, '%Y-%m-%d %H:%M') AS imported,
                    (SELECT count(*) FROM observation o WHERE o.dataset = d.id) AS observations
             FROM dataset d ORDER BY d.id`,
          );
          process.stdout.write(options.json ? `${json(rows)}\n` : `${table(rows)}\n`);
          return;
        }
        const dataset = await store.one('SELECT * FROM dataset WHERE id = $1', [id]);
        if (!dataset)
          throw new CliError(
            `no dataset "${id}" in ${store.path}; run \`udc datasets\` to list them`,
            EXIT.invalidInput,
          );
        const variables = await store.all(
          `SELECT v.key, v.title, v.unit, v.aggregation, count(o.value) AS values,
                  min(o.period) AS first_period, max(o.period) AS last_period
           FROM variable v LEFT JOIN observation o ON o.dataset = v.dataset AND o.variable = v.key
           WHERE v.dataset = $1 GROUP BY ALL ORDER BY v.key`,
          [id],
        );
        if (options.json) process.stdout.write(`${json({ ...dataset, variables })}\n`);
        else {
          const lines = Object.entries(dataset).map(([k, v]) => `${k.padEnd(16)} ${v ?? ''}`);
          process.stdout.write(`${lines.join('\n')}\n\n${table(variables)}\n`);
        }
      },
      { readOnly: true },
    );
  });
}
