export * from './crosswalk.js';
export * from './convert.js';
export * from './series.js';
export {
  ensureRegister,
  writeRegister,
  listRegions,
  childrenByParent,
  showRegion,
  loadCrosswalk,
  registerYears,
  RegisterError,
  REGISTER_VERSION,
  DATACENTERS_DIR,
  readAllCustomRegions,
  type RegionInYear,
} from './register/store.js';
export { buildRegister, FIRST_REGISTER_YEAR, LAST_REGISTER_YEAR, type Register } from './register/build.js';
export { readRegisterSources, REGIONS_DIR } from './register/sources.js';
export { readCustomRegions, type CustomRegion } from './register/custom.js';
export { overlapLinks, overlapCrosswalk } from './register/overlap.js';
