// Key rotation and re-keying. Rotating adds a key generation (a new key at the end of the key
// file); from then on new files are hashed through the whole chain. Re-keying moves every stored
// pseudonym (and every keyed field hash) one generation on by hashing it with the next key: the
// BSN is not needed and never seen. Until a dataset is re-keyed it does not link with files of the
// newer generation; `link` refuses rather than return an empty result.
import type { Store } from '../store/index.js';
import { ident } from '../store/index.js';
import { appendAudit } from './audit.js';
import { LinkageError } from './errors.js';
import { appendKey, fingerprint, parseKeySource, readKeys, Pseudonymiser } from './keys.js';
import { authorize, datasetTable, listZoneDatasets, projectKeys } from './projects.js';
import type { OutputColumn } from './pseudonymise.js';
import { isView, linksTable } from './tables.js';

/** Adds a key generation to the project's key source (a fresh key for a key file) and, unless told not to, re-keys. */
export async function rotateKey(
  store: Store,
  request: { project: string; actor: string; rekey?: boolean; today?: string },
): Promise<{ generation: number; rekeyed: RekeyResult | null }> {
  const project = await authorize(store, { ...request, action: 'key.rotate', datasets: [] });
  const source = parseKeySource(project.keySource);
  const before = await readKeys(source);
  if (source.kind === 'file' && before.length <= project.keyGeneration) await appendKey(source);
  // Checks the old generations' fingerprints (and logs the key use).
  const keys = await projectKeys(store, project, request.actor, 'rotate');
  if (keys.length <= project.keyGeneration)
    throw new LinkageError(
      `${project.keySource} holds no key after generation ${project.keyGeneration}: add one first`,
    );
  await store.run('UPDATE linkage_project SET key_generation = $2, key_fingerprints = $3 WHERE id = $1', [
    project.id,
    keys.length,
    JSON.stringify(keys.map(fingerprint)),
  ]);
  await appendAudit(store, {
    actor: request.actor,
    project: project.id,
    action: 'key.rotate',
    object: project.keySource,
    outcome: 'ok',
    detail: { from: project.keyGeneration, to: keys.length },
  });
  const rekeyed = request.rekey === false ? null : await rekeyProject(store, request);
  return { generation: keys.length, rekeyed };
}

export type RekeyResult = {
  generation: number;
  datasets: { name: string; from: number; columns: string[]; values: number }[];
};

/** Moves every dataset of the project to the project's key generation, in one transaction. */
export async function rekeyProject(
  store: Store,
  request: { project: string; actor: string; today?: string },
): Promise<RekeyResult> {
  const project = await authorize(store, { ...request, action: 'rekey', datasets: [] });
  const datasets = (await listZoneDatasets(store, project.id)).filter(
    (d) => d.key_generation !== null && d.key_generation < project.keyGeneration,
  );
  const result: RekeyResult = { generation: project.keyGeneration, datasets: [] };
  if (datasets.length === 0) return result;
  const keys = await projectKeys(store, project, request.actor, 'rekey');
  const steps = new Map<number, Pseudonymiser>();
  for (let g = 2; g <= project.keyGeneration; g++) steps.set(g, new Pseudonymiser(keys, g));
  const map = 'lz_rekey_map';
  await store.transaction(async (tx) => {
    for (const d of datasets) {
      // A deterministic link is a view of its base (re-keyed as a dataset of its own) and its
      // links table, whose only keyed column is the pseudonym.
      const view = await isView(tx, project.id, d.name);
      const columns = view
        ? ['pseudonym']
        : [
            ...(d.kind === 'unkeyed' ? [] : ['pseudonym']),
            ...(JSON.parse(d.columns) as OutputColumn[])
              .filter((c) => c.name.startsWith('h_'))
              .map((c) => c.name),
          ].filter((c, i, all) => all.indexOf(c) === i);
      const table = view ? linksTable(project.id, d.name) : datasetTable(project.id, d.name);
      let values = 0;
      const replaced: string[] = [];
      const joins: string[] = [];
      for (const [i, column] of columns.entries()) {
        const distinct = await tx.all<{ v: bigint | number }>(
          `SELECT DISTINCT ${ident(column)} AS v FROM ${table} WHERE ${ident(column)} IS NOT NULL`,
        );
        const name = `${map}_${i}`;
        await tx.run(`CREATE TABLE ${name} (old BIGINT, new BIGINT)`);
        await tx.append(
          name,
          distinct.map(({ v }) => {
            let p = BigInt(v);
            for (let g = d.key_generation! + 1; g <= project.keyGeneration; g++) p = steps.get(g)!.step(p);
            return [BigInt(v), p];
          }),
        );
        values += distinct.length;
        joins.push(`LEFT JOIN ${name} m${i} ON m${i}.old = t.${ident(column)}`);
        replaced.push(`m${i}.new AS ${ident(column)}`);
      }
      if (columns.length > 0)
        await tx.run(
          `CREATE OR REPLACE TABLE ${table} AS
             SELECT t.* REPLACE (${replaced.join(', ')}) FROM ${table} t ${joins.join(' ')}`,
        );
      for (let i = 0; i < columns.length; i++) await tx.run(`DROP TABLE ${map}_${i}`);
      await tx.run('UPDATE linkage_dataset SET key_generation = $3 WHERE project = $1 AND name = $2', [
        project.id,
        d.name,
        project.keyGeneration,
      ]);
      result.datasets.push({ name: d.name, from: d.key_generation!, columns, values });
    }
  });
  await appendAudit(store, {
    actor: request.actor,
    project: project.id,
    action: 'rekey',
    object: datasets.map((d) => d.name).join(','),
    outcome: 'ok',
    detail: result,
  });
  return result;
}
