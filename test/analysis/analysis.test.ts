import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AnalysisError,
  correlate,
  findPeers,
  levelValues,
  mean,
  pearson,
  percentileRank,
  position,
  spearman,
  standardDeviation,
  trend,
  typology,
} from '../../src/analysis/index.js';
import type { Store } from '../../src/store/index.js';
import { publishedStore } from './world.js';

let store: Store;
let dispose: () => Promise<void>;

beforeAll(async () => {
  ({ store, dispose } = await publishedStore());
}, 180_000);
afterAll(() => dispose());

/** Published values straight from the view (the API's rule: hidden values are null, rounded to decimals). */
async function published(indicator: string, where: string, params: (string | number)[] = []) {
  return store.all<{ region: string; value: number | null }>(
    `SELECT v.region, CASE WHEN v.disclosure IN ('primary','secondary') THEN NULL ELSE round(v.value, i.decimals) END AS value
     FROM published_indicator_value v JOIN indicator i ON i.id = v.indicator
     JOIN region_year y ON y.code = v.region AND y.year = v.boundary_year
     WHERE v.indicator = $1 AND ${where} ORDER BY v.region`,
    [indicator, ...params],
  );
}

describe('peers of a Groningen buurt', () => {
  it('are stable and explained', async () => {
    const result = await findPeers(store, { region: 'BU00140100', k: 5 });
    expect(result.region).toEqual({ code: 'BU00140100', name: 'De Meeuwen', level: 'buurt' });
    expect(result.period).toBe('2020JJ00');
    expect(result.variables.map((v) => v.id)).toEqual([
      'inwoners',
      'omgevingsadressendichtheid',
      'aandeel_eenpersoonshuishoudens',
      'aandeel_huishoudens_met_kinderen',
    ]);
    expect(result.variables[0]!.transform).toBe('log10');
    expect(result.dropped).toEqual([]);
    // The pinned answer on CBS Kerncijfers wijken en buurten 2020: a change here means the method or data changed.
    expect(result.peers.map((p) => p.name)).toEqual([
      'Herewegbuurt',
      'Kostverloren',
      'Vogelbuurt',
      'Grunobuurt',
      'Laanhuizen',
    ]);
    expect(result.explanation).toMatch(/De Meeuwen \(BU00140100\) is compared with \d+ other buurten/);
    expect(result.explanation).toContain('nearest is Herewegbuurt');
    expect(result.method).toMatch(/standardised to z-scores .* Euclidean distance/);
    // The same request again gives the same list.
    expect((await findPeers(store, { region: 'BU00140100', k: 5 })).peers).toEqual(result.peers);
  });

  it('match an independent computation of the standardised distance', async () => {
    const result = await findPeers(store, { region: 'BU00140100', k: 10 });
    const ids = result.variables.map((v) => v.id);
    const columns = await Promise.all(
      ids.map((id) =>
        published(id, "y.level = 'buurt' AND v.period = '2020JJ00' AND v.boundary_year = 2020"),
      ),
    );
    const maps = columns.map(
      (c) => new Map(c.filter((r) => r.value !== null).map((r) => [r.region, Number(r.value)])),
    );
    const codes = [...maps[0]!.keys()].filter((c) => maps.every((m) => m.has(c)));
    expect(result.candidates).toBe(codes.length - 1);
    const transformed = maps.map(
      (m, j) => new Map(codes.map((c) => [c, ids[j] === 'inwoners' ? Math.log10(m.get(c)! + 1) : m.get(c)!])),
    );
    const z = transformed.map((m) => {
      const xs = codes.map((c) => m.get(c)!);
      const [mu, sd] = [mean(xs), standardDeviation(xs)];
      return new Map(codes.map((c) => [c, (m.get(c)! - mu) / sd]));
    });
    const distance = (c: string) =>
      Math.sqrt(z.reduce((s, m) => s + (m.get(c)! - m.get('BU00140100')!) ** 2, 0));
    const byHand = codes
      .filter((c) => c !== 'BU00140100')
      .sort((a, b) => distance(a) - distance(b) || a.localeCompare(b))
      .slice(0, 10);
    expect(result.peers.map((p) => p.code)).toEqual(byHand);
    for (const p of result.peers) expect(p.distance).toBeCloseTo(distance(p.code), 10);
  });

  it('says which variable stands in where one has no value (wijken of Eindhoven, 2024)', async () => {
    const result = await findPeers(store, { region: 'WK077211', k: 3 });
    expect(result.period).toBe('2024JJ00');
    expect(result.variables.map((v) => v.id)).toEqual(['inwoners', 'bevolkingsdichtheid']);
    expect(result.dropped.map((d) => d.variable)).toEqual([
      'omgevingsadressendichtheid',
      'aandeel_eenpersoonshuishoudens',
      'aandeel_huishoudens_met_kinderen',
    ]);
    expect(result.dropped[0]!.reason).toContain('bevolkingsdichtheid stands in');
    expect(result.candidates).toBeGreaterThan(3000); // every wijk of the Netherlands
  });
});

