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

/**
 * Guesses the decimal separator from sample values. A value such as "3,5" or "1.234,5" can only be
 * a decimal comma; "3.5" or "1,234.5" only a decimal point; "1.234" or "1,234" is ambiguous and
 * does not vote. Returns undefined when no value decides, and an error when both forms occur.
 */
export function detectDecimalSeparator(samples: Iterable<string>): Result<DecimalSeparator | undefined> {
  let comma: string | undefined;
  let point: string | undefined;
  for (const raw of samples) {
    const vote = decimalVote(raw.trim());
    if (vote === ',') comma ??= raw;
    else if (vote === '.') point ??= raw;
    if (comma !== undefined && point !== undefined) {
      return err(`decimal comma ("${comma}") and decimal point ("${point}") are mixed; use one separator`);
    }
  }
  return ok(comma !== undefined ? ',' : point !== undefined ? '.' : undefined);
}

function decimalVote(t: string): DecimalSeparator | undefined {
  const commaForm = COMMA_DECIMAL.test(t);
  const pointForm = POINT_DECIMAL.test(t);
  if (commaForm && !pointForm) return ',';
  if (pointForm && !commaForm) return '.';
  // Both read it: integers ("12") and single thousands groups ("1.234", "1,234") are ambiguous.
  return undefined;
}
