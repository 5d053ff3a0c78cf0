import { Command } from 'commander';
import { buildDemoIndicators, loadDemoData } from '../../demo/load.js';
import { ensureRegister } from '../../regions/index.js';
import { defaultDatabasePath, latestVersion } from '../../store/index.js';
import { useStore, withStoreOptions, type StoreOptions } from '../context.js';

/** `udc init`: creates (or migrates) the database and, with --demo, loads the bundled CBS data. */
export function initCommand(): Command {
  return withStoreOptions(
    new Command('init')
      .description('create or upgrade the database; --demo also loads the bundled real CBS data')
      .option('--demo', 'load the bundled demo datasets (real CBS open data)'),
  ).action(async (options: StoreOptions & { demo?: boolean }) => {
    await useStore(options, async (store) => {
      process.stdout.write(
        `Database ${defaultDatabasePath(options)} is at schema version ${latestVersion()}.\n`,
      );
      if (await ensureRegister(store))
        process.stdout.write('Built the region register from the bundled CBS code lists.\n');
      if (options.demo) {
        await loadDemoData(store, (r) =>
          process.stdout.write(
            `Loaded ${r.dataset}: ${r.rowsStored} observations (${r.seconds.toFixed(1)} s).\n`,
          ),
        );
        const built = await buildDemoIndicators(store);
        process.stdout.write(
          `Built ${built.built.length} indicators (${built.built.reduce((n, b) => n + b.values, 0)} values, ${(built.ms / 1000).toFixed(1)} s).\n`,
        );
      }
    });
  });
}
