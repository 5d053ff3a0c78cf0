import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BatchHash, selfTest as batchSelfTest } from '../../src/linkage/hmac-batch.js';
import { KeyedHash } from '../../src/linkage/hmac.js';
import { seededRandom } from '../../src/core/random.js';

/** node:crypto's MAC of `message` under `key`: its first two 32-bit words, signed. */
function reference(key: Buffer, message: Uint8Array): [number, number] {
  const mac = createHmac('sha256', key).update(message).digest();
  return [mac.readInt32BE(0), mac.readInt32BE(4)];
}

/** Messages 0..count-1 of the batch that differ from node:crypto, as "index: got/expected". */
function mismatches(batch: BatchHash, key: Buffer, count: number, length: number): string[] {
  const wrong: string[] = [];
  for (let i = 0; i < count; i++) {
    const [hi, lo] = reference(key, batch.messages.subarray(i * 16, i * 16 + length));
    if (batch.hi[i] !== hi || batch.lo[i] !== lo)
      wrong.push(`${i}: ${batch.hi[i]},${batch.lo[i]} expected ${hi},${lo}`);
  }
  return wrong;
}

it('uses WebAssembly SIMD on this Node (not silently the fallback)', () => {
  expect(new BatchHash([randomBytes(32)]).simd).toBe(true);
});

describe.each([
  ['WebAssembly SIMD', true],
  ['KeyedHash fallback', false],
])('BatchHash (%s)', (_name, simd) => {
  it('equals node:crypto for 10,000 random messages of random lengths and counts under random keys', () => {
    const random = seededRandom(11);
    const keys = [16, 17, 32, 55, 64].map((n) => randomBytes(n));
    const batch = new BatchHash(keys, { simd });
    expect(batch.simd).toBe(simd);
    let hashed = 0;
    const wrong: string[] = [];
    while (hashed < 10_000) {
      const count = 1 + Math.floor(random() * batch.capacity);
      const length = 1 + Math.floor(random() * 16);
      const key = Math.floor(random() * keys.length);
      // Whole slots: the bytes past each message are stale and must not count.
      batch.messages.set(randomBytes(batch.capacity * 16));
      batch.hash(count, length, key);
      wrong.push(...mismatches(batch, keys[key]!, count, length));
      hashed += count;
    }
    expect(wrong.slice(0, 5)).toEqual([]);
  });

  it('hashes every length 1..16 and the edge counts 0, 1, 3, 4, 5 and capacity', () => {
    const key = randomBytes(32);
    const batch = new BatchHash([key], { simd });
    for (let length = 1; length <= 16; length++)
      for (const count of [1, 3, 4, 5, batch.capacity]) {
        batch.messages.set(randomBytes(batch.capacity * 16));
        batch.hash(count, length, 0);
        expect(mismatches(batch, key, count, length).slice(0, 3), `length ${length}, count ${count}`).toEqual(
          [],
        );
      }
    // Count 0 computes nothing: the results stay as they were.
    batch.hi.fill(7);
    batch.lo.fill(-7);
    batch.hash(0, 9, 0);
    expect(batch.hi.every((v) => v === 7) && batch.lo.every((v) => v === -7)).toBe(true);
  });

  it('gives a BSN the same pseudonym as node:crypto and KeyedHash, and under each key its own', () => {
    const keys = [randomBytes(32), randomBytes(32)];
    const batch = new BatchHash(keys, { simd });
    batch.messages.set(Buffer.from('111222333', 'latin1'));
    batch.hash(1, 9, 0);
    const first = [batch.hi[0], batch.lo[0]];
    expect(first).toEqual(reference(keys[0]!, Buffer.from('111222333', 'latin1')));
    const keyed = new KeyedHash(keys[0]!);
    keyed.bytes(Buffer.from('111222333', 'latin1'), 0, 9);
    expect(first).toEqual([keyed.hi, keyed.lo]);
    batch.hash(1, 9, 1);
    expect([batch.hi[0], batch.lo[0]]).toEqual(reference(keys[1]!, Buffer.from('111222333', 'latin1')));
    expect([batch.hi[0], batch.lo[0]]).not.toEqual(first);
  });

  it('chains generations: the 64-bit pseudonym under key 0, as 8 big-endian bytes, hashed under key 1', () => {
    const keys = [randomBytes(32), randomBytes(48)];
    const batch = new BatchHash(keys, { simd });
    const count = 1001;
    const bsns = Array.from({ length: count }, (_, i) => String(100_000_000 + i * 7919));
    bsns.forEach((bsn, i) => batch.messages.set(Buffer.from(bsn, 'latin1'), i * 16));
    batch.hash(count, 9, 0);
    const view = new DataView(batch.messages.buffer, batch.messages.byteOffset, batch.messages.byteLength);
    for (let i = 0; i < count; i++) {
      view.setInt32(i * 16, batch.hi[i]!);
      view.setInt32(i * 16 + 4, batch.lo[i]!);
    }
    batch.hash(count, 8, 1);
    const wrong = bsns.flatMap((bsn, i) => {
      const pseudonym = createHmac('sha256', keys[0]!).update(bsn, 'latin1').digest().subarray(0, 8);
      const [hi, lo] = reference(keys[1]!, pseudonym);
      return batch.hi[i] === hi && batch.lo[i] === lo ? [] : [bsn];
    });
    expect(wrong.slice(0, 5)).toEqual([]);
  });

  it('refuses keys shorter than 16 or longer than 64 bytes, no keys, and out-of-range calls', () => {
    expect(() => new BatchHash([randomBytes(15)], { simd })).toThrow(/16 to 64 bytes/);
    expect(() => new BatchHash([randomBytes(32), randomBytes(65)], { simd })).toThrow(/16 to 64 bytes/);
    expect(() => new BatchHash([], { simd })).toThrow(/at least one key/);
    const batch = new BatchHash([randomBytes(16), randomBytes(64)], { simd });
    expect(() => batch.hash(batch.capacity + 1, 9, 0)).toThrow(/count/);
    expect(() => batch.hash(-1, 9, 0)).toThrow(/count/);
    expect(() => batch.hash(4, 0, 0)).toThrow(/length/);
    expect(() => batch.hash(4, 17, 0)).toThrow(/length/);
    expect(() => batch.hash(4, 9, 2)).toThrow(/key 2/);
    expect(() => batch.hash(4, 9, 1.5)).toThrow(/key/);
  });

  it('passes its self-test', () => {
    expect(() => batchSelfTest({ simd })).not.toThrow();
  });
});
