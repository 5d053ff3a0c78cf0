import { err, ok, type Result } from './result.js';

/**
 * CBS period codes ("perioden"): a four-digit year, a two-letter type and a two-digit number,
 * e.g. 2023JJ00 (year), 2023KW02 (kwartaal, quarter), 2023MM07 (maand, month).
 */
export type PeriodKind = 'year' | 'half_year' | 'quarter' | 'month' | 'week' | 'multi_year' | 'day';

/**
 * A parsed period. `start` and `end` are ISO dates, `end` inclusive. `index` is the number within
 * the year: half year 1..2, quarter 1..4, month 1..12, ISO week 1..53, day of the year 1..366;
 * 0 for a whole year; for a multi-year period the number of years it spans (0 when CBS gives the
 * span only in the code list title).
 */
export interface Period {
  code: string;
  kind: PeriodKind;
  year: number;
  index: number;
  start: string;
  end: string;
}

const FIRST_YEAR = 1800;
const LAST_YEAR = 2200;

const EXPECTED =
  'expected a CBS code such as 2023JJ00, 2023KW01, 2023MM07, 2023W101, 2019X000, or an ISO date such as 2023-05-17';

type Form = { pattern: RegExp; read: (year: number, parts: number[]) => Result<Period> };

// Each form gives a reason on failure; parsePeriod adds the text, so every message names it.
const FORMS: readonly Form[] = [
  {
    pattern: /^(\d{4})JJ(\d{2})$/,
    read: (y, [n]) => (n === 0 ? ok(yearPeriod(y)) : err('year codes end in JJ00')),
  },
  {
    pattern: /^(\d{4})HJ(\d{2})$/,
    read: (y, [n = 0]) =>
      inRange(n, 1, 2) ? ok(halfYearPeriod(y, n)) : err('half year must be HJ01 or HJ02'),
  },
  {
    pattern: /^(\d{4})KW(\d{2})$/,
    read: (y, [n = 0]) => (inRange(n, 1, 4) ? ok(quarterPeriod(y, n)) : err('quarter must be KW01..KW04')),
  },
  {
    pattern: /^(\d{4})MM(\d{2})$/,
    read: (y, [n = 0]) => (inRange(n, 1, 12) ? ok(monthPeriod(y, n)) : err('month must be MM01..MM12')),
  },
  // CBS writes weeks as type 'W1' followed by the two-digit ISO week number.
  { pattern: /^(\d{4})W1(\d{2})$/, read: (y, [n = 0]) => readWeek(y, n, 'W1') },
  { pattern: /^(\d{4})X0(\d{2})$/, read: (y, [n = 0]) => readMultiYear(y, n) },
  { pattern: /^(\d{4})$/, read: (y) => ok(yearPeriod(y)) },
  {
    pattern: /^(\d{4})-(\d{2})$/,
    read: (y, [n = 0]) => (inRange(n, 1, 12) ? ok(monthPeriod(y, n)) : err('month must be 01..12')),
  },
  {
    pattern: /^(\d{4})-Q(\d)$/,
    read: (y, [n = 0]) => (inRange(n, 1, 4) ? ok(quarterPeriod(y, n)) : err('quarter must be Q1..Q4')),
  },
  { pattern: /^(\d{4})-W(\d{2})$/, read: (y, [n = 0]) => readWeek(y, n, '') },
  { pattern: /^(\d{4})-(\d{2})-(\d{2})$/, read: (y, [m = 0, d = 0]) => readDay(y, m, d) },
];

/** Parses a CBS period code or an ISO form (2023, 2023-05, 2023-Q2, 2023-W07, 2023-05-17) into a Period with its canonical CBS code. */
export function parsePeriod(text: string): Result<Period> {
  const trimmed = text.trim();
  const upper = trimmed.toUpperCase();
  for (const form of FORMS) {
    const match = form.pattern.exec(upper);
    if (!match) continue;
    const [year = 0, ...parts] = match.slice(1).map(Number);
    if (!inRange(year, FIRST_YEAR, LAST_YEAR)) {
      return err(`"${trimmed}" is not a valid period: year must be ${FIRST_YEAR}..${LAST_YEAR}`);
    }
    const read = form.read(year, parts);
    return read.ok ? read : err(`"${trimmed}" is not a valid period: ${read.error}`);
  }
  return err(`"${trimmed}" is not a period code: ${EXPECTED}`);
}

/** Orders periods by start date, then end date (then code, so sorting is deterministic). */
export function comparePeriods(a: Period, b: Period): number {
  return compareText(a.start, b.start) || compareText(a.end, b.end) || compareText(a.code, b.code);
}

const MONTHS = {
  nl: [
    'januari',
    'februari',
    'maart',
    'april',
    'mei',
    'juni',
    'juli',
    'augustus',
    'september',
    'oktober',
    'november',
    'december',
  ],
  en: [
    'January',
    'February',
    'March',
    'April',
    'May',
    'June',
    'July',
    'August',
    'September',
    'October',
    'November',
    'December',
  ],
} as const;

