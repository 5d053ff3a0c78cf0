import { describe, expect, it } from 'vitest';
import { parseRegionCode } from '../../src/core/index.js';

describe('parseRegionCode', () => {
  it.each([
    ['NL01  ', 'NL01', 'land'],
    ['LD01', 'LD01', 'landsdeel'],
    ['PV20', 'PV20', 'provincie'],
    ['CR01', 'CR01', 'corop'],
    ['GM0014', 'GM0014', 'gemeente'],
    ['gm0014', 'GM0014', 'gemeente'],
    ['AM01', 'AM01', 'arbeidsmarktregio'],
    ['GG0701', 'GG0701', 'ggd'],
    ['X_RGA', 'X_RGA', 'custom'],
  ])('"%s" is %s, a %s', (text, code, level) => {
    expect(parseRegionCode(text)).toEqual({ ok: true, value: { code, level } });
  });

  it('knows the gemeente inside wijk and buurt codes (StatLine pads them with spaces)', () => {
    expect(parseRegionCode('WK001401  ')).toEqual({
      ok: true,
      value: { code: 'WK001401', level: 'wijk', gemeente: 'GM0014' },
    });
    expect(parseRegionCode('BU00140107')).toEqual({
      ok: true,
      value: { code: 'BU00140107', level: 'buurt', gemeente: 'GM0014' },
    });
  });

  it.each([
    ['GM14', /"GM14" is not a valid region code: gemeente codes are GM followed by 4 digits/],
    ['BU0014010', /"BU0014010" is not a valid region code/],
    ['ZZ01', /unknown prefix "ZZ"/],
    ['   ', /it is empty/],
    ['X_', /custom region codes are X_ followed by/],
  ])('rejects "%s"', (text, message) => {
    const parsed = parseRegionCode(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(message);
  });
});
