/**
 * Translates a $filter AST to SQL for one entity set. Identifiers come only from the entity's
 * known properties (their SQL is program-written); every value from the request becomes a
 * parameter through the dialect. Types are checked first, so a nonsensical comparison
 * (Value eq 'x') is a 400 naming its position, never an engine error.
 *
 * OData's null logic differs from SQL's: `Value ne 5` is true for a null Value, and
 * `not (Value gt 5)` too. So ne becomes IS DISTINCT FROM and comparisons on nullable
 * properties are made two-valued with coalesce(…, false).
 */
import type { Dialect, SqlValue } from '../../store/index.js';
import { QueryOptionError, type CompareOp, type FilterNode, type Literal } from './filter.js';

/** EDM types udc's entity sets use. */
export type EdmType = 'Edm.String' | 'Edm.Double' | 'Edm.Int32' | 'Edm.Int64' | 'Edm.DateTimeOffset';

/** A property a filter may name: its type, whether it can be null, and its SQL (program-written). */
export interface FilterProperty {
  type: EdmType;
  nullable: boolean;
  sql: string;
  /** Applied to string literals compared with this property (StatLine trims padded codes). */
  normalise?: (text: string) => string;
}

type Kind = 'string' | 'number' | 'date' | 'boolean' | 'null';

interface Compiled {
  sql: string;
  kind: Kind;
  /** Could be NULL at run time (a nullable property or a function of one). */
  nullable: boolean;
  property?: FilterProperty;
}

const OPERATOR: Readonly<Record<CompareOp, string>> = {
  eq: '=',
  ne: '<>',
  gt: '>',
  ge: '>=',
  lt: '<',
  le: '<=',
};

function kindOf(type: EdmType): Kind {
  switch (type) {
    case 'Edm.String':
      return 'string';
    case 'Edm.DateTimeOffset':
      return 'date';
    default:
      return 'number';
  }
}

/** Compiles a filter into a boolean SQL expression, appending its values to `params`. */
export function compileFilter(
  node: FilterNode,
  properties: ReadonlyMap<string, FilterProperty>,
  params: SqlValue[],
  dialect: Dialect,
  option = '$filter',
): string {
  const compiler = new Compiler(properties, params, dialect, option);
  const result = compiler.compile(node);
  if (result.kind !== 'boolean') {
    throw new QueryOptionError(
      option,
      'is not a condition; expected a comparison such as Value gt 100',
      node.at,
    );
  }
  return result.sql;
}

class Compiler {
  constructor(
    private readonly properties: ReadonlyMap<string, FilterProperty>,
    private readonly params: SqlValue[],
    private readonly dialect: Dialect,
    private readonly option: string,
  ) {}

  private error(at: number, message: string): never {
    throw new QueryOptionError(this.option, message, at);
  }

  private param(value: SqlValue): string {
    this.params.push(value);
    return this.dialect.param(this.params.length);
  }

  private literal(literal: Literal, against?: FilterProperty): Compiled {
    switch (literal.kind) {
      case 'null':
        return { sql: 'NULL', kind: 'null', nullable: true };
      case 'string': {
        const text = against?.normalise ? against.normalise(literal.value) : literal.value;
        return {
          sql: `CAST(${this.param(text)} AS ${this.dialect.types.text})`,
          kind: 'string',
          nullable: false,
        };
      }
      case 'number':
        return {
          sql: `CAST(${this.param(literal.value)} AS ${this.dialect.types.double})`,
          kind: 'number',
          nullable: false,
        };
      case 'boolean':
        return { sql: literal.value ? 'TRUE' : 'FALSE', kind: 'boolean', nullable: false };
      case 'date': {
        const time = Date.parse(literal.value.length === 10 ? `${literal.value}T00:00:00Z` : literal.value);
        if (Number.isNaN(time)) throw new Error(`not a date: ${literal.value}`);
        // The store keeps timestamps without zone, in UTC.
        const iso = new Date(time).toISOString().replace('Z', '');
        return {
          sql: `CAST(${this.param(iso)} AS ${this.dialect.types.timestamp})`,
          kind: 'date',
          nullable: false,
        };
      }
    }
  }

