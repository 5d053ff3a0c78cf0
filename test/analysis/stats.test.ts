import { seededRandom } from '../../src/core/random.js';
import { describe, expect, it } from 'vitest';
import {
  chooseK,
  correlationInterval,
  kMeans,
  meanSilhouette,
  pearson,
  percentileRank,
  ranks,
  spearman,
  standardDeviation,
  standardise,
  twoSidedP,
  wilsonInterval,
  zScore,
} from '../../src/analysis/index.js';
import { distribution } from '../../src/analysis/position.js';

describe('descriptive statistics, checked by hand', () => {
  // A small set: 2, 4, 4, 4, 5, 5, 7, 9. Mean 5; squared deviations 9+1+1+1+0+0+4+16 = 32;
  // sample variance 32/7, sd = sqrt(32/7) = 2.138089935...
  const xs = [2, 4, 4, 4, 5, 5, 7, 9];

  it('z-scores use the sample standard deviation', () => {
    expect(standardDeviation(xs)).toBeCloseTo(Math.sqrt(32 / 7), 12);
    expect(zScore(9, xs)).toBeCloseTo(4 / Math.sqrt(32 / 7), 12); // 1.870828693
    expect(zScore(9, xs)).toBeCloseTo(1.870828693, 8);
    expect(zScore(2, xs)).toBeCloseTo(-1.40312152, 8);
    expect(zScore(3, [3, 3, 3])).toBeNull();
  });

  it('percentile ranks are mid-ranks: below plus half of the equal ones', () => {
    expect(percentileRank(4, xs)).toBe((100 * (1 + 3 / 2)) / 8); // 31.25
    expect(percentileRank(9, xs)).toBe((100 * (7 + 0.5)) / 8); // 93.75
    expect(percentileRank(5, [1, 5, 9])).toBe(50);
  });

  it('a distribution gives rank 1 to the highest value', () => {
    const d = distribution(7, xs, 'nl', null, 10);
    expect(d).toMatchObject({ n: 8, areas: 10, mean: 5, min: 2, max: 9, rank: 2, percentile: 81.25 });
    expect(d.z).toBeCloseTo(2 / Math.sqrt(32 / 7), 12);
  });

  it('Pearson and Spearman match a hand computation', () => {
    // x = 1..5, y = 2, 4, 5, 4, 5: mean x 3, mean y 4; sxy = (-2)(-2)+(-1)(0)+0+(1)(0)+(2)(1) = 6;
    // sxx = 10, syy = 4+0+1+0+1 = 6; r = 6 / sqrt(60) = 0.774596669.
    const x = [1, 2, 3, 4, 5];
    const y = [2, 4, 5, 4, 5];
    expect(pearson(x, y)).toBeCloseTo(6 / Math.sqrt(60), 12);
    // Ranks of y with ties: 2 -> 1; 4, 4 -> 2.5; 5, 5 -> 4.5. rho = Pearson of (1..5) and (1, 2.5, 4.5, 2.5, 4.5):
    // mean 3; sxy = (-2)(-2)+(-1)(-0.5)+0+(1)(-0.5)+(2)(1.5) = 7; syy = 4+0.25+2.25+0.25+2.25 = 9; rho = 7/sqrt(90).
    expect(ranks(y)).toEqual([1, 2.5, 4.5, 2.5, 4.5]);
    expect(spearman(x, y)).toBeCloseTo(7 / Math.sqrt(90), 12);
    // A monotone but non-linear relation: Spearman 1, Pearson below 1.
    expect(
      spearman(
        x,
        x.map((v) => v ** 3),
      ),
    ).toBeCloseTo(1, 12);
    expect(
      pearson(
        x,
        x.map((v) => v ** 3),
      ),
    ).toBeLessThan(0.99);
  });

  it("Fisher's interval of r and the normal test are right", () => {
    const [lo, hi] = correlationInterval(0.5, 28)!; // atanh(0.5) = 0.549306; se = 1/5
    expect(lo).toBeCloseTo(Math.tanh(0.5493061443 - 1.959963985 * 0.2), 8);
    expect(hi).toBeCloseTo(Math.tanh(0.5493061443 + 1.959963985 * 0.2), 8);
    expect(twoSidedP(1.959963985)).toBeCloseTo(0.05, 6);
    expect(twoSidedP(0)).toBeCloseTo(1, 6);
  });

  it("Wilson's interval matches the textbook example", () => {
    // p = 0.2, n = 50: centre (0.2 + 1.92/50)/(1 + 3.84/50); the standard result is [0.1124, 0.3304].
    const [lo, hi] = wilsonInterval(0.2, 50);
    expect(lo).toBeCloseTo(0.1124, 4);
    expect(hi).toBeCloseTo(0.3304, 4);
  });
});

describe('k-means with a seeded PRNG', () => {
  // Synthetic data (labelled synthetic): three well separated groups of 20 points in 2D, drawn
  // from the seeded PRNG around (0,0), (10,0) and (0,10).
  const random = seededRandom(42);
  const points = [
    [0, 0],
    [10, 0],
    [0, 10],
  ].flatMap(([cx, cy]) => Array.from({ length: 20 }, () => [cx! + random() - 0.5, cy! + random() - 0.5]));

  it('the seeded generator is a fixed sequence per seed', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const c = seededRandom(8);
    const first = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(first);
    expect(c()).not.toBe(first[0]);
    expect(first.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('finds the three groups and chooses k = 3 by the silhouette', () => {
    const { chosen, silhouettes } = chooseK(standardise(points).points, { seed: 1 });
    expect(chosen.k).toBe(3);
    const best = [...silhouettes].sort((x, y) => y.silhouette - x.silhouette)[0]!;
    expect(best.k).toBe(3);
    // Each group is one cluster.
    for (let g = 0; g < 3; g++) expect(new Set(chosen.assignment.slice(g * 20, g * 20 + 20)).size).toBe(1);
    expect(new Set(chosen.assignment).size).toBe(3);
  });

  it('is deterministic for a seed', () => {
    const std = standardise(points).points;
    const one = chooseK(std, { seed: 99, kMax: 6 });
    const two = chooseK(std, { seed: 99, kMax: 6 });
    expect(two.chosen.assignment).toEqual(one.chosen.assignment);
    expect(two.silhouettes).toEqual(one.silhouettes);
  });

  it('computes the silhouette as Rousseeuw defines it', () => {
    // Points 0, 1 (cluster 0) and 5 (cluster 1): s(0) = (5 - 1)/5, s(1) = (4 - 1)/4, s(5) = 0 (alone).
    const s = meanSilhouette([[0], [1], [5]], [0, 0, 1], 2);
    expect(s).toBeCloseTo((4 / 5 + 3 / 4 + 0) / 3, 12);
    expect(kMeans([[0], [1], [5]], 2, seededRandom(1)).inertia).toBeCloseTo(0.5, 12);
  });
});
