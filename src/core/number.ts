import { err, ok, type Result } from './result.js';

export type DecimalSeparator = ',' | '.';

const COMMA_DECIMAL = /^[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$/;
const POINT_DECIMAL = /^[+-]?((\d{1,3}(,\d{3})+|\d+)(\.\d+)?([eE][+-]?\d+)?|\.\d+)$/;

/**
 * Parses a number written with the given decimal separator; the other separator may group
 * thousands (1.234,5 in Dutch, 1,234.5 in English). Mirrors numberCheckSql in sources/numbers-sql.
 */
export function parseNumber(text: string, decimal: DecimalSeparator): Result<number> {
  const t = text.trim();
  if (decimal === ',') {
    if (!COMMA_DECIMAL.test(t)) return err(`"${text}" is not a number with decimal comma (e.g. 1.234,5)`);
    return ok(Number(t.replaceAll('.', '').replace(',', '.')));
  }
  if (!POINT_DECIMAL.test(t)) return err(`"${text}" is not a number with decimal point (e.g. 1,234.5)`);
  return ok(Number(t.replaceAll(',', '')));
}