/** Returns the period as StatLine writes it for readers, in Dutch or English (2023 1e kwartaal, 2023 Q1). */
export function periodLabel(period: Period, lang: 'nl' | 'en'): string {
  const { year, index } = period;
  switch (period.kind) {
    case 'year':
      return `${year}`;
    case 'half_year':
      return lang === 'nl' ? `${year} ${index}e halfjaar` : `${year} H${index}`;
    case 'quarter':
      return lang === 'nl' ? `${year} ${index}e kwartaal` : `${year} Q${index}`;
    case 'month':
      return lang === 'nl' ? `${year} ${monthName(index, lang)}` : `${monthName(index, lang)} ${year}`;
    case 'week':
      return `${year} week ${index}`;
    case 'multi_year':
      if (index === 0) return lang === 'nl' ? `${year} (meerjarig)` : `${year} (multi-year)`;
      return index === 1 ? `${year}` : `${year}-${year + index - 1}`;
    case 'day': {
      const [y, m, d] = period.start.split('-').map(Number);
      return `${d} ${monthName(m ?? 0, lang)} ${y}`;
    }
  }
}

function monthName(month: number, lang: 'nl' | 'en'): string {
  return MONTHS[lang][month - 1] ?? `${month}`;
}

function readWeek(year: number, week: number, cbsType: string): Result<Period> {
  const weeks = isoWeeksInYear(year);
  if (inRange(week, 1, weeks)) return ok(weekPeriod(year, week));
  const first = cbsType ? `${cbsType}01` : 'W01';
  const last = cbsType ? `${cbsType}${weeks}` : `W${weeks}`;
  const why = weeks === 52 ? `; ${year} has no ISO week 53` : '';
  return err(`week must be ${first}..${last}${why}`);
}

function readMultiYear(year: number, years: number): Result<Period> {
  const lastYear = year + Math.max(years, 1) - 1;
  if (lastYear > LAST_YEAR) return err(`a multi-year period must end by ${LAST_YEAR}`);
  return ok(multiYearPeriod(year, years));
}

function readDay(year: number, month: number, day: number): Result<Period> {
  if (!inRange(month, 1, 12)) return err('month must be 01..12');
  const days = daysInMonth(year, month);
  if (!inRange(day, 1, days)) return err(`day must be 01..${days} in ${MONTHS.en[month - 1]} ${year}`);
  return ok(dayPeriod(year, month, day));
}

function yearPeriod(year: number): Period {
  return { code: `${year}JJ00`, kind: 'year', year, index: 0, ...months(year, 1, 12) };
}

function halfYearPeriod(year: number, half: number): Period {
  const code = `${year}HJ${pad2(half)}`;
  return { code, kind: 'half_year', year, index: half, ...months(year, half * 6 - 5, half * 6) };
}

function quarterPeriod(year: number, quarter: number): Period {
  const code = `${year}KW${pad2(quarter)}`;
  return { code, kind: 'quarter', year, index: quarter, ...months(year, quarter * 3 - 2, quarter * 3) };
}

function monthPeriod(year: number, month: number): Period {
  return {
    code: `${year}MM${pad2(month)}`,
    kind: 'month',
    year,
    index: month,
    ...months(year, month, month),
  };
}

// `year` is the ISO week-year: 2020W153 ends on 2021-01-03, 2025W101 starts on 2024-12-30.
function weekPeriod(year: number, week: number): Period {
  const monday = isoWeekOneMonday(year) + (week - 1) * 7 * DAY_MS;
  const code = `${year}W1${pad2(week)}`;
  return { code, kind: 'week', year, index: week, start: dateOf(monday), end: dateOf(monday + 6 * DAY_MS) };
}

// With years = 0 the span is known only from the code list title, so the code year stands in.
function multiYearPeriod(year: number, years: number): Period {
  const span = { start: isoDate(year, 1, 1), end: isoDate(year + Math.max(years, 1) - 1, 12, 31) };
  return { code: `${year}X0${pad2(years)}`, kind: 'multi_year', year, index: years, ...span };
}

function dayPeriod(year: number, month: number, day: number): Period {
  const date = isoDate(year, month, day);
  const index = (Date.UTC(year, month - 1, day) - Date.UTC(year, 0, 1)) / DAY_MS + 1;
  return { code: date, kind: 'day', year, index, start: date, end: date };
}

const DAY_MS = 86_400_000;

function months(year: number, first: number, last: number): { start: string; end: string } {
  return { start: isoDate(year, first, 1), end: isoDate(year, last, daysInMonth(year, last)) };
}

function daysInMonth(year: number, month: number): number {
  // Day 0 of the next month is the last day of this one.
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

// ISO 8601: week 1 is the week with the year's first Thursday, i.e. the week containing 4 January.
function isoWeekOneMonday(year: number): number {
  const january4 = Date.UTC(year, 0, 4);
  const daysSinceMonday = (new Date(january4).getUTCDay() + 6) % 7;
  return january4 - daysSinceMonday * DAY_MS;
}

// A year has ISO week 53 when it starts on a Thursday, or on a Wednesday in a leap year.
function isoWeeksInYear(year: number): number {
  const weekday = new Date(Date.UTC(year, 0, 1)).getUTCDay();
  const leap = daysInMonth(year, 2) === 29;
  return weekday === 4 || (leap && weekday === 3) ? 53 : 52;
}

function dateOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function isoDate(year: number, month: number, day: number): string {
  return `${year}-${pad2(month)}-${pad2(day)}`;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

function inRange(n: number, low: number, high: number): boolean {
  return Number.isInteger(n) && n >= low && n <= high;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
