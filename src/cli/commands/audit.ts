import { Command } from 'commander';
import { listAudit, verifyAudit } from '../../linkage/index.js';
import { useStore, withStoreOptions, type StoreOptions } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { json, table } from '../format.js';

/** `udc audit`: the append-only, hash-chained log of everything done in the linkage zone. */
export function auditCommand(): Command {
  const log = withStoreOptions(
    new Command('log')
      .description('show the audit log (who, when, which project, what, outcome)')
      .option('--project <id>', 'only this project')
      .option('--limit <n>', 'only the last n entries', '100')
      .option('--json', 'print JSON'),
  ).action(async (options: StoreOptions & { project?: string; limit: string; json?: boolean }) => {
    await useStore(
      options,
      async (store) => {
        const rows = await listAudit(store, {
          project: options.project,
          limit: Math.max(1, Number(options.limit) || 100),
        });
        process.stdout.write(
          options.json
            ? `${json(rows)}\n`
            : `${table(
                rows.map((r) => ({ ...r, hash: r.hash.slice(0, 12) })),
                ['seq', 'logged_at', 'actor', 'project', 'action', 'object', 'outcome', 'detail', 'hash'],
              )}\n`,
        );
      },
      { readOnly: true },
    );
  });
  const verify = withStoreOptions(
    new Command('verify')
      .description('recompute the hash chain; fails on any changed, inserted or deleted row')
      .option('--json', 'print JSON'),
  ).action(async (options: StoreOptions & { json?: boolean }) => {
    await useStore(
      options,
      async (store) => {
        const v = await verifyAudit(store);
        process.stdout.write(
          options.json
            ? `${json(v)}\n`
            : v.ok
              ? `audit log intact: ${v.entries} entries, head ${v.head}\n`
              : `audit log BROKEN at entry ${v.broken!.seq}: ${v.broken!.reason}\n`,
        );
        if (!v.ok) process.exitCode = EXIT.invalidInput;
      },
      { readOnly: true },
    );
  });
  return new Command('audit').description("the linkage zone's audit log").addCommand(log).addCommand(verify);
}
