// TEMPORARY scratch experiment (helper), removed at end.
import { join } from 'node:path';
import { readdirSync } from 'node:fs';
import { migrate, openDuckDBStore } from '../src/store/index.js';
const dir = 'bench/.cache/statline-v4-synthetic-1000000';
const files = readdirSync(dir).filter((f) => f.startsWith('page-')).sort().map((f) => join(dir, f));
const flist = `[${files.map((f) => `'${f}'`).join(', ')}]`;
const type = `STRUCT("Measure" VARCHAR, "ValueAttribute" VARCHAR, "Value" DOUBLE, "Geslacht" VARCHAR, "RegioS" VARCHAR, "Perioden" VARCHAR)[]`;
const rj = `read_json(${flist}, columns = {value: '${type}'}, format = 'unstructured', maximum_object_size = 1073741824, filename = true)`;
const variants: Record<string, string> = {
  ref: `INSERT INTO observation (dataset, variable, region, period, categories, value, status)
     SELECT 'bench', o.Measure, o.RegioS, o.Perioden, 'Geslacht=' || o.Geslacht, o.Value, 'final'
     FROM (SELECT unnest(value) AS o FROM read_json('${dir}/page-*.json', format = 'auto', maximum_object_size = 268435456))`,
  stageWindow: `CREATE TEMP TABLE st AS SELECT (r.before + r.i)::BIGINT AS _row, trim(r.o.RegioS) AS region, trim(r.o.Perioden) AS period, r.o.Measure AS variable, 'Geslacht=' || trim(r.o.Geslacht) AS categories, NULL::VARCHAR AS value_text, r.o.Value AS value_number, NULL::VARCHAR AS status
     FROM (SELECT coalesce(sum(len(value)) OVER (ORDER BY list_position(${flist}, filename) ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before, unnest(value) AS o, generate_subscripts(value, 1) AS i FROM ${rj}) r`,
  stageNoWindow: `CREATE TEMP TABLE st AS SELECT list_position(${flist}, filename) AS page, r.i, trim(r.o.RegioS) AS region, trim(r.o.Perioden) AS period, r.o.Measure AS variable, 'Geslacht=' || trim(r.o.Geslacht) AS categories, NULL::VARCHAR AS value_text, r.o.Value AS value_number, NULL::VARCHAR AS status
     FROM (SELECT filename, unnest(value) AS o, generate_subscripts(value, 1) AS i FROM ${rj}) r`,
  stageTyped: `CREATE TEMP TABLE st AS SELECT 1 AS page, o.Measure AS variable, o.RegioS, o.Perioden, o.Value FROM (SELECT unnest(value) AS o FROM ${rj})`,
};
const which = process.argv.slice(2);
for (const rep of [1, 2, 3, 4, 5]) for (const name of which) {
  const store = await openDuckDBStore({ path: `/tmp/exp/${name}-${rep}.duckdb` });
  await migrate(store);
  const t = performance.now();
  await store.session(async (tx) => { await tx.run(variants[name]!); });
  console.log(name, rep, ((performance.now() - t) / 1000).toFixed(3));
  await store.close();
}
