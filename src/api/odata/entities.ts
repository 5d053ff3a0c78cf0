/**
 * The entity sets udc serves over OData v4, each a read-only view of the store with fixed,
 * program-written SQL. Only data the caller may see (src/access/roles.ts: visibleCondition);
 * an indicator value hidden by disclosure control has its value withheld (never its numerator or
 * denominator, which are not exposed at all).
 */
import { visibleCondition, type AccessContext } from '../../access/roles.js';
import { ident } from '../../store/index.js';
import type { EdmType, FilterProperty } from './sql.js';

/** A property of an entity type: name as served, EDM type, nullability, and the column of the base view. */
export interface EntityProperty {
  name: string;
  type: EdmType;
  nullable: boolean;
  column: string;
  description: string;
}

/** An entity set: its type, key and the SQL of the view its rows come from. */
export interface EntitySet {
  name: string;
  typeName: string;
  key: readonly string[];
  properties: readonly EntityProperty[];
  /** SELECT over the store whose columns are named exactly as the properties, as `access` may see it. */
  view: (access: AccessContext) => string;
  description: string;
}

function p(
  name: string,
  type: EdmType,
  nullable: boolean,
  column: string,
  description: string,
): EntityProperty {
  return { name, type, nullable, column, description };
}

function view(properties: readonly EntityProperty[], from: string): string {
  return `SELECT ${properties.map((x) => `${x.column} AS ${ident(x.name)}`).join(', ')} ${from}`;
}

const datasetProperties = [
  p('Id', 'Edm.String', false, 'd.id', 'Dataset identifier'),
  p('Title', 'Edm.String', false, 'd.title', 'Title'),
  p('Description', 'Edm.String', true, 'd.description', 'Description'),
  p('Publisher', 'Edm.String', false, 'd.publisher', 'Publisher'),
  p('Source', 'Edm.String', false, 'd.source', 'Where the data came from'),
  p('Licence', 'Edm.String', false, 'd.licence', 'Licence'),
  p('Modified', 'Edm.DateTimeOffset', true, 'd.modified', 'Last change to the data at the source (UTC)'),
  p('Version', 'Edm.Int32', false, 'd.version', 'Version of the dataset in udc'),
  p(
    'Observations',
    'Edm.Int64',
    false,
    '(SELECT count(*) FROM observation o WHERE o.dataset = d.id)',
    'Number of observations',
  ),
];

const observationProperties = [
  p('Dataset', 'Edm.String', false, 'o.dataset', 'Dataset identifier'),
  p('Variable', 'Edm.String', false, 'o.variable', 'Variable key within the dataset'),
  p('Region', 'Edm.String', false, 'o.region', 'CBS region code (GM0014, WK001400, BU00140000, NL01 ...)'),
  p('Period', 'Edm.String', false, 'o.period', 'CBS period code (2020JJ00, 2020KW01 ...)'),
  p(
    'Categories',
    'Edm.String',
    false,
    'o.categories',
    "Extra dimension codes, 'Dim=code;Dim=code' ('' for none)",
  ),
  p('Value', 'Edm.Double', true, 'o.value', 'The figure; null for a special value (see Status)'),
  p(
    'Status',
    'Edm.String',
    false,
    'o.status',
    'final, provisional, revised_provisional, missing, secret, nil, unreliable, not_applicable',
  ),
];