  compile(node: FilterNode, against?: FilterProperty): Compiled {
    switch (node.type) {
      case 'literal':
        if (node.literal.kind === 'date' && Number.isNaN(Date.parse(node.literal.value))) {
          this.error(node.at, `${node.literal.value} is not a valid date or date-time`);
        }
        return this.literal(node.literal, against);
      case 'property': {
        const property = this.properties.get(node.name);
        if (!property) {
          const known = [...this.properties.keys()].join(', ');
          this.error(node.at, `unknown property "${node.name}"; expected one of ${known}`.slice(0, 600));
        }
        return { sql: property.sql, kind: kindOf(property.type), nullable: property.nullable, property };
      }
      case 'compare':
        return this.comparison(node);
      case 'in': {
        const operand = this.compile(node.operand);
        if (operand.kind === 'boolean' || operand.kind === 'null') {
          this.error(node.at, 'expected a property or function before "in"');
        }
        const values: string[] = [];
        let withNull = false;
        for (const item of node.list) {
          const value = this.compile(item, operand.property);
          if (value.kind === 'null') withNull = true;
          else if (value.kind !== operand.kind) {
            this.error(item.at, `expected a ${operand.kind} in the list, as the value before "in" is one`);
          } else values.push(value.sql);
        }
        const parts: string[] = [];
        if (values.length > 0) parts.push(`${operand.sql} IN (${values.join(', ')})`);
        if (withNull) parts.push(`${operand.sql} IS NULL`);
        const sql = parts.length === 1 ? parts[0]! : `(${parts.join(' OR ')})`;
        return { sql: this.twoValued(sql, operand.nullable && !withNull), kind: 'boolean', nullable: false };
      }
      case 'logical': {
        const left = this.condition(node.left);
        const right = this.condition(node.right);
        return {
          sql: `(${left} ${node.op === 'and' ? 'AND' : 'OR'} ${right})`,
          kind: 'boolean',
          nullable: false,
        };
      }
      case 'not':
        return { sql: `(NOT ${this.condition(node.operand)})`, kind: 'boolean', nullable: false };
      case 'call':
        return this.call(node);
    }
  }

  private condition(node: FilterNode): string {
    const c = this.compile(node);
    if (c.kind !== 'boolean')
      this.error(node.at, 'expected a condition (a comparison or a function such as contains)');
    return c.sql;
  }

  private twoValued(sql: string, nullable: boolean): string {
    return nullable ? `coalesce(${sql}, FALSE)` : sql;
  }

  private comparison(node: Extract<FilterNode, { type: 'compare' }>): Compiled {
    // A literal compared with a property is read as that property reads it (StatLine trims codes).
    const propertyOf = (n: FilterNode) => (n.type === 'property' ? this.properties.get(n.name) : undefined);
    const left = this.compile(node.left, propertyOf(node.right));
    const right = this.compile(node.right, propertyOf(node.left));
    if (left.kind === 'boolean' || right.kind === 'boolean') {
      this.error(
        node.at,
        `"${node.op}" compares values, not conditions; put the condition in parentheses or use and/or`,
      );
    }
    if (left.kind === 'null' || right.kind === 'null') {
      if (node.op !== 'eq' && node.op !== 'ne')
        this.error(node.at, `null can only be compared with eq or ne, not ${node.op}`);
      const other = left.kind === 'null' ? right : left;
      if (other.kind === 'null')
        return { sql: node.op === 'eq' ? 'TRUE' : 'FALSE', kind: 'boolean', nullable: false };
      return {
        sql: `(${other.sql} IS ${node.op === 'eq' ? '' : 'NOT '}NULL)`,
        kind: 'boolean',
        nullable: false,
      };
    }
    if (left.kind !== right.kind) {
      this.error(
        node.at,
        `cannot compare a ${left.kind} with a ${right.kind}; write text in quotes and numbers without`,
      );
    }
    const nullable = left.nullable || right.nullable;
    if (node.op === 'ne') {
      return { sql: `(${left.sql} IS DISTINCT FROM ${right.sql})`, kind: 'boolean', nullable: false };
    }
    return {
      sql: this.twoValued(`(${left.sql} ${OPERATOR[node.op]} ${right.sql})`, nullable),
      kind: 'boolean',
      nullable: false,
    };
  }

  private call(node: Extract<FilterNode, { type: 'call' }>): Compiled {
    // A literal argument is read as the other argument's property reads it (StatLine trims codes).
    const propertyOf = (n: FilterNode | undefined) =>
      n?.type === 'property' ? this.properties.get(n.name) : undefined;
    const args = node.args.map((a, i) => this.compile(a, propertyOf(node.args[1 - i])));
    for (const [i, a] of args.entries()) {
      if (a.kind !== 'string') this.error(node.args[i]!.at, `${node.name} expects text, not a ${a.kind}`);
    }
    const nullable = args.some((a) => a.nullable);
    const [a, b] = args.map((x) => x.sql);
    switch (node.name) {
      case 'tolower':
        return { sql: `lower(${a})`, kind: 'string', nullable };
      case 'toupper':
        return { sql: `upper(${a})`, kind: 'string', nullable };
      case 'contains':
        return {
          sql: this.twoValued(`(position(${b} IN ${a}) > 0)`, nullable),
          kind: 'boolean',
          nullable: false,
        };
      // v3: substringof(needle, haystack), arguments the other way round.
      case 'substringof':
        return {
          sql: this.twoValued(`(position(${a} IN ${b}) > 0)`, nullable),
          kind: 'boolean',
          nullable: false,
        };
      case 'startswith':
        return {
          sql: this.twoValued(`(substr(${a}, 1, length(${b})) = ${b})`, nullable),
          kind: 'boolean',
          nullable: false,
        };
      case 'endswith':
        return {
          sql: this.twoValued(
            `(length(${a}) >= length(${b}) AND substr(${a}, length(${a}) - length(${b}) + 1) = ${b})`,
            nullable,
          ),
          kind: 'boolean',
          nullable: false,
        };
    }
  }
}