describe('position', () => {
  it('z-score and percentile match a hand computation over the published values', async () => {
    const result = await position(store, {
      indicator: 'aandeel_65plus',
      region: 'GM0917',
      period: '2020JJ00',
      boundaryYear: 2026,
      within: 'X_PARKSTAD',
    });
    const all = (
      await published(
        'aandeel_65plus',
        "y.level = 'gemeente' AND v.period = '2020JJ00' AND v.boundary_year = 2026",
      )
    ).map((r) => Number(r.value));
    const heerlen = Number(
      (
        await published(
          'aandeel_65plus',
          "v.region = 'GM0917' AND v.period = '2020JJ00' AND v.boundary_year = 2026",
        )
      )[0]!.value,
    );
    const nl = result.distributions.find((d) => d.scope === 'nl')!;
    expect(result.value).toBe(heerlen);
    expect(nl.n).toBe(342);
    expect(nl.mean).toBeCloseTo(all.reduce((s, x) => s + x, 0) / all.length, 10);
    const sd = Math.sqrt(all.reduce((s, x) => s + (x - nl.mean!) ** 2, 0) / (all.length - 1));
    expect(nl.z).toBeCloseTo((heerlen - nl.mean!) / sd, 10);
    expect(nl.percentile).toBeCloseTo(percentileRank(heerlen, all), 10);
    // Parkstad: its seven gemeenten, by hand.
    const parkstad = await levelValues(store, {
      indicator: 'aandeel_65plus',
      level: 'gemeente',
      period: '2020JJ00',
      boundaryYear: 2026,
      within: 'X_PARKSTAD',
    });
    expect(parkstad.map((r) => r.region)).toEqual(
      ['GM0899', 'GM0917', 'GM0928', 'GM0882', 'GM0965', 'GM0986', 'GM1954'].sort(),
    );
    const region = result.distributions.find((d) => d.scope === 'region')!;
    const xs = parkstad.map((r) => r.value!);
    expect(region.n).toBe(7);
    expect(region.z).toBeCloseTo((heerlen - mean(xs)) / standardDeviation(xs), 10);
    expect(region.rank).toBe(xs.filter((x) => x > heerlen).length + 1);
    // Register data: no interval, but a test against Nederland under binomial variation.
    expect(result.interval).toBeNull();
    expect(result.model.model).toBe('binomial');
    expect(result.comparisons.map((c) => c.region)).toEqual(['NL01', 'X_PARKSTAD']);
  });

  it('gives a survey value an approximate interval and says when a difference is not significant', async () => {
    const result = await position(store, {
      indicator: 'aandeel_technische_ict_beroepen',
      region: 'GM0772',
      within: 'X_MRE',
    });
    expect(result.period).toBe('2022JJ00');
    expect(result.model.model).toBe('survey');
    expect(result.interval).not.toBeNull();
    expect(result.interval!.approximation).toBe(true);
    expect(result.interval!.lower).toBeLessThan(result.value!);
    expect(result.interval!.upper).toBeGreaterThan(result.value!);
    // Wilson with n_eff = employed persons / 200, from the published thousands.
    const row = await store.one<{ numerator: number; denominator: number }>(
      `SELECT numerator, denominator FROM published_indicator_value WHERE indicator = 'aandeel_technische_ict_beroepen'
       AND region = 'GM0772' AND period = '2022JJ00' AND boundary_year = $1`,
      [result.boundaryYear],
    );
    expect(result.interval!.method).toContain(`n_eff = ${Math.round((row!.denominator * 1000) / 200)}`);
    const region = result.comparisons.find((c) => c.region === 'X_MRE')!;
    expect(region.test).not.toBeNull();
    expect(region.test!.significant).toBe(Math.abs(region.test!.z) > 1.96);
    const notSignificant = result.comparisons.find((c) => c.test && !c.test.significant);
    expect(notSignificant?.test?.statement).toMatch(/is not significant at the 5 % level/);
  });

  it('refuses a region outside the scope and an unknown indicator', async () => {
    await expect(
      position(store, {
        indicator: 'aandeel_65plus',
        region: 'GM0014',
        within: 'X_PARKSTAD',
        period: '2020JJ00',
      }),
    ).rejects.toThrow(/does not lie in X_PARKSTAD/);
    await expect(position(store, { indicator: 'bestaat_niet', region: 'GM0014' })).rejects.toBeInstanceOf(
      AnalysisError,
    );
  });
});

