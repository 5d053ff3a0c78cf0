import { AsyncLocalStorage } from 'node:async_hooks';

const deadlines = new AsyncLocalStorage<AbortSignal>();

/**
 * Runs `work` with a deadline for the store: when `signal` aborts, every statement the work has
 * running in the engine is interrupted (not merely abandoned), so a request that took too long
 * stops using the machine.
 */
export function withQueryDeadline<T>(signal: AbortSignal, work: () => Promise<T>): Promise<T> {
  return deadlines.run(signal, work);
}

/** The deadline of the work in progress, if any. */
export function currentDeadline(): AbortSignal | undefined {
  return deadlines.getStore();
}
