// Value functions of pseudonymisation: dates read in the formats registrations use, ages on a
// reference date, values normalised before they are hashed. Shared by the main thread and the
// worker threads that pseudonymise large files.

/** Normalises a value before it is hashed for probabilistic linkage, so spelling differences do not matter. */
export function normaliseForHash(value: string): string {
  const compact = value.trim().toUpperCase().replace(/\s+/g, '');
  const date = parseDate(compact);
  return date ?? compact;
}

const ISO_DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const DUTCH_DATE = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/;
const COMPACT_DATE = /^(\d{4})(\d{2})(\d{2})$/;

/** A date written YYYY-MM-DD, DD-MM-YYYY (also / or .) or YYYYMMDD, as YYYY-MM-DD; undefined if none. */
export function parseDate(text: string): string | undefined {
  // Fast path for the common YYYY-MM-DD (millions of rows): digits and calendar checked by hand.
  if (text.length === 10 && text.charCodeAt(4) === 45 && text.charCodeAt(7) === 45) {
    const year = digits(text, 0, 4);
    const month = digits(text, 5, 7);
    const day = digits(text, 8, 10);
    if (year >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month)) return text;
    if (year >= 0 && month >= 0 && day >= 0) return undefined;
  }
  let m = ISO_DATE.exec(text) ?? COMPACT_DATE.exec(text);
  let year: number, month: number, day: number;
  if (m) [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  else if ((m = DUTCH_DATE.exec(text))) [year, month, day] = [Number(m[3]), Number(m[2]), Number(m[1])];
  else return undefined;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day)
    return undefined;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function digits(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** Days in a month of the Gregorian calendar. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Whole years between an ISO birth date and an ISO reference date. */
export function ageOn(birth: string, reference: string): number {
  const by = Number(birth.slice(0, 4));
  const ry = Number(reference.slice(0, 4));
  return ry - by - (reference.slice(5) < birth.slice(5) ? 1 : 0);
}
