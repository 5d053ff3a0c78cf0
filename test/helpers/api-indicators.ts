import { join } from 'node:path';
import { REGIONS_DIR } from '../../src/regions/index.js';
import type { Store } from '../../src/store/index.js';

/**
 * Indicator values for API tests and the API benchmark, computed in the engine from bundled real
 * CBS data (never invented numbers) until the lead's buildIndicators is exported:
 * - bevolking_1_januari, gemiddelde_verkoopprijs: the demo datasets (CBS 03759ned and 83625NED, loaded with
 *   loadDemoData) per gemeente, provincie and Nederland, each year on its own boundaries;
 * - aandeel_65plus (ratio) and gemiddelde_huishoudensgrootte: Kerncijfers wijken en buurten 2020 (84799NED)
 *   for the gemeenten, wijken and buurten of Regio Groningen-Assen. The 65+ share of an area
 *   with fewer than 50 inhabitants is hidden by a frequency rule (disclosure 'primary', value
 *   NULL; the stored numerator stays, so tests prove the API never shows it);
 * - intern_inwoners: a copy marked 'internal', which the API must never show.
 * Needs loadDemoData and ensureRegister first.
 */
export async function loadApiIndicators(store: Store): Promise<void> {
  const kwb = store.dialect.literal(join(REGIONS_DIR, 'kwb2020_84799NED_groningen_assen_gm_wk_bu.csv'));
  await store.transaction(async (tx) => {
    const indicator = (
      id: string,
      theme: string,
      nl: string,
      en: string,
      unit: string,
      decimals: number,
      kind: 'ratio' | 'formula',
      formula: string,
      disclosure: string,
      confidentiality = 'open',
    ) =>
      tx.run(
        `INSERT INTO indicator (id, theme, title_nl, title_en, description_nl, description_en, unit, decimals, better, kind,
                                formula, disclosure, confidentiality, library, definition, definition_hash, built)
         VALUES ($1, $2, $3, $4, $3, $4, $5, $6, 'neither', $7, $8, $9, $10, 'test', '{}', 'test', current_timestamp)`,
        [id, theme, nl, en, unit, decimals, kind, formula, disclosure, confidentiality],
      );
    await indicator(
      'bevolking_1_januari',
      'bevolking',
      'Bevolking op 1 januari',
      'Population on 1 January',
      'aantal',
      0,
      'formula',
      'bevolking.bevolking_1_januari',
      'none',
    );
    await indicator(
      'gemiddelde_verkoopprijs',
      'wonen',
      'Gemiddelde verkoopprijs',
      'Average sale price',
      'euro',
      0,
      'formula',
      'prijzen.gemiddelde_verkoopprijs',
      'none',
    );
    await indicator(
      'aandeel_65plus',
      'bevolking',
      'Aandeel 65 jaar of ouder',
      'Share aged 65 or over',
      '%',
      1,
      'ratio',
      'kwb.k_65JaarOfOuder_12 / kwb.AantalInwoners_5 * 100',
      'frequency-50',
    );
    await indicator(
      'gemiddelde_huishoudensgrootte',
      'wonen',
      'Gemiddelde huishoudensgrootte',
      'Average household size',
      'personen',
      1,
      'formula',
      'kwb.GemiddeldeHuishoudensgrootte_32',
      'none',
    );
    await indicator(
      'intern_inwoners',
      'bevolking',
      'Intern',
      'Internal',
      'aantal',
      0,
      'formula',
      'bevolking.bevolking_1_januari',
      'none',
      'internal',
    );
    for (const [id, dataset] of [
      ['bevolking_1_januari', 'cbs-03759ned-bevolking'],
      ['intern_inwoners', 'cbs-03759ned-bevolking'],
      ['gemiddelde_verkoopprijs', 'cbs-83625ned-verkoopprijzen'],
    ] as const)
      await tx.run(
        `INSERT INTO indicator_source SELECT $1, id, version, modified FROM dataset WHERE id = $2`,
        [id, dataset],
      );
    // The same figures as the demo's Kerncijfers 2020 dataset (found by its CBS table, whatever its id), read from the register's copy.
    for (const id of ['aandeel_65plus', 'gemiddelde_huishoudensgrootte'])
      await tx.run(
        `INSERT INTO indicator_source SELECT $1, id, version, modified FROM dataset WHERE source ILIKE '%84799NED%'`,
        [id],
      );
    for (const [id, dataset, variable] of [
      ['bevolking_1_januari', 'cbs-03759ned-bevolking', 'bevolking_1_januari'],
      ['intern_inwoners', 'cbs-03759ned-bevolking', 'bevolking_1_januari'],
      ['gemiddelde_verkoopprijs', 'cbs-83625ned-verkoopprijzen', 'gemiddelde_verkoopprijs'],
    ] as const)
      await tx.run(
        `INSERT INTO indicator_value
         SELECT $1, o.region, o.period, p.year, p.year, o.value, NULL, NULL, o.status, 'computed', NULL, NULL
         FROM observation o JOIN period p ON p.code = o.period
         WHERE o.dataset = $2 AND o.variable = $3 AND o.categories = ''`,
        [id, dataset, variable],
      );
    const kwbRows = `SELECT trim(WijkenEnBuurten) AS region, TRY_CAST(AantalInwoners_5 AS DOUBLE) AS inwoners,
                            TRY_CAST(k_65JaarOfOuder_12 AS DOUBLE) AS plus65,
                            TRY_CAST(GemiddeldeHuishoudensgrootte_32 AS DOUBLE) AS huishoudensgrootte
                     FROM read_csv(${kwb}, all_varchar = true, header = true) WHERE SoortRegio_2 <> 'Land'`;
    await tx.run(
      `INSERT INTO indicator_value
       SELECT 'aandeel_65plus', region, '2020JJ00', 2020, 2020,
              CASE WHEN inwoners < 50 OR inwoners IS NULL OR plus65 IS NULL THEN NULL ELSE plus65 / NULLIF(inwoners, 0) * 100 END,
              plus65, inwoners,
              CASE WHEN inwoners IS NULL OR plus65 IS NULL THEN 'secret' ELSE 'final' END, 'computed', NULL,
              CASE WHEN inwoners < 50 THEN 'primary' END
       FROM (${kwbRows})`,
    );
    await tx.run(
      `INSERT INTO indicator_value
       SELECT 'gemiddelde_huishoudensgrootte', region, '2020JJ00', 2020, 2020, huishoudensgrootte, NULL, NULL,
              CASE WHEN huishoudensgrootte IS NULL THEN 'secret' ELSE 'final' END, 'computed', NULL, NULL
       FROM (${kwbRows})`,
    );
  });
}

/**
 * A store as `udc serve --demo` has it, plus the API test indicators: register, bundled
 * boundaries, the demo datasets and loadApiIndicators.
 */
export async function apiStore(): Promise<{ store: Store; dispose: () => Promise<void> }> {
  const { temporaryStore } = await import('./store.js');
  const { ensureRegister } = await import('../../src/regions/index.js');
  const { ensureGeometry } = await import('../../src/regions/geometry/index.js');
  const { loadDemoData } = await import('../../src/demo/load.js');
  const { store, dispose } = await temporaryStore();
  await ensureRegister(store);
  await ensureGeometry(store);
  await loadDemoData(store);
  await loadApiIndicators(store);
  return { store, dispose };
}
