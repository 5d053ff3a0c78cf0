import {
  FUNCTIONS,
  FormulaError,
  type BinaryOp,
  type Expr,
  type FunctionName,
  type Position,
} from './ast.js';

type Token =
  | { type: 'number'; value: number; at: Position }
  | { type: 'name'; value: string; at: Position }
  | { type: 'op'; value: string; at: Position }
  | { type: 'end'; at: Position };

const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const NUMBER = /\d+(\.\d+)?([eE][+-]?\d+)?/y;
const OPERATORS = [
  '<=',
  '>=',
  '==',
  '!=',
  '+',
  '-',
  '*',
  '/',
  '(',
  ')',
  ',',
  '.',
  '[',
  ']',
  '=',
  '<',
  '>',
  '@',
];

/** Splits a formula into tokens, each with its line and column. */
function tokenize(text: string, source: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let lineStart = 0;
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    const at = { line, column: i - lineStart + 1 };
    if (ch === '\n') {
      line++;
      lineStart = i + 1;
      i++;
      continue;
    }
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === '#') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    NUMBER.lastIndex = i;
    const number = /\d/.test(ch) ? NUMBER.exec(text) : null;
    if (number) {
      tokens.push({ type: 'number', value: Number(number[0]), at });
      i += number[0].length;
      continue;
    }
    // Dataset ids may hold dashes and dots (cbs-03759ned-bevolking): written in backticks.
    if (ch === '`') {
      const close = text.indexOf('`', i + 1);
      if (close < 0 || text.slice(i + 1, close).includes('\n'))
        throw new FormulaError('a backtick-quoted name is not closed', at, source);
      tokens.push({ type: 'name', value: text.slice(i + 1, close), at });
      i = close + 1;
      continue;
    }
    NAME.lastIndex = i;
    const name = NAME.exec(text);
    if (name) {
      tokens.push({ type: 'name', value: name[0], at });
      i += name[0].length;
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (!op) throw new FormulaError(`unexpected character "${ch}"`, at, source);
    tokens.push({ type: 'op', value: op, at });
    i += op.length;
  }
  tokens.push({ type: 'end', at: { line, column: i - lineStart + 1 } });
  return tokens;
}

/**
 * Parses a formula into its syntax tree. Precedence, loosest first: or, and, not, comparison,
 * + -, * /, unary minus. Errors name line and column and what was expected.
 */
export function parseFormula(text: string, source = 'formula'): Expr {
  const tokens = tokenize(text, source);
  let pos = 0;
  const peek = () => tokens[pos]!;
  const next = () => tokens[pos++]!;
  const isOp = (value: string) => {
    const t = peek();
    return t.type === 'op' && t.value === value;
  };
  const isWord = (value: string) => {
    const t = peek();
    return t.type === 'name' && t.value === value;
  };
  const describe = (t: Token) => (t.type === 'end' ? 'the end of the formula' : `"${String(t.value)}"`);
  const expect = (value: string, what: string) => {
    const t = next();
    if (t.type !== 'op' || t.value !== value)
      throw new FormulaError(`expected ${what}, found ${describe(t)}`, t.at, source);
  };

  const expectName = (what: string): Extract<Token, { type: 'name' }> => {
    const t = next();
    if (t.type !== 'name') throw new FormulaError(`expected ${what}, found ${describe(t)}`, t.at, source);
    return t;
  };

  const binaryLevel = (ops: readonly string[], words: boolean, below: () => Expr) => (): Expr => {
    let left = below();
    for (;;) {
      const t = peek();
      const op = words
        ? t.type === 'name' && ops.includes(t.value)
          ? t.value
          : undefined
        : t.type === 'op' && ops.includes(t.value)
          ? t.value
          : undefined;
      if (!op) return left;
      next();
      left = { kind: 'binary', op: op as BinaryOp, left, right: below(), at: t.at };
    }
  };

  const primary = (): Expr => {
    const t = next();
    if (t.type === 'number') return { kind: 'number', value: t.value, at: t.at };
    if (t.type === 'op' && t.value === '(') {
      const inner = or();
      expect(')', '")"');
      return inner;
    }
    if (t.type === 'op' && t.value === '@') {
      return { kind: 'reference', indicator: expectName('an indicator id after "@"').value, at: t.at };
    }
    if (t.type === 'name') {
      if (isOp('(')) return call(t.value, t.at);
      if (!isOp('.')) {
        throw new FormulaError(
          `"${t.value}" is neither a function nor a variable: write variables as dataset.variable`,
          t.at,
          source,
        );
      }
      next();
      const variable = expectName(`a variable name after "${t.value}."`);
      return {
        kind: 'variable',
        dataset: t.value,
        variable: variable.value,
        categories: categories(),
        at: t.at,
      };
    }
    throw new FormulaError(
      `expected a number, variable, function or "(", found ${describe(t)}`,
      t.at,
      source,
    );
  };

  // [Dimension=code, Dimension=code]; a code with other characters (20-30) goes in backticks.
  const categories = (): Record<string, string> => {
    const result: Record<string, string> = {};
    if (!isOp('[')) return result;
    next();
    for (;;) {
      const dim = expectName('a dimension name');
      expect('=', `"=" after dimension ${dim.value}`);
      const code = next();
      if (code.type !== 'name' && code.type !== 'number')
        throw new FormulaError(`expected a category code, found ${describe(code)}`, code.at, source);
      result[dim.value] = String(code.value);
      if (isOp(',')) {
        next();
        continue;
      }
      expect(']', '"," or "]"');
      return result;
    }
  };

  const call = (name: string, at: Position): Expr => {
    if (!(name in FUNCTIONS)) {
      throw new FormulaError(
        `unknown function "${name}"; known: ${Object.keys(FUNCTIONS).join(', ')}`,
        at,
        source,
      );
    }
    next(); // (
    const args: Expr[] = [];
    if (!isOp(')')) {
      for (;;) {
        args.push(or());
        if (isOp(',')) {
          next();
          continue;
        }
        break;
      }
    }
    expect(')', `"," or ")" in ${name}(...)`);
    const arity = FUNCTIONS[name as FunctionName];
    if (args.length < arity.min || args.length > arity.max) {
      throw new FormulaError(
        `${name} takes ${arity.max === Infinity ? `at least ${arity.min}` : arity.min === arity.max ? arity.min : `${arity.min} to ${arity.max}`} arguments, not ${args.length}: ${arity.doc}`,
        at,
        source,
      );
    }
    return { kind: 'call', name: name as FunctionName, args, at };
  };

  const unary = (): Expr => {
    const t = peek();
    if (t.type === 'op' && t.value === '-') {
      next();
      return { kind: 'unary', op: '-', operand: unary(), at: t.at };
    }
    return primary();
  };
  const product = binaryLevel(['*', '/'], false, unary);
  const sum = binaryLevel(['+', '-'], false, product);
  const comparison = binaryLevel(['<', '<=', '>', '>=', '==', '!='], false, sum);
  const not = (): Expr => {
    const t = peek();
    if (isWord('not')) {
      next();
      return { kind: 'unary', op: 'not', operand: not(), at: t.at };
    }
    return comparison();
  };
  const and = binaryLevel(['and'], true, not);
  const or = binaryLevel(['or'], true, and);

  const tree = or();
  const rest = peek();
  if (rest.type !== 'end')
    throw new FormulaError(`unexpected ${describe(rest)} after a complete expression`, rest.at, source);
  return tree;
}
