// Login rate limiting: failed sign-ins are counted per user name and per client address in a
// sliding window; past the limit, sign-in is refused (429 with Retry-After) until the oldest
// failure leaves the window. In memory: a restart forgets, which only ever lets a few more tries.

/** Limits of failed sign-ins. */
export interface LoginLimitPolicy {
  /** Failures allowed per window, per user name and per client address (default 5 and 20). */
  perName: number;
  perAddress: number;
  /** The window in minutes (default 15). */
  windowMinutes: number;
}

export const DEFAULT_LOGIN_LIMIT: LoginLimitPolicy = { perName: 5, perAddress: 20, windowMinutes: 15 };

/** Counts failed sign-ins; `retryAfter` says when a key may try again. */
export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();
  constructor(private readonly policy: LoginLimitPolicy = DEFAULT_LOGIN_LIMIT) {}

  private recent(key: string, now: number): number[] {
    const window = this.policy.windowMinutes * 60_000;
    const kept = (this.failures.get(key) ?? []).filter((t) => now - t < window);
    if (kept.length) this.failures.set(key, kept);
    else this.failures.delete(key);
    return kept;
  }

  /** Seconds until this name and address may try again, or 0 when they may now. */
  retryAfter(name: string, address: string, now: Date): number {
    const t = now.getTime();
    const window = this.policy.windowMinutes * 60_000;
    let wait = 0;
    for (const [key, limit] of [
      [`n:${name.toLowerCase()}`, this.policy.perName],
      [`a:${address}`, this.policy.perAddress],
    ] as const) {
      const times = this.recent(key, t);
      if (times.length >= limit)
        wait = Math.max(wait, Math.ceil((times[times.length - limit]! + window - t) / 1000));
    }
    return wait;
  }

  /** Records a failed sign-in. */
  fail(name: string, address: string, now: Date): void {
    // Bounded memory: a flood of distinct names forgets the oldest keys first.
    if (this.failures.size > 100_000) this.failures.delete(this.failures.keys().next().value!);
    for (const key of [`n:${name.toLowerCase()}`, `a:${address}`]) {
      const times = this.recent(key, now.getTime());
      times.push(now.getTime());
      this.failures.set(key, times);
    }
  }

  /** A successful sign-in clears the name's failures (not the address's). */
  succeed(name: string): void {
    this.failures.delete(`n:${name.toLowerCase()}`);
  }
}
