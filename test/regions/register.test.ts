import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  convertCounts,
  convertRatio,
  convertSeries,
  ensureRegister,
  listRegions,
  loadCrosswalk,
  overlapCrosswalk,
  RegisterError,
  showRegion,
  type Crosswalk,
} from '../../src/regions/index.js';
import { loadDemoData } from '../../src/demo/load.js';
import { ensureGeometry } from '../../src/regions/geometry/index.js';
import type { Store } from '../../src/store/index.js';
import { temporaryStore } from '../helpers/store.js';

const KWB_2020 = new URL(
  '../../../shared/data/kwb/kwb2020_84799NED_groningen_assen_gm_wk_bu.csv',
  import.meta.url,
).pathname;

let store: Store;
let dispose: () => Promise<void>;

beforeAll(async () => {
  ({ store, dispose } = await temporaryStore());
  await ensureRegister(store);
}, 120_000);
afterAll(() => dispose());

const count = async (year: number, level: string) => (await listRegions(store, { year, level })).length;
const population = async (year: number) =>
  new Map(
    (
      await store.all<{ code: string; inhabitants: number }>(
        'SELECT code, inhabitants FROM region_population WHERE year = $1',
        [year],
      )
    ).map((r) => [r.code, r.inhabitants]),
  );

describe('the register', () => {
  it('has every gemeente of each year as CBS counts them', async () => {
    expect(await count(2014, 'gemeente')).toBe(403);
    expect(await count(2018, 'gemeente')).toBe(380);
    expect(await count(2019, 'gemeente')).toBe(355);
    expect(await count(2021, 'gemeente')).toBe(352);
    expect(await count(2023, 'gemeente')).toBe(342);
    expect(await count(2020, 'buurt')).toBe(13808);
    expect(await count(2020, 'wijk')).toBe(3177);
  });

  it('knows Haren and Ten Boer until 2018 and Eemsdelta from 2021', async () => {
    const in2018 = (await listRegions(store, { year: 2018, level: 'gemeente' })).map((r) => r.code);
    const in2019 = (await listRegions(store, { year: 2019, level: 'gemeente' })).map((r) => r.code);
    expect(in2018).toEqual(expect.arrayContaining(['GM0009', 'GM0014', 'GM0017']));
    expect(in2019).not.toContain('GM0009');
    expect(in2019).not.toContain('GM0017');
    expect((await listRegions(store, { year: 2021, level: 'gemeente' })).map((r) => r.code)).toContain(
      'GM1979',
    );
    expect(in2019).not.toContain('GM1979');
  });

  it('gives each gemeente its provincie, landsdeel and COROP, and says how it knows', async () => {
    const assen = await showRegion(store, 'GM0106', 2020);
    expect(assen.parents.map((p) => [p.classification, p.parent])).toEqual(
      expect.arrayContaining([
        ['provincie', 'PV22'],
        ['landsdeel', 'LD01'],
        ['corop', 'CR07'],
        ['custom', 'X_RGA'],
      ]),
    );
    // Vijfheerenlanden's predecessor Leerdam was in Zuid-Holland until it moved to Utrecht in 2019.
    const leerdam = await showRegion(store, 'GM0545', 2018);
    expect(leerdam.parents.find((p) => p.classification === 'provincie')?.parent).toBe('PV28');
  });

  it('holds Regio Groningen-Assen in every year: 12 gemeenten in 2023, their 22 predecessors in 2018', async () => {
    expect(await listRegions(store, { year: 2023, parent: 'X_RGA' })).toHaveLength(12);
    const in2018 = (await listRegions(store, { year: 2018, parent: 'X_RGA' })).map((r) => r.code);
    expect(in2018).toHaveLength(22);
    expect(in2018).toEqual(expect.arrayContaining(['GM0009', 'GM0017', 'GM0003', 'GM0010', 'GM0024']));
  });

  it('builds stadsdelen from wijken: every wijk of Groningen (2020) in exactly one', async () => {
    const wijken = (await listRegions(store, { year: 2020, level: 'wijk', parent: 'GM0014' })).map(
      (w) => w.code,
    );
    const members = await store.all<{ code: string; n: number }>(
      `SELECT code, count(*) AS n FROM region_parent WHERE year = 2020 AND classification = 'custom' AND parent LIKE 'X_GRO_%' GROUP BY code ORDER BY code`,
    );
    expect(members.map((m) => m.code)).toEqual(wijken);
    expect(members.every((m) => m.n === 1)).toBe(true);
  });
});

