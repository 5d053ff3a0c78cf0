// Linking inside the engine. Deterministic: persons on their pseudonym (one join, millions of
// rows). Probabilistic: a file without BSN to the persons of a base file by Fellegi-Sunter on
// hashed fields (date of birth, sex, postcode, house number ...), blocked, thresholded, with the
// match rate and an estimate of the error. Each result is a new dataset of the project (kind
// linked) that can only leave the zone through the output gate.
import { ident, type Store } from '../store/index.js';
import { appendAudit } from './audit.js';
import { LinkageError } from './errors.js';
import { estimateEM, evenOddsWeight, matchWeight, type FellegiSunterModel } from './fellegi-sunter.js';
import { authorize, datasetTable, NAME, type Project, type ZoneDataset, zoneDataset } from './projects.js';
import type { OutputColumn } from './pseudonymise.js';
import { dropDataset, isView, linksTable } from './tables.js';

/** Checks the purpose of a request naming datasets: the project's own linked results are always its own. */
export async function authorizeDatasets(
  store: Store,
  request: { project: string; actor: string; action: string; datasets: readonly string[]; today?: string },
): Promise<{ project: Project; datasets: ZoneDataset[] }> {
  const linked = new Set(
    (
      await store.all<{ name: string }>(
        `SELECT name FROM linkage_dataset WHERE project = $1 AND kind = 'linked'`,
        [request.project],
      )
    ).map((r) => r.name),
  );
  const project = await authorize(store, {
    ...request,
    datasets: request.datasets.filter((d) => !linked.has(d)),
  });
  const datasets: ZoneDataset[] = [];
  for (const name of request.datasets) datasets.push(await zoneDataset(store, project.id, name));
  return { project, datasets };
}

function columnsOf(dataset: ZoneDataset): OutputColumn[] {
  return JSON.parse(dataset.columns) as OutputColumn[];
}

function requireCurrentKey(project: Project, dataset: ZoneDataset): void {
  if (dataset.key_generation !== project.keyGeneration)
    throw new LinkageError(
      `dataset ${dataset.name} is pseudonymised with key generation ${dataset.key_generation}, project ${project.id} is at ${project.keyGeneration}: ` +
        'pseudonyms of different generations never match; run `udc linkage rekey` first',
    );
}

async function register(
  tx: Store,
  project: Project,
  name: string,
  rows: number,
  unique: boolean,
  synthetic: boolean,
  columns: OutputColumn[],
  report: unknown,
): Promise<void> {
  await tx.run('DELETE FROM linkage_dataset WHERE project = $1 AND name = $2', [project.id, name]);
  await tx.run(
    `INSERT INTO linkage_dataset VALUES ($1, $2, $3, 'linked', $4, $5, $6, $7, $8, $9, $10, $11)`,
    [
      project.id,
      name,
      `${project.id}__${name}`,
      rows,
      project.keyGeneration,
      unique,
      synthetic,
      'udc linkage link',
      JSON.stringify(columns),
      JSON.stringify(report),
      new Date().toISOString(),
    ],
  );
}

async function refuseExistingInput(
  project: Project,
  output: string,
  inputs: readonly string[],
): Promise<void> {
  if (!NAME.test(output))
    throw new LinkageError(
      `output name "${output}": expected lower case letters, digits, single underscores`,
    );
  if (inputs.includes(output)) throw new LinkageError(`output ${output} cannot also be an input`);
  if (project.datasets.includes(output))
    throw new LinkageError(`output ${output} is the name of one of the project's source datasets`);
}

/** The linkage rate of one file against the base. */
export interface LinkRate {
  dataset: string;
  rows: number;
  linked: number;
  rate: number;
}

export interface DeterministicResult {
  output: string;
  rows: number;
  rates: LinkRate[];
  seconds: number;
}

/**
 * Links files to a base file of persons on the pseudonym: every base row, with per file the
 * number of rows the person has there (`n_<file>`), and for files with one row per person their
 * columns (`<file>_<column>`). Reports per file the share of its rows that found a person.
 */
