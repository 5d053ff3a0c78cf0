/** Where a node starts in the formula text: 1-based line and column. */
export interface Position {
  line: number;
  column: number;
}

/**
 * A formula's syntax tree. A variable names a dataset's variable, optionally one category
 * combination (`bevolking.inwoners[Geslacht=Vrouwen]`); a reference names another indicator
 * (`@aandeel_65plus`).
 */
export type Expr =
  | { kind: 'number'; value: number; at: Position }
  | { kind: 'variable'; dataset: string; variable: string; categories: Record<string, string>; at: Position }
  | { kind: 'reference'; indicator: string; at: Position }
  | { kind: 'unary'; op: '-' | 'not'; operand: Expr; at: Position }
  | { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr; at: Position }
  | { kind: 'call'; name: FunctionName; args: Expr[]; at: Position };

export type BinaryOp = '+' | '-' | '*' | '/' | '<' | '<=' | '>' | '>=' | '==' | '!=' | 'and' | 'or';

/** The functions of the language, with how many arguments each takes. */
export const FUNCTIONS = {
  sum: { min: 1, max: Infinity, doc: 'sum(a, b, ...): the sum; unknown when any part is unknown' },
  lag: { min: 2, max: 2, doc: 'lag(x, n): x in the same area n years earlier' },
  growth: { min: 2, max: 2, doc: 'growth(x, n): percent change of x over n years' },
  per1000: { min: 2, max: 2, doc: 'per1000(a, b): a per 1,000 b' },
  share: { min: 2, max: 2, doc: 'share(a, b): a as a percentage of b' },
  min: { min: 2, max: Infinity, doc: 'min(a, b, ...): the smallest' },
  max: { min: 2, max: Infinity, doc: 'max(a, b, ...): the largest' },
  if: { min: 3, max: 3, doc: 'if(condition, then, else)' },
} as const;

export type FunctionName = keyof typeof FUNCTIONS;

/** A formula error with the position it points at. */
export class FormulaError extends Error {
  constructor(
    readonly reason: string,
    readonly at: Position,
    readonly source = 'formula',
  ) {
    super(`${source}: line ${at.line}, column ${at.column}: ${reason}`);
  }
}
