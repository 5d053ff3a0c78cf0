// HMAC-SHA-256 of many short messages at once, in WebAssembly SIMD: the four 32-bit lanes of a
// v128 hold the same word of four different messages, so one pass of the SHA-256 rounds hashes four
// messages. As in hmac.ts the key's inner and outer states are precomputed, so a message of at most
// 16 bytes is one inner and one outer compression. The module is generated here on first use (see
// wasm.ts), the 2 x 64 rounds unrolled by the loops below; where SIMD is not available every
// message goes through KeyedHash instead, with the same API and results. `selfTest` proves
// the results equal to node:crypto.
import { createHmac, randomBytes } from 'node:crypto';
import { compress, IV, K, KeyedHash } from './hmac.js';
import { Code, functionModule, Op, Simd, Type } from './wasm.js';

/** Messages per call: 16 KiB of message slots plus 8 KiB of results stay in the L1 cache. */
const CAPACITY = 1024;
/** Longest message: one 16-byte slot, i.e. the first four words of the block. */
const MAX_LENGTH = 16;

// The memory: message slots, results, the padding template of the current length, key states.
const MESSAGES = 0;
const HI = MESSAGES + CAPACITY * 16;
const LO = HI + CAPACITY * 4;
/** Byte mask (16), terminator byte (16), word 4 and word 15 of the padded block (16 each, splat). */
const TEMPLATE = LO + CAPACITY * 4;
/** Per key: the inner then the outer state, eight words each, every word splat to four lanes. */
const KEYS = TEMPLATE + 64;
const KEY_BYTES = 2 * 8 * 16;

const PAGE = 65536;

/** A block word as the emitter knows it: a constant (same in every lane) or held in a local. */
type Word = { constant: number } | { local: number };

const rotr = (x: number, n: number) => (x >>> n) | (x << (32 - n));
const smallSigma0 = (x: number) => rotr(x, 7) ^ rotr(x, 18) ^ (x >>> 3);
const smallSigma1 = (x: number) => rotr(x, 17) ^ rotr(x, 19) ^ (x >>> 10);

/**
 * hash(end, key): for p = 0, 64, .., end-64 hashes the four messages in slots p/16..p/16+3 under
 * the key whose states start at byte `key`, and stores the MACs' first two words at HI/LO + p/4.
 */
