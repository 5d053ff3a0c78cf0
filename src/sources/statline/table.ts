/**
 * The shape both StatLine APIs are read into, so normalisation does not care whether a table came
 * from OData v3 (opendata.cbs.nl, dataderden.cbs.nl) or v4 (datasets.cbs.nl).
 */

/** Which StatLine protocol a server speaks. */
export type StatlineApi = 'v3' | 'v4';

/** A measure (v4) or topic (v3): one variable of the table. */
export interface Measure {
  /** The column (v3 topic key such as "Totaal_1") or measure code (v4 such as "M000352"). */
  key: string;
  title: string;
  /** The topic group it belongs to, titled ("Gemiddeld aantal banen"), when there is one. */
  group?: string;
  unit?: string;
  decimals?: number;
  description?: string;
  /** CBS data type: Double, Long, Float, Integer, String ... String measures are not numbers. */
  dataType?: string;
  /** v4 PresentationType: Absolute (a count) or Relative (a ratio), when CBS says so. */
  presentation?: string;
}

/** The role of a dimension: time (Perioden), geography (RegioS, WijkenEnBuurten) or a classification. */
export type DimensionKind = 'time' | 'geo' | 'plain';

/** One code of a dimension, trimmed (StatLine pads codes with spaces). */
export interface DimensionCodeInfo {
  code: string;
  title: string;
  description?: string;
  /** Group (v4 DimensionGroupId, v3 CategoryGroupID) the code belongs to. */
  group?: string;
  /** Perioden only: Definitief, Voorlopig, Nader voorlopig. */
  status?: string;
}

/**
 * A group of a dimension's codes (v4 <Dimension>Groups, v3 CategoryGroups): the folders StatLine
 * shows its codes in ("Totaal", "Bedrijfssector", "Bedrijfstak" ...), nested by parent.
 */
export interface CodeGroup {
  id: string;
  title: string;
  parent?: string;
  description?: string;
}

/** A dimension of the table with all its codes. */
export interface Dimension {
  key: string;
  title: string;
  kind: DimensionKind;
  /** The boundary year of a geo dimension (v3 GeoDetail, v4 MapYear), when given. */
  mapYear?: number;
  codes: DimensionCodeInfo[];
  /** The groups its codes sit in (DimensionCodeInfo.group names one), when the table has them. */
  groups?: CodeGroup[];
}

/** Everything udc needs to know about a table before its observations. */
export interface TableMetadata {
  api: StatlineApi;
  id: string;
  title: string;
  shortTitle?: string;
  summary?: string;
  description?: string;
  /** CBS's stamp of the last change to the data: the cache key and what mirror compares. */
  modified: string;
  /** Catalog the table belongs to (CBS, or a third party on dataderden). */
  catalog: string;
  licence?: string;
  /** Period the table covers, as CBS writes it (2001-2005, 1988 - 2026). */
  periodText?: string;
  language?: string;
  /** How many observations the table has in all, when the server says. */
  observationCount?: number;
  /** The table's address on the server it was read from. */
  url: string;
  measures: Measure[];
  dimensions: Dimension[];
}

/**
 * One observation in long form as read from either API: a measure, its value as delivered and the
 * dimension codes (still padded; normalisation trims).
 */
export interface RawObservation {
  measure: string;
  /** v3 typed: number or null; v3 untyped: padded text ("   135.5", "."); v4: number or null. */
  value: number | string | null;
  /** v4 ValueAttribute (None, Impossible, Confidential ...); absent in v3. */
  valueAttribute?: string;
  dimensions: Record<string, string>;
}

/** A table in a catalog listing. */
export interface CatalogEntry {
  id: string;
  title: string;
  shortTitle?: string;
  summary?: string;
  catalog: string;
  modified?: string;
  period?: string;
  frequency?: string;
  recordCount?: number;
  language?: string;
  /** The theme paths a theme search found the table under. */
  themes?: string[];
}