const indicatorValueProperties = [
  p('Indicator', 'Edm.String', false, 'v.indicator', 'Indicator identifier'),
  p('Theme', 'Edm.String', false, 'i.theme', 'Theme of the indicator'),
  p('Title', 'Edm.String', false, 'i.title_nl', 'Title (Dutch)'),
  p('TitleEn', 'Edm.String', false, 'i.title_en', 'Title (English)'),
  p('Unit', 'Edm.String', false, 'i.unit', 'Unit'),
  p('Decimals', 'Edm.Int32', false, 'i.decimals', 'Decimals to show'),
  p('Region', 'Edm.String', false, 'v.region', 'Region code'),
  p('RegionName', 'Edm.String', true, 'r.name', 'Region name in the boundary year'),
  p('Level', 'Edm.String', true, 'r.level', 'Region level (gemeente, wijk, buurt ...)'),
  p('Period', 'Edm.String', false, 'v.period', 'CBS period code'),
  p('Year', 'Edm.Int32', false, 'v.year', 'Year of the period'),
  p('BoundaryYear', 'Edm.Int32', false, 'v.boundary_year', 'Year of the boundaries the region code means'),
  // Hidden by disclosure control: the value is withheld, the flag says why.
  p(
    'Value',
    'Edm.Double',
    true,
    "CASE WHEN v.disclosure IS NULL OR v.disclosure NOT IN ('primary', 'secondary') THEN v.value END",
    'The value; null when unknown or hidden by disclosure control',
  ),
  p('Status', 'Edm.String', false, 'v.status', 'Observation status'),
  p('Derivation', 'Edm.String', false, 'v.derivation', 'computed, summed or converted'),
  p(
    'Conversion',
    'Edm.String',
    true,
    'v.conversion',
    'exact or estimated when converted to other boundaries',
  ),
  p(
    'Disclosure',
    'Edm.String',
    true,
    'v.disclosure',
    'primary, secondary, rounded or perturbed when disclosure control acted',
  ),
];

const regionProperties = [
  p('Code', 'Edm.String', false, 'r.code', 'Region code'),
  p('Year', 'Edm.Int32', false, 'r.year', 'Register year (1 January)'),
  p('Name', 'Edm.String', false, 'r.name', 'Name in that year'),
  p('Level', 'Edm.String', false, 'r.level', 'Level'),
];

/** Every entity set, by name. */
export const ENTITY_SETS: ReadonlyMap<string, EntitySet> = new Map(
  [
    {
      name: 'Datasets',
      typeName: 'Dataset',
      key: ['Id'],
      properties: datasetProperties,
      view: (access: AccessContext) =>
        view(datasetProperties, `FROM dataset d WHERE ${visibleCondition(access, 'd.confidentiality')}`),
      description: 'Published datasets',
    },
    {
      name: 'Observations',
      typeName: 'Observation',
      key: ['Dataset', 'Variable', 'Region', 'Period', 'Categories'],
      properties: observationProperties,
      view: (access: AccessContext) =>
        view(
          observationProperties,
          `FROM observation o WHERE o.dataset IN (SELECT d.id FROM dataset d WHERE ${visibleCondition(access, 'd.confidentiality')})`,
        ),
      description:
        'Observations of published datasets, one row per variable, region, period and category combination',
    },
    {
      name: 'IndicatorValues',
      typeName: 'IndicatorValue',
      key: ['Indicator', 'Region', 'Period', 'BoundaryYear'],
      properties: indicatorValueProperties,
      view: (access: AccessContext) =>
        view(
          indicatorValueProperties,
          `FROM published_indicator_value v JOIN indicator i ON i.id = v.indicator AND ${visibleCondition(access, 'i.confidentiality')}
           LEFT JOIN region_year r ON r.year = v.boundary_year AND r.code = v.region`,
        ),
      description: 'Values of published indicators per region, period and boundary year',
    },
    {
      name: 'Regions',
      typeName: 'Region',
      key: ['Code', 'Year'],
      properties: regionProperties,
      view: () => view(regionProperties, 'FROM region_year r'),
      description: 'The region register per year',
    },
  ].map((e) => [e.name, e]),
);

/** The filter properties of an entity set: columns of its view, referenced by quoted name. */
export function filterProperties(entity: EntitySet): Map<string, FilterProperty> {
  return new Map(
    entity.properties.map((x) => [x.name, { type: x.type, nullable: x.nullable, sql: `e.${ident(x.name)}` }]),
  );
}