describe('the hierarchy adds up in CBS key figures (kwb 2020, Groningen-Assen)', () => {
  it('sums buurten to wijken and wijken to gemeenten for every gemeente, within CBS rounding', async () => {
    const rows = await store.all<{
      level: string;
      code: string;
      reported: number;
      summed: number;
      parts: number;
    }>(
      `WITH kwb AS (
         SELECT trim(WijkenEnBuurten) AS code, TRY_CAST(AantalInwoners_5 AS DOUBLE) AS inwoners
         FROM read_csv($1, header = true, all_varchar = true)),
       up AS (
         SELECT p.parent AS code, sum(k.inwoners) AS summed, count(*) AS parts, any_value(p.classification) AS level
         FROM kwb k JOIN region_parent p ON p.code = k.code AND p.year = 2020
         WHERE (k.code LIKE 'BU%' AND p.classification = 'wijk') OR (k.code LIKE 'WK%' AND p.classification = 'gemeente')
         GROUP BY p.parent)
       SELECT up.level, up.code, k.inwoners AS reported, up.summed, up.parts FROM up JOIN kwb k ON k.code = up.code ORDER BY up.code`,
      [KWB_2020],
    );
    const gemeenten = rows.filter((r) => r.level === 'gemeente');
    expect(gemeenten).toHaveLength(14);
    expect(rows.filter((r) => r.level === 'wijk').length).toBeGreaterThan(150);
    for (const r of rows) {
      // CBS rounds wijk and buurt counts to a multiple of 5 (not always the nearest): up to 5 per part.
      // A buurt under the wrong wijk would be off by hundreds.
      expect({ code: r.code, within: Math.abs(r.reported - r.summed) <= 5 * r.parts }).toEqual({
        code: r.code,
        within: true,
      });
    }
    expect(gemeenten.find((g) => g.code === 'GM0014')?.reported).toBe(232874);
  });
});

