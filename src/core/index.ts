export * from './result.js';
export * from './period.js';
export * from './region-code.js';
export * from './special-value.js';
export * from './number.js';
export * from './observation.js';
