import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseNumber, specialValue, type DecimalSeparator } from '../../src/core/index.js';
import { numberCheckSql, specialStatusSql } from '../../src/sources/numbers-sql.js';
import type { Store } from '../../src/store/index.js';
import { temporaryStore } from '../helpers/store.js';

// The engine types bulk imports; core types single values. Both must agree on every form.
const SAMPLES = [
  '1.234,5',
  '3,25',
  '-12',
  '1.234.567',
  '1,234.5',
  '.5',
  '1e3',
  '3.5',
  '1,23.4',
  'elf',
  '12 345',
  '',
  '.',
  'x',
  '-',
  '?',
  ' 7 ',
];

let store: Store;
let dispose: () => Promise<void>;
beforeAll(async () => ({ store, dispose } = await temporaryStore()));
afterAll(() => dispose());

describe('numbers-sql agrees with core', () => {
  it.each([',', '.'] as const)('for decimal "%s"', async (decimal: DecimalSeparator) => {
    const check = numberCheckSql('t', decimal);
    for (const text of SAMPLES) {
      const row = await store.one<{ valid: boolean | null; value: number | null; special: string | null }>(
        `SELECT ${check.valid} AS valid, ${check.value} AS value, ${specialStatusSql('t')} AS special FROM (SELECT $1::VARCHAR AS t)`,
        [text],
      );
      const parsed = parseNumber(text, decimal);
      expect({ text, valid: row?.valid ?? false }).toEqual({ text, valid: parsed.ok });
      if (parsed.ok) expect(row?.value).toBe(parsed.value);
      expect({ text, special: row?.special ?? undefined }).toEqual({ text, special: specialValue(text) });
    }
  });
});
