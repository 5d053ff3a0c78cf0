// The linkage zone's front door: pseudonymised microdata, projects and purpose binding, linking,
// the output gate and the audit log. See docs/linkage.md.
export * from './audit.js';
export * from './bsn.js';
export * from './config.js';
export * from './errors.js';
export * from './fellegi-sunter.js';
export * from './gate.js';
export * from './import.js';
export * from './keys.js';
export { authorizeDatasets, linkDeterministic, linkProbabilistic } from './link.js';
export * from './publish.js';
export type { DeterministicResult, LinkRate, ProbabilisticResult } from './link.js';
export * from './projects.js';
export * from './pseudonymise.js';
export * from './rekey.js';
export * from './synthetic.js';