export async function linkDeterministic(
  store: Store,
  request: {
    project: string;
    actor: string;
    base: string;
    with: readonly string[];
    output: string;
    today?: string;
  },
): Promise<DeterministicResult> {
  const started = performance.now();
  const names = [request.base, ...request.with];
  const { project, datasets } = await authorizeDatasets(store, {
    ...request,
    action: 'link',
    datasets: names,
  });
  await refuseExistingInput(project, request.output, names);
  for (const d of datasets) {
    if (d.kind === 'unkeyed')
      throw new LinkageError(
        `dataset ${d.name} has no pseudonym (no BSN); link it probabilistically first (udc linkage link --method probabilistic)`,
      );
    requireCurrentKey(project, d);
  }
  const [base, ...others] = datasets;
  if (others.length === 0) throw new LinkageError('name at least one file to link with the base');
  if (!base!.unique_person) throw new LinkageError(`base ${base!.name} must hold one row per person`);
  const baseColumns = columnsOf(base!);
  // The links table holds what linking adds, for the persons some file found; the view shows
  // every base row with it (see tables.ts).
  const stored = ['b.pseudonym'];
  const shown = ['b.pseudonym', ...baseColumns.map((c) => `b.${ident(c.name)}`)];
  const found: string[] = [];
  const columns: OutputColumn[] = [
    { name: 'pseudonym', type: 'BIGINT', origin: `${base!.name}.pseudonym` },
    ...baseColumns,
  ];
  const joins: string[] = [];
  others.forEach((d, i) => {
    const alias = `w${i}`;
    const table = datasetTable(project.id, d.name);
    const n = ident(`n_${d.name}`);
    if (d.unique_person) {
      joins.push(`LEFT JOIN ${table} ${alias} ON ${alias}.pseudonym = b.pseudonym`);
      found.push(`${alias}.pseudonym IS NOT NULL`);
      stored.push(`(${alias}.pseudonym IS NOT NULL)::INTEGER AS ${n}`);
      for (const c of columnsOf(d).filter((c) => !c.name.startsWith('h_') && c.name !== 'match_weight')) {
        const name = `${d.name}_${c.name}`.slice(0, 63);
        stored.push(`${alias}.${ident(c.name)} AS ${ident(name)}`);
        shown.push(`l.${ident(name)}`);
        columns.push({ ...c, name, origin: `${d.name}.${c.name}` });
      }
    } else {
      joins.push(
        `LEFT JOIN (SELECT pseudonym, count(*) AS n FROM ${table} WHERE pseudonym IS NOT NULL GROUP BY pseudonym) ${alias} ON ${alias}.pseudonym = b.pseudonym`,
      );
      found.push(`${alias}.n IS NOT NULL`);
      stored.push(`coalesce(${alias}.n, 0)::INTEGER AS ${n}`);
    }
    shown.push(`coalesce(l.${n}, 0)::INTEGER AS ${n}`);
    columns.push({ name: `n_${d.name}`, type: 'INTEGER', origin: `rows of ${d.name} per person` });
  });
  const output = datasetTable(project.id, request.output);
  const links = linksTable(project.id, request.output);
  const baseTable = datasetTable(project.id, base!.name);
  const result = await store.transaction(async (tx) => {
    await dropDataset(tx, project.id, request.output);
    await tx.run(
      `CREATE TABLE ${links} AS SELECT ${stored.join(', ')} FROM ${baseTable} b ${joins.join(' ')}
        WHERE ${found.join(' OR ')}`,
    );
    await tx.run(
      `CREATE VIEW ${output} AS SELECT ${shown.join(', ')}
         FROM ${baseTable} b LEFT JOIN ${links} l ON l.pseudonym = b.pseudonym`,
    );
    // The base holds one row per person, so the rows of a file that found a person are the sum of
    // its n_<file> column.
    const sums = await tx.one<Record<string, number | bigint | null>>(
      `SELECT ${others.map((d, i) => `sum(${ident(`n_${d.name}`)}) AS linked${i}`).join(', ')} FROM ${links}`,
    );
    const rates: LinkRate[] = [];
    for (const [i, d] of others.entries()) {
      const count = Number(d.rows);
      const linked = Number(sums![`linked${i}`] ?? 0);
      rates.push({ dataset: d.name, rows: count, linked, rate: count ? linked / count : 0 });
    }
    const rows = Number(base!.rows);
    await register(
      tx,
      project,
      request.output,
      rows,
      true,
      datasets.some((d) => d.synthetic),
      columns,
      { method: 'deterministic', base: base!.name, with: request.with, rates },
    );
    return { rows, rates };
  });
  await appendAudit(store, {
    actor: request.actor,
    project: project.id,
    action: 'link',
    object: request.output,
    outcome: 'ok',
    detail: { method: 'deterministic', inputs: names, rows: result.rows, rates: result.rates },
  });
  return { output: request.output, ...result, seconds: (performance.now() - started) / 1000 };
}

