import { FormulaError, type Expr } from './ast.js';

/** Every node of a tree, depth first. */
export function walk(expr: Expr, visit: (node: Expr) => void): void {
  visit(expr);
  if (expr.kind === 'unary') walk(expr.operand, visit);
  else if (expr.kind === 'binary') {
    walk(expr.left, visit);
    walk(expr.right, visit);
  } else if (expr.kind === 'call') for (const a of expr.args) walk(a, visit);
}

/** The dataset variables (as dataset.variable) and the indicators a formula uses. */
export function dependencies(expr: Expr): { variables: Set<string>; references: Set<string> } {
  const variables = new Set<string>();
  const references = new Set<string>();
  walk(expr, (n) => {
    if (n.kind === 'variable') variables.add(`${n.dataset}.${n.variable}`);
    if (n.kind === 'reference') references.add(n.indicator);
  });
  return { variables, references };
}

/**
 * Checks a formula against the variables that exist (dataset.variable) and the indicators known,
 * and the rules the compiler relies on: lag and growth take a whole number of years and cannot
 * nest. Throws FormulaError pointing at the offending node.
 */
export function checkFormula(
  expr: Expr,
  known: { variables: ReadonlySet<string>; indicators: ReadonlySet<string> },
  source = 'formula',
): void {
  walk(expr, (n) => {
    if (n.kind === 'variable' && !known.variables.has(`${n.dataset}.${n.variable}`)) {
      const inDataset = [...known.variables].filter((v) => v.startsWith(`${n.dataset}.`));
      const hint = inDataset.length
        ? `; ${n.dataset} has ${inDataset.slice(0, 8).join(', ')}${inDataset.length > 8 ? ', ...' : ''}`
        : `; there is no dataset ${n.dataset}`;
      throw new FormulaError(`unknown variable ${n.dataset}.${n.variable}${hint}`, n.at, source);
    }
    if (n.kind === 'reference' && !known.indicators.has(n.indicator)) {
      throw new FormulaError(`unknown indicator @${n.indicator}`, n.at, source);
    }
    if (n.kind === 'call' && (n.name === 'lag' || n.name === 'growth')) {
      const years = n.args[1]!;
      if (years.kind !== 'number' || !Number.isInteger(years.value) || years.value < 1) {
        throw new FormulaError(
          `${n.name}'s second argument must be a whole number of years (1 or more)`,
          years.at,
          source,
        );
      }
      walk(n.args[0]!, (inner) => {
        if (inner.kind === 'call' && (inner.name === 'lag' || inner.name === 'growth')) {
          throw new FormulaError(`${inner.name} cannot be used inside ${n.name}`, inner.at, source);
        }
        if (inner.kind === 'reference')
          throw new FormulaError(
            `${n.name} of another indicator: use that indicator's formula`,
            inner.at,
            source,
          );
      });
    }
  });
}

/** Orders indicators so each comes after those it references; a cycle is an error naming it. */
export function dependencyOrder(references: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, path: string[]) => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') {
      const cycle = [...path.slice(path.indexOf(id)), id];
      throw new Error(
        `indicators reference each other in a cycle: ${cycle.map((c) => `@${c}`).join(' -> ')}`,
      );
    }
    state.set(id, 'visiting');
    for (const ref of references.get(id) ?? []) visit(ref, [...path, id]);
    state.set(id, 'done');
    order.push(id);
  };
  for (const id of [...references.keys()].sort()) visit(id, []);
  return order;
}
