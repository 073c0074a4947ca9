import { ProviderError } from '../core/errors.js';
import { whenAborted } from '../core/cancellation.js';
import { NetworkError } from '../core/http.js';
import type { Clock } from './clock.js';
import { nextPollDelay, type PollSchedule } from './schedule.js';

export interface PollOptions {
  clock: Clock;
  schedule: PollSchedule;
  /** Absolute time (clock ms) after which polling gives up. */
  deadline: number;
  /** When the thing being waited for started: the schedule grows with the time since. */
  startedAt: number;
  /** Told about every read that failed; polling goes on until the deadline. */
  onReadError?: (error: unknown, consecutive: number) => void;
  /** A cancelled job: polling stops at once (a read in flight is still answered). */
  signal?: AbortSignal;
}

export type PollResult<T> =
  | { done: true; value: T; reads: number }
  | { done: false; last?: T; reads: number; lastError?: unknown; cancelled?: boolean };

const FATAL_AFTER = 3;

/**
 * Reads until `isDone` says so or the deadline passes. A read that fails (platform down, 5xx after
 * the HTTP client's own retries, a restart mid-poll) is not a verdict about the deployment: it is
 * reported and polling goes on. Only an authorisation failure stops it, because waiting will not fix
 * a revoked token.
 */
export async function pollUntil<T>(
  read: () => Promise<T>,
  isDone: (value: T) => boolean,
  options: PollOptions,
): Promise<PollResult<T>> {
  const { clock, schedule, deadline, startedAt } = options;
  let reads = 0;
  let consecutiveErrors = 0;
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    reads++;
    let notBefore = 0;
    try {
      last = await read();
      consecutiveErrors = 0;
      if (isDone(last)) return { done: true, value: last, reads };
    } catch (error) {
      consecutiveErrors++;
      notBefore = retryAfterOf(error);
      // A refused authorisation is fatal, but only when it persists: a read of something just
      // created can hit a replica that does not know it yet, and Railway answers "Not Authorized"
      // for ids it cannot see rather than "not found".
      if (isFatal(error) && consecutiveErrors >= FATAL_AFTER) throw error;
      lastError = error;
      options.onReadError?.(error, consecutiveErrors);
    }
    const now = clock.now();
    if (options.signal?.aborted) return { done: false, last, reads, lastError, cancelled: true };
    if (now >= deadline) return { done: false, last, reads, lastError };
    // A Retry-After is honoured even past the deadline: asking sooner only earns another 429.
    const pause = Math.max(notBefore, Math.min(nextPollDelay(now - startedAt, schedule), Math.max(0, deadline - now)));
    const aborted = whenAborted(options.signal);
    await Promise.race([clock.sleep(pause), aborted.promise]);
    aborted.dispose();
    if (options.signal?.aborted) return { done: false, last, reads, lastError, cancelled: true };
  }
}

/** How long the platform asked us to wait before asking again (Retry-After), 0 when it did not say. */
export function retryAfterOf(error: unknown): number {
  return error instanceof ProviderError && error.retryAfterMs !== undefined ? error.retryAfterMs : 0;
}

/** Errors that waiting cannot cure. */
export function isFatal(error: unknown): boolean {
  if (error instanceof NetworkError) return error.kind === 'tls';
  if (error instanceof ProviderError)
    return error.status === 401 || error.status === 403 || error.code === 'not_authorized';
  // Anything else is a bug in this code, not weather on the platform.
  return true;
}

/** Runs a read until it answers, riding out transient failures for a while. */
export type Patience = <T>(what: string, read: () => Promise<T>) => Promise<T>;

/**
 * A read the release cannot do without (what serves now, is this commit already deployed) is
 * retried on the poll schedule for up to `budgetMs` before the failure counts: a 429 storm or a
 * platform restart outlasts the HTTP client's few quick retries.
 */
export function patience(options: {
  clock: Clock;
  schedule: PollSchedule;
  budgetMs: number;
  onRetry: (what: string, error: unknown) => void;
}): Patience {
  return async (what, read) => {
    const startedAt = options.clock.now();
    const result = await pollUntil(read, () => true, {
      clock: options.clock,
      schedule: options.schedule,
      startedAt,
      deadline: startedAt + options.budgetMs,
      onReadError: (error) => options.onRetry(what, error),
    });
    if (result.done) return result.value;
    throw result.lastError;
  };
}

/**
 * A read that decides to skip work or names a target is not trusted on one answer: one stale
 * replica can say the rollback already happened (issue 18). It is read again after `settleMs`
 * until two answers in a row agree (at most `tries` reads), and the agreed answer is returned.
 */
export async function agreed<T>(
  read: () => Promise<T>,
  same: (a: T, b: T) => boolean,
  options: { clock: Clock; settleMs: number; tries?: number },
): Promise<T> {
  let previous = await read();
  for (let i = 1; i < (options.tries ?? 4); i++) {
    await options.clock.sleep(options.settleMs);
    const next = await read();
    if (same(previous, next)) return next;
    previous = next;
  }
  return previous;
}
