import { describe, expect, it } from 'vitest';
import {
  categoryKey,
  parseCategoryKey,
  parseNumber,
  specialValue,
  statusFromCbs,
} from '../../src/core/index.js';

describe('specialValue', () => {
  it.each([
    ['.', 'missing'],
    ['x', 'secret'],
    [' X ', 'secret'],
    ['-', 'nil'],
    ['?', 'unreliable'],
    ['', 'not_applicable'],
    ['   ', 'not_applicable'],
    ['12', undefined],
    ['0', undefined],
  ])('"%s" -> %s', (text, status) => {
    expect(specialValue(text)).toBe(status);
  });

  it('maps StatLine status texts', () => {
    expect(statusFromCbs('Voorlopig')).toBe('provisional');
    expect(statusFromCbs('Nader voorlopig')).toBe('revised_provisional');
    expect(statusFromCbs('Definitief')).toBe('final');
    expect(statusFromCbs('Confidential')).toBe('secret');
  });
});

describe('parseNumber', () => {
  it.each([
    ['1.234,5', ',', 1234.5],
    ['3,25', ',', 3.25],
    ['-12', ',', -12],
    ['1.234.567', ',', 1234567],
    ['1,234.5', '.', 1234.5],
    ['.5', '.', 0.5],
    ['1e3', '.', 1000],
  ] as const)('"%s" with decimal "%s" is %d', (text, decimal, value) => {
    expect(parseNumber(text, decimal)).toEqual({ ok: true, value });
  });

  it.each([
    ['3.5', ','],
    ['1,23.4', '.'],
    ['elf', '.'],
    ['12 345', ','],
  ] as const)('rejects "%s" with decimal "%s"', (text, decimal) => {
    expect(parseNumber(text, decimal).ok).toBe(false);
  });
});

describe('categoryKey', () => {
  it('sorts dimensions so the same combination always has the same key, and reads it back', () => {
    const key = categoryKey({ Leeftijd: '20300', Geslacht: ' 3000 ' });
    expect(key).toEqual({ ok: true, value: 'Geslacht=3000;Leeftijd=20300' });
    expect(parseCategoryKey('Geslacht=3000;Leeftijd=20300')).toEqual({
      ok: true,
      value: { Geslacht: '3000', Leeftijd: '20300' },
    });
    expect(categoryKey({})).toEqual({ ok: true, value: '' });
  });

  it('rejects codes that would break the key', () => {
    expect(categoryKey({ Geslacht: 'a;b' }).ok).toBe(false);
    expect(categoryKey({ '1x': 'a' }).ok).toBe(false);
    expect(parseCategoryKey('Geslacht=1;Geslacht=2').ok).toBe(false);
  });
});
