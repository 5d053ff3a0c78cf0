import { Command } from 'commander';
import { existsSync } from 'node:fs';
import { oidcConfigFromEnv } from '../../access/oidc.js';
import { startServer } from '../../api/server.js';
import { basemapFromEnv } from '../../web/basemap.js';
import { buildDemoIndicators, loadDemoData } from '../../demo/load.js';
import { ensureRegister } from '../../regions/index.js';
import { ensureGeometry } from '../../regions/geometry/index.js';
import { defaultDatabasePath, openStore } from '../../store/index.js';
import { withStoreOptions, type StoreOptions } from '../context.js';
import { CliError, EXIT } from '../exit-codes.js';

/** `udc serve`: the API (and later the dashboard) on one port. */
export function serveCommand(): Command {
  return withStoreOptions(
    new Command('serve')
      .description('serve the API and dashboard over HTTP')
      .option('-p, --port <port>', 'port to listen on', '8080')
      .option('--host <host>', 'address to listen on (default: loopback only)', '127.0.0.1')
      .option('--demo', 'create the database with the bundled demo data if it does not exist yet'),
  ).action(async (options: StoreOptions & { port: string; host: string; demo?: boolean }) => {
    const port = Number(options.port);
    if (!Number.isInteger(port) || port < 0 || port > 65_535)
      throw new CliError(`--port must be 0-65535, not "${options.port}"`, EXIT.usage);
    // An optional basemap under the dashboard's maps (UDC_BASEMAP_URL); an unusable URL is an
    // error before anything is opened or built.
    let basemap;
    try {
      basemap = basemapFromEnv();
    } catch (error) {
      throw new CliError((error as Error).message, EXIT.usage);
    }
    const path = defaultDatabasePath(options);
    const fresh = !existsSync(path);
    const store = await openStore({ database: options.database, dataDir: options.dataDir });
    // The register is built once per store (and again when its construction changes).
    if (await ensureRegister(store))
      process.stdout.write('Built the region register from the bundled CBS code lists.\n');
    // The dashboard's maps need boundaries: the bundled ones are stored once (never overwriting imports).
    if ((await ensureGeometry(store)).length > 0)
      process.stdout.write('Stored the bundled boundaries (gemeenten 2015 and 2023, wijken 2014).\n');
    if (fresh && options.demo) {
      process.stdout.write(`Creating ${path} with the bundled demo data...\n`);
      await loadDemoData(store, (r) =>
        process.stdout.write(`  ${r.dataset}: ${r.rowsStored} observations\n`),
      );
    }
    // Values follow the library: a changed definition or dataset is rebuilt before serving.
    // A broken definition must not keep the data center offline: serve what was built before.
    await buildDemoIndicators(store).then(
      (built) => {
        if (built.built.length)
          process.stdout.write(`Built ${built.built.length} indicators from the library.\n`);
      },
      (error: Error) => process.stderr.write(`Indicators were not rebuilt: ${error.message}\n`),
    );
    // OpenID Connect sign-in when UDC_OIDC_* is set (docs/access.md); a half configuration is an error.
    let oidc;
    try {
      oidc = oidcConfigFromEnv();
    } catch (error) {
      throw new CliError((error as Error).message, EXIT.usage);
    }
    const server = await startServer(store, {
      host: options.host,
      port,
      access: { ...(oidc ? { oidc } : {}) },
      web: { ...(basemap ? { basemap } : {}) },
    }).catch((error: NodeJS.ErrnoException) => {
      throw new CliError(
        error.code === 'EADDRINUSE' ? `port ${port} is in use; choose another with --port` : error.message,
        EXIT.unavailable,
      );
    });
    process.stdout.write(`udc is serving ${path} on ${server.url}/ (Ctrl+C to stop)\n`);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await server.close();
    await store.close();
  });
}