describe('trend', () => {
  it('gives the change over 1 and 5 years and tests it against the reference', async () => {
    const result = await trend(store, {
      indicator: 'bevolking_1_januari',
      region: 'GM0917',
      reference: 'X_PARKSTAD',
    });
    expect(result.period).toBe('2026JJ00');
    const [one, five] = result.changes;
    const value = async (region: string, period: string) =>
      Number(
        (
          await published(
            'bevolking_1_januari',
            'v.region = $2 AND v.period = $3 AND v.boundary_year = v.year',
            [region, period],
          )
        )[0]!.value,
      );
    expect(one!.change).toBe((await value('GM0917', '2026JJ00')) - (await value('GM0917', '2025JJ00')));
    expect(five!.from!.period).toBe('2021JJ00');
    expect(five!.relativeChange).toBeCloseTo(
      100 * ((await value('GM0917', '2026JJ00')) / (await value('GM0917', '2021JJ00')) - 1),
      10,
    );
    expect(five!.sameBoundaries).toBe(true); // Heerlen did not change between 2021 and 2026
    // Poisson test on log ratios, computed by hand.
    const [a1, a0, r1, r0] = await Promise.all([
      value('GM0917', '2026JJ00'),
      value('GM0917', '2021JJ00'),
      value('X_PARKSTAD', '2026JJ00'),
      value('X_PARKSTAD', '2021JJ00'),
    ]);
    const z = (Math.log(a1 / a0) - Math.log(r1 / r0)) / Math.sqrt(1 / a1 + 1 / a0 + 1 / r1 + 1 / r0);
    expect(five!.test!.z).toBeCloseTo(z, 10);
    expect(five!.test!.significant).toBe(Math.abs(z) > 1.96);
  });

  it('says plainly when there is no earlier value or no test', async () => {
    const kwb = await trend(store, { indicator: 'aandeel_65plus', region: 'GM0014' });
    expect(kwb.changes[0]!.from).toBeNull();
    expect(kwb.changes[0]!.note).toMatch(/no published value for 2019JJ00/);
    const price = await trend(store, { indicator: 'gemiddelde_verkoopprijs', region: 'GM0772' });
    expect(price.changes[0]!.test).toBeNull();
    expect(price.changes[0]!.note).toMatch(/no test: an average/);
  });
});

describe('correlation', () => {
  it('matches a hand computation over the gemeenten, with the caveat', async () => {
    const result = await correlate(store, {
      x: 'aandeel_65plus',
      y: 'aandeel_eenpersoonshuishoudens',
      level: 'gemeente',
      period: '2020JJ00',
      boundaryYear: 2020,
      highlight: 'GM0014',
    });
    const xs = await published(
      'aandeel_65plus',
      "y.level = 'gemeente' AND v.period = '2020JJ00' AND v.boundary_year = 2020",
    );
    const ys = new Map(
      (
        await published(
          'aandeel_eenpersoonshuishoudens',
          "y.level = 'gemeente' AND v.period = '2020JJ00' AND v.boundary_year = 2020",
        )
      ).map((r) => [r.region, r.value]),
    );
    const pairs = xs
      .filter((r) => r.value !== null && ys.get(r.region) != null)
      .map((r) => [Number(r.value), Number(ys.get(r.region))] as const);
    expect(result.n).toBe(pairs.length);
    expect(result.n).toBe(355);
    expect(result.pearson.r).toBeCloseTo(
      pearson(
        pairs.map((p) => p[0]),
        pairs.map((p) => p[1]),
      ),
      12,
    );
    expect(result.spearman.rho).toBeCloseTo(
      spearman(
        pairs.map((p) => p[0]),
        pairs.map((p) => p[1]),
      ),
      12,
    );
    expect(result.pearson.interval![0]).toBeLessThan(result.pearson.r!);
    expect(result.highlight?.code).toBe('GM0014');
    expect(result.caveat.en).toMatch(/ecological fallacy/);
    expect(result.caveat.nl).toMatch(/ecologische fout/);
  });
});

describe('typology', () => {
  const request = {
    indicators: [
      'aandeel_65plus',
      'aandeel_eenpersoonshuishoudens',
      'aandeel_huishoudens_met_kinderen',
      'bevolkingsdichtheid',
    ],
    level: 'buurt',
    period: '2020JJ00',
    boundaryYear: 2020,
    within: 'X_RGA',
    seed: 11,
  };

  it('is deterministic for a fixed seed and chooses k by the highest silhouette', async () => {
    const one = await typology(store, request);
    const two = await typology(store, request);
    expect(two.areas).toEqual(one.areas);
    expect(two.silhouettes).toEqual(one.silhouettes);
    expect(one.silhouettes.map((s) => s.k)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    const best = one.silhouettes.reduce((a, b) => (b.silhouette > a.silhouette + 1e-9 ? b : a));
    expect(one.k).toBe(best.k);
    expect(one.clusters).toHaveLength(one.k);
    expect(one.clusters.reduce((s, c) => s + c.size, 0)).toBe(one.areas.length);
    // Every buurt of the region with all four values is typed; the others are counted as left out.
    expect(one.areas.length + one.excluded).toBe(792);
    // Profiles are the means of the members' published values.
    const members = one.areas.filter((a) => a.cluster === 0).map((a) => a.code);
    const values = await published(
      'aandeel_65plus',
      `v.period = '2020JJ00' AND v.boundary_year = 2020 AND v.region IN (${members.map((_, i) => `$${i + 2}`).join(',')})`,
      members,
    );
    expect(one.clusters[0]!.profile[0]!.mean).toBeCloseTo(mean(values.map((v) => Number(v.value))), 10);
  });

  it('a fixed k is used as given', async () => {
    const fixed = await typology(store, { ...request, k: 4 });
    expect(fixed.k).toBe(4);
    expect(fixed.criterion).toBe('k fixed at 4');
  });
});
