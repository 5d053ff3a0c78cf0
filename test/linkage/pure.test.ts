import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  bsnFromBody,
  estimateEM,
  isValidBsn,
  maskBsn,
  matchWeight,
  normaliseBsn,
  parseDate,
  posterior,
  Pseudonymiser,
} from '../../src/linkage/index.js';
import { KeyedHash } from '../../src/linkage/hmac.js';
import { seededRandom } from '../../src/core/random.js';

describe('BSN 11-test', () => {
  it('accepts numbers whose weighted sum is a multiple of 11 and refuses others', () => {
    // 111222333: 9+8+7+12+10+8+9+6-3 = 66 = 6 x 11.
    expect(isValidBsn('111222333')).toBe(true);
    expect(isValidBsn('111222334')).toBe(false);
    expect(isValidBsn('000000000')).toBe(false);
    expect(isValidBsn('11122233')).toBe(false);
    expect(isValidBsn('11122233a')).toBe(false);
    expect(isValidBsn(normaliseBsn(' 11222333 '))).toBe(isValidBsn('011222333'));
  });
  it('makes valid BSNs from eight digits, or none when the check digit would be 10', () => {
    let made = 0;
    for (let body = 10_000_000; body < 10_001_000; body++) {
      const bsn = bsnFromBody(body);
      if (bsn === undefined) continue;
      made++;
      expect(isValidBsn(bsn)).toBe(true);
    }
    expect(made).toBeGreaterThan(850);
    expect(made).toBeLessThan(1000);
  });
  it('masks a BSN completely', () => {
    expect(maskBsn('111222333')).not.toMatch(/\d{2}/);
  });
});

describe('keyed hashing', () => {
  it('equals node:crypto HMAC-SHA-256 (first 64 bits) for every message length', () => {
    const key = randomBytes(32);
    const hash = new KeyedHash(key);
    for (let n = 0; n < 80; n++) {
      const text = 'x9;'.repeat(30).slice(0, n);
      expect(hash.text(text)).toBe(createHmac('sha256', key).update(text).digest().readBigInt64BE(0));
    }
    const v = -1234567890123456789n;
    const bytes = Buffer.alloc(8);
    bytes.writeBigInt64BE(v);
    expect(hash.int64(v)).toBe(createHmac('sha256', key).update(bytes).digest().readBigInt64BE(0));
  });
  it('chains generations: a pseudonym re-keyed one step equals hashing through the whole chain', () => {
    const keys = [randomBytes(32), randomBytes(32), randomBytes(32)];
    const g1 = new Pseudonymiser(keys, 1);
    const g2 = new Pseudonymiser(keys, 2);
    const g3 = new Pseudonymiser(keys, 3);
    const p1 = g1.text('111222333');
    expect(g2.step(p1)).toBe(g2.text('111222333'));
    expect(g3.step(g2.step(p1))).toBe(g3.text('111222333'));
    expect(g2.text('111222333')).not.toBe(p1);
  });
});

describe('dates', () => {
  it('reads ISO, Dutch and compact dates and refuses impossible ones', () => {
    expect(parseDate('2001-02-03')).toBe('2001-02-03');
    expect(parseDate('3-2-2001')).toBe('2001-02-03');
    expect(parseDate('20010203')).toBe('2001-02-03');
    expect(parseDate('2001-02-30')).toBeUndefined();
    expect(parseDate('yesterday')).toBeUndefined();
  });
});

describe('Fellegi-Sunter EM', () => {
  it('recovers m, u and the match share from simulated comparison patterns', () => {
    const m = [0.95, 0.9, 0.85];
    const u = [0.01, 0.05, 0.2];
    const share = 0.2;
    const random = seededRandom(7);
    const counts = new Map<number, number>();
    for (let i = 0; i < 200_000; i++) {
      const match = random() < share;
      let pattern = 0;
      for (let k = 0; k < 3; k++) if (random() < (match ? m[k]! : u[k]!)) pattern |= 1 << k;
      counts.set(pattern, (counts.get(pattern) ?? 0) + 1);
    }
    const model = estimateEM(['a', 'b', 'c'], counts);
    expect(model.converged).toBe(true);
    expect(model.matchShare).toBeCloseTo(share, 2);
    model.m.forEach((v, k) => expect(v).toBeCloseTo(m[k]!, 1));
    model.u.forEach((v, k) => expect(v).toBeCloseTo(u[k]!, 1));
    expect(matchWeight(7, model.m, model.u)).toBeGreaterThan(matchWeight(0, model.m, model.u));
    expect(posterior(7, model.m, model.u, model.matchShare)).toBeGreaterThan(0.99);
  });
});