describe('crosswalks and conversion', () => {
  it('merges Groningen, Haren and Ten Boer (2018) into GM0014 (2019): the counts are the sums, exactly', async () => {
    const crosswalk = await loadCrosswalk(store, 'gemeente', 2018, 2019);
    const end2018 = await population(2018);
    const converted = convertCounts(end2018, crosswalk).find((c) => c.region === 'GM0014')!;
    expect(converted.sources).toEqual(['GM0009', 'GM0014', 'GM0017']);
    expect(converted.value).toBe(end2018.get('GM0009')! + end2018.get('GM0014')! + end2018.get('GM0017')!);
    expect(converted.estimatedShare).toBe(0);
    // The population at the end of 2018 is the population on 1 January 2019 in 03759ned.
    await loadDemoData(store);
    const january2019 = await store.one<{ value: number }>(
      `SELECT value FROM observation WHERE dataset = 'cbs-03759ned-bevolking' AND region = 'GM0014' AND period = '2019JJ00' AND variable = 'bevolking_1_januari'`,
    );
    expect(converted.value).toBe(january2019?.value);
  });

  it('converts stored figures with convertSeries, and Eemsdelta (2021) from its three predecessors', async () => {
    const result = await convertSeries(store, {
      dataset: 'cbs-03759ned-bevolking',
      variable: 'bevolking_1_januari',
      period: '2020JJ00',
      level: 'gemeente',
      fromYear: 2020,
      toYear: 2021,
    });
    const eemsdelta = result.values.find((v) => v.region === 'GM1979')!;
    expect(eemsdelta.sources).toEqual(['GM0003', 'GM0010', 'GM0024']);
    const parts = await store.all<{ value: number }>(
      `SELECT value FROM observation WHERE dataset = 'cbs-03759ned-bevolking' AND period = '2020JJ00' AND variable = 'bevolking_1_januari' AND region IN ('GM0003', 'GM0010', 'GM0024')`,
    );
    expect(eemsdelta.value).toBe(parts.reduce((s, p) => s + p.value, 0));
    expect(eemsdelta.bases).toEqual(['whole']);
  });

  it('an identity crosswalk (same year) changes nothing', async () => {
    const crosswalk = await loadCrosswalk(store, 'gemeente', 2019, 2019);
    const values = await population(2019);
    const converted = convertCounts(values, crosswalk);
    expect(converted).toHaveLength(values.size);
    for (const c of converted)
      expect([c.region, c.value, c.estimatedShare]).toEqual([c.region, values.get(c.region), 0]);
  });

  it('splits backwards by inhabitants, keeping the total, and marks it estimated', async () => {
    const crosswalk = await loadCrosswalk(store, 'gemeente', 2019, 2018);
    const converted = convertCounts(new Map([['GM0014', 1000]]), crosswalk);
    expect(converted.map((c) => c.region)).toEqual(['GM0009', 'GM0014', 'GM0017']);
    expect(converted.reduce((s, c) => s + c.value!, 0)).toBeCloseTo(1000, 9);
    expect(converted.every((c) => c.estimatedShare === 1 && c.bases[0] === 'inwoners')).toBe(true);
  });

  it('converts ratios through numerator and denominator, never by averaging them', () => {
    const crosswalk: Crosswalk = {
      level: 'gemeente',
      fromYear: 2018,
      toYear: 2019,
      unresolved: [],
      links: [
        { from: 'GM0001', to: 'GM0100', weight: 1, basis: 'whole', exact: true },
        { from: 'GM0002', to: 'GM0100', weight: 1, basis: 'whole', exact: true },
      ],
    };
    // 10 of 100 and 90 of 900: 10% each, so 10%; 1 of 10 and 90 of 100 would average to 50%, but is 91/110.
    const [r] = convertRatio(
      new Map([
        ['GM0001', 1],
        ['GM0002', 90],
      ]),
      new Map([
        ['GM0001', 10],
        ['GM0002', 100],
      ]),
      crosswalk,
      100,
    );
    expect(r!.value).toBeCloseTo((91 / 110) * 100, 10);
    const [missing] = convertCounts(
      new Map([
        ['GM0001', 1],
        ['GM0002', null],
      ]),
      crosswalk,
    );
    expect(missing).toMatchObject({ value: null, missing: ['GM0002'] });
  });

  it('weights redivisions by area overlap from boundaries, agreeing with CBS history for whole mergers', async () => {
    await ensureGeometry(store);
    const byArea = await overlapCrosswalk(store, 'gemeente', 2015, 2023);
    const byHistory = await loadCrosswalk(store, 'gemeente', 2015, 2023);
    const main = (cw: Crosswalk, code: string) =>
      cw.links.filter((l) => l.from === code).sort((a, b) => b.weight - a.weight)[0];
    for (const code of ['GM0009', 'GM0017', 'GM0014', 'GM0003', 'GM0018', 'GM0005']) {
      expect({ code, to: main(byArea, code)?.to }).toEqual({ code, to: main(byHistory, code)?.to });
      expect(main(byArea, code)!.weight).toBeGreaterThan(0.9);
    }
    expect(byArea.links.every((l) => l.basis === 'area_overlap')).toBe(true);
  });
});

describe('bad input gets a clear error', () => {
  it('unknown region code', async () => {
    await expect(showRegion(store, 'GM9999', 2020)).rejects.toThrow(/unknown region code GM9999/);
    await expect(showRegion(store, 'GM0017', 2020)).rejects.toThrow(
      /GM0017 is not in the 2020 register; it is in 1995-2018/,
    );
  });

  it('a year with no register', async () => {
    await expect(listRegions(store, { year: 1980 })).rejects.toThrow(
      /no region register for 1980: the register covers 1995\.\.2026/,
    );
    await expect(loadCrosswalk(store, 'buurt', 2019, 2020)).rejects.toThrow(
      /no buurt register for 2019: the register has buurt for 2020/,
    );
  });

  it('a crosswalk with no path', async () => {
    await expect(loadCrosswalk(store, 'wijk', 2014, 2020)).rejects.toThrow(RegisterError);
    await expect(loadCrosswalk(store, 'wijk', 2014, 2020)).rejects.toThrow(
      /no crosswalk from wijk 2014 to wijk 2020: the store has no wijk boundaries of 2020 \(import them with: udc regions import-boundaries/,
    );
  });

  it('a non-additive variable cannot be converted by weights', async () => {
    await loadDemoData(store);
    await expect(
      convertSeries(store, {
        dataset: 'cbs-83625ned-verkoopprijzen',
        variable: 'gemiddelde_verkoopprijs',
        period: '2018JJ00',
        level: 'gemeente',
        fromYear: 2018,
        toYear: 2019,
      }),
    ).rejects.toThrow(/not additive/);
  });
});
