// Password hashes with scrypt (node:crypto): memory-hard, so guessing offline costs an attacker
// memory as well as time. Parameters (OWASP's minimum for scrypt is N=2^17, r=8, p=1; we use
// N=2^15, r=8, p=3, which costs the same work at a quarter of the memory, about 32 MB, and
// ~0.1-0.2 s per hash on one core): 16-byte random salt, 32-byte key. The parameters are stored
// with each hash, so they can be raised later without invalidating existing passwords.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptParameters {
  N: number;
  r: number;
  p: number;
}

export const DEFAULT_SCRYPT: ScryptParameters = { N: 2 ** 15, r: 8, p: 3 };
const KEY_LENGTH = 32;
const MIN_PASSWORD = 12;

function derive(password: string, salt: Buffer, params: ScryptParameters): Promise<Buffer> {
  const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r + 2 ** 20 };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

/** Why a password is not acceptable, or undefined when it is. */
export function passwordProblem(password: string): string | undefined {
  if (password.length < MIN_PASSWORD) return `a password needs at least ${MIN_PASSWORD} characters`;
  if (password.length > 1024) return 'a password has at most 1024 characters';
  return undefined;
}

/** `scrypt$N$r$p$salt$key` (salt and key base64url): everything needed to check the password later. */
export async function hashPassword(
  password: string,
  params: ScryptParameters = DEFAULT_SCRYPT,
): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join(
    '$',
  );
}

/** Does `password` match `stored`? Compared in constant time; a malformed hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0) || N > 2 ** 20 || r > 32 || p > 16) return false;
  const salt = Buffer.from(parts[4]!, 'base64url');
  const expected = Buffer.from(parts[5]!, 'base64url');
  if (expected.length !== KEY_LENGTH || password.length > 1024) return false;
  const key = await derive(password, salt, { N, r, p });
  return timingSafeEqual(key, expected);
}

/** A hash no password matches, checked for unknown users so timing does not tell who exists. */
let dummy: Promise<string> | undefined;
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(24).toString('base64url'));
  return dummy;
}
