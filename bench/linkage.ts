// Benchmark of issue 9: the linkage zone's whole pipeline on SYNTHETIC microdata (a population of
// Regio Groningen-Assen scaled to 5 million persons, and two registrations of 1 and 2 million
// rows): pseudonymise and import the three files, link them on the pseudonym, aggregate to buurt x
// age group and protect the table at the output gate. The reference, in the same run, is the same
// join and group-by as plain DuckDB SQL reading the same CSV files (no pseudonymisation, no checks,
// no disclosure control). Run: `npm run bench -- linkage [--quick]`; UDC_BENCH_LINKAGE_PERSONS=<n>
// sets the number of persons (registrations are a fifth and two fifths of it).
//
// Both sides include reading the three CSV files and storing them as tables in a DuckDB file. The
// pipeline also pseudonymises every line (11-test and HMAC of the BSN, identifiers dropped or
// coarsened), proves uniqueness, stores the linked dataset (what linking adds, under a view on the
// base) and protects the output; plain SQL only joins and groups. On the shared 2-core machine wall
// times move with other work, so CPU seconds of the whole process (all threads: workers and engine)
// are reported as well.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  createKeyFile,
  createProject,
  exportAggregate,
  generatePopulation,
  importMicrodata,
  linkDeterministic,
  parseImportConfig,
  SYNTHETIC_CONFIGS,
  writePopulationCsv,
  writeRegistrationCsv,
} from '../src/linkage/index.js';
import { migrate, openDuckDBStore } from '../src/store/index.js';
import type { BenchOptions, BenchResult } from './types.js';

const CBS_INHABITANTS_RGA_2020 = 688_160;

