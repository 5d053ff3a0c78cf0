// Normalisation of the real recorded CBS payloads (../shared/data/odata-fixtures), without I/O.
import { describe, expect, it } from 'vitest';
import {
  readDataProperties,
  readTableInfos,
  readV3Codes,
  observationsFromV3Row,
} from '../../../src/sources/statline/v3.js';
import {
  observationFromV4Row,
  readDimensions,
  readMeasureCodes,
  readProperties,
  readV4Codes,
} from '../../../src/sources/statline/v4.js';
import { guessAggregation, normaliseTable, variableKey } from '../../../src/sources/statline/normalise.js';
import type { StagedRow } from '../../../src/sources/ingest.js';
import type { TableMetadata } from '../../../src/sources/statline/table.js';
import { fixture } from '../../helpers/statline-tables.js';

function table80137ned(): TableMetadata {
  const info = readTableInfos('TableInfos', '80137ned', fixture('v3-cbsodata3jl/80137ned__TableInfos.json'));
  const { measures, dimensions } = readDataProperties(
    'DataProperties',
    fixture('v3-cbsodata3jl/80137ned__DataProperties.json'),
  );
  for (const d of dimensions) d.codes = readV3Codes(d.key, fixture(`v3-cbsodata3jl/80137ned__${d.key}.json`));
  return { ...info, measures, dimensions };
}

function checkdecijfers(id: string): TableMetadata {
  const dir = `v4-datasets-cbs-nl-checkdecijfers/${id}`;
  const info = readProperties('Properties', id, fixture(`${dir}/properties.json`));
  const dimensions = readDimensions('Dimensions', fixture(`${dir}/dimensions.json`));
  for (const d of dimensions) d.codes = readV4Codes(d.key, fixture(`${dir}/codes-${d.key}.json`));
  return {
    ...info,
    url: `https://datasets.cbs.nl/odata/v1/CBS/${id}`,
    measures: readMeasureCodes('MeasureCodes', fixture(`${dir}/measure-codes.json`)),
    dimensions,
  };
}

describe('v3 80137ned (Arbeidsrekeningen; TypedDataSet)', () => {
  const table = table80137ned();

  it('reads TableInfos and DataProperties: 12 topics in their groups, 3 dimensions', () => {
    expect(table.title).toBe('Arbeidsrekeningen; leeftijd en opleidingsniveau');
    expect(table.modified).toBe('2009-07-10T02:00:00');
    expect(table.periodText).toBe('2001-2005');
    expect(table.measures).toHaveLength(12);
    expect(table.measures[0]).toMatchObject({
      key: 'Totaal_1',
      title: 'Totaal',
      group: 'Gemiddeld aantal banen',
      unit: '1 000 banen',
      decimals: 0,
    });
    expect(table.dimensions.map((d) => [d.key, d.kind, d.codes.length])).toEqual([
      ['Persoonskenmerken', 'plain', 9],
      ['BedrijfstakkenSBI93', 'plain', 15],
      ['Perioden', 'time', 5],
    ]);
    // 9 x 15 x 5 = the 675 rows of TypedDataSet. StatLine pads keys ("1 "); udc trims them.
    expect(table.dimensions[0]!.codes[0]).toMatchObject({ code: '1', title: 'Totaal' });
  });

  it('becomes one dataset with titled variables, guessed aggregations and trimmed category codes', () => {
    const n = normaliseTable(table);
    expect(n.dataset).toMatchObject({
      id: '80137ned',
      publisher: 'CBS',
      licence: 'CC BY 4.0',
      confidentiality: 'open',
    });
    expect(n.variables.find((v) => v.key === 'Werknemers_2')).toMatchObject({
      title: 'Gemiddeld aantal banen: Werknemers',
      unit: '1 000 banen',
      decimals: 0,
      aggregation: 'sum',
    });
    expect(n.variables.find((v) => v.key === 'PerArbeidsjaar_11')?.aggregation).toBe('none');
    expect(n.variables.find((v) => v.key === 'PerGewerktUur_12')?.aggregation).toBe('none');
    expect(n.variables.find((v) => v.key === 'Totaal_10')).toMatchObject({
      unit: 'mld euro',
      aggregation: 'sum',
    });
    expect(n.dimensionCodes).toContainEqual({ dimension: 'Persoonskenmerken', code: '2', title: 'Mannen' });

    const rows = (
      fixture('v3-cbsodata3jl/80137ned__TypedDataSet.json') as { value: Record<string, unknown>[] }
    ).value;
    expect(rows).toHaveLength(675);
    const staged = observationsFromV3Row(table, rows[0]!).map((raw, i) => n.stage(raw, i + 1));
    expect(staged).toHaveLength(12);
    expect(staged.find((s) => s?.variable === 'Werknemers_2')).toEqual({
      row: 2,
      region: 'NL01',
      period: '2001JJ00',
      variable: 'Werknemers_2',
      categories: 'BedrijfstakkenSBI93=99;Persoonskenmerken=1',
      value: 7559,
    });
  });
});

