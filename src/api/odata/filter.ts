/**
 * The OData $filter language (the part udc serves): a tokeniser and a recursive-descent parser to
 * an AST, pure. Comparisons eq ne gt ge lt le, `in (...)`, and/or/not, parentheses, the string
 * functions contains, startswith, endswith, tolower, toupper, and v3's substringof (StatLine
 * clients still write it). Every error names the position (1-based) and what was expected, so a
 * user can fix the query; limits on length, depth and list size keep hostile input cheap.
 */

/** A literal value as written in the query. */
export type Literal =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  /** An unquoted date or date-time (2024-01-31, 2024-01-31T12:00:00Z), kept as ISO text. */
  | { kind: 'date'; value: string };

export type CompareOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';
export type FunctionName = 'contains' | 'startswith' | 'endswith' | 'tolower' | 'toupper' | 'substringof';

/** The $filter AST. `at` is the 1-based position of the node's first character. */
export type FilterNode =
  | { type: 'literal'; literal: Literal; at: number }
  | { type: 'property'; name: string; at: number }
  | { type: 'compare'; op: CompareOp; left: FilterNode; right: FilterNode; at: number }
  | { type: 'in'; operand: FilterNode; list: FilterNode[]; at: number }
  | { type: 'logical'; op: 'and' | 'or'; left: FilterNode; right: FilterNode; at: number }
  | { type: 'not'; operand: FilterNode; at: number }
  | { type: 'call'; name: FunctionName; args: FilterNode[]; at: number };

/** A query option that cannot be understood, with where (1-based character) and what was expected. */
export class QueryOptionError extends Error {
  constructor(
    readonly option: string,
    message: string,
    readonly position?: number,
  ) {
    super(
      position === undefined ? `${option}: ${message}` : `${option}: at position ${position}: ${message}`,
    );
    this.name = 'QueryOptionError';
  }
}

/** Limits that keep a hostile filter cheap to reject. */
export const FILTER_LIMITS = { length: 8000, depth: 64, list: 1000, nodes: 2000 } as const;

type TokenKind = 'string' | 'number' | 'date' | 'word' | '(' | ')' | ',' | 'end';
interface Token {
  kind: TokenKind;
  text: string;
  at: number;
  value?: string | number;
}

const FUNCTIONS: Readonly<Record<FunctionName, number>> = {
  contains: 2,
  startswith: 2,
  endswith: 2,
  substringof: 2,
  tolower: 1,
  toupper: 1,
};
const COMPARE = new Set<string>(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
const DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?/;
const NUMBER = /^-?(\d+(\.\d+)?([eE][+-]?\d+)?|\.\d+)([mMdDfFlL])?/;
const WORD = /^[A-Za-z_][A-Za-z0-9_]*/;

/** Splits a filter into tokens; throws QueryOptionError at the first character it cannot read. */
export function tokenise(text: string, option = '$filter'): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      i++;
      continue;
    }
    const at = i + 1;
    if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ kind: ch, text: ch, at });
      i++;
      continue;
    }
    if (ch === "'") {
      // OData doubles a quote inside a string: 's-Hertogenbosch is written '''s-Hertogenbosch'.
      let value = '';
      let j = i + 1;
      for (;;) {
        if (j >= text.length)
          throw new QueryOptionError(option, 'the string is not closed; expected a closing quote', at);
        if (text[j] === "'") {
          if (text[j + 1] === "'") {
            value += "'";
            j += 2;
            continue;
          }
          break;
        }
        value += text[j];
        j++;
      }
      tokens.push({ kind: 'string', text: text.slice(i, j + 1), at, value });
      i = j + 1;
      continue;
    }
    const rest = text.slice(i, i + 64);
    const date = DATE.exec(rest);
    if (date) {
      tokens.push({ kind: 'date', text: date[0], at, value: date[0] });
      i += date[0].length;
      continue;
    }
    const number = NUMBER.exec(rest);
    if (number && (ch !== '-' || /[\d.]/.test(text[i + 1] ?? ''))) {
      const value = Number(number[0].replace(/[mMdDfFlL]$/, ''));
      if (!Number.isFinite(value) || Math.abs(value) > Number.MAX_SAFE_INTEGER * 1e6) {
        throw new QueryOptionError(option, `the number ${number[0]} is out of range`, at);
      }
      tokens.push({ kind: 'number', text: number[0], at, value });
      i += number[0].length;
      continue;
    }
    const word = WORD.exec(text.slice(i, i + 200));
    if (word) {
      if (word[0].length > 128)
        throw new QueryOptionError(option, 'a name is longer than 128 characters', at);
      tokens.push({ kind: 'word', text: word[0], at });
      i += word[0].length;
      continue;
    }
    throw new QueryOptionError(
      option,
      `unexpected character ${JSON.stringify(ch)}; expected a property, a literal ('text', 12.5, true, null), an operator or a parenthesis`,
      at,
    );
  }
  tokens.push({ kind: 'end', text: 'end of the filter', at: text.length + 1 });
  return tokens;
}

/** Parses a $filter expression into its AST, or throws QueryOptionError naming the position. */
export function parseFilter(text: string, option = '$filter'): FilterNode {
  if (text.length > FILTER_LIMITS.length) {
    throw new QueryOptionError(
      option,
      `is ${text.length} characters long; at most ${FILTER_LIMITS.length} are accepted`,
    );
  }
  if (text.trim() === '')
    throw new QueryOptionError(option, "is empty; expected an expression such as Region eq 'GM0014'");
  return new Parser(tokenise(text, option), option).parse();
}

