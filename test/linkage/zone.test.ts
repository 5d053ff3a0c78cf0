// The linkage zone end to end on SYNTHETIC data, against the real DuckDB engine and the real CLI.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { main } from '../../src/cli/main.js';
import {
  AccessRefused,
  bsnOf,
  createKeyFile,
  createProject,
  exportAggregate,
  generatePopulation,
  importMicrodata,
  LinkageError,
  linkDeterministic,
  linkProbabilistic,
  listAudit,
  parseImportConfig,
  Pseudonymiser,
  readBuurtFigures,
  readKeys,
  rekeyProject,
  rotateKey,
  SYNTHETIC_CONFIGS,
  verifyAudit,
  writePopulationCsv,
  writeRegistrationCsv,
  writeUnkeyedCsv,
  type Population,
} from '../../src/linkage/index.js';
import { migrate, openDuckDBStore, type Store } from '../../src/store/index.js';

let dir: string;
let store: Store;
let population: Population;
const keyFile = () => join(dir, 'keys.txt');
const file = (name: string) => join(dir, name);
const config = (name: string) => parseImportConfig(parse(SYNTHETIC_CONFIGS[name]!), name);
const ana = 'ana';
const P = 'armoede';

/** Every BSN the synthetic files hold (population and registrations, including outsiders). */
async function bsnsInFiles(...names: string[]): Promise<Set<string>> {
  const all = new Set<string>();
  for (const name of names) {
    const lines = (await readFile(file(name), 'utf8')).trim().split('\n').slice(1);
    for (const line of lines) all.add(line.split(',')[0]!);
  }
  return all;
}

/** Every 9-digit window of every run of ASCII digits in `bytes`. */
function nineDigitWindows(bytes: Buffer): Set<string> {
  const windows = new Set<string>();
  for (const run of bytes.toString('latin1').match(/\d{9,}/g) ?? [])
    for (let i = 0; i + 9 <= run.length; i++) windows.add(run.slice(i, i + 9));
  return windows;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'udc-linkage-'));
  const buurten = (await readBuurtFigures()).filter(
    (b) => b.gemeente === 'GM0024' || b.gemeente === 'GM0003',
  );
  population = await generatePopulation({ seed: 11, buurten });
  await writePopulationCsv(population, file('synthetic_population.csv'));
  await writeRegistrationCsv(population, 'wmo', file('synthetic_wmo.csv'), { seed: 1 });
  await writeRegistrationCsv(population, 'schuldhulp', file('synthetic_schuldhulp.csv'), { seed: 2 });
  await writeUnkeyedCsv(
    population,
    file('synthetic_voedselbank.csv'),
    file('synthetic_voedselbank_truth.csv'),
    {
      seed: 3,
      rows: 1500,
    },
  );
  await createKeyFile(keyFile());
  store = await openDuckDBStore({ path: join(dir, 'udc.duckdb') });
  await migrate(store);
  await createProject(store, {
    id: P,
    question: 'Which children grow up in poverty without any support?',
    datasets: ['population', 'wmo', 'schuldhulp', 'voedselbank'],
    analysts: [ana],
    endDate: '2099-12-31',
    keySource: { kind: 'file', path: keyFile() },
    actor: ana,
  });
  await importMicrodata(store, {
    project: P,
    dataset: 'population',
    file: file('synthetic_population.csv'),
    config: config('population_linkable'),
    actor: ana,
  });
}, 120_000);

