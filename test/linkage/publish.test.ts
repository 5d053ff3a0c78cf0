// Publishing a gated aggregate as a dataset, on SYNTHETIC microdata, with the real register and
// the real ingest: what is stored is exactly what the output gate let out, and nothing else.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  createKeyFile,
  createProject,
  exportAggregate,
  generatePopulation,
  importMicrodata,
  LinkageError,
  listAudit,
  parseImportConfig,
  publishAggregate,
  readBuurtFigures,
  SYNTHETIC_CONFIGS,
  writePopulationCsv,
} from '../../src/linkage/index.js';
import { main } from '../../src/cli/main.js';
import { ensureRegister } from '../../src/regions/index.js';
import { migrate, openDuckDBStore, type Store } from '../../src/store/index.js';

let dir: string;
let store: Store;
const P = 'jeugd';
const ana = 'ana';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'udc-publish-'));
  const buurten = (await readBuurtFigures()).filter((b) => b.gemeente === 'GM0024');
  const population = await generatePopulation({ seed: 5, buurten });
  await writePopulationCsv(population, join(dir, 'population.csv'));
  await createKeyFile(join(dir, 'keys.txt'));
  store = await openDuckDBStore({ path: join(dir, 'udc.duckdb') });
  await migrate(store);
  await ensureRegister(store);
  await createProject(store, {
    id: P,
    question: 'How many young people live in each buurt of Loppersum?',
    datasets: ['population'],
    analysts: [ana],
    endDate: '2099-12-31',
    keySource: { kind: 'file', path: join(dir, 'keys.txt') },
    actor: ana,
  });
  await importMicrodata(store, {
    project: P,
    dataset: 'population',
    file: join(dir, 'population.csv'),
    config: parseImportConfig(parse(SYNTHETIC_CONFIGS['population_linkable']!), 'population_linkable'),
    actor: ana,
  });
}, 180_000);

afterAll(async () => {
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('publishing through the output gate', () => {
  it('stores exactly the protected cells as an internal dataset, suppressed ones as secret', async () => {
    const request = {
      project: P,
      actor: ana,
      dataset: 'population',
      by: ['buurt', 'age_group:age'],
      disclosure: { frequency: { threshold: 10 } },
    };
    const gated = await exportAggregate(store, request);
    const result = await publishAggregate(store, {
      ...request,
      datasetId: 'jeugd-leeftijd-buurt',
      title: 'Personen naar leeftijdsgroep en buurt (synthetisch)',
      period: '2020JJ00',
    });
    expect(result.report.outcome).toBe('stored');

    const dataset = await store.one<{ confidentiality: string; title: string }>(
      'SELECT confidentiality, title FROM dataset WHERE id = $1',
      ['jeugd-leeftijd-buurt'],
    );
    expect(dataset).toEqual({
      confidentiality: 'internal',
      title: 'Personen naar leeftijdsgroep en buurt (synthetisch)',
    });
    const stored = await store.all<{
      region: string;
      categories: string;
      value: number | null;
      status: string;
    }>(`SELECT region, categories, value, status FROM observation WHERE dataset = $1`, [
      'jeugd-leeftijd-buurt',
    ]);
    // Every cell of the gate at its own region (the grand total is the gemeente's row here, so
    // it is not stored twice), with the gate's value; suppressed cells secret and without one.
    const byKey = new Map(stored.map((o) => [`${o.region}|${o.categories}`, o]));
    let suppressed = 0;
    const cells = gated.rows.filter((c) => c['buurt'] !== 'T');
    expect(stored).toHaveLength(cells.length);
    for (const cell of cells) {
      const region = String(cell['buurt']);
      const o = byKey.get(`${region}|age_group=${String(cell['age_group'])}`);
      expect(o, `${region} ${String(cell['age_group'])}`).toBeDefined();
      if (cell['value'] === null) {
        suppressed++;
        expect(o!.value).toBeNull();
        expect(o!.status).toBe('secret');
      } else expect(o!.value).toBe(cell['value']);
    }
    expect(suppressed).toBeGreaterThan(0);
    // No published number is a small count the rule forbids.
    expect(stored.some((o) => o.value !== null && o.value > 0 && o.value < 10)).toBe(false);

    const audit = (await listAudit(store)).filter((e) => e.action === 'publish');
    expect(audit.at(-1)).toMatchObject({
      actor: ana,
      project: P,
      object: 'jeugd-leeftijd-buurt',
      outcome: 'ok',
    });
  });

  it('refuses a table without a regional grouping, a bad period, and someone outside the project', async () => {
    const base = { project: P, actor: ana, dataset: 'population', datasetId: 'x', title: 'x' };
    await expect(
      publishAggregate(store, { ...base, by: ['age_group:age'], period: '2020JJ00' }),
    ).rejects.toThrow(/regional grouping/);
    await expect(publishAggregate(store, { ...base, by: ['buurt'], period: '2020XX99' })).rejects.toThrow(
      LinkageError,
    );
    await expect(
      publishAggregate(store, { ...base, actor: 'mallory', by: ['buurt'], period: '2020JJ00' }),
    ).rejects.toThrow(/not an analyst/);
    await expect(
      publishAggregate(store, { ...base, by: ['buurt'], period: '2020JJ00', totalRegion: 'GM0024' }),
    ).rejects.toThrow(/row for GM0024 already/);
    expect(await store.one('SELECT id FROM dataset WHERE id = $1', ['x'])).toBeUndefined();
  });

  it('publishes from the CLI: `udc linkage publish`, open only when asked', async () => {
    const database = join(dir, 'udc.duckdb');
    await store.run('CHECKPOINT');
    await store.close();
    const out: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
    try {
      const code = await main([
        'linkage',
        'publish',
        '--project',
        P,
        '--dataset',
        'population',
        '--by',
        'buurt',
        '--id',
        'jeugd-buurt',
        '--title',
        'Personen per buurt (synthetisch)',
        '--period',
        '2020JJ00',
        '--open',
        '--database',
        database,
        '--analyst',
        ana,
      ]);
      expect(code, out.join('')).toBe(0);
    } finally {
      vi.restoreAllMocks();
      store = await openDuckDBStore({ path: database });
    }
    expect(out.join('')).toMatch(/jeugd-buurt: \d+ cells stored/);
    expect(await store.one('SELECT confidentiality FROM dataset WHERE id = $1', ['jeugd-buurt'])).toEqual({
      confidentiality: 'open',
    });
  });
});
