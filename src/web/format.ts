import type { Lang } from './i18n.js';

const formatters = new Map<string, Intl.NumberFormat>();

/** A number as a reader of the language writes it (1.234,5 in Dutch, 1,234.5 in English). */
export function formatNumber(value: number, decimals: number, lang: Lang): string {
  const key = `${lang}:${decimals}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.NumberFormat(lang === 'nl' ? 'nl-NL' : 'en-GB', {
      minimumFractionDigits: decimals,
      maximumFractionDigits: decimals,
    });
    formatters.set(key, format);
  }
  return format.format(value);
}

/** A value with its unit where the unit reads well after a number (%, euro). */
export function formatValue(value: number, decimals: number, unit: string, lang: Lang): string {
  const number = formatNumber(value, decimals, lang);
  if (unit === '%' || unit === 'procent' || unit === 'percent') return `${number}%`;
  if (unit === 'euro' || unit === 'EUR') return `€\u00a0${number}`;
  return number;
}

/** The year of a CBS period code (2023JJ00 -> 2023), or the code itself when it has none. */
export function periodLabel(period: string): string {
  const match = /^(\d{4})JJ00$/.exec(period);
  return match ? match[1]! : period;
}

/** The calendar year a period code starts in. */
export function periodYear(period: string): number {
  return Number(period.slice(0, 4));
}
