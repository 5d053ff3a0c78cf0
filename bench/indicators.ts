// Building the whole indicator library for all areas and years from the bundled real CBS data,
// against hand-written DuckDB SQL that computes the same values in the same run and store.
//
// The hand-written side is what an analyst fluent in SQL would write for this library: one query
// that completes the additive inputs up the hierarchy, one that computes every ratio from a
// hand-typed table of numerator and denominator terms, one for the published figures and one for
// the growth figures. Both sides must produce the same values; the run checks that.
import { loadDemoData } from '../src/demo/load.js';
import { buildIndicators, loadLibrary } from '../src/indicators/index.js';
import { ensureRegister } from '../src/regions/index.js';
import type { Store } from '../src/store/index.js';
import { temporaryStore } from '../test/helpers/store.js';
import type { BenchOptions, BenchResult } from './types.js';

const INW = [['kwb', 'AantalInwoners', 1]] as const;
const A1565 = [
  ['kwb', 'k_15Tot25Jaar', 1],
  ['kwb', 'k_25Tot45Jaar', 1],
  ['kwb', 'k_45Tot65Jaar', 1],
] as const;
const HH = [['kwb', 'HuishoudensTotaal', 1]] as const;
const BB = [['beroepen', 'Totaal', 1]] as const;
type Term = readonly [string, string, number];
const t = (dataset: string, variable: string): Term[] => [[dataset, variable, 1]];

/** Ratio indicators: numerator terms, denominator terms, scale — typed from the definitions. */
const RATIOS: Record<string, [Term[], readonly Term[], number]> = {
  bevolkingsdichtheid: [t('kwb', 'AantalInwoners'), t('kwb', 'OppervlakteLand'), 100],
  aandeel_vrouwen: [t('kwb', 'Vrouwen'), INW, 100],
  aandeel_0_15: [t('kwb', 'k_0Tot15Jaar'), INW, 100],
  aandeel_15_25: [t('kwb', 'k_15Tot25Jaar'), INW, 100],
  aandeel_25_45: [t('kwb', 'k_25Tot45Jaar'), INW, 100],
  aandeel_45_65: [t('kwb', 'k_45Tot65Jaar'), INW, 100],
  aandeel_65plus: [t('kwb', 'k_65JaarOfOuder'), INW, 100],
  demografische_druk: [[...t('kwb', 'k_0Tot15Jaar'), ...t('kwb', 'k_65JaarOfOuder')], A1565, 100],
  groene_druk: [t('kwb', 'k_0Tot15Jaar'), A1565, 100],
  grijze_druk: [t('kwb', 'k_65JaarOfOuder'), A1565, 100],
  aandeel_westerse_migratieachtergrond: [t('kwb', 'WestersTotaal'), INW, 100],
  aandeel_niet_westerse_migratieachtergrond: [t('kwb', 'NietWestersTotaal'), INW, 100],
  aandeel_gehuwd: [t('kwb', 'Gehuwd'), INW, 100],
  aandeel_gescheiden: [t('kwb', 'Gescheiden'), INW, 100],
  aandeel_eenpersoonshuishoudens: [t('kwb', 'Eenpersoonshuishoudens'), HH, 100],
  aandeel_huishoudens_met_kinderen: [t('kwb', 'HuishoudensMetKinderen'), HH, 100],
  aandeel_huishoudens_zonder_kinderen: [t('kwb', 'HuishoudensZonderKinderen'), HH, 100],
  woningen_per_1000_inwoners: [t('kwb', 'Woningvoorraad'), INW, 1000],
  bijstand_per_1000: [t('kwb', 'PersonenPerSoortUitkeringBijstand'), A1565, 1000],
  ww_per_1000: [t('kwb', 'PersonenPerSoortUitkeringWW'), A1565, 1000],
  ao_per_1000: [t('kwb', 'PersonenPerSoortUitkeringAO'), A1565, 1000],
  aandeel_technische_ict_beroepen: [t('beroepen', 'TechnischICT'), BB, 100],
  aandeel_pedagogische_beroepen: [t('beroepen', 'Pedagogisch'), BB, 100],
  aandeel_transport_logistiek_beroepen: [t('beroepen', 'TransportLogistiek'), BB, 100],
  aandeel_openbaar_bestuur_beroepen: [t('beroepen', 'OpenbaarBestuurVeiligheidJuridisch'), BB, 100],
  aandeel_managers: [t('beroepen', 'Managers'), BB, 100],
  aandeel_commerciele_beroepen: [t('beroepen', 'Commercieel'), BB, 100],
  aandeel_bedrijfseconomische_beroepen: [t('beroepen', 'BedrijfseconomischAdministratief'), BB, 100],
  aandeel_dienstverlenende_beroepen: [t('beroepen', 'Dienstverlenend'), BB, 100],
  aandeel_zorg_welzijnsberoepen: [t('beroepen', 'ZorgWelzijn'), BB, 100],
  autos_per_huishouden: [t('kwb', 'PersonenautoSTotaal'), HH, 1],
  autos_per_1000_inwoners: [t('kwb', 'PersonenautoSTotaal'), INW, 1000],
  autos_per_km2: [t('kwb', 'PersonenautoSTotaal'), t('kwb', 'OppervlakteLand'), 100],
  aandeel_autos_niet_benzine: [
    t('kwb', 'PersonenautoSOverigeBrandstof'),
    t('kwb', 'PersonenautoSTotaal'),
    100,
  ],
  motorfietsen_per_1000_inwoners: [t('kwb', 'Motorfietsen'), INW, 1000],
  aandeel_water: [t('kwb', 'OppervlakteWater'), t('kwb', 'OppervlakteTotaal'), 100],
};
/** Indicators that are one variable as published (or summed, when it adds up). */
const SINGLE: Record<string, Term> = {
  bevolking_1_januari: ['bevolking', 'bevolking_1_januari', 1],
  inwoners: ['kwb', 'AantalInwoners', 1],
  gemiddelde_huishoudensgrootte: ['kwb', 'GemiddeldeHuishoudensgrootte', 1],
  woningvoorraad: ['kwb', 'Woningvoorraad', 1],
  gemiddelde_verkoopprijs: ['koopprijzen', 'gemiddelde_verkoopprijs', 1],
  werkzame_beroepsbevolking: ['beroepen', 'Totaal', 1],
  afstand_grote_supermarkt: ['kwb', 'AfstandTotGroteSupermarkt', 1],
  afstand_kinderdagverblijf: ['kwb', 'AfstandTotKinderdagverblijf', 1],
  omgevingsadressendichtheid: ['kwb', 'Omgevingsadressendichtheid', 1],
};
/** Percent change over n years. */
const GROWTH: Record<string, [Term, number]> = {
  bevolkingsgroei_1j: [['bevolking', 'bevolking_1_januari', 1], 1],
  bevolkingsgroei_5j: [['bevolking', 'bevolking_1_januari', 1], 5],
  verkoopprijs_groei_1j: [['koopprijzen', 'gemiddelde_verkoopprijs', 1], 1],
  verkoopprijs_groei_5j: [['koopprijzen', 'gemiddelde_verkoopprijs', 1], 5],
};
const DATASETS: Record<string, string> = {
  kwb: 'cbs-kwb',
  bevolking: 'cbs-03759ned-bevolking',
  koopprijzen: 'cbs-83625ned-verkoopprijzen',
  beroepen: 'cbs-84916ned-beroepen',
};