class Parser {
  private i = 0;
  private depth = 0;
  private nodes = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly option: string,
  ) {}

  parse(): FilterNode {
    const node = this.or();
    const next = this.peek();
    if (next.kind !== 'end') this.fail(next, 'expected "and", "or" or the end of the filter');
    return node;
  }

  private peek(): Token {
    return this.tokens[this.i]!;
  }

  private take(): Token {
    const t = this.tokens[this.i]!;
    if (t.kind !== 'end') this.i++;
    return t;
  }

  private isWord(token: Token, word: string): boolean {
    return token.kind === 'word' && token.text === word;
  }

  private fail(token: Token, expected: string): never {
    const found = token.kind === 'end' ? 'the end of the filter' : `"${token.text.slice(0, 40)}"`;
    throw new QueryOptionError(this.option, `found ${found}; ${expected}`, token.at);
  }

  private node<T extends FilterNode>(node: T): T {
    if (++this.nodes > FILTER_LIMITS.nodes) {
      throw new QueryOptionError(this.option, `has more than ${FILTER_LIMITS.nodes} terms`, node.at);
    }
    return node;
  }

  private nested<T>(at: number, work: () => T): T {
    if (++this.depth > FILTER_LIMITS.depth) {
      throw new QueryOptionError(this.option, `is nested deeper than ${FILTER_LIMITS.depth} levels`, at);
    }
    try {
      return work();
    } finally {
      this.depth--;
    }
  }

  private or(): FilterNode {
    let left = this.and();
    while (this.isWord(this.peek(), 'or')) {
      const at = this.take().at;
      left = this.node({ type: 'logical', op: 'or', left, right: this.and(), at });
    }
    return left;
  }

  private and(): FilterNode {
    let left = this.not();
    while (this.isWord(this.peek(), 'and')) {
      const at = this.take().at;
      left = this.node({ type: 'logical', op: 'and', left, right: this.not(), at });
    }
    return left;
  }

  private not(): FilterNode {
    const token = this.peek();
    if (this.isWord(token, 'not')) {
      this.take();
      return this.nested(token.at, () => this.node({ type: 'not', operand: this.not(), at: token.at }));
    }
    return this.comparison();
  }

  private comparison(): FilterNode {
    const left = this.primary();
    const token = this.peek();
    if (token.kind === 'word' && COMPARE.has(token.text)) {
      this.take();
      return this.node({
        type: 'compare',
        op: token.text as CompareOp,
        left,
        right: this.primary(),
        at: token.at,
      });
    }
    if (this.isWord(token, 'in')) {
      this.take();
      const open = this.take();
      if (open.kind !== '(') this.fail(open, 'expected "(" starting the list after "in"');
      const list: FilterNode[] = [];
      for (;;) {
        const item = this.primary();
        if (item.type !== 'literal') {
          throw new QueryOptionError(this.option, 'expected a literal in the "in" list', item.at);
        }
        list.push(item);
        if (list.length > FILTER_LIMITS.list) {
          throw new QueryOptionError(
            this.option,
            `an "in" list has more than ${FILTER_LIMITS.list} values`,
            item.at,
          );
        }
        const sep = this.take();
        if (sep.kind === ')') break;
        if (sep.kind !== ',') this.fail(sep, 'expected "," or ")" in the "in" list');
      }
      return this.node({ type: 'in', operand: left, list, at: token.at });
    }
    return left;
  }

  private primary(): FilterNode {
    const token = this.take();
    switch (token.kind) {
      case '(': {
        const inner = this.nested(token.at, () => this.or());
        const close = this.take();
        if (close.kind !== ')')
          this.fail(close, `expected ")" closing the parenthesis opened at position ${token.at}`);
        return inner;
      }
      case 'string':
        return this.node({
          type: 'literal',
          literal: { kind: 'string', value: String(token.value) },
          at: token.at,
        });
      case 'number':
        return this.node({
          type: 'literal',
          literal: { kind: 'number', value: Number(token.value) },
          at: token.at,
        });
      case 'date':
        return this.node({
          type: 'literal',
          literal: { kind: 'date', value: String(token.value) },
          at: token.at,
        });
      case 'word': {
        if (token.text === 'true' || token.text === 'false') {
          return this.node({
            type: 'literal',
            literal: { kind: 'boolean', value: token.text === 'true' },
            at: token.at,
          });
        }
        if (token.text === 'null')
          return this.node({ type: 'literal', literal: { kind: 'null' }, at: token.at });
        if (this.peek().kind === '(') return this.call(token);
        if (['and', 'or', 'not', 'in', ...COMPARE].includes(token.text)) {
          this.fail(token, 'expected a property, a literal or a function before the operator');
        }
        return this.node({ type: 'property', name: token.text, at: token.at });
      }
      default:
        return this.fail(
          token,
          'expected a property, a literal (\'text\', 12.5, true, null), a function or "("',
        );
    }
  }

  private call(name: Token): FilterNode {
    const fn = name.text.toLowerCase();
    if (!Object.hasOwn(FUNCTIONS, fn)) {
      throw new QueryOptionError(
        this.option,
        `unknown function "${name.text}"; expected one of ${Object.keys(FUNCTIONS).join(', ')}`,
        name.at,
      );
    }
    this.take(); // (
    const args: FilterNode[] = [];
    return this.nested(name.at, () => {
      if (this.peek().kind !== ')') {
        for (;;) {
          args.push(this.or());
          const sep = this.take();
          if (sep.kind === ')') break;
          if (sep.kind !== ',') this.fail(sep, `expected "," or ")" in the arguments of ${fn}`);
        }
      } else this.take();
      const arity = FUNCTIONS[fn as FunctionName];
      if (args.length !== arity) {
        throw new QueryOptionError(
          this.option,
          `${fn} takes ${arity} argument${arity === 1 ? '' : 's'}, not ${args.length}`,
          name.at,
        );
      }
      return this.node({ type: 'call', name: fn as FunctionName, args, at: name.at });
    });
  }
}