function emitBatchHmac(): Uint8Array<ArrayBuffer> {
  const c = new Code();
  const END = 0;
  const KEY = 1;
  const P = 2;
  let next = 3;
  const v128 = (n: number) => Array.from({ length: n }, () => next++);
  const state = v128(8);
  const w = v128(16);
  const [t1, ab, bc] = v128(3) as [number, number, number];
  const m = v128(4);
  const s = v128(4);

  const add = () => c.simd(Simd.i32x4Add);
  const xor = () => c.simd(Simd.v128Xor);
  // No rotate in WASM SIMD: (x >>> n) | (x << 32-n).
  const rotate = (local: number, n: number) =>
    c
      .get(local)
      .i32(n)
      .simd(Simd.i32x4ShrU)
      .get(local)
      .i32(32 - n)
      .simd(Simd.i32x4Shl)
      .simd(Simd.v128Or);
  const bigSigma = (local: number, r: readonly [number, number, number]) => {
    rotate(local, r[0]);
    rotate(local, r[1]);
    xor();
    rotate(local, r[2]);
    xor();
  };
  const smallSigma = (local: number, r: readonly [number, number, number]) => {
    rotate(local, r[0]);
    rotate(local, r[1]);
    xor();
    c.get(local).i32(r[2]).simd(Simd.i32x4ShrU);
    xor();
  };

  /**
   * Word i >= 16 of the schedule into the ring slot i & 15: σ1(w[i-2]) + w[i-7] + σ0(w[i-15]) +
   * w[i-16]. Constant terms (the padding) are added here in TypeScript, so the outer hash's fixed
   * second half costs nothing and a word made of constants only stays a constant.
   */
  function schedule(words: Word[], i: number): void {
    let constant = 0;
    let pushed = 0;
    const term = (word: Word, sigma: ((x: number) => number) | undefined, emit: (local: number) => void) => {
      if ('constant' in word) constant += sigma ? sigma(word.constant) : word.constant;
      else {
        emit(word.local);
        if (++pushed > 1) add();
      }
    };
    term(words[(i - 2) & 15]!, smallSigma1, (x) => smallSigma(x, [17, 19, 10]));
    term(words[(i - 7) & 15]!, undefined, (x) => c.get(x));
    term(words[(i - 15) & 15]!, smallSigma0, (x) => smallSigma(x, [7, 18, 3]));
    term(words[i & 15]!, undefined, (x) => c.get(x));
    constant |= 0;
    if (pushed === 0) {
      words[i & 15] = { constant };
      return;
    }
    if (constant !== 0) c.splat(constant).simd(Simd.i32x4Add);
    c.set(w[i & 15]!);
    words[i & 15] = { local: w[i & 15]! };
  }

  /**
   * Round i on the state held in the locals `st` (a..h). Returns the locals in their new roles: the
   * new e is written over d and the new a over h, the rest only change names, so no copies. Maj
   * is ((a ^ b) & (b ^ c)) ^ b, where this round's a ^ b is the next round's b ^ c.
   */
  function round(i: number, st: number[], words: Word[], bcLocal: number, abLocal: number): number[] {
    const [a, b, cc, d, e, f, g, h] = st as [number, number, number, number, number, number, number, number];
    const word = words[i & 15]!;
    c.get(h);
    bigSigma(e, [6, 11, 25]);
    add();
    c.get(f).get(g).get(e).simd(Simd.v128Bitselect); // Ch: f where e is 1, g where it is 0
    add();
    if ('constant' in word) c.splat((K[i]! + word.constant) | 0);
    else c.get(word.local).splat(K[i]!).simd(Simd.i32x4Add);
    add();
    c.set(t1);
    c.get(d).get(t1);
    add();
    c.set(d);
    c.get(t1);
    bigSigma(a, [2, 13, 22]);
    add();
    c.get(a).get(b);
    xor();
    c.tee(abLocal).get(bcLocal).simd(Simd.v128And).get(b);
    xor();
    add();
    c.set(h);
    return [h, a, b, cc, d, e, f, g];
  }

  /** 64 rounds from the key state at byte `offset` of the key; returns the locals holding a..h. */
  function compression(offset: number, words: Word[]): number[] {
    for (let j = 0; j < 8; j++)
      c.get(KEY)
        .load(offset + j * 16)
        .set(state[j]!);
    c.get(state[1]!).get(state[2]!);
    xor();
    c.set(bc);
    let st = state;
    let [x, y] = [bc, ab];
    for (let i = 0; i < 64; i++) {
      if (i >= 16) schedule(words, i);
      st = round(i, st, words, x, y);
      [x, y] = [y, x];
    }
    return st;
  }

  c.op(Op.block, Type.void).op(Op.loop, Type.void);
  c.get(P).get(END).op(Op.i32GeU).op(Op.brIf, 1);

  // Four slots, masked to the message length and given their 0x80 terminator (the template) ...
  for (let k = 0; k < 4; k++) {
    c.get(P).load(MESSAGES + 16 * k);
    c.i32(0).load(TEMPLATE).simd(Simd.v128And);
    c.i32(0)
      .load(TEMPLATE + 16)
      .simd(Simd.v128Or);
    c.set(m[k]!);
  }
  // ... then transposed so lane k holds message k, and byte-swapped to big-endian words, by two
  // rounds of shuffles: first pairs of messages (words 0-1 and 2-3), then the pairs together.
  const pairLow = [3, 2, 1, 0, 19, 18, 17, 16, 7, 6, 5, 4, 23, 22, 21, 20];
  const pairHigh = pairLow.map((i) => i + 8);
  const halves = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];
  const upperHalves = halves.map((i) => i + 8);
  c.get(m[0]!).get(m[1]!).shuffle(pairLow).set(s[0]!);
  c.get(m[0]!).get(m[1]!).shuffle(pairHigh).set(s[1]!);
  c.get(m[2]!).get(m[3]!).shuffle(pairLow).set(s[2]!);
  c.get(m[2]!).get(m[3]!).shuffle(pairHigh).set(s[3]!);
  c.get(s[0]!).get(s[2]!).shuffle(halves).set(w[0]!);
  c.get(s[0]!).get(s[2]!).shuffle(upperHalves).set(w[1]!);
  c.get(s[1]!).get(s[3]!).shuffle(halves).set(w[2]!);
  c.get(s[1]!).get(s[3]!).shuffle(upperHalves).set(w[3]!);
  // Word 4 (the terminator of a 16-byte message) and 15 (the bit length) depend on the length only.
  c.i32(0)
    .load(TEMPLATE + 32)
    .set(w[4]!);
  c.i32(0)
    .load(TEMPLATE + 48)
    .set(w[15]!);

  const inner: Word[] = w.map((local, j) => (j <= 4 || j === 15 ? { local } : { constant: 0 }));
  let st = compression(0, inner);
  // The inner digest is the outer block's first half; the rest is padding for 32 bytes after ipad.
  for (let j = 0; j < 8; j++)
    c.get(KEY)
      .load(j * 16)
      .get(st[j]!)
      .simd(Simd.i32x4Add)
      .set(w[j]!);
  const outer: Word[] = w.map((local, j) =>
    j < 8 ? { local } : { constant: j === 8 ? 0x80000000 | 0 : j === 15 ? (64 + 32) * 8 : 0 },
  );
  st = compression(128, outer);
  c.get(P).i32(2).op(Op.i32ShrU);
  c.get(KEY).load(128).get(st[0]!).simd(Simd.i32x4Add).store(HI);
  c.get(P).i32(2).op(Op.i32ShrU);
  c.get(KEY)
    .load(128 + 16)
    .get(st[1]!)
    .simd(Simd.i32x4Add)
    .store(LO);

  c.get(P).i32(64).op(Op.i32Add).set(P).op(Op.br, 0);
  c.op(Op.end).op(Op.end);

  const locals = [Type.i32, ...Array.from({ length: next - 3 }, () => Type.v128)];
  return functionModule({ name: 'hash', params: [Type.i32, Type.i32], locals, code: c });
}

