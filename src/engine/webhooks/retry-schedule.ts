// When a failed webhook delivery is tried again: exponential backoff with jitter, capped, and a last attempt after
// which it is given up. Pure: the time of the failure and the random draw are parameters.

export interface RetryPolicy {
  /** The wait after the first failed attempt, before jitter. */
  baseDelayMs: number;
  /** No wait is longer than this. */
  maxDelayMs: number;
  /** Attempts in all, the first included; after the last one fails the delivery is given up. */
  maxAttempts: number;
}

export const defaultRetryPolicy: RetryPolicy = { baseDelayMs: 30_000, maxDelayMs: 3_600_000, maxAttempts: 8 };

/**
 * The wait after `attempts` failed attempts (1 or more): base × 2^(attempts−1), capped, then "equal jitter": a
 * random point in the upper half, [delay/2, delay). Half the delay is always kept, so a receiver that is down gets
 * room to recover; the random half spreads the retries of many deliveries that failed together.
 */
export function retryDelayMs(attempts: number, random: number, policy: RetryPolicy = defaultRetryPolicy): number {
  if (!Number.isInteger(attempts) || attempts < 1) throw new RangeError(`attempts must be a whole number from 1 (got ${attempts})`);
  if (!(random >= 0 && random < 1)) throw new RangeError(`random must be in [0, 1) (got ${random})`);
  // 2^(attempts−1) overflows to Infinity long after the cap is reached: min() still gives the cap.
  const delay = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempts - 1));
  // Rounding can carry the sum up to the delay itself when the draw is just below 1.
  return Math.min(delay - 1, Math.floor(delay / 2 + (delay / 2) * random));
}

export type RetryDecision = { retry: true; at: Date } | { retry: false };

/** After attempt number `attempts` failed at `failedAt`: when to try again, or give up when that was the last. */
export function nextAttempt(attempts: number, failedAt: Date, random: number, policy: RetryPolicy = defaultRetryPolicy): RetryDecision {
  if (attempts >= policy.maxAttempts) return { retry: false };
  return { retry: true, at: new Date(failedAt.getTime() + retryDelayMs(attempts, random, policy)) };
}
