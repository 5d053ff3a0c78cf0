import { describe, expect, it } from 'vitest';
import {
  AGE_GROUPS,
  bsnOf,
  generatePopulation,
  isValidBsn,
  readBuurtFigures,
} from '../../src/linkage/index.js';

describe('synthetic population of Regio Groningen-Assen (SYNTHETIC)', () => {
  it('has the CBS 2020 inhabitants of every buurt, sex and age groups as close as whole numbers allow, valid unique BSNs', async () => {
    const buurten = await readBuurtFigures();
    expect(buurten.length).toBe(792);
    const p = await generatePopulation({ seed: 5, buurten });
    expect(p.size).toBe(buurten.reduce((s, b) => s + b.inhabitants, 0));
    const count = new Map<number, { n: number; men: number; ages: number[]; aow: number }>();
    for (let i = 0; i < p.size; i++) {
      const c = count.get(p.buurt[i]!) ?? { n: 0, men: 0, ages: [0, 0, 0, 0, 0], aow: 0 };
      c.n++;
      if (p.sex[i] === 0) c.men++;
      const a = p.age[i]!;
      c.ages[a < 15 ? 0 : a < 25 ? 1 : a < 45 ? 2 : a < 65 ? 3 : 4]!++;
      if (p.benefit[i] === 4) c.aow++;
      count.set(p.buurt[i]!, c);
    }
    buurten.forEach((b, bi) => {
      const c = count.get(bi) ?? { n: 0, men: 0, ages: [0, 0, 0, 0, 0], aow: 0 };
      expect(c.n, b.code).toBe(b.inhabitants);
      // CBS rounds men and women to fives: the generator splits the exact total in their ratio.
      const menShare = b.men + b.women > 0 ? b.men / (b.men + b.women) : 0;
      if (b.men + b.women > 0)
        expect(Math.abs(c.men - b.inhabitants * menShare), b.code).toBeLessThanOrEqual(1);
      const ageTotal = b.ageGroups.reduce((s, x) => s + x, 0);
      if (ageTotal > 0)
        c.ages.forEach((x, g) =>
          expect(
            Math.abs(x - (b.inhabitants * b.ageGroups[g]!) / ageTotal),
            `${b.code} ${AGE_GROUPS[g]}`,
          ).toBeLessThanOrEqual(1),
        );
      expect(c.aow, b.code).toBeLessThanOrEqual(b.aow);
    });
    const bsns = new Set<string>();
    for (let i = 0; i < p.size; i += 17) {
      const bsn = bsnOf(p.bsnBody[i]!);
      expect(isValidBsn(bsn)).toBe(true);
      bsns.add(bsn);
    }
    expect(bsns.size).toBe(Math.ceil(p.size / 17));
    // Deterministic: the same seed gives the same persons.
    const again = await generatePopulation({ seed: 5, buurten: buurten.slice(0, 3) });
    const first = await generatePopulation({ seed: 5, buurten: buurten.slice(0, 3) });
    expect([...again.birth]).toEqual([...first.birth]);
  }, 60_000);
});
