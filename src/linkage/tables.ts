// Where a dataset's rows live. Imported files and probabilistic links are tables. A deterministic
// link is stored as what linking adds (for each person of the base that a linked file found: the
// row counts and that file's columns) in `<project>__<name>__links`, and read through a view that
// joins it to its base: writing a second copy of the base's millions of rows cost four times as
// much as the link itself (measured on 5 million persons). A view reads its base by name, so
// before a dataset is replaced or dropped the views built on it are stored as tables: a linked
// dataset keeps the rows it was linked on.
import { ident, type Store } from '../store/index.js';
import { datasetTable } from './projects.js';

/** The table of a linked dataset's own columns (its view joins it to the base). */
export function linksTable(project: string, dataset: string): string {
  return `linkage.${ident(`${project}__${dataset}__links`)}`;
}

/** True when the dataset is read through a view (a deterministic link on its base). */
export async function isView(store: Store, project: string, dataset: string): Promise<boolean> {
  const row = await store.one(
    `SELECT 1 AS x FROM duckdb_views() WHERE schema_name = 'linkage' AND view_name = $1`,
    [`${project}__${dataset}`],
  );
  return row !== undefined;
}

/** Drops the dataset's table or view (with its links), after storing the views built on it. */
export async function dropDataset(tx: Store, project: string, dataset: string): Promise<void> {
  await materialiseDependents(tx, project, dataset);
  if (await isView(tx, project, dataset)) {
    await tx.run(`DROP VIEW ${datasetTable(project, dataset)}`);
    await tx.run(`DROP TABLE IF EXISTS ${linksTable(project, dataset)}`);
  } else await tx.run(`DROP TABLE IF EXISTS ${datasetTable(project, dataset)}`);
}

/** Stores as tables the linked views whose base is `dataset` (each keeps the rows it shows now). */
async function materialiseDependents(tx: Store, project: string, dataset: string): Promise<void> {
  const linked = await tx.all<{ name: string; report: string | null }>(
    `SELECT name, report FROM linkage_dataset WHERE project = $1 AND kind = 'linked'`,
    [project],
  );
  for (const { name, report } of linked) {
    const base = (JSON.parse(report ?? 'null') as { base?: string } | null)?.base;
    if (base !== dataset || !(await isView(tx, project, name))) continue;
    const copy = `${project}__${name}__copy`;
    await tx.run(`DROP TABLE IF EXISTS linkage.${ident(copy)}`);
    await tx.run(`CREATE TABLE linkage.${ident(copy)} AS SELECT * FROM ${datasetTable(project, name)}`);
    await tx.run(`DROP VIEW ${datasetTable(project, name)}`);
    await tx.run(`ALTER TABLE linkage.${ident(copy)} RENAME TO ${ident(`${project}__${name}`)}`);
    await tx.run(`DROP TABLE ${linksTable(project, name)}`);
  }
}
