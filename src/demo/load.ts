import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { Store } from '../store/index.js';
import { importFile, parseMapping } from '../sources/files/index.js';
import type { ImportReport } from '../sources/ingest.js';
import { installationLibrary } from '../datacenters/index.js';
import { buildIndicators, type BuildReport } from '../indicators/index.js';
import { LAST_REGISTER_YEAR } from '../regions/index.js';

/** The project's bundled data folder. */
export const DATA_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../data');

/** A mapping inline, or the name of a YAML file next to the manifest (for tables with many topics). */
const manifestSchema = z.array(
  z.object({ file: z.string(), mapping: z.union([z.string(), z.record(z.string(), z.unknown())]) }),
);

/**
 * Loads the bundled real CBS datasets (data/demo/datasets.yaml) through the ordinary importer,
 * so the demo proves the same path a data center uses for its own files.
 */
export async function loadDemoData(
  store: Store,
  onReport: (report: ImportReport) => void = () => {},
): Promise<ImportReport[]> {
  const manifestPath = join(DATA_DIR, 'demo', 'datasets.yaml');
  const manifest = manifestSchema.parse(parseYaml(await readFile(manifestPath, 'utf8')));
  const reports: ImportReport[] = [];
  for (const entry of manifest) {
    const file = join(DATA_DIR, 'demo', entry.file);
    const mappingPath =
      typeof entry.mapping === 'string' ? join(DATA_DIR, 'demo', entry.mapping) : manifestPath;
    const mapping =
      typeof entry.mapping === 'string' ? parseYaml(await readFile(mappingPath, 'utf8')) : entry.mapping;
    const report = await importFile(store, file, parseMapping(mapping, mappingPath));
    if (report.outcome !== 'stored') {
      throw new Error(
        `bundled demo file ${entry.file} was rejected: ${report.issues.map((i) => i.message).join('; ')}`,
      );
    }
    onReport(report);
    reports.push(report);
  }
  return reports;
}

/**
 * Builds the shared indicator library and every data center's local indicators over what the store holds (only what changed since the
 * last build), with gemeente values also converted to the newest register year's boundaries.
 */
export async function buildDemoIndicators(store: Store): Promise<BuildReport> {
  return buildIndicators(store, await installationLibrary(), { boundaryYear: LAST_REGISTER_YEAR });
}
