/**
 * The $metadata documents of the StatLine-compatible v3 API: CSDL in OData v3's EDMX, which
 * Excel's and Power BI's OData feed and other schema-driven v3 clients read before the data.
 * CBS's answers name their sets `Cbs.OData.WebAPI.<set>` and their property types
 * `Cbs.OData.<type>`: schema `Cbs.OData`, container `WebAPI`; the catalogue's sets are
 * unqualified (`#Tables`), so its container is the default one. Pure.
 */
import { catalogRecord, collectionNames, tableInfos } from './documents.js';
import type { StatlineTable } from './model.js';

const NAMESPACE = 'Cbs.OData';

type EdmType = 'Edm.String' | 'Edm.Int32' | 'Edm.Int64' | 'Edm.Double' | 'Edm.Boolean';

interface PropertyDef {
  name: string;
  type: EdmType;
  nullable?: boolean;
}

interface EntityTypeDef {
  name: string;
  key?: string;
  baseType?: string;
  abstract?: boolean;
  properties: PropertyDef[];
}

function attr(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function entityType(t: EntityTypeDef): string {
  const head = [
    `Name="${attr(t.name)}"`,
    ...(t.baseType ? [`BaseType="${NAMESPACE}.${attr(t.baseType)}"`] : []),
    ...(t.abstract ? ['Abstract="true"'] : []),
  ].join(' ');
  const key = t.key ? `\n        <Key><PropertyRef Name="${attr(t.key)}"/></Key>` : '';
  const properties = t.properties
    .map(
      (p) =>
        `\n        <Property Name="${attr(p.name)}" Type="${p.type}" Nullable="${p.nullable ?? p.name !== t.key}"/>`,
    )
    .join('');
  return `      <EntityType ${head}>${key}${properties}\n      </EntityType>`;
}

function edmx(
  types: EntityTypeDef[],
  container: string,
  sets: [string, string][],
  isDefault: boolean,
): string {
  return `<?xml version="1.0" encoding="utf-8" standalone="yes"?>
<edmx:Edmx Version="1.0" xmlns:edmx="http://schemas.microsoft.com/ado/2007/06/edmx">
  <edmx:DataServices m:DataServiceVersion="3.0" m:MaxDataServiceVersion="3.0" xmlns:m="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata">
    <Schema Namespace="${NAMESPACE}" xmlns="http://schemas.microsoft.com/ado/2009/11/edm">
${types.map(entityType).join('\n')}
      <EntityContainer Name="${container}"${isDefault ? ' m:IsDefaultEntityContainer="true"' : ''}>
${sets.map(([set, type]) => `        <EntitySet Name="${attr(set)}" EntityType="${NAMESPACE}.${attr(type)}"/>`).join('\n')}
      </EntityContainer>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
`;
}

/** The properties of a JSON record, typed from its values (numbers are Int32, text String). */
function propertiesOf(record: Record<string, unknown>): PropertyDef[] {
  return Object.entries(record)
    .filter(([name]) => !name.startsWith('odata.'))
    .map(([name, value]) => ({ name, type: typeof value === 'number' ? 'Edm.Int32' : 'Edm.String' }));
}

// The catalogue's record fields do not depend on the table; an empty one types them.
const EMPTY: StatlineTable = {
  id: '',
  title: '',
  description: null,
  publisher: '',
  catalog: '',
  source: '',
  licence: '',
  modified: '',
  periodText: '',
  frequency: '',
  topics: [],
  categories: [],
  regions: [],
  periods: [],
  regionWidth: 0,
  recordCount: 0,
};

/** The entity type name of a dimension list; prefixed so a dimension key never clashes with a fixed type. */
export function dimensionTypeName(key: string): string {
  return `Dimension_${key}`;
}

/** $metadata of one table (ODataApi or ODataFeed): every collection its service document lists. */
export function tableMetadataXml(table: StatlineTable): string {
  const dimensionColumns = [...table.categories.map((d) => d.key), 'RegioS', 'Perioden'];
  const dataSet = (name: string, topic: EdmType): EntityTypeDef => ({
    name,
    key: 'ID',
    properties: [
      { name: 'ID', type: 'Edm.Int32' },
      ...dimensionColumns.map((name) => ({ name, type: 'Edm.String' as const })),
      ...table.topics.map((t) => ({ name: t.key, type: topic })),
    ],
  });
  const property = (name: string, baseType?: string, extra: PropertyDef[] = []): EntityTypeDef => ({
    name,
    ...(baseType ? { baseType } : { key: 'ID', abstract: true }),
    properties: baseType
      ? extra
      : [
          { name: 'ID', type: 'Edm.Int32' },
          { name: 'Position', type: 'Edm.Int32' },
          { name: 'ParentID', type: 'Edm.Int32' },
          { name: 'Type', type: 'Edm.String' },
          { name: 'Key', type: 'Edm.String' },
          { name: 'Title', type: 'Edm.String' },
          { name: 'Description', type: 'Edm.String' },
        ],
  });
  const code = (key: string, extra: PropertyDef): EntityTypeDef => ({
    name: dimensionTypeName(key),
    key: 'Key',
    properties: [
      { name: 'Key', type: 'Edm.String' },
      { name: 'Title', type: 'Edm.String' },
      { name: 'Description', type: 'Edm.String' },
      extra,
    ],
  });
  const types: EntityTypeDef[] = [
    { name: 'TableInfos', key: 'ID', properties: propertiesOf(tableInfos(table)) },
    dataSet('UntypedDataSet', 'Edm.String'),
    dataSet('TypedDataSet', 'Edm.Double'),
    property('DataProperty'),
    property('Dimension', 'DataProperty'),
    property('GeoDimension', 'DataProperty'),
    property('TimeDimension', 'DataProperty', [{ name: 'ReleasePolicy', type: 'Edm.Boolean' }]),
    property('Topic', 'DataProperty', [
      { name: 'Unit', type: 'Edm.String' },
      { name: 'Decimals', type: 'Edm.Int32' },
      { name: 'Default', type: 'Edm.String' },
      { name: 'Datatype', type: 'Edm.String' },
      { name: 'PresentationType', type: 'Edm.String' },
    ]),
    {
      name: 'CategoryGroup',
      key: 'ID',
      properties: [
        { name: 'ID', type: 'Edm.Int32' },
        { name: 'DimensionKey', type: 'Edm.String' },
        { name: 'Title', type: 'Edm.String' },
        { name: 'Description', type: 'Edm.String' },
        { name: 'ParentID', type: 'Edm.Int32' },
      ],
    },
    ...table.categories.map((d) => code(d.key, { name: 'CategoryGroupID', type: 'Edm.Int32' })),
    code('RegioS', { name: 'CategoryGroupID', type: 'Edm.Int32' }),
    code('Perioden', { name: 'Status', type: 'Edm.String' }),
  ];
  const fixed: Record<string, string> = {
    TableInfos: 'TableInfos',
    UntypedDataSet: 'UntypedDataSet',
    TypedDataSet: 'TypedDataSet',
    DataProperties: 'DataProperty',
    CategoryGroups: 'CategoryGroup',
  };
  const sets = collectionNames(table).map((name): [string, string] => [
    name,
    fixed[name] ?? dimensionTypeName(name),
  ]);
  return edmx(types, 'WebAPI', sets, false);
}

/** $metadata of ODataCatalog: Tables, Themes and Tables_Themes in the default container. */
export function catalogMetadataXml(): string {
  const types: EntityTypeDef[] = [
    { name: 'Table', key: 'ID', properties: propertiesOf(catalogRecord(EMPTY, '', 0)) },
    {
      name: 'Theme',
      key: 'ID',
      properties: [
        { name: 'ID', type: 'Edm.Int32' },
        { name: 'ParentID', type: 'Edm.Int32' },
        { name: 'Number', type: 'Edm.Int32' },
        { name: 'Title', type: 'Edm.String' },
        { name: 'Language', type: 'Edm.String' },
      ],
    },
    {
      name: 'Table_Theme',
      key: 'ID',
      properties: [
        { name: 'ID', type: 'Edm.Int32' },
        { name: 'TableID', type: 'Edm.Int32' },
        { name: 'ThemeID', type: 'Edm.Int32' },
      ],
    },
  ];
  return edmx(
    types,
    'Catalog',
    [
      ['Tables', 'Table'],
      ['Themes', 'Theme'],
      ['Tables_Themes', 'Table_Theme'],
    ],
    true,
  );
}
