import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoData, DATA_DIR } from '../../src/demo/load.js';
import {
  buildIndicators,
  FormulaError,
  LibraryError,
  loadLibrary,
  THEMES,
  type BuildReport,
  type IndicatorLibrary,
} from '../../src/indicators/index.js';
import { ensureRegister } from '../../src/regions/index.js';
import { importFile, parseMapping } from '../../src/sources/files/index.js';
import type { Store } from '../../src/store/index.js';
import { temporaryStore } from '../helpers/store.js';

let store: Store;
let dispose: () => Promise<void>;
let library: IndicatorLibrary;
let first: BuildReport;

beforeAll(async () => {
  ({ store, dispose } = await temporaryStore());
  await ensureRegister(store);
  await loadDemoData(store);
  library = await loadLibrary();
  first = await buildIndicators(store, library, { boundaryYear: 2026 });
}, 180_000);
afterAll(() => dispose());

interface Row {
  region: string;
  value: number | null;
  status: string;
  derivation: string;
  conversion: string | null;
  boundary_year: number;
}
const values = (indicator: string, where = 'boundary_year = year', params: unknown[] = []) =>
  store.all<Row & Record<string, unknown>>(
    `SELECT region, value, status, derivation, conversion, boundary_year FROM indicator_value
     WHERE indicator = $1 AND ${where} ORDER BY region`,
    [indicator, ...params] as never,
  );
const published = async (variable: string, year: number) =>
  new Map(
    (
      await store.all<{ region: string; value: number | null }>(
        `SELECT CASE WHEN region = 'NL00' THEN 'NL01' ELSE region END AS region, value FROM observation
         WHERE dataset = 'cbs-kwb' AND variable = $1 AND period = $2`,
        [variable, `${year}JJ00`],
      )
    ).map((r) => [r.region, r.value]),
  );