describe('v3 83599NED (Openstaande vacatures; UntypedDataSet pages)', () => {
  it('melts padded text values and trims padded region codes', () => {
    const page = fixture('v3-cbsodata3jl/83599NED__UntypedDataSet__page1.json') as {
      value: Record<string, unknown>[];
      'odata.nextLink': string;
    };
    expect(page.value).toHaveLength(10000);
    expect(page['odata.nextLink']).toBe(
      'https://opendata.cbs.nl/ODataFeed/OData/83599NED/UntypedDataSet/?$format=json&$skip=10000',
    );
    const table: TableMetadata = {
      api: 'v3',
      id: '83599NED',
      title: 'Openstaande vacatures',
      modified: '2020-08-14T02:00:00',
      catalog: 'CBS',
      url: 'x',
      measures: [
        { key: 'OpenstaandeVacatures_1', title: 'Openstaande vacatures', unit: 'x 1 000', decimals: 1 },
      ],
      dimensions: [
        { key: 'BedrijfstakkenBranchesSBI2008', title: 'Bedrijfstakken', kind: 'plain', codes: [] },
        { key: 'RegioS', title: "Regio's", kind: 'geo', codes: [] },
        {
          key: 'Perioden',
          title: 'Perioden',
          kind: 'time',
          codes: [{ code: '2020KW02', title: '2020 2e kwartaal', status: 'Voorlopig' }],
        },
      ],
    };
    const n = normaliseTable(table);
    expect(n.variables[0]).toMatchObject({ key: 'OpenstaandeVacatures_1', aggregation: 'sum' });
    const first = n.stage(observationsFromV3Row(table, page.value[0]!)[0]!, 1);
    expect(page.value[0]!['RegioS']).toBe('NL01  ');
    expect(first).toEqual({
      row: 1,
      region: 'NL01',
      period: '2011KW01',
      variable: 'OpenstaandeVacatures_1',
      categories: 'BedrijfstakkenBranchesSBI2008=T001081',
      value: '135.5',
    });
    const last = fixture('v3-cbsodata3jl/83599NED__UntypedDataSet__skip10000.json') as {
      value: Record<string, unknown>[];
    };
    const final = n.stage(observationsFromV3Row(table, last.value.at(-1)!)[0]!, 15504);
    expect(final).toMatchObject({
      region: 'PV31',
      period: '2020KW02',
      categories: 'BedrijfstakkenBranchesSBI2008=435500',
      value: '0.1',
      status: 'provisional',
    });
  });
});

describe('v4 beta 80072ned (Ziekteverzuimpercentage)', () => {
  const dir = 'v4-beta-cbsodata4jl';
  const info = readProperties('Properties', '80072ned', fixture(`${dir}/80072ned__Properties.json`));
  const dimensions = readDimensions('Dimensions', fixture(`${dir}/80072ned__Dimensions.json`));
  for (const d of dimensions) d.codes = readV4Codes(d.key, fixture(`${dir}/80072ned__${d.key}Codes.json`));
  const table: TableMetadata = {
    ...info,
    url: 'https://beta-odata4.cbs.nl/CBS/80072ned',
    measures: readMeasureCodes('m', fixture(`${dir}/80072ned__MeasureCodes.json`)),
    dimensions,
  };

  it('reads Properties, a percentage measure and the provisional last quarter', () => {
    expect(table.modified).toBe('2020-06-19T02:00:00+02:00');
    expect(table.licence).toBe('CC BY 4.0');
    const n = normaliseTable(table);
    expect(n.dataset.modified).toBe('2020-06-19T00:00:00.000');
    expect(n.variables).toEqual([
      expect.objectContaining({
        key: 'M001924',
        title: 'Ziekteverzuimpercentage',
        unit: '%',
        decimals: 1,
        aggregation: 'none',
      }),
    ]);
    const rows = (fixture(`${dir}/80072ned__Observations.json`) as { value: Record<string, unknown>[] })
      .value;
    expect(rows).toHaveLength(4409);
    const staged = rows.map((r, i) => n.stage(observationFromV4Row(table, r), i + 1)!);
    expect(
      staged.find((s) => s.period === '2020KW01' && s.categories === 'BedrijfskenmerkenSBI2008=T001081'),
    ).toMatchObject({
      region: 'NL01',
      value: 5.2,
      status: 'provisional',
    });
    expect(staged.filter((s) => s.status === 'provisional')).toHaveLength(
      rows.filter((r) => r['Perioden'] === '2020KW01').length,
    );
  });
});

