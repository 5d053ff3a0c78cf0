export * from './roles.js';
export * from './password.js';
export * from './users.js';
export * from './sessions.js';
export * from './rate-limit.js';
export * from './oidc.js';