describe('the shared library', () => {
  it('has at least 40 buildable indicators over the eight themes, each theme saying what it lacks', () => {
    expect(library.themes.map((t) => t.id)).toEqual([...THEMES]);
    expect(first.built.length).toBeGreaterThanOrEqual(40);
    const themesWithValues = new Set(
      first.built.map((b) => library.indicators.find((i) => i.id === b.id)!.theme),
    );
    // Veiligheid has no crime figures bundled: its theme says so and its definitions wait for 47013NED.
    expect([...themesWithValues].sort()).toEqual(THEMES.filter((t) => t !== 'veiligheid').sort());
    expect(library.themes.find((t) => t.id === 'veiligheid')!.note!.nl).toMatch(/47013NED/);
    expect(first.skipped.map((s) => s.id).sort()).toEqual([
      'misdrijven_per_1000_inwoners',
      'woninginbraken_per_1000_inwoners',
    ]);
    expect(first.skipped[0]!.reason).toMatch(
      /cbs-47013ned-misdrijven is not in the store \(CBS table 47013NED/,
    );
  });

  it('covers every area of Regio Groningen-Assen and the Netherlands', async () => {
    const areas = await store.all<{ code: string }>(
      `SELECT code FROM region_parent WHERE year = 2020 AND parent = 'X_RGA' AND classification = 'custom'`,
    );
    expect(areas.length).toBe(14);
    const rows = await values('aandeel_65plus', 'year = 2020 AND boundary_year = 2020 AND value IS NOT NULL');
    const regions = new Set(rows.map((r) => r.region));
    for (const code of ['NL01', 'X_RGA', 'PV20', 'PV22', ...areas.map((a) => a.code)])
      expect(regions).toContain(code);
    const wijken = await values(
      'aandeel_65plus',
      "year = 2020 AND boundary_year = 2020 AND region LIKE 'WK%'",
    );
    expect(wijken.length).toBe(154);
    expect(rows.filter((r) => r.region.startsWith('WK')).length).toBeGreaterThan(150);
    expect(rows.filter((r) => r.region.startsWith('BU')).length).toBeGreaterThan(700);
  });
});

describe('computed values against what CBS publishes', () => {
  it("cars per household equal CBS's published figure for every area, within CBS's rounding", async () => {
    // KWB publishes counts of gemeenten and the Netherlands exactly; for wijken and buurten it
    // rounds cars to fives and households to tens, then rounds the ratio to 1 decimal. udc's value
    // from the published counts must lie where those roundings allow.
    const cars = await published('PersonenautoSTotaal', 2020);
    const households = await published('HuishoudensTotaal', 2020);
    const cbs = await published('PersonenautoSPerHuishouden', 2020);
    const rows = await values('autos_per_huishouden', 'year = 2020 AND boundary_year = 2020');
    let compared = 0;
    for (const r of rows) {
      const p = cbs.get(r.region);
      if (p === null || p === undefined) continue;
      const small = /^(WK|BU)/.test(r.region);
      const [n, d] = [cars.get(r.region)!, households.get(r.region)!];
      const [a, b] = small ? [2.5, 5] : [0, 0];
      const lo = Math.max(0, n - a) / (d + b);
      const hi = (n + a) / Math.max(d - b, 1e-9);
      expect(r.value, r.region).toBeCloseTo(n / d, 12);
      expect(lo <= p + 0.05 + 1e-9 && hi >= p - 0.05 - 1e-9, `${r.region}: ${r.value} vs CBS ${p}`).toBe(
        true,
      );
      if (!small) expect(Math.abs(r.value! - p), r.region).toBeLessThanOrEqual(0.05 + 1e-9);
      compared++;
    }
    expect(compared).toBeGreaterThan(1000);
  });

  it('population density equals CBS for the Netherlands and every gemeente, in 2020 and 2024', async () => {
    for (const year of [2020, 2024]) {
      const inhabitants = await published('AantalInwoners', year);
      const land = await published('OppervlakteLand', year);
      const cbs = await published('Bevolkingsdichtheid', year);
      const rows = (await values('bevolkingsdichtheid', 'year = $2 AND boundary_year = year', [year])).filter(
        (r) => /^(NL|GM)/.test(r.region) && cbs.get(r.region) != null,
      );
      expect(rows.length).toBeGreaterThan(340);
      for (const r of rows) {
        // Land area is published in whole hectares: the exact area lies within half a hectare.
        const [n, ha, p] = [inhabitants.get(r.region)!, land.get(r.region)!, cbs.get(r.region)!];
        const lo = (n / (ha + 0.5)) * 100;
        const hi = (n / (ha - 0.5)) * 100;
        expect(lo <= p + 0.5 && hi >= p - 0.5, `${r.region} ${year}: ${r.value} vs CBS ${p}`).toBe(true);
      }
    }
  });
});

describe('aggregation over the region hierarchy', () => {
  it('sums numerators and denominators up to custom regions and provincies, never averaging ratios', async () => {
    const gemeenten = await store.all<{ region: string; n: number; d: number }>(
      `SELECT region, max(value) FILTER (WHERE variable = 'k_65JaarOfOuder') AS n, max(value) FILTER (WHERE variable = 'AantalInwoners') AS d
       FROM observation WHERE dataset = 'cbs-kwb' AND period = '2020JJ00'
         AND region IN (SELECT code FROM region_parent WHERE year = 2020 AND parent = 'X_RGA') GROUP BY region`,
    );
    expect(gemeenten).toHaveLength(14);
    const rga = (
      await values('aandeel_65plus', "region = 'X_RGA' AND year = 2020 AND boundary_year = 2020")
    )[0]!;
    const sumOfParts =
      (gemeenten.reduce((s, g) => s + g.n, 0) / gemeenten.reduce((s, g) => s + g.d, 0)) * 100;
    const meanOfRatios = (gemeenten.reduce((s, g) => s + g.n / g.d, 0) / gemeenten.length) * 100;
    expect(rga).toMatchObject({ status: 'final', derivation: 'summed' });
    expect(rga.value).toBeCloseTo(sumOfParts, 10);
    expect(Math.abs(rga.value! - meanOfRatios)).toBeGreaterThan(0.1);
    // A gemeente's own published figures are used as they are, not summed from its wijken.
    const groningen = (
      await values('aandeel_65plus', "region = 'GM0014' AND year = 2020 AND boundary_year = 2020")
    )[0]!;
    expect(groningen.derivation).toBe('computed');
    expect(groningen.value).toBeCloseTo(
      (gemeenten.find((g) => g.region === 'GM0014')!.n / gemeenten.find((g) => g.region === 'GM0014')!.d) *
        100,
      10,
    );
  });

  it('sums stadsdelen from their wijken', async () => {
    const stadsdeel = await store.one<{ parent: string }>(
      `SELECT parent FROM region_parent WHERE year = 2020 AND parent LIKE 'X_GRO_%' LIMIT 1`,
    );
    const parts = await store.one<{ n: number }>(
      `SELECT sum(o.value) AS n FROM observation o JOIN region_parent p ON p.code = o.region AND p.year = 2020 AND p.parent = $1
       WHERE o.dataset = 'cbs-kwb' AND o.variable = 'AantalInwoners' AND o.period = '2020JJ00'`,
      [stadsdeel!.parent],
    );
    const row = (await values('inwoners', 'region = $2 AND year = 2020', [stadsdeel!.parent]))[0]!;
    expect(row).toMatchObject({ derivation: 'summed', value: parts!.n });
  });

  it('shows non-additive figures only where the source publishes them', async () => {
    // CBS publishes average household size for gemeenten and the Netherlands, not for a custom region.
    expect(await values('gemiddelde_huishoudensgrootte', "region IN ('X_RGA', 'PV20')")).toEqual([]);
    expect((await values('gemiddelde_huishoudensgrootte', "region = 'GM0014'"))[0]!.value).toBeGreaterThan(1);
  });

  it("converts gemeente values to the target year's boundaries and says how", async () => {
    // Eemsdelta (GM1979, 2021) is the whole of Appingedam, Delfzijl and Loppersum: an exact merge.
    const old = await store.all<{ n: number; d: number }>(
      `SELECT max(value) FILTER (WHERE variable = 'PersonenautoSTotaal') AS n, max(value) FILTER (WHERE variable = 'HuishoudensTotaal') AS d
       FROM observation WHERE dataset = 'cbs-kwb' AND period = '2020JJ00' AND region IN ('GM0003', 'GM0010', 'GM0024') GROUP BY region`,
    );
    expect(old).toHaveLength(3);
    const eemsdelta = (await values('autos_per_huishouden', "region = 'GM1979' AND year = 2020"))[0]!;
    expect(eemsdelta).toMatchObject({ boundary_year: 2026, derivation: 'converted', conversion: 'exact' });
    expect(eemsdelta.value).toBeCloseTo(
      old.reduce((s, o) => s + o.n, 0) / old.reduce((s, o) => s + o.d, 0),
      10,
    );
  });
});

describe('lineage and incremental rebuilds', () => {
  it('records the dataset versions each indicator came from', async () => {
    const lineage = await store.all<{ dataset: string; dataset_version: number }>(
      `SELECT dataset, dataset_version FROM indicator_source WHERE indicator = 'demografische_druk'`,
    );
    const version = await store.one<{ version: number }>(`SELECT version FROM dataset WHERE id = 'cbs-kwb'`);
    expect(lineage).toEqual([{ dataset: 'cbs-kwb', dataset_version: version!.version }]);
  });

  it('recomputes only the indicators whose dataset changed', async () => {
    expect((await buildIndicators(store, library, { boundaryYear: 2026 })).built).toEqual([]);
    const manifest = (await import('yaml')).parse(
      await (await import('node:fs/promises')).readFile(join(DATA_DIR, 'demo', 'datasets.yaml'), 'utf8'),
    ) as { file: string; mapping: unknown }[];
    const prices = manifest.find((m) => m.file.includes('83625NED'))!;
    await importFile(
      store,
      join(DATA_DIR, 'demo', prices.file),
      parseMapping(prices.mapping, 'datasets.yaml'),
    );
    const report = await buildIndicators(store, library, { boundaryYear: 2026 });
    expect(report.built.map((b) => b.id).sort()).toEqual([
      'gemiddelde_verkoopprijs',
      'verkoopprijs_groei_1j',
      'verkoopprijs_groei_5j',
    ]);
    expect(report.unchanged.length).toBe(first.built.length - 3);
  });
});

describe('definition errors', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'udc-library-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const library = async (indicators: string) => {
    await writeFile(join(dir, 'sources.yaml'), 'kwb:\n  dataset: cbs-kwb\n');
    await writeFile(
      join(dir, 'bevolking.yaml'),
      `theme: bevolking\ntitle: { nl: Bevolking, en: Population }\nindicators:\n${indicators}`,
    );
    return loadLibrary({ shared: dir });
  };
  const indicator = (id: string, lines: string) =>
    `  - id: ${id}\n    title: { nl: T, en: T }\n    description: { nl: D, en: D }\n    unit: '%'\n    decimals: 1\n    better: neither\n${lines}`;

  it('gives null with status not_applicable on division by zero, never Infinity', async () => {
    const lib = await library(
      indicator('nul', '    formula: kwb.AantalInwoners / (kwb.Mannen - kwb.Mannen)\n'),
    );
    await buildIndicators(store, lib);
    const rows = await values('nul');
    expect(rows.length).toBeGreaterThan(1000);
    expect(rows.every((r) => r.value === null && r.status === 'not_applicable')).toBe(true);
  });

  it('points a syntax error at the line and column in the YAML file', async () => {
    const error = await library(indicator('kapot', '    formula: kwb.AantalInwoners +* 3\n')).catch(
      (e: Error) => e,
    );
    expect(error).toBeInstanceOf(LibraryError);
    expect((error as Error).message).toContain(
      `${join(dir, 'bevolking.yaml')}: indicator kapot, formula: line 10, column 34: expected`,
    );
  });

  it('names an unknown variable with file, line and column', async () => {
    const lib = await library(
      indicator('typo', '    numerator: kwb.Inwonerz\n    denominator: kwb.AantalInwoners\n'),
    );
    const error = await buildIndicators(store, lib).catch((e: Error) => e);
    expect(error).toBeInstanceOf(FormulaError);
    expect((error as Error).message).toMatch(
      /bevolking\.yaml: line 10, column 16: unknown variable cbs-kwb\.Inwonerz; cbs-kwb has /,
    );
  });

  it('refuses a cycle between indicators', async () => {
    const error = await library(
      indicator('a', '    formula: "@b + 1"\n') + indicator('b', '    formula: "@a * 2"\n'),
    ).catch((e: Error) => e);
    expect((error as Error).message).toMatch(/cycle: @a -> @b -> @a/);
  });

  it('computes an indicator from another one', async () => {
    const lib = await library(
      indicator(
        'basis',
        '    numerator: kwb.Vrouwen\n    denominator: kwb.AantalInwoners\n    scale: 100\n',
      ) + indicator('verschil', '    formula: "100 - 2 * @basis"\n'),
    );
    await buildIndicators(store, lib);
    const [basis] = await values('basis', "region = 'GM0014' AND year = 2020");
    const [verschil] = await values('verschil', "region = 'GM0014' AND year = 2020");
    expect(verschil!.value).toBeCloseTo(100 - 2 * basis!.value!, 10);
  });

  it('changes nothing when protecting the new values fails, and leaves no work table behind', async () => {
    const basis = indicator(
      'basis',
      '    numerator: kwb.Vrouwen\n    denominator: kwb.AantalInwoners\n    scale: 100\n',
    );
    await buildIndicators(store, await library(basis));
    const state = () =>
      store.all(
        `SELECT i.id, CAST(i.built AS VARCHAR) AS built, count(v.indicator)::INTEGER AS n FROM indicator i
         LEFT JOIN published_indicator_value v ON v.indicator = i.id GROUP BY ALL ORDER BY i.id`,
      );
    const before = await state();
    // Suppression needs numerator and denominator; a formula indicator has none: protection fails.
    const broken = await library(
      basis + indicator('verdubbeld', '    formula: kwb.Vrouwen * 2\n    disclosure: frequency-10\n'),
    );
    const error = await buildIndicators(store, broken, { force: true }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/numerator and denominator/);
    expect(await state()).toEqual(before);
    const report = await buildIndicators(store, await library(basis), { force: true });
    expect(report.built.map((b) => b.id)).toEqual(['basis']);
  });

  it('reads the stored values of a referenced indicator that is not rebuilt', async () => {
    const basis = indicator(
      'basis',
      '    numerator: kwb.Vrouwen\n    denominator: kwb.AantalInwoners\n    scale: 100\n',
    );
    await buildIndicators(
      store,
      await library(basis + indicator('verschil', '    formula: "100 - 2 * @basis"\n')),
    );
    const report = await buildIndicators(
      store,
      await library(basis + indicator('verschil', '    formula: "100 - 3 * @basis"\n')),
    );
    expect(report.built.map((b) => b.id)).toEqual(['verschil']);
    expect(report.unchanged).toContain('basis');
    const [stored] = await values('basis', "region = 'GM0014' AND year = 2020");
    const [verschil] = await values('verschil', "region = 'GM0014' AND year = 2020");
    expect(verschil!.value).toBeCloseTo(100 - 3 * stored!.value!, 10);
    const count = async (indicator: string) =>
      (await store.one<{ n: number }>(
        'SELECT count(*)::INTEGER AS n FROM indicator_value WHERE indicator = $1',
        [indicator],
      ))!.n;
    expect(report.built[0]!.values).toBe(await count('verschil'));
    expect(await count('verschil')).toBe(await count('basis'));
  });
});