const literal = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** The hand-written SQL: returns rows (indicator, region, period, value) in table hand_result. */
async function handWritten(store: Store): Promise<void> {
  await store.session(async (s) => {
    for (const x of ['hand_obs', 'hand_terms', 'hand_result']) await s.run(`DROP TABLE IF EXISTS ${x}`);
    const ds = Object.values(DATASETS).map(literal).join(', ');
    await s.run(`
      CREATE TEMP TABLE hand_obs AS
      SELECT o.dataset, o.variable, CASE WHEN o.region = 'NL00' THEN 'NL01' ELSE o.region END AS region, o.period, p.year, o.value,
             v.aggregation = 'sum' AS additive
      FROM observation o JOIN period p ON p.code = o.period AND p.kind = 'year'
      JOIN variable v ON v.dataset = o.dataset AND v.key = o.variable
      WHERE o.dataset IN (${ds}) AND o.categories = ''`);
    for (const prefix of ['BU', 'WK', 'GM']) {
      await s.run(`
        INSERT INTO hand_obs
        WITH wanted AS (SELECT parent, classification, year, count(*) AS n FROM region_parent WHERE starts_with(code, '${prefix}') GROUP BY ALL)
        SELECT o.dataset, o.variable, p.parent, o.period, o.year, sum(o.value), true
        FROM hand_obs o JOIN region_parent p ON p.code = o.region AND p.year = o.year
        JOIN wanted w ON w.parent = p.parent AND w.classification = p.classification AND w.year = o.year
        WHERE o.additive AND o.value IS NOT NULL AND starts_with(o.region, '${prefix}')
          AND NOT EXISTS (SELECT 1 FROM hand_obs e WHERE e.dataset = o.dataset AND e.variable = o.variable AND e.region = p.parent AND e.period = o.period)
        GROUP BY o.dataset, o.variable, p.parent, p.classification, o.period, o.year, w.n
        HAVING count(*) = w.n`);
    }
    const terms = Object.entries(RATIOS).flatMap(([id, [num, den, scale]]) => [
      ...num.map(
        ([d, v, c]) => `(${literal(id)}, 'num', ${literal(DATASETS[d]!)}, ${literal(v)}, ${c}, ${scale})`,
      ),
      ...den.map(
        ([d, v, c]) => `(${literal(id)}, 'den', ${literal(DATASETS[d]!)}, ${literal(v)}, ${c}, ${scale})`,
      ),
    ]);
    await s.run(
      `CREATE TEMP TABLE hand_terms AS SELECT * FROM (VALUES ${terms.join(', ')}) t(indicator, part, dataset, variable, coef, scale)`,
    );
    await s.run(`
      CREATE TEMP TABLE hand_result AS
      SELECT t.indicator, o.region, o.period,
             sum(o.value * t.coef) FILTER (WHERE t.part = 'num') / NULLIF(sum(o.value * t.coef) FILTER (WHERE t.part = 'den'), 0) * any_value(t.scale) AS value
      FROM hand_terms t JOIN hand_obs o ON o.dataset = t.dataset AND o.variable = t.variable
      GROUP BY t.indicator, o.region, o.period
      HAVING count(*) = (SELECT count(*) FROM hand_terms u WHERE u.indicator = t.indicator)`);
    const single = Object.entries(SINGLE).map(
      ([id, [d, v]]) =>
        `SELECT ${literal(id)}, region, period, value FROM hand_obs WHERE dataset = ${literal(DATASETS[d]!)} AND variable = ${literal(v)}`,
    );
    const growth = Object.entries(GROWTH).map(
      ([id, [[d, v], n]]) =>
        `SELECT ${literal(id)}, region, period, (value - before) / NULLIF(before, 0) * 100 FROM (
           SELECT region, period, value,
                  first_value(value) OVER (PARTITION BY region ORDER BY year RANGE BETWEEN ${n} PRECEDING AND ${n} PRECEDING) AS before
           FROM hand_obs WHERE dataset = ${literal(DATASETS[d]!)} AND variable = ${literal(v)})`,
    );
    await s.run(`INSERT INTO hand_result ${[...single, ...growth].join(' UNION ALL ')}`);
    await s.run('CREATE OR REPLACE TABLE hand_values AS SELECT * FROM hand_result');
    for (const x of ['hand_obs', 'hand_terms', 'hand_result']) await s.run(`DROP TABLE IF EXISTS ${x}`);
  });
}

