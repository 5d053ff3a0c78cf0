import type { Store } from '../../store/index.js';
import { ingest, ingestStaged, type ImportReport, type IngestRequest } from '../ingest.js';
import { prepareCsv, stageCsv } from './csv.js';
import { decideFormat, readHead } from './detect.js';
import { readGeoJson } from './geojson.js';
import type { Mapping } from './mapping.js';
import { stageParquet } from './parquet.js';
import { datasetFrom } from './plan.js';
import { readXlsx } from './xlsx.js';

/**
 * Imports one file (CSV, XLSX, GeoJSON or Parquet) as a dataset, as the mapping says. Atomic:
 * the report says 'stored' and the dataset is replaced (or appended to), or it says 'rejected'
 * with every problem found and the store is unchanged. Throws FileImportError when the file
 * cannot be read at all.
 */
export async function importFile(store: Store, file: string, mapping: Mapping): Promise<ImportReport> {
  const head = await readHead(file);
  const format = decideFormat(file, head, mapping.format);
  const request: IngestRequest = {
    dataset: datasetFrom(mapping, file),
    variables: [],
    sourceName: file,
    columns: {
      region: mapping.region.column,
      period: 'column' in mapping.period ? mapping.period.column : 'period',
      variable: mapping.variable?.column ?? 'variable',
      value: mapping.value?.column ?? 'value',
    },
    decimal: mapping.decimal,
    mode: mapping.mode,
    maxRejects: mapping.maxRejects,
  };

  if (format === 'csv') {
    const csv = await prepareCsv(file, head, mapping);
    try {
      // Dutch files separate with ';' because their decimals are commas.
      return await ingestStaged(
        store,
        { ...request, decimalHint: csv.delimiter === ';' ? ',' : '.' },
        (tx, table) => stageCsv(tx, table, file, csv, mapping),
      );
    } finally {
      await csv.cleanup();
    }
  }
  if (format === 'parquet') {
    return ingestStaged(store, request, (tx, table) => stageParquet(tx, table, file, mapping));
  }
  if (format === 'xlsx') {
    const { variables, rows } = await readXlsx(file, mapping);
    return ingest(store, { ...request, variables }, rows);
  }
  const { variables, rows } = await readGeoJson(file, mapping);
  return ingest(store, { ...request, variables }, rows);
}
