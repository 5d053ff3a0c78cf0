import type { Store } from '../../store/index.js';
import type { StageResult } from '../ingest.js';
import { FileImportError } from './errors.js';
import type { Mapping } from './mapping.js';
import { planColumns } from './plan.js';
import { stageFromRaw } from './stage-sql.js';

const NUMERIC =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|DECIMAL.*)$/;

/** Reads a Parquet file into the staging table inside the engine; typed numeric columns stay numbers. */
export async function stageParquet(
  tx: Store,
  table: string,
  file: string,
  mapping: Mapping,
): Promise<StageResult> {
  const raw = `${table}_raw`;
  try {
    await tx.run(`CREATE TEMP TABLE ${raw} AS SELECT * FROM read_parquet($1)`, [file]);
  } catch (error) {
    throw new FileImportError(
      file,
      `not a readable Parquet file: ${(error as Error).message.split('\n')[0]}`,
    );
  }
  const described = await tx.all<{ column_name: string; column_type: string }>(`DESCRIBE ${raw}`);
  // Parquet column names are free text; give them safe names before any SQL mentions them.
  const safe = new Map<string, string>();
  described.forEach((d, i) => safe.set(d.column_name, `c${i}`));
  const renamed = `${raw}_safe`;
  await tx.run(
    `CREATE TEMP TABLE ${renamed} AS SELECT ${described.map((_, i) => `#${i + 1} AS c${i}`).join(', ')} FROM ${raw}`,
  );
  await tx.run(`DROP TABLE ${raw}`);
  const header = described.map((d) => d.column_name);
  const plan = planColumns(file, header, mapping);
  const numeric = new Set(
    described.filter((d) => NUMERIC.test(d.column_type)).map((d) => safe.get(d.column_name)!),
  );
  const result = await stageFromRaw(tx, table, renamed, plan, mapping, (h) => safe.get(h)!, 1, { numeric });
  await tx.run(`DROP TABLE ${renamed}`);
  return result;
}