describe('v4 datasets.cbs.nl (checkdecijfers capture)', () => {
  it('03759ned: population, Impossible values become "not applicable", three category dimensions', () => {
    const table = checkdecijfers('03759ned');
    const n = normaliseTable(table);
    expect(n.dataset).toMatchObject({
      id: '03759ned',
      title: 'Bevolking op 1 januari en gemiddeld; geslacht, leeftijd en regio',
      modified: '2026-06-22T22:00:00.000',
    });
    expect(n.variables.map((v) => [v.key, v.title, v.unit, v.decimals, v.aggregation])).toEqual([
      ['M000352', 'Bevolking op 1 januari', 'aantal', 0, 'sum'],
      ['M000365', 'Gemiddelde bevolking', 'aantal', 1, 'sum'],
    ]);
    const rows = (
      fixture('v4-datasets-cbs-nl-checkdecijfers/03759ned/observations-page-1.json') as {
        value: Record<string, unknown>[];
      }
    ).value;
    const staged = rows.map((r, i) => n.stage(observationFromV4Row(table, r), i + 1)!);
    expect(staged).toHaveLength(13568);
    const gm0014 = staged.filter((s) => s.region === 'GM0014' && s.period === '2019JJ00');
    expect(gm0014.map((s) => [s.variable, s.value])).toEqual([
      ['M000352', 231299],
      ['M000365', 232086.5],
    ]);
    expect(gm0014[0]!.categories).toBe('BurgerlijkeStaat=T001019;Geslacht=T001038;Leeftijd=10000');
    expect(staged.filter((s) => s.value === '')).toHaveLength(8165);
    // Region and period codes are dimensions of their own, not categories.
    expect(n.dimensionCodes.some((d) => d.dimension === 'RegioS' || d.dimension === 'Perioden')).toBe(false);
    expect(n.dimensionCodes).toContainEqual({
      dimension: 'Geslacht',
      code: 'T001038',
      title: 'Totaal mannen en vrouwen',
    });
  });

  it('guesses aggregation from PresentationType, unit and title across the captured tables', () => {
    const guess = (id: string, key: string) => {
      const m = checkdecijfers(id).measures.find((x) => x.key === key)!;
      return [m.title.trim(), m.unit, guessAggregation(m)];
    };
    expect(guess('83625NED', 'M001534')).toEqual(['Gemiddelde verkoopprijs', 'euro', 'none']);
    expect(guess('85792NED', 'M001505_2')).toEqual(['Prijsindex verkoopprijzen', '2020=100', 'none']);
    expect(guess('85792NED', 'M001532_2')).toEqual(['Verkochte woningen', 'aantal', 'sum']);
    expect(guess('83932NED', 'M003239')).toEqual(['Gemiddeld inkomen', '1 000 euro', 'none']);
    expect(guess('83932NED', '1050010')).toEqual(['Particuliere huishoudens', 'x 1 000', 'sum']);
    expect(guess('82235NED', 'M003003')).toEqual(['Nieuwbouw', 'aantal', 'sum']);
  });

  it('makes codes that start with a digit into variable keys', () => {
    expect(variableKey('1050010')).toBe('v_1050010');
    expect(variableKey('3000790_2')).toBe('v_3000790_2');
    expect(variableKey('M000352')).toBe('M000352');
    const n = normaliseTable(checkdecijfers('83932NED'));
    expect(n.variables.map((v) => v.key)).toContain('v_1050010');
  });

  it('85554NED: "NaderVoorlopig" periods are revised provisional, arbeidsmarktregio codes kept', () => {
    const table = checkdecijfers('85554NED');
    const perioden = table.dimensions.find((d) => d.kind === 'time')!;
    const nader = perioden.codes.find((c) => c.status === 'NaderVoorlopig')!;
    const voorlopig = perioden.codes.find((c) => c.status === 'Voorlopig')!;
    const geo = table.dimensions.find((d) => d.kind === 'geo')!;
    const am = geo.codes.find((c) => c.code.startsWith('AM'))!;
    const n = normaliseTable(table);
    const raw = (period: string) => ({
      measure: 'D001908',
      value: 1234,
      valueAttribute: 'None',
      dimensions: {
        Geslacht: 'T001038',
        Leeftijd: '52052',
        Marges: 'MW00000',
        RegioS: am.code,
        Perioden: period,
      },
    });
    expect(n.stage(raw(nader.code), 1)).toMatchObject({ region: am.code, status: 'revised_provisional' });
    expect(n.stage(raw(voorlopig.code), 2)).toMatchObject({ status: 'provisional' });
    const confidential: StagedRow = n.stage(
      { ...raw(nader.code), value: null, valueAttribute: 'Confidential' },
      3,
    )!;
    expect(confidential.value).toBe('x');
  });
});
