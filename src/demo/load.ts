import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { Store } from '../store/index.js';
import { importFile, parseMapping } from '../sources/files/index.js';
import type { ImportReport } from '../sources/ingest.js';

/** The project's bundled data folder. */
export const DATA_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../data');

const manifestSchema = z.array(z.object({ file: z.string(), mapping: z.unknown() }));

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
    const report = await importFile(store, file, parseMapping(entry.mapping, manifestPath));
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
