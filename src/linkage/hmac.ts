// Keyed HMAC-SHA-256 for the short messages pseudonymisation hashes (a BSN, a date, a postcode, an
// earlier pseudonym). Millions of records are hashed per import; node:crypto costs about 2.5 µs a
// call, almost all of it crossing into C++. Here the key's inner and outer SHA-256 states are
// computed once (the standard HMAC precomputation), so one message is two compressions in plain
// JavaScript. Messages longer than one block fall back to node:crypto. `selfTest` proves the fast
// path equal to node:crypto before any import uses it.
import { createHmac, randomBytes } from 'node:crypto';

export const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);
export const IV = new Int32Array([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

/**
 * One SHA-256 compression: `state` (8 words) absorbs the block `w[0..15]`, result in `out`. The
 * message schedule is computed in place in w's 16 words (a ring), so `w` is destroyed.
 */
export function compress(state: Int32Array, w: Int32Array, out: Int32Array): void {
  let a = state[0]!;
  let b = state[1]!;
  let c = state[2]!;
  let d = state[3]!;
  let e = state[4]!;
  let f = state[5]!;
  let g = state[6]!;
  let h = state[7]!;
  for (let i = 0; i < 64; i++) {
    let wi: number;
    if (i < 16) wi = w[i]!;
    else {
      const x = w[(i - 15) & 15]!;
      const y = w[(i - 2) & 15]!;
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      wi = (w[i & 15]! + s0 + w[(i - 7) & 15]! + s1) | 0;
      w[i & 15] = wi;
    }
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const ch = (e & f) ^ (~e & g);
    const t1 = (h + S1 + ch + K[i]! + wi) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const maj = (a & b) ^ (a & c) ^ (b & c);
    const t2 = (S0 + maj) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  out[0] = (state[0]! + a) | 0;
  out[1] = (state[1]! + b) | 0;
  out[2] = (state[2]! + c) | 0;
  out[3] = (state[3]! + d) | 0;
  out[4] = (state[4]! + e) | 0;
  out[5] = (state[5]! + f) | 0;
  out[6] = (state[6]! + g) | 0;
  out[7] = (state[7]! + h) | 0;
}

/** Longest message the fast path takes: one block minus the padding byte and length. */
const FAST_LIMIT = 55;

/**
 * HMAC-SHA-256 under one key, returning the first 64 bits of the MAC (what udc stores as a
 * pseudonym). Not thread-safe (it reuses buffers): each worker thread has its own.
 */
export class KeyedHash {
  /** The first 32 bits of the last MAC computed by `bytes` or `words` (signed). */
  hi = 0;
  /** The next 32 bits of the last MAC computed by `bytes` or `words` (signed; `>>> 0` for unsigned). */
  lo = 0;
  private readonly key: Buffer;
  private readonly inner = new Int32Array(8);
  private readonly outer = new Int32Array(8);
  private readonly w = new Int32Array(16);
  private readonly mid = new Int32Array(8);
  private readonly result = new Int32Array(8);

  constructor(key: Buffer) {
    if (key.length < 16 || key.length > 64) throw new Error('a linkage key has 16 to 64 bytes');
    this.key = Buffer.from(key);
    const pad = Buffer.alloc(64);
    for (const [mask, state] of [
      [0x36, this.inner],
      [0x5c, this.outer],
    ] as const) {
      pad.fill(mask);
      for (let i = 0; i < key.length; i++) pad[i] = key[i]! ^ mask;
      for (let i = 0; i < 16; i++) this.w[i] = pad.readInt32BE(i * 4);
      compress(IV, this.w, state);
    }
  }

  /** The first 64 bits of HMAC-SHA-256(key, latin1 text), as a signed 64-bit integer. */
  text(message: string): bigint {
    const n = message.length;
    if (n > FAST_LIMIT || !isLatin1(message)) return this.slow(Buffer.from(message, 'utf8'));
    const w = this.w;
    w.fill(0, 0, 16);
    for (let i = 0; i < n; i++) w[i >> 2]! |= message.charCodeAt(i) << (24 - 8 * (i & 3));
    this.finish(n);
    return this.bigint();
  }

  /**
   * HMAC of the bytes `data[start..end)` (at most 55 of them), into `hi` and `lo`: no string, no
   * BigInt, for the millions of BSNs an import hashes.
   */
  bytes(data: Uint8Array, start: number, end: number): void {
    const n = end - start;
    if (n > FAST_LIMIT || n < 0) throw new Error(`KeyedHash.bytes takes 0 to ${FAST_LIMIT} bytes`);
    const w = this.w;
    w.fill(0, 0, 16);
    for (let i = 0; i < n; i++) w[i >> 2]! |= data[start + i]! << (24 - 8 * (i & 3));
    this.finish(n);
  }

  /** HMAC of the 8 big-endian bytes of the 64-bit value (hi, lo), into `hi` and `lo`. */
  words(hi: number, lo: number): void {
    const w = this.w;
    w.fill(0, 0, 16);
    w[0] = hi | 0;
    w[1] = lo | 0;
    this.finish(8);
  }

  /** The first 64 bits of HMAC-SHA-256(key, the 8 big-endian bytes of `value`). */
  int64(value: bigint): bigint {
    const unsigned = BigInt.asUintN(64, value);
    this.words(Number(unsigned >> 32n) | 0, Number(unsigned & 0xffffffffn) | 0);
    return this.bigint();
  }

  /** Pads the n-byte message in w[0..15] and runs the inner and outer hash. */
  private finish(n: number): void {
    const w = this.w;
    w[n >> 2]! |= 0x80 << (24 - 8 * (n & 3));
    w[15] = (64 + n) * 8;
    compress(this.inner, w, this.mid);
    for (let i = 0; i < 8; i++) w[i] = this.mid[i]!;
    w[8] = 0x80000000 | 0;
    w.fill(0, 9, 15);
    w[15] = (64 + 32) * 8;
    compress(this.outer, w, this.result);
    this.hi = this.result[0]!;
    this.lo = this.result[1]!;
  }

  private bigint(): bigint {
    return (BigInt(this.hi) << 32n) | BigInt(this.lo >>> 0);
  }

  private slow(message: Buffer): bigint {
    return createHmac('sha256', this.key).update(message).digest().readBigInt64BE(0);
  }
}

function isLatin1(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** The reference: node:crypto's HMAC-SHA-256, first 64 bits, signed. */
export function referenceHash(key: Buffer, message: Buffer): bigint {
  return createHmac('sha256', key).update(message).digest().readBigInt64BE(0);
}

/**
 * Proves the fast path equal to node:crypto on random messages of every length it takes; throws
 * (refusing to pseudonymise) when it is not.
 */
export function selfTest(): void {
  const key = randomBytes(32);
  const hash = new KeyedHash(key);
  for (let n = 0; n <= FAST_LIMIT + 3; n++) {
    const message = Buffer.from(randomBytes(n).map((b) => 32 + (b % 95))).toString('latin1');
    const expected = referenceHash(key, Buffer.from(message, 'latin1'));
    if (hash.text(message) !== expected) throw new Error(`HMAC self-test failed for a message of ${n} bytes`);
    if (n <= FAST_LIMIT) {
      hash.bytes(Buffer.from(message, 'latin1'), 0, n);
      if (hash.hi !== Number(expected >> 32n) || hash.lo !== Number(BigInt.asIntN(32, expected)))
        throw new Error(`HMAC self-test failed for ${n} bytes given as bytes`);
    }
  }
  const value = randomBytes(8).readBigInt64BE(0);
  const bytes = Buffer.alloc(8);
  bytes.writeBigInt64BE(value);
  if (hash.int64(value) !== referenceHash(key, bytes))
    throw new Error('HMAC self-test failed for a 64-bit value');
}
