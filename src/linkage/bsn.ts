// The Dutch citizen service number (burgerservicenummer, BSN): nine digits that pass the 11-test
// (elfproef). A BSN is a direct identifier: udc only ever holds it for the moment it is hashed, and
// never prints it (messages show it masked).

/** Weights of the 11-test: 9, 8, ..., 2 for the first eight digits and -1 for the last. */
const WEIGHTS = [9, 8, 7, 6, 5, 4, 3, 2, -1];

/**
 * True when `text` is nine digits that pass the 11-test. Eight-digit numbers are BSNs with a
 * leading zero dropped by a spreadsheet; they are accepted only after `normaliseBsn`.
 */
export function isValidBsn(text: string): boolean {
  if (text.length !== 9) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return false;
    sum += digit * WEIGHTS[i]!;
  }
  // 000000000 passes the arithmetic but is never issued.
  return sum % 11 === 0 && text !== '000000000';
}

/** Trims spaces and restores a leading zero a spreadsheet dropped (8 digits -> 9). */
export function normaliseBsn(text: string): string {
  const trimmed = text.trim();
  return trimmed.length === 8 && /^\d{8}$/.test(trimmed) ? `0${trimmed}` : trimmed;
}

/**
 * What a message may show of a BSN: nothing but its length, so an error report or log line can
 * never become a place a BSN is written.
 */
export function maskBsn(text: string): string {
  return `${'*'.repeat(Math.min(text.length, 12))} (${text.length} characters, masked)`;
}

/**
 * Makes a BSN that passes the 11-test from eight digits (0 <= body < 10^8), or undefined when no
 * check digit exists for them (the weighted sum leaves remainder 10). For synthetic data only.
 */
export function bsnFromBody(body: number): string | undefined {
  const digits = String(body).padStart(8, '0');
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += (digits.charCodeAt(i) - 48) * WEIGHTS[i]!;
  const check = sum % 11;
  if (check === 10 || body === 0) return undefined;
  return `${digits}${check}`;
}
