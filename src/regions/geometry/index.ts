export {
  CRS_NAMES,
  CoordinateError,
  RD_NEW_PROJ4,
  crsFromMember,
  decideCrs,
  explainCoordinate,
  fitsCrs,
  fromWgs84,
  rdToWgs84,
  readCoordinate,
  toWgs84,
  wgs84ToRd,
  type Crs,
} from './projection.js';
export {
  COORDINATE_DECIMALS,
  WEB_MIN_AREA_M2,
  rewindForD3,
  signedArea,
  simplifyLayer,
  type LayerReport,
  type Polygonal,
} from './topology.js';
export { findCrossings, locateInRings, validatePolygonal, type GeometryIssue } from './validate.js';
export {
  BOUNDARY_LEVELS,
  BoundaryImportError,
  CODE_PROPERTIES,
  LEVEL_PREFIX,
  bboxOf,
  formatIssue,
  importBoundaries,
  parseBoundaryText,
  prepareBoundaries,
  storeGeometryRows,
  type BoundaryImportReport,
  type BoundaryIssue,
  type BoundaryLevel,
  type GeometryRow,
  type ImportBoundariesOptions,
} from './import-boundaries.js';
export {
  GeoIndex,
  Geocoder,
  INVALID,
  OUTSIDE,
  bruteForceLocate,
  type Area,
  type BulkGeocode,
} from './geocode.js';
export {
  MissingGeometryError,
  hasGeometry,
  listGeometry,
  loadAreas,
  loadGeocoder,
  type GeometryAvailability,
} from './stored.js';
export { BUNDLED_BOUNDARIES, bundledBoundariesDir, ensureGeometry } from './bundled.js';