let compiled: WebAssembly.Module | null | undefined;
/**
 * The compiled module, or null where this engine has no WebAssembly SIMD. Made on first use, so
 * that processes which never pseudonymise (the server, most commands) do not pay for it.
 */
function simdModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    const binary = emitBatchHmac();
    compiled =
      typeof WebAssembly === 'object' && WebAssembly.validate(binary) ? new WebAssembly.Module(binary) : null;
  }
  return compiled;
}

/** The key's inner and outer SHA-256 states (8 + 8 words): the standard HMAC precomputation. */
function keyStates(key: Uint8Array): Int32Array {
  const states = new Int32Array(16);
  const pad = Buffer.alloc(64);
  const w = new Int32Array(16);
  for (const [mask, at] of [
    [0x36, 0],
    [0x5c, 8],
  ] as const) {
    pad.fill(mask);
    for (let i = 0; i < key.length; i++) pad[i] = key[i]! ^ mask;
    for (let i = 0; i < 16; i++) w[i] = pad.readInt32BE(i * 4);
    compress(IV, w, states.subarray(at, at + 8));
  }
  return states;
}

/**
 * HMAC-SHA-256 of many short messages at once under one or more keys (first 64 bits of each MAC).
 * Not thread-safe: one per worker thread.
 */
export class BatchHash {
  /** Most messages one call takes. */
  readonly capacity = CAPACITY;
  /** Where the caller writes message i: bytes [i*16, i*16+length). A view into the module's memory. */
  readonly messages: Uint8Array;
  /** After hash(): high and low 32 bits (signed) of the MAC of message i. Views into the module's memory. */
  readonly hi: Int32Array;
  readonly lo: Int32Array;
  /** Whether the WebAssembly SIMD path is used (false: KeyedHash per message). */
  readonly simd: boolean;
  private readonly keyCount: number;
  private readonly run: ((end: number, key: number) => void) | undefined;
  private readonly template: Uint8Array;
  private templateLength = 0;
  private readonly fallback: KeyedHash[] = [];

