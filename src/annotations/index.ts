export * from './annotations.js';
export * from './errors.js';
export * from './figures.js';
export * from './markdown.js';
export * from './stories.js';
