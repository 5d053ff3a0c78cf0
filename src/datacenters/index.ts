export * from './config.js';
export * from './check.js';
export { checkContrast, contrastRatio, relativeLuminance, CONTRAST_RULES, type Colours } from './colours.js';
export { logoProblems, MAX_LOGO_BYTES } from './logo.js';