  /** `options.simd: false` forces the KeyedHash path (for tests of it). */
  constructor(keys: readonly Buffer[], options: { simd?: boolean } = {}) {
    if (keys.length === 0) throw new Error('BatchHash needs at least one key');
    for (const key of keys)
      if (key.length < 16 || key.length > 64) throw new Error('a linkage key has 16 to 64 bytes');
    this.keyCount = keys.length;
    const module = options.simd === false ? null : simdModule();
    this.simd = module !== null;
    if (module === null) {
      this.fallback = keys.map((key) => new KeyedHash(key));
      this.messages = new Uint8Array(CAPACITY * 16);
      this.hi = new Int32Array(CAPACITY);
      this.lo = new Int32Array(CAPACITY);
      this.template = new Uint8Array(0);
      this.run = undefined;
      return;
    }
    // Sized once: the memory never grows, so the views below stay valid.
    const memory = new WebAssembly.Memory({ initial: Math.ceil((KEYS + keys.length * KEY_BYTES) / PAGE) });
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    this.run = instance.exports.hash as (end: number, key: number) => void;
    const buffer = memory.buffer;
    this.messages = new Uint8Array(buffer, MESSAGES, CAPACITY * 16);
    this.hi = new Int32Array(buffer, HI, CAPACITY);
    this.lo = new Int32Array(buffer, LO, CAPACITY);
    this.template = new Uint8Array(buffer, TEMPLATE, 64);
    keys.forEach((key, k) => {
      const states = keyStates(key);
      const splat = new Int32Array(buffer, KEYS + k * KEY_BYTES, KEY_BYTES / 4);
      for (let j = 0; j < 16; j++) splat.fill(states[j]!, j * 4, j * 4 + 4);
    });
  }

  /** Hashes messages 0..count-1, each `length` bytes (1..16), under keys[key]. */
  hash(count: number, length: number, key: number): void {
    if (!Number.isInteger(count) || count < 0 || count > CAPACITY)
      throw new RangeError(`BatchHash.hash: count ${count} is not a whole number from 0 to ${CAPACITY}`);
    if (!Number.isInteger(length) || length < 1 || length > MAX_LENGTH)
      throw new RangeError(`BatchHash.hash: length ${length} is not a whole number from 1 to ${MAX_LENGTH}`);
    if (!Number.isInteger(key) || key < 0 || key >= this.keyCount)
      throw new RangeError(`BatchHash.hash: key ${key} is not one of the ${this.keyCount} keys`);
    if (this.run === undefined) {
      for (let i = 0; i < count; i++) {
        const hash = this.fallback[key]!;
        hash.bytes(this.messages, i * 16, i * 16 + length);
        this.hi[i] = hash.hi;
        this.lo[i] = hash.lo;
      }
      return;
    }
    if (length !== this.templateLength) this.writeTemplate(length);
    // Whole groups of four: the lanes past `count` hash stale slots into unused result entries.
    this.run(Math.ceil(count / 4) * 64, KEYS + key * KEY_BYTES);
  }

  /**
   * The padding of a `length`-byte message after the 64 bytes of ipad: keep its bytes, 0x80 right
   * after them, zeros, and the bit length (64 + length) * 8 in word 15.
   */
  private writeTemplate(length: number): void {
    const t = this.template;
    t.fill(0);
    t.fill(0xff, 0, length);
    if (length < 16) t[16 + length] = 0x80;
    const words = new Int32Array(t.buffer, t.byteOffset + 32, 8);
    words.fill(length === 16 ? 0x80000000 | 0 : 0, 0, 4);
    words.fill((64 + length) * 8, 4, 8);
    this.templateLength = length;
  }
}

/**
 * Proves BatchHash equal to node:crypto for random keys of 16, 32 and 64 bytes, every message
 * length, counts that are not multiples of four, and slots full of stale bytes past each message;
 * throws (refusing to pseudonymise) when it is not.
 */
export function selfTest(options: { simd?: boolean } = {}): void {
  const keys = [randomBytes(16), randomBytes(32), randomBytes(64)];
  const batch = new BatchHash(keys, options);
  for (let length = 1; length <= MAX_LENGTH; length++) {
    const count = 4 * length + (length % 4) + 1;
    batch.messages.set(randomBytes(count * 16));
    for (let k = 0; k < keys.length; k++) {
      batch.hash(count, length, k);
      for (let i = 0; i < count; i++) {
        const mac = createHmac('sha256', keys[k]!)
          .update(batch.messages.subarray(i * 16, i * 16 + length))
          .digest();
        if (batch.hi[i] !== mac.readInt32BE(0) || batch.lo[i] !== mac.readInt32BE(4))
          throw new Error(`batch HMAC self-test failed for message ${i} of ${length} bytes under key ${k}`);
      }
    }
  }
}
