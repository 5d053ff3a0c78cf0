/** The StatLine room: CBS OData v3 and v4 client, cache, normalisation, import and mirror. */
export { StatlineClient, apiFor, searchCatalog, CBS_V3, CBS_V4, CBS_THIRD_PARTY } from './client.js';
export type { StatlineClientOptions, DownloadedObservations, CatalogSearch } from './client.js';
export { readThemes, readTableThemes, themePaths, matchThemes, fetchThemesV3 } from './themes.js';
export type { Theme, ThemePath } from './themes.js';
export { StatlineHttpError, getJson, getText, retryAfter } from './http.js';
export type { HttpOptions, RetryNotice, HttpFailure } from './http.js';
export { cacheRoot } from './cache.js';
export { importTable } from './import.js';
export type { StatlineImportOptions, StatlineImportResult } from './import.js';
export { mirror } from './mirror.js';
export type { MirrorOutcome } from './mirror.js';
export {
  normaliseTable,
  guessAggregation,
  variableKey,
  datasetFor,
  StatlineFormatError,
} from './normalise.js';
export type { NormalisedTable, NormaliseOptions } from './normalise.js';
export { readState } from './state.js';
export { englishLabels, englishTwinId, writeLabels } from './labels.js';
export type { Label } from './labels.js';
export { canStageInBulk, stagePages } from './bulk.js';
export { groupCode } from './normalise.js';
export type { ObservationQuery } from './query.js';
export type * from './table.js';