afterAll(async () => {
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

const tables = async () =>
  (
    await store.all<{ t: string }>(
      `SELECT table_schema || '.' || table_name AS t FROM information_schema.tables ORDER BY 1`,
    )
  ).map((r) => r.t);
const datasets = async () =>
  (await store.all<{ n: string }>('SELECT project || name AS n FROM linkage_dataset ORDER BY 1')).map(
    (r) => r.n,
  );

describe('linkage zone', () => {
  it('links the same BSN in two files; every registration of a resident finds its person', async () => {
    await importMicrodata(store, {
      project: P,
      dataset: 'wmo',
      file: file('synthetic_wmo.csv'),
      config: config('registration'),
      actor: ana,
    });
    const r = await linkDeterministic(store, {
      project: P,
      actor: ana,
      base: 'population',
      with: ['wmo'],
      output: 'analyse',
    });
    // The generator gives 1% of registrations a BSN from outside the population.
    const wmo = (await readFile(file('synthetic_wmo.csv'), 'utf8')).trim().split('\n').slice(1);
    const residents = new Set(Array.from(population.bsnBody, (b) => bsnOf(b)));
    const expected = wmo.filter((l) => residents.has(l.split(',')[0]!)).length;
    expect(r.rates[0]!.linked).toBe(expected);
    expect(r.rates[0]!.rows).toBe(wmo.length);
    expect(expected).toBeLessThan(wmo.length);
    const linked = await store.one<{ n: number; rows: number }>(
      `SELECT sum(n_wmo) AS n, count(*) AS rows FROM linkage.${P}__analyse`,
    );
    expect(linked!.n).toBe(expected);
    expect(linked!.rows).toBe(population.size);
    // Stored is what linking adds, for the persons found; the dataset shows every base row.
    const stored = await store.one<{ n: number; persons: number }>(
      `SELECT count(*) AS n, count(DISTINCT pseudonym) AS persons FROM linkage.${P}__analyse__links`,
    );
    expect(stored!.n).toBe(stored!.persons);
    expect(stored!.n).toBeLessThanOrEqual(expected);
    expect(stored!.n).toBeGreaterThan(0);
  });

  it('suppresses small cells at the output gate and publishes no count below the threshold', async () => {
    const out = file('export.csv');
    const r = await exportAggregate(store, {
      project: P,
      actor: ana,
      dataset: 'analyse',
      by: ['buurt', 'age_group:age'],
      countIf: 'n_wmo',
      disclosure: { frequency: { threshold: 10 } },
      out,
    });
    expect(r.summary.primary).toBeGreaterThan(0);
    const published = r.rows.filter((c) => c.value !== null).map((c) => Number(c.value));
    expect(published.some((v) => v > 0 && v < 10)).toBe(false);
    expect(r.rows.some((c) => c.flag === 'primary' && c.value === null)).toBe(true);
    // The total is published and equals the linked registrations.
    const total = r.rows.find((c) => c['buurt'] === 'T' && c['age_group'] === 'T')!;
    expect(total.value).toBeGreaterThan(0);
    const text = await readFile(out, 'utf8');
    expect(text.split('\n')[0]).toBe('buurt,age_group,value,status,flag');
    // A threshold the gate does not accept is refused.
    await expect(
      exportAggregate(store, {
        project: P,
        actor: ana,
        dataset: 'analyse',
        by: ['buurt'],
        disclosure: { frequency: { threshold: 2 } },
      }),
    ).rejects.toThrow(/at least 5/);
    await expect(
      exportAggregate(store, { project: P, actor: ana, dataset: 'analyse', by: ['pseudonym'] }),
    ).rejects.toThrow(/identifies records/);
  });

  it('refuses and logs a query outside the project, by someone else, or after its end date', async () => {
    const before = (await listAudit(store)).length;
    await expect(
      linkDeterministic(store, {
        project: P,
        actor: ana,
        base: 'population',
        with: ['brp_extra'],
        output: 'x',
      }),
    ).rejects.toThrow(AccessRefused);
    await expect(
      exportAggregate(store, { project: P, actor: 'mallory', dataset: 'analyse', by: ['buurt'] }),
    ).rejects.toThrow(/not an analyst/);
    await expect(
      exportAggregate(store, {
        project: P,
        actor: ana,
        dataset: 'analyse',
        by: ['buurt'],
        today: '2100-01-01',
      }),
    ).rejects.toThrow(/ended on 2099-12-31/);
    const log = (await listAudit(store)).slice(before);
    expect(log.map((e) => [e.action, e.outcome])).toEqual([
      ['link', 'refused'],
      ['export', 'refused'],
      ['export', 'refused'],
    ]);
    expect(log[0]!.detail).toMatch(/brp_extra are outside project armoede/);
    expect(log[1]!.actor).toBe('mallory');
  });

  it('links across a key rotation only after re-keying', async () => {
    const analyse = `SELECT count(*) AS rows, sum(n_wmo) AS wmo, count(DISTINCT pseudonym) AS persons FROM linkage.${P}__analyse`;
    const linkedBefore = await store.one(analyse);
    const { generation } = await rotateKey(store, { project: P, actor: ana, rekey: false });
    expect(generation).toBe(2);
    expect((await readKeys({ kind: 'file', path: keyFile() })).length).toBe(2);
    await importMicrodata(store, {
      project: P,
      dataset: 'schuldhulp',
      file: file('synthetic_schuldhulp.csv'),
      config: config('registration'),
      actor: ana,
    });
    // Generation-1 population and generation-2 debt counselling share no pseudonym ...
    const raw = await store.one<{ n: number }>(
      `SELECT count(*) AS n FROM linkage.${P}__population p JOIN linkage.${P}__schuldhulp s USING (pseudonym)`,
    );
    expect(raw!.n).toBe(0);
    // ... and link refuses instead of returning nothing.
    await expect(
      linkDeterministic(store, {
        project: P,
        actor: ana,
        base: 'population',
        with: ['schuldhulp'],
        output: 'analyse2',
      }),
    ).rejects.toThrow(/rekey/);
    const r = await rekeyProject(store, { project: P, actor: ana });
    expect(r.datasets.map((d) => d.name).sort()).toEqual(['analyse', 'population', 'wmo']);
    // The link made before the rotation still finds its persons (base and links re-keyed alike).
    expect(await store.one(analyse)).toEqual(linkedBefore);
    const linked = await linkDeterministic(store, {
      project: P,
      actor: ana,
      base: 'population',
      with: ['wmo', 'schuldhulp'],
      output: 'analyse2',
    });
    const residents = new Set(Array.from(population.bsnBody, (b) => bsnOf(b)));
    const lines = (await readFile(file('synthetic_schuldhulp.csv'), 'utf8')).trim().split('\n').slice(1);
    expect(linked.rates[1]!.linked).toBe(lines.filter((l) => residents.has(l.split(',')[0]!)).length);
    expect(linked.rates[1]!.linked).toBeGreaterThan(0);
    // The re-keyed pseudonyms are what hashing through the whole chain gives.
    const keys = await readKeys({ kind: 'file', path: keyFile() });
    const bsn = bsnOf(population.bsnBody[0]!);
    const found = await store.one<{ n: number }>(
      `SELECT count(*) AS n FROM linkage.${P}__population WHERE pseudonym = $1`,
      [new Pseudonymiser(keys, 2).text(bsn)],
    );
    expect(found!.n).toBe(1);
  }, 60_000);

  it('keeps a linked dataset as it was linked when its base is replaced, and replaces a link of the same name', async () => {
    const summary = `SELECT count(*) AS rows, sum(n_wmo) AS wmo, sum(n_schuldhulp) AS schuld, sum(age) AS age,
                            count(DISTINCT pseudonym) AS persons FROM linkage.${P}__analyse2`;
    const before = await store.one(summary);
    const views = async () =>
      (
        await store.all<{ v: string }>(
          `SELECT view_name AS v FROM duckdb_views() WHERE schema_name = 'linkage' ORDER BY 1`,
        )
      ).map((r) => r.v);
    expect(await views()).toEqual([`${P}__analyse`, `${P}__analyse2`]);
    // A corrected population file with only the first half of the persons replaces the base ...
    const lines = (await readFile(file('synthetic_population.csv'), 'utf8')).trim().split('\n');
    const half = lines.slice(0, Math.ceil(lines.length / 2));
    await writeFile(file('synthetic_population_half.csv'), half.join('\n') + '\n');
    const replace = (name: string) =>
      importMicrodata(store, {
        project: P,
        dataset: 'population',
        file: file(name),
        config: config('population_linkable'),
        actor: ana,
        replace: true,
      });
    await replace('synthetic_population_half.csv');
    expect((await store.one<{ n: number }>(`SELECT count(*) AS n FROM linkage.${P}__population`))!.n).toBe(
      half.length - 1,
    );
    // ... and the links made on the whole population keep their rows (stored as tables now).
    expect(await store.one(summary)).toEqual(before);
    expect(await views()).toEqual([]);
    expect((await tables()).filter((t) => t.endsWith('__links'))).toEqual([]);
    await replace('synthetic_population.csv');

    // Linking again under a name replaces that link, with the new file's columns only.
    const link = (files: string[]) =>
      linkDeterministic(store, {
        project: P,
        actor: ana,
        base: 'population',
        with: files,
        output: 'analyse3',
      });
    await link(['wmo']);
    await link(['schuldhulp']);
    const columns = (
      await store.all<{ c: string }>(
        `SELECT column_name AS c FROM duckdb_columns() WHERE table_name = '${P}__analyse3' ORDER BY column_index`,
      )
    ).map((r) => r.c);
    expect(columns).toContain('n_schuldhulp');
    expect(columns).not.toContain('n_wmo');
    const relinked = await store.one<{ n: number }>(
      `SELECT sum(n_schuldhulp) AS n FROM linkage.${P}__analyse3`,
    );
    expect(relinked!.n).toBe(before!['schuld']);
  }, 60_000);

  it('links a file without BSN by Fellegi-Sunter, with a match rate and error estimate close to the truth', async () => {
    await importMicrodata(store, {
      project: P,
      dataset: 'voedselbank',
      file: file('synthetic_voedselbank.csv'),
      config: config('unkeyed'),
      actor: ana,
    });
    const r = await linkProbabilistic(store, {
      project: P,
      actor: ana,
      base: 'population',
      file: 'voedselbank',
      fields: ['dob', 'postcode', 'house_number', 'geslacht'],
      output: 'voedselbank_linked',
    });
    const keys = await readKeys({ kind: 'file', path: keyFile() });
    const pseudonymiser = new Pseudonymiser(keys, 2);
    const truth = (await readFile(file('synthetic_voedselbank_truth.csv'), 'utf8'))
      .trim()
      .split('\n')
      .slice(1);
    const rows = await store.all<{ regel: number; pseudonym: number | bigint | null }>(
      `SELECT regel, pseudonym FROM linkage.${P}__voedselbank_linked`,
    );
    let right = 0;
    let wrong = 0;
    let findable = 0;
    for (const row of rows) {
      const bsn = truth[row.regel - 1]!.split(',')[1]!;
      const want = bsn ? pseudonymiser.text(bsn) : null;
      if (want !== null) findable++;
      if (row.pseudonym === null) continue;
      if (BigInt(row.pseudonym) === want) right++;
      else wrong++;
    }
    expect(rows.length).toBe(1500);
    expect(right / (right + wrong)).toBeGreaterThan(0.95);
    expect(right / findable).toBeGreaterThan(0.85);
    expect(r.linked).toBe(right + wrong);
    expect(r.matchRate).toBeCloseTo((right + wrong) / 1500, 5);
    // The share of records whose person is in the base, estimated by EM without the truth.
    expect(Math.abs(r.matchPrior - findable / rows.length)).toBeLessThan(0.03);
    expect(r.estimatedFalseLinkRate).toBeGreaterThanOrEqual(0);
    expect(r.estimatedFalseLinkRate).toBeLessThan(0.05);
  }, 60_000);

  it('refuses bad input with file, line and column, never shows the BSN, and changes nothing', async () => {
    const lines = (await readFile(file('synthetic_wmo.csv'), 'utf8')).trim().split('\n');
    const good = lines[5]!.split(',')[0]!;
    const bad = `${good.slice(0, 8)}${(Number(good[8]) + 1) % 10}`;
    const tablesBefore = await tables();
    const datasetsBefore = await datasets();
    const attempt = (name: string, text: string, cfg = config('registration')) =>
      writeFile(file(name), text).then(() =>
        importMicrodata(store, {
          project: P,
          dataset: 'schuldhulp',
          file: file(name),
          config: cfg,
          actor: ana,
          replace: true,
        }),
      );

    const invalid = [
      lines[0],
      ...lines.slice(1, 5),
      lines[5]!.replace(good, bad),
      ...lines.slice(6, 10),
    ].join('\n');
    const error = (await attempt('bad_bsn.csv', invalid).then(
      () => undefined,
      (e: unknown) => e,
    )) as LinkageError;
    expect(error).toBeInstanceOf(LinkageError);
    expect(error.message).toMatch(
      /bad_bsn\.csv, line 6, column "bsn": \*{9} \(9 characters, masked\) is not a valid BSN/,
    );
    expect(error.message).not.toContain(bad);

    await expect(attempt('no_bsn_column.csv', invalid.replace(/^bsn,/, 'nummer,'))).rejects.toThrow(
      /column "bsn" \(configured as bsn\) is not in the header/,
    );
    const duplicate = [lines[0], lines[1], lines[2], lines[1]].join('\n');
    await expect(attempt('duplicate.csv', duplicate)).rejects.toThrow(
      /duplicate\.csv, lines 2, 4: the same person/,
    );
    await expect(
      attempt('identifier.csv', duplicate, parseImportConfig({ columns: { bsn: 'bsn' } }, 'test')),
    ).rejects.toThrow(/column "naam" looks like a direct identifier/);
    await expect(attempt('short.csv', `${lines[0]}\n${lines[1]}\n1,2\n`)).rejects.toThrow(
      /short\.csv, line 3: expected 5 fields, found 2/,
    );

    expect(await tables()).toEqual(tablesBefore);
    expect(await datasets()).toEqual(datasetsBefore);
    const failures = (await listAudit(store)).filter((e) => e.outcome === 'failed');
    expect(failures.length).toBeGreaterThanOrEqual(5);
    for (const f of failures) expect(f.detail).not.toContain(bad);
  });

  it('writes no BSN to the database file, the audit log, exports or CLI output', async () => {
    const out: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
    const database = join(dir, 'udc.duckdb');
    await store.run('CHECKPOINT');
    await store.close();
    try {
      const cli = (...args: string[]) => main([...args, '--database', database, '--analyst', ana]);
      expect(await cli('linkage', 'project', 'list')).toBe(0);
      expect(
        await cli(
          'linkage',
          'export',
          '--project',
          P,
          '--dataset',
          'analyse2',
          '--by',
          'buurt,age_group:age',
          '--count-if',
          'n_schuldhulp',
          '--out',
          file('cli-export.csv'),
        ),
      ).toBe(0);
      expect(
        await cli(
          'linkage',
          'import',
          file('synthetic_wmo.csv'),
          '--project',
          P,
          '--dataset',
          'wmo',
          '--bsn',
          'bsn',
          '--drop',
          'naam,geboortedatum',
          '--replace',
        ),
      ).toBe(0);
      expect(await main(['audit', 'log', '--limit', '1000', '--database', database])).toBe(0);
      expect(await main(['audit', 'verify', '--database', database])).toBe(0);
    } finally {
      vi.restoreAllMocks();
    }
    expect(out.join('')).toMatch(/audit log intact/);
    const bsns = await bsnsInFiles(
      'synthetic_population.csv',
      'synthetic_wmo.csv',
      'synthetic_schuldhulp.csv',
    );
    expect(bsns.size).toBeGreaterThan(10_000);
    const places: [string, Buffer][] = [
      ['database', await readFile(database)],
      ['export', await readFile(file('export.csv'))],
      ['cli export', await readFile(file('cli-export.csv'))],
      ['cli output', Buffer.from(out.join(''))],
    ];
    if (existsSync(`${database}.wal`)) places.push(['wal', await readFile(`${database}.wal`)]);
    for (const [where, bytes] of places) {
      const leaked = [...nineDigitWindows(bytes)].filter((w) => bsns.has(w));
      expect(leaked, where).toEqual([]);
    }
    // The check can fail: a file that does hold a BSN is caught.
    expect([...nineDigitWindows(await readFile(file('synthetic_wmo.csv')))].some((w) => bsns.has(w))).toBe(
      true,
    );
    store = await openDuckDBStore({ path: database });
  }, 120_000);

  it('refuses names that would make table names ambiguous (a double underscore)', async () => {
    await expect(
      importMicrodata(store, {
        project: P,
        dataset: 'wmo__links',
        file: file('synthetic_wmo.csv'),
        config: config('registration'),
        actor: ana,
      }),
    ).rejects.toThrow(/single underscores/);
    await expect(
      createProject(store, {
        id: 'a__b',
        question: 'Which children grow up in poverty without any support?',
        datasets: ['population'],
        analysts: [ana],
        endDate: '2099-12-31',
        keySource: { kind: 'file', path: keyFile() },
        actor: ana,
      }),
    ).rejects.toThrow(/single underscores/);
  });

  it('detects a tampered audit log', async () => {
    expect((await verifyAudit(store)).ok).toBe(true);
    await store.run(`UPDATE audit_log SET actor = 'someone else' WHERE seq = 3`);
    const v = await verifyAudit(store);
    expect(v.ok).toBe(false);
    expect(v.broken).toEqual({ seq: 3, reason: expect.stringMatching(/content does not match its hash/) });
    await store.run(`DELETE FROM audit_log WHERE seq = 5`);
    await store.run(`UPDATE audit_log SET actor = $1 WHERE seq = 3`, [ana]);
    expect((await verifyAudit(store)).broken?.seq).toBe(6);
    const database = join(dir, 'udc.duckdb');
    await store.close();
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(await main(['audit', 'verify', '--database', database])).toBe(1);
    } finally {
      vi.restoreAllMocks();
      process.exitCode = undefined;
      store = await openDuckDBStore({ path: database });
    }
  });
});