export async function run({ quick }: BenchOptions): Promise<BenchResult> {
  const rounds = quick ? 3 : 7;
  const { store, dispose } = await temporaryStore();
  try {
    await ensureRegister(store);
    await loadDemoData(store);
    const library = await loadLibrary();
    const observations = (await store.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM observation'))!
      .n;
    const udc: number[] = [];
    const hand: number[] = [];
    let built = 0;
    // Alternate the two so neither profits from a warmer cache; the median of the rounds counts.
    for (let i = 0; i < rounds; i++) {
      let t0 = performance.now();
      const report = await buildIndicators(store, library, { force: true });
      udc.push(performance.now() - t0);
      built = report.built.length;
      t0 = performance.now();
      await handWritten(store);
      hand.push(performance.now() - t0);
    }
    const check = (await store.one<{ n: number; diff: number; missing: number }>(
      `SELECT count(*)::INTEGER AS n, max(abs(u.value - h.value)) AS diff,
              count(*) FILTER (WHERE (u.value IS NULL) <> (h.value IS NULL))::INTEGER AS missing
       FROM hand_values h JOIN indicator_value u ON u.indicator = h.indicator AND u.region = h.region AND u.period = h.period AND u.boundary_year = u.year`,
    ))!;
    const handRows = (await store.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM hand_values'))!.n;
    const udcRows = (await store.one<{ n: number }>(
      `SELECT count(*)::INTEGER AS n FROM indicator_value WHERE indicator IN (SELECT DISTINCT indicator FROM hand_values)`,
    ))!.n;
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const u = median(udc);
    const h = median(hand);
    return {
      name: 'indicators',
      figures: [
        {
          name: `build the library (${built} indicators, ${udcRows} values) from ${observations} observations, median of ${rounds}`,
          value: u,
          unit: 'ms',
          reference: 'hand-written DuckDB SQL computing the same values',
          referenceValue: h,
          ratio: u / h,
          goal: 'ratio <= 1.5',
          met: u / h <= 1.5,
        },
        {
          name: 'values compared with the hand-written SQL (same region, period)',
          value: check.n,
          unit: 'values',
        },
      ],
      notes: [
        `hand-written SQL rows ${handRows}, udc rows for the same indicators ${udcRows}; largest difference ${check.diff ?? 0}; rows where only one side has a value: ${check.missing}`,
        `udc rounds (ms): ${udc.map((x) => x.toFixed(0)).join(', ')}; hand-written rounds (ms): ${hand.map((x) => x.toFixed(0)).join(', ')}`,
        'udc also writes the indicator metadata and lineage and replaces the stored values in one transaction; the hand-written SQL only computes into a table.',
      ],
    };
  } finally {
    await dispose();
  }
}