export async function run({ quick }: BenchOptions): Promise<BenchResult> {
  const persons = Number(process.env['UDC_BENCH_LINKAGE_PERSONS'] ?? (quick ? 500_000 : 5_000_000));
  if (!Number.isInteger(persons) || persons < 10_000)
    throw new Error('UDC_BENCH_LINKAGE_PERSONS: expected a whole number of at least 10000');
  const sizes = { wmo: Math.round(persons / 5), schuldhulp: Math.round((persons * 2) / 5) };
  const work = await mkdtemp(join(tmpdir(), 'udc-bench-linkage-'));
  try {
    const generated = performance.now();
    const population = await generatePopulation({ seed: 9, scale: persons / CBS_INHABITANTS_RGA_2020 });
    const files = {
      population: join(work, 'synthetic_population.csv'),
      wmo: join(work, 'synthetic_wmo.csv'),
      schuldhulp: join(work, 'synthetic_schuldhulp.csv'),
    };
    await writePopulationCsv(population, files.population);
    await writeRegistrationCsv(population, 'wmo', files.wmo, { seed: 1, rows: sizes.wmo });
    await writeRegistrationCsv(population, 'schuldhulp', files.schuldhulp, {
      seed: 2,
      rows: sizes.schuldhulp,
    });
    const generateSeconds = (performance.now() - generated) / 1000;
    const megabytes =
      ((await stat(files.population)).size +
        (await stat(files.wmo)).size +
        (await stat(files.schuldhulp)).size) /
      2 ** 20;

    const loadBefore = loadavg()[0]!;
    const reference1 = await plainSql(files, join(work, 'reference1.duckdb'));
    const udc = await pipeline(files, work);
    const reference2 = await plainSql(files, join(work, 'reference2.duckdb'));
    const loadAfter = loadavg()[0]!;
    const reference = Math.min(reference1.seconds, reference2.seconds);
    const referenceCpu = Math.min(reference1.cpu, reference2.cpu);
    const total = udc.import + udc.link + udc.gate;
    const rows = population.size + sizes.wmo + sizes.schuldhulp;
    if (reference1.persons !== udc.persons)
      throw new Error(`udc counted ${udc.persons} persons with WMO, plain SQL ${reference1.persons}`);
    const ratio = total / reference;
    return {
      name: 'linkage',
      figures: [
        {
          name: 'whole pipeline (import 3 files, link, aggregate, disclosure control)',
          value: total,
          unit: 's',
          reference: 'plain DuckDB SQL: read_csv x3 into tables, join, group by',
          referenceValue: reference,
          ratio,
          goal: 'ratio <= 2',
          met: ratio <= 2,
        },
        {
          name: 'pipeline rate',
          value: rows / total,
          unit: 'rows/s',
          reference: 'plain SQL',
          referenceValue: rows / reference,
        },
        {
          name: 'whole pipeline, CPU time of all threads',
          value: udc.cpu,
          unit: 'CPU s',
          reference: 'plain SQL',
          referenceValue: referenceCpu,
          ratio: udc.cpu / referenceCpu,
        },
        {
          name: `pseudonymise + import ${population.size.toLocaleString('en-US')} persons`,
          value: udc.importPopulation,
          unit: 's',
        },
        {
          name: 'pseudonymise + import rate (persons)',
          value: population.size / udc.importPopulation,
          unit: 'rows/s',
        },
        {
          name: `pseudonymise + import registrations (${(sizes.wmo + sizes.schuldhulp).toLocaleString('en-US')} rows)`,
          value: udc.import - udc.importPopulation,
          unit: 's',
        },
        { name: 'link on the pseudonym (3 files)', value: udc.link, unit: 's' },
        { name: 'aggregate buurt x age group + disclosure control', value: udc.gate, unit: 's' },
        { name: 'of which disclosure control (protectTable)', value: udc.gate - udc.aggregate, unit: 's' },
        { name: 'plain SQL: read the 3 CSVs', value: Math.min(reference1.read, reference2.read), unit: 's' },
        {
          name: 'plain SQL: join + group by',
          value: Math.min(reference1.query, reference2.query),
          unit: 's',
        },
      ],
      notes: [
        `SYNTHETIC data: ${population.size.toLocaleString('en-US')} persons (CBS 2020 buurt inhabitants of Regio Groningen-Assen x ${(persons / CBS_INHABITANTS_RGA_2020).toFixed(2)}), registrations of ${sizes.wmo.toLocaleString('en-US')} and ${sizes.schuldhulp.toLocaleString('en-US')} rows; ${megabytes.toFixed(0)} MiB of CSV; generated in ${generateSeconds.toFixed(1)} s (not timed)`,
        `udc includes: reading the 3 CSVs; every BSN checked with the 11-test and hashed (HMAC-SHA-256, in WebAssembly four at a time) before the engine sees a line (worker threads, one per core); name and house number dropped, date of birth coarsened to age, postcode to PC4; text and PC4 columns' values counted (few-valued ones stored as categories); loading the pseudonymised copy into tables; uniqueness per person proved; linking into a stored dataset (what linking adds, read through a view on the base); aggregating through that view; disclosure control (${udc.cells} cells, ${udc.primary} primary and ${udc.secondary} secondary suppressions); purpose checks and audit log`,
        `plain SQL includes: reading the same CSVs with read_csv (types detected) into tables, computing age from the date of birth, the same left joins on BSN and the same group-by; it keeps BSNs in the clear, stores no linked table and protects nothing. Best of two runs, one before and one after the pipeline. Both count ${udc.persons.toLocaleString('en-US')} persons with WMO support`,
        `1-minute load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after (2 cores shared with other work: wall times above about 2 are inflated; compare the CPU times)`,
      ],
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function pipeline(
  files: { population: string; wmo: string; schuldhulp: string },
  work: string,
): Promise<{
  import: number;
  importPopulation: number;
  link: number;
  gate: number;
  aggregate: number;
  persons: number;
  cells: number;
  primary: number;
  secondary: number;
  cpu: number;
}> {
  const store = await openDuckDBStore({ path: join(work, 'udc.duckdb') });
  try {
    await migrate(store);
    await createKeyFile(join(work, 'keys.txt'));
    await createProject(store, {
      id: 'bench',
      question: 'How many persons with WMO support per buurt and age group?',
      datasets: ['population', 'wmo', 'schuldhulp'],
      analysts: ['bench'],
      endDate: '2099-12-31',
      keySource: { kind: 'file', path: join(work, 'keys.txt') },
      actor: 'bench',
    });
    const config = (name: string) => parseImportConfig(parse(SYNTHETIC_CONFIGS[name]!), name);
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    await importMicrodata(store, {
      project: 'bench',
      dataset: 'population',
      file: files.population,
      config: config('population'),
      actor: 'bench',
    });
    const t1 = performance.now();
    for (const dataset of ['wmo', 'schuldhulp'] as const)
      await importMicrodata(store, {
        project: 'bench',
        dataset,
        file: files[dataset],
        config: config('registration'),
        actor: 'bench',
      });
    const t2 = performance.now();
    await linkDeterministic(store, {
      project: 'bench',
      actor: 'bench',
      base: 'population',
      with: ['wmo', 'schuldhulp'],
      output: 'analyse',
    });
    const t3 = performance.now();
    const aggregateOnly = performance.now();
    await store.all(
      `SELECT buurt, CASE WHEN age < 15 THEN 0 WHEN age < 25 THEN 1 WHEN age < 45 THEN 2 WHEN age < 65 THEN 3 ELSE 4 END AS g,
              count(*) FILTER (WHERE n_wmo > 0) AS n FROM linkage.bench__analyse GROUP BY ALL`,
    );
    const aggregate = (performance.now() - aggregateOnly) / 1000;
    const t4 = performance.now();
    const exported = await exportAggregate(store, {
      project: 'bench',
      actor: 'bench',
      dataset: 'analyse',
      by: ['buurt', 'age_group:age'],
      countIf: 'n_wmo',
      disclosure: { frequency: { threshold: 10 } },
    });
    const t5 = performance.now();
    const used = process.cpuUsage(cpu);
    const total = exported.rows.find((r) => r['buurt'] === 'T' && r['age_group'] === 'T');
    return {
      importPopulation: (t1 - t0) / 1000,
      import: (t2 - t0) / 1000,
      link: (t3 - t2) / 1000,
      gate: (t5 - t4) / 1000,
      aggregate,
      persons: Number(total?.value ?? -1),
      cells: exported.summary.cells,
      primary: exported.summary.primary,
      secondary: exported.summary.secondary,
      cpu: (used.user + used.system) / 1e6,
    };
  } finally {
    await store.close();
  }
}

async function plainSql(
  files: { population: string; wmo: string; schuldhulp: string },
  database: string,
): Promise<{ seconds: number; read: number; query: number; persons: number; cpu: number }> {
  const store = await openDuckDBStore({ path: database });
  try {
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    await store.run(`CREATE TABLE population AS SELECT * FROM read_csv($1, header = true)`, [
      files.population,
    ]);
    await store.run(`CREATE TABLE wmo AS SELECT * FROM read_csv($1, header = true)`, [files.wmo]);
    await store.run(`CREATE TABLE schuldhulp AS SELECT * FROM read_csv($1, header = true)`, [
      files.schuldhulp,
    ]);
    const t1 = performance.now();
    const rows = await store.all<{ n: number }>(
      `WITH persons AS (
         SELECT p.buurt, date_diff('year', p.geboortedatum, DATE '2020-01-01')
                  - CASE WHEN strftime(p.geboortedatum, '%m-%d') > '01-01' THEN 1 ELSE 0 END AS age,
                w.bsn IS NOT NULL AS wmo, s.bsn IS NOT NULL AS schuldhulp
           FROM population p LEFT JOIN wmo w ON w.bsn = p.bsn LEFT JOIN schuldhulp s ON s.bsn = p.bsn)
       SELECT buurt, CASE WHEN age < 15 THEN 0 WHEN age < 25 THEN 1 WHEN age < 45 THEN 2 WHEN age < 65 THEN 3 ELSE 4 END AS g,
              count(*) FILTER (WHERE wmo) AS n
         FROM persons GROUP BY ALL`,
    );
    const t2 = performance.now();
    const used = process.cpuUsage(cpu);
    return {
      cpu: (used.user + used.system) / 1e6,
      seconds: (t2 - t0) / 1000,
      read: (t1 - t0) / 1000,
      query: (t2 - t1) / 1000,
      persons: rows.reduce((s, r) => s + Number(r.n), 0),
    };
  } finally {
    await store.close();
  }
}
