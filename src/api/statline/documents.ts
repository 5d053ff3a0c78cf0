/**
 * The JSON documents of StatLine's v3 API, written from a table, with CBS's field names and
 * order (copied from recorded opendata.cbs.nl answers: TableInfos, DataProperties, the dimension
 * lists, ODataCatalog/Tables). Pure.
 */
import type { StatlineTable } from './model.js';

type Json = Record<string, unknown>;

/** The names of a table's collections, in the order CBS's service document lists them. */
export function collectionNames(table: StatlineTable): string[] {
  return [
    'TableInfos',
    'UntypedDataSet',
    'TypedDataSet',
    'DataProperties',
    'CategoryGroups',
    ...table.categories.map((d) => d.key),
    'RegioS',
    'Perioden',
  ];
}

/** The service document of a table (ODataApi or ODataFeed). */
export function serviceDocument(table: StatlineTable, base: string): Json {
  return {
    value: collectionNames(table).map((name) => ({ name, url: `${base}/${name}` })),
    'odata.metadata': `${base}/$metadata`,
  };
}

function summaryOf(table: StatlineTable): string {
  return (table.description ?? table.title).split('\n')[0]!.slice(0, 300);
}

/** The one TableInfos record. */
export function tableInfos(table: StatlineTable): Json {
  return {
    Identifier: table.id,
    ExplanatoryText: '',
    Catalog: table.catalog,
    Period: table.periodText,
    Source: `${table.publisher}.`,
    SearchPriority: '2',
    Modified: table.modified,
    ID: 0,
    Summary: summaryOf(table),
    ReasonDelivery: 'Actualisering',
    Frequency: table.frequency,
    Title: table.title,
    Language: 'nl',
    OutputStatus: 'Regulier',
    ShortTitle: table.title.slice(0, 80),
    Description: `${table.description ?? ''}\n\nLicentie: ${table.licence}. Bron: ${table.source}`,
    MetaDataModified: table.modified,
    GraphTypes: 'Table,Bar,Line',
    ShortDescription: table.description ?? '',
    DefaultPresentation: '',
    DefaultSelection: '',
  };
}

/**
 * DataProperties: the category dimensions, RegioS (GeoDimension), Perioden (TimeDimension), then
 * one Topic per variable. PresentationType says how a topic aggregates (Absolute adds up).
 */
export function dataProperties(table: StatlineTable): Json[] {
  const out: Json[] = [];
  let id = 0;
  for (const d of table.categories) {
    out.push({
      Position: id,
      Description: null,
      'odata.type': 'Cbs.OData.Dimension',
      ParentID: null,
      Type: 'Dimension',
      Key: d.key,
      Title: d.title,
      ID: id++,
    });
  }
  out.push({
    Position: id,
    Description: null,
    'odata.type': 'Cbs.OData.GeoDimension',
    ParentID: null,
    Type: 'GeoDimension',
    Key: 'RegioS',
    Title: "Regio's",
    ID: id++,
  });
  out.push({
    Position: id,
    Description: null,
    ReleasePolicy: false,
    'odata.type': 'Cbs.OData.TimeDimension',
    ParentID: null,
    Type: 'TimeDimension',
    Key: 'Perioden',
    Title: 'Perioden',
    ID: id++,
  });
  for (const t of table.topics) {
    out.push({
      Position: id,
      Unit: t.unit ?? '',
      Decimals: t.decimals,
      'odata.type': 'Cbs.OData.Topic',
      ParentID: null,
      ID: id++,
      Default: 'Missing',
      Key: t.key,
      Title: t.title,
      Datatype: 'Double',
      Description: t.description,
      Type: 'Topic',
      PresentationType: t.aggregation === 'sum' ? 'Absolute' : 'Relative',
    });
  }
  return out;
}

/** A dimension list (RegioS, Perioden or a category dimension), or undefined when the table has none by that name. */
export function dimensionList(table: StatlineTable, name: string): Json[] | undefined {
  if (name === 'RegioS') {
    return table.regions.map((r) => ({ Key: r.key, Title: r.title, Description: null }));
  }
  if (name === 'Perioden') {
    return table.periods.map((p) => ({ Description: null, Status: p.status, Key: p.key, Title: p.title }));
  }
  const dimension = table.categories.find((d) => d.key === name);
  return dimension?.codes.map((c) => ({
    Description: null,
    Key: c.key,
    Title: c.title,
    CategoryGroupID: null,
  }));
}

/** A record of ODataCatalog/Tables. */
export function catalogRecord(table: StatlineTable, origin: string, index: number): Json {
  const api = `${origin}/ODataApi/OData/${encodeURIComponent(table.id)}`;
  const feed = `${origin}/ODataFeed/OData/${encodeURIComponent(table.id)}`;
  return {
    Identifier: table.id,
    ExplanatoryText: '',
    Catalog: table.catalog,
    FeedUrl: feed,
    ColumnCount: table.categories.length + 2 + table.topics.length,
    Period: table.periodText,
    Source: `${table.publisher}.`,
    SearchPriority: '2',
    Modified: table.modified,
    ID: index,
    Summary: summaryOf(table),
    ReasonDelivery: 'Actualisering',
    Frequency: table.frequency,
    Title: table.title,
    OutputStatus: 'Regulier',
    Language: 'nl',
    Updated: table.modified,
    ShortTitle: table.title.slice(0, 80),
    MetaDataModified: table.modified,
    RecordCount: table.recordCount,
    GraphTypes: 'Table,Bar,Line',
    ShortDescription: table.description ?? '',
    DefaultPresentation: '',
    DefaultSelection: '',
    SummaryAndLinks: `${summaryOf(table)}<br /><a href="${api}">${api}</a><br /><a href="${feed}">${feed}</a>`,
    ApiUrl: api,
  };
}