export interface ProbabilisticResult {
  output: string;
  model: FellegiSunterModel;
  /** Weight from which a pair is accepted. */
  threshold: number;
  candidatePairs: number;
  rows: number;
  linked: number;
  matchRate: number;
  /** Expected share of accepted links that are wrong: mean of (1 - probability of the best candidate) over them. */
  estimatedFalseLinkRate: number;
  /** Expected true matches among the records left unlinked: sum of their best candidates' probabilities. */
  estimatedMissedLinks: number;
  /** Records whose best candidates tie at the top (left unlinked). */
  ambiguous: number;
  /** Estimated share of the file's records (with a candidate) whose person is among their candidates. */
  matchPrior: number;
  seconds: number;
}

/**
 * Links a file without BSN (`file`) to the persons of `base` by Fellegi-Sunter: candidate pairs
 * share the value of at least one blocking field; each is compared on every field (exact
 * agreement of the keyed hashes, or of plain values); EM estimates m and u; each record takes its
 * best candidate at or above the threshold (default: the weight at even odds).
 */
export async function linkProbabilistic(
  store: Store,
  request: {
    project: string;
    actor: string;
    base: string;
    file: string;
    fields: readonly string[];
    blocking?: readonly string[];
    threshold?: number;
    output: string;
    today?: string;
  },
): Promise<ProbabilisticResult> {
  const started = performance.now();
  const names = [request.base, request.file];
  const { project, datasets } = await authorizeDatasets(store, {
    ...request,
    action: 'link',
    datasets: names,
  });
  await refuseExistingInput(project, request.output, names);
  const [base, file] = datasets as [ZoneDataset, ZoneDataset];
  if (base.kind === 'unkeyed') throw new LinkageError(`base ${base.name} has no pseudonym (no BSN)`);
  requireCurrentKey(project, base);
  if (file.kind !== 'unkeyed') requireCurrentKey(project, file);
  // Records are numbered by their place in the file's table, which a view over a base does not have.
  if (await isView(store, project.id, file.name))
    throw new LinkageError(`${file.name} is a deterministic link; link an imported file probabilistically`);
  if (request.fields.length < 2 || request.fields.length > 12)
    throw new LinkageError('probabilistic linkage compares 2 to 12 fields');
  const baseColumns = new Set(columnsOf(base).map((c) => c.name));
  const fileColumns = columnsOf(file);
  const column = (field: string): string => {
    for (const name of [`h_${field}`, field]) {
      if (baseColumns.has(name) && fileColumns.some((c) => c.name === name)) return name;
    }
    throw new LinkageError(
      `field ${field}: neither h_${field} (hash:${field}) nor ${field} is a column of both ${base.name} and ${file.name}`,
    );
  };
  const fields = request.fields.map(column);
  const blocking = (request.blocking ?? request.fields.slice(0, 2)).map(column);
  if (blocking.length > 8) throw new LinkageError('at most 8 blocking fields');
  for (const f of blocking)
    if (!fields.includes(f)) throw new LinkageError(`blocking field ${f} must also be compared`);
  const a = datasetTable(project.id, base.name);
  const b = datasetTable(project.id, file.name);
  const pattern = fields
    .map((f, k) => `(CASE WHEN a.${ident(f)} = b.${ident(f)} THEN ${1 << k} ELSE 0 END)`)
    .join(' + ');
  const output = datasetTable(project.id, request.output);
  const keepColumns = fileColumns.filter(
    (c) => !c.name.startsWith('h_') && !fields.includes(c.name) && c.name !== 'pseudonym',
  );

  const result = await store.session(async (s) => {
    const pairs = 'lz_candidate_pairs';
    await s.run(`DROP TABLE IF EXISTS ${pairs}`);
    // Candidate pairs: the union of one equi-join per blocking field (DISTINCT removes pairs found twice).
    await s.run(
      `CREATE TEMP TABLE ${pairs} AS
       SELECT p.b_id, p.a_id, p.passes, ${pattern} AS pattern FROM (
         SELECT b_id, a_id, bit_or(pass) AS passes FROM (
         ${blocking
           .map(
             (f, k) =>
               `SELECT b.rowid AS b_id, a.pseudonym AS a_id, ${1 << k} AS pass FROM ${b} b JOIN ${a} a ON a.${ident(f)} = b.${ident(f)}`,
           )
           .join('\n         UNION ALL\n         ')}
         ) GROUP BY b_id, a_id
       ) p JOIN ${b} b ON b.rowid = p.b_id JOIN ${a} a ON a.pseudonym = p.a_id`,
    );
    try {
      const counts = await s.all<{ pattern: number; n: number }>(
        `SELECT pattern, count(*) AS n FROM ${pairs} GROUP BY pattern`,
      );
      const candidatePairs = counts.reduce((sum, c) => sum + c.n, 0);
      if (candidatePairs === 0)
        throw new LinkageError(`no candidate pairs: ${file.name} and ${base.name} share no blocking value`);
      // u: the chance that two random records agree on a field.
      const u: number[] = [];
      for (const f of fields) {
        const r = await s.one<{ u: number }>(
          `SELECT sum(x.n * y.n) / ((SELECT count(*) FROM ${a})::DOUBLE * (SELECT count(*) FROM ${b})) AS u
             FROM (SELECT ${ident(f)} AS v, count(*) AS n FROM ${a} GROUP BY 1) x
             JOIN (SELECT ${ident(f)} AS v, count(*) AS n FROM ${b} GROUP BY 1) y ON x.v = y.v`,
        );
        u.push(r?.u ?? 0.01);
      }
      // m: per blocking pass, EM on its pairs with the blocking field left out.
      const mSum = fields.map(() => 0);
      const mCount = fields.map(() => 0);
      for (const [k, f] of blocking.entries()) {
        const held = fields.indexOf(f);
        const rest = fields.map((_, i) => i).filter((i) => i !== held);
        const passCounts = await s.all<{ pattern: number; n: number }>(
          `SELECT pattern, count(*) AS n FROM ${pairs} WHERE passes & ${1 << k} <> 0 GROUP BY pattern`,
        );
        const reduced = new Map<number, number>();
        for (const c of passCounts) {
          let bits = 0;
          rest.forEach((i, j) => {
            if (c.pattern & (1 << i)) bits |= 1 << j;
          });
          reduced.set(bits, (reduced.get(bits) ?? 0) + c.n);
        }
        const pass = estimateEM(
          rest.map((i) => request.fields[i]!),
          reduced,
          { u: rest.map((i) => u[i]!), fixU: true },
        );
        rest.forEach((i, j) => {
          mSum[i] = mSum[i]! + pass.m[j]!;
          mCount[i] = mCount[i]! + 1;
        });
      }
      const m = mSum.map((s, i) => (mCount[i] ? s / mCount[i]! : 0.9));
      // The prior share of matches among candidate pairs: at most one true partner per record of
      // the file, so (file rows) / (candidate pairs). EM cannot estimate it here: blocked
      // non-matches agree on their blocking field far more often than u says.
      const fileRows = (await s.one<{ n: number }>(`SELECT count(*) AS n FROM ${b}`))!.n;
      const model: FellegiSunterModel = {
        fields: request.fields,
        m: m.map((v) => Math.min(1 - 1e-6, Math.max(1e-6, v))),
        u: u.map((v) => Math.min(1 - 1e-6, Math.max(1e-6, v))),
        matchShare: Math.min(0.5, fileRows / candidatePairs),
        iterations: 0,
        converged: true,
      };
      const threshold = request.threshold ?? evenOddsWeight(model);
      const weights = counts.map((c) => `(${c.pattern}, ${matchWeight(c.pattern, model.m, model.u)})`);
      // Each record of the file against all its candidates: at most one of them is its person
      // (a one-to-one model), so a household's members compete for the record and the best
      // candidate's probability falls when another is nearly as likely. Per record: k candidates,
      // the best weight, the sum of 2^(weight - best) and how many tie with the best.
      const candidates = 'lz_record_candidates';
      await s.run(`DROP TABLE IF EXISTS ${candidates}`);
      await s.run(
        `CREATE TEMP TABLE ${candidates} AS
         WITH scored AS (
           SELECT p.b_id, p.a_id, w.weight FROM ${pairs} p JOIN (VALUES ${weights.join(', ')}) w(pattern, weight) USING (pattern)
         ), tops AS (SELECT b_id, max(weight) AS top, count(*) AS k FROM scored GROUP BY b_id)
         SELECT s.b_id, t.k, t.top, sum(pow(2, s.weight - t.top)) AS rel,
                count(*) FILTER (WHERE s.weight = t.top) AS tied, min(s.a_id) FILTER (WHERE s.weight = t.top) AS best
           FROM scored s JOIN tops t USING (b_id) GROUP BY s.b_id, t.k, t.top`,
      );
      const matchPrior = await estimateMatchPrior(s, candidates);
      const best = `(${matchPrior} / c.k) / ((1 - ${matchPrior}) * pow(2, -c.top) + (${matchPrior} / c.k) * c.rel)`;
      const stats = await s.transaction(async (tx) => {
        await dropDataset(tx, project.id, request.output);
        await tx.run(
          `CREATE TABLE ${output} AS
           SELECT CASE WHEN c.top >= $1 AND c.tied = 1 THEN c.best END AS pseudonym,
                  c.top AS match_weight, ${best} AS match_probability,
                  (c.tied > 1 AND c.top >= $1) AS ambiguous
                  ${keepColumns.map((col) => `, b.${ident(col.name)}`).join('')}
             FROM ${b} b LEFT JOIN ${candidates} c ON c.b_id = b.rowid`,
          [threshold],
        );
        const r = (await tx.one<{
          rows: number;
          linked: number;
          ambiguous: number;
          false_links: number;
          missed: number;
        }>(
          `SELECT count(*) AS rows, count(pseudonym) AS linked, count(*) FILTER (WHERE ambiguous) AS ambiguous,
                  coalesce(sum(1 - match_probability) FILTER (WHERE pseudonym IS NOT NULL), 0) AS false_links,
                  coalesce(sum(match_probability) FILTER (WHERE pseudonym IS NULL), 0) AS missed
             FROM ${output}`,
        ))!;
        const columns: OutputColumn[] = [
          { name: 'pseudonym', type: 'BIGINT', origin: `${base.name}.pseudonym by Fellegi-Sunter` },
          { name: 'match_weight', type: 'DOUBLE', origin: 'log2 likelihood ratio of the best candidate' },
          {
            name: 'match_probability',
            type: 'DOUBLE',
            origin: 'probability that the best candidate is the person, against all candidates of the record',
          },
          { name: 'ambiguous', type: 'BOOLEAN', origin: 'best candidates tied' },
          ...keepColumns,
        ];
        const report = {
          method: 'fellegi-sunter',
          base: base.name,
          file: file.name,
          fields: request.fields,
          blocking: request.blocking ?? request.fields.slice(0, 2),
          m: model.m,
          u: model.u,
          matchShare: model.matchShare,
          matchPrior,
          threshold,
          candidatePairs,
          rows: r.rows,
          linked: r.linked,
          matchRate: r.rows ? r.linked / r.rows : 0,
          estimatedFalseLinkRate: r.linked ? r.false_links / r.linked : 0,
          estimatedMissedLinks: r.missed,
          ambiguous: r.ambiguous,
        };
        await register(
          tx,
          project,
          request.output,
          r.rows,
          false,
          base.synthetic || file.synthetic,
          columns,
          report,
        );
        return report;
      });
      return { model, stats };
    } finally {
      await s.run(`DROP TABLE IF EXISTS ${pairs}`);
      await s.run('DROP TABLE IF EXISTS lz_record_candidates');
    }
  });
  const { stats, model } = result;
  await appendAudit(store, {
    actor: request.actor,
    project: project.id,
    action: 'link',
    object: request.output,
    outcome: 'ok',
    detail: stats,
  });
  return {
    output: request.output,
    model,
    threshold: stats.threshold,
    candidatePairs: stats.candidatePairs,
    rows: stats.rows,
    linked: stats.linked,
    matchRate: stats.matchRate,
    estimatedFalseLinkRate: stats.estimatedFalseLinkRate,
    estimatedMissedLinks: stats.estimatedMissedLinks,
    ambiguous: stats.ambiguous,
    matchPrior: stats.matchPrior,
    seconds: (performance.now() - started) / 1000,
  };
}

/**
 * The share of the file's records (with at least one candidate) whose person is among their
 * candidates, by EM over the one-to-one model: each record's chance that one of its k candidates
 * is its person, given their likelihood ratios, averaged, until it settles.
 */
async function estimateMatchPrior(s: Store, candidates: string): Promise<number> {
  let prior = 0.9;
  for (let i = 0; i < 200; i++) {
    const row = await s.one<{ p: number | null }>(
      `SELECT avg(($1 / k) * rel / ((1 - $1) * pow(2, -top) + ($1 / k) * rel)) AS p FROM ${candidates}`,
      [prior],
    );
    const next = Math.min(1 - 1e-9, Math.max(1e-9, row?.p ?? prior));
    if (Math.abs(next - prior) < 1e-7) return next;
    prior = next;
  }
  return prior;
}
