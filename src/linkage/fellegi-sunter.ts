// Fellegi-Sunter record linkage on comparison patterns (pure). Each candidate pair is compared on
// K fields (agree / disagree); a pair's pattern is the bit set of agreeing fields. Under
// conditional independence, with m_k = P(agree on k | match) and u_k = P(agree on k | non-match),
// the match weight of a pattern is sum_k log2(m_k/u_k) where it agrees and log2((1-m_k)/(1-u_k))
// where it does not. m, u and the share of matches among candidate pairs are estimated with EM
// (Jaro 1989; Winkler 2000) from the counts of each pattern, which the engine computes in one
// group-by, so EM never touches the pairs themselves.
//
// Blocking makes every candidate pair agree on its blocking field, which breaks the model for
// that field. So, as is common practice (e.g. Splink): u is the chance that two random records
// agree (from the value frequencies, held fixed); m of each field is estimated by EM on the pairs
// of a blocking pass that does not block on it; the match share is estimated last, with m and u
// held fixed, on all candidate pairs.

/** How often each agreement pattern occurs among the candidate pairs (pattern bit k = field k agrees). */
export type PatternCounts = ReadonlyMap<number, number>;

/** The estimated parameters of the model. */
export interface FellegiSunterModel {
  fields: readonly string[];
  m: number[];
  u: number[];
  /** Share of candidate pairs that are matches. */
  matchShare: number;
  iterations: number;
  converged: boolean;
}

const CLAMP = 1e-6;
const clamp = (p: number) => Math.min(1 - CLAMP, Math.max(CLAMP, p));

/**
 * Estimates m, u and the match share by EM. Starts from m = 0.9, the given u (e.g. the chance
 * that two random records agree) and a match share of 1/10; stops when no parameter moves more
 * than 1e-7 or after 500 iterations.
 */
export function estimateEM(
  fields: readonly string[],
  counts: PatternCounts,
  start: {
    u?: readonly number[];
    matchShare?: number;
    /** Keep u as given (estimated from random pairs) instead of re-estimating it. */
    fixU?: boolean;
    /** Keep m as given: only the match share is estimated. */
    m?: readonly number[];
  } = {},
): FellegiSunterModel {
  const K = fields.length;
  let m = fields.map((_, k) => clamp(start.m?.[k] ?? 0.9));
  let u = fields.map((_, k) => clamp(start.u?.[k] ?? 0.1));
  let p = start.matchShare ?? 0.1;
  const patterns = [...counts].filter(([, n]) => n > 0);
  const total = patterns.reduce((s, [, n]) => s + n, 0);
  let iterations = 0;
  let converged = false;
  while (iterations < 500 && total > 0) {
    iterations++;
    const mAgree = new Array<number>(K).fill(0);
    const uAgree = new Array<number>(K).fill(0);
    let matches = 0;
    for (const [pattern, n] of patterns) {
      const g = posterior(pattern, m, u, p);
      const mn = g * n;
      const un = (1 - g) * n;
      matches += mn;
      for (let k = 0; k < K; k++) {
        if (pattern & (1 << k)) {
          mAgree[k] = mAgree[k]! + mn;
          uAgree[k] = uAgree[k]! + un;
        }
      }
    }
    const nextP = clamp(matches / total);
    const nextM = start.m ? m : mAgree.map((a) => clamp(a / Math.max(matches, CLAMP)));
    const nextU = start.fixU ? u : uAgree.map((a) => clamp(a / Math.max(total - matches, CLAMP)));
    const moved = Math.max(
      Math.abs(nextP - p),
      ...nextM.map((v, k) => Math.abs(v - m[k]!)),
      ...nextU.map((v, k) => Math.abs(v - u[k]!)),
    );
    [m, u, p] = [nextM, nextU, nextP];
    if (moved < 1e-7) {
      converged = true;
      break;
    }
  }
  return { fields, m, u, matchShare: p, iterations, converged };
}

/** P(match | pattern) under the model. */
export function posterior(pattern: number, m: readonly number[], u: readonly number[], p: number): number {
  let lm = Math.log(p);
  let lu = Math.log(1 - p);
  for (let k = 0; k < m.length; k++) {
    if (pattern & (1 << k)) {
      lm += Math.log(m[k]!);
      lu += Math.log(u[k]!);
    } else {
      lm += Math.log(1 - m[k]!);
      lu += Math.log(1 - u[k]!);
    }
  }
  return 1 / (1 + Math.exp(lu - lm));
}

/** The match weight (log2 likelihood ratio) of a pattern. */
export function matchWeight(pattern: number, m: readonly number[], u: readonly number[]): number {
  let w = 0;
  for (let k = 0; k < m.length; k++) {
    w += pattern & (1 << k) ? Math.log2(m[k]! / u[k]!) : Math.log2((1 - m[k]!) / (1 - u[k]!));
  }
  return w;
}

/** The weight at which a pair is as likely a match as not (posterior 1/2): log2((1-p)/p). */
export function evenOddsWeight(model: FellegiSunterModel): number {
  return Math.log2((1 - model.matchShare) / model.matchShare);
}
