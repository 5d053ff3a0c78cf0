/**
 * SQL fragments that are safe by construction: identifiers are checked against a strict pattern
 * and quoted; values never enter SQL text, they travel as parameters.
 */

/** A value that can be bound as a query parameter. */
export type SqlValue = string | number | bigint | boolean | null;
export type SqlParams = readonly SqlValue[];
export type Row = Record<string, unknown>;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** Quotes a table or column name; throws on anything but a plain identifier, so user text cannot smuggle SQL. */
export function ident(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`"${name}" is not a valid SQL identifier`);
  return `"${name}"`;
}

/** True when `name` may be used as an identifier. */
export function isIdentifier(name: string): boolean {
  return IDENTIFIER.test(name);
}
