export * from './formula/ast.js';
export { parseFormula } from './formula/parser.js';
export { checkFormula, dependencies, dependencyOrder, walk } from './formula/check.js';
export { compileFormula, type CompiledFormula } from './formula/compile.js';
export * from './library.js';
export * from './build.js';
