// Whether a member may get one more campaign message: at most maxMessages in any rolling perDays days, counted
// over every campaign together (the member feels the total, not each campaign's share).

const day = 86_400_000;

export interface FrequencyCap {
  /** A whole number from 1. */
  maxMessages: number;
  /** The length of the rolling window in days; fractions allowed (0.5 = 12 hours). */
  perDays: number;
}

export type FrequencyDecision =
  | { allowed: true; sentInWindow: number }
  | { allowed: false; sentInWindow: number; /** When the oldest counted send leaves the window. */ nextAllowedAt: Date };

/**
 * Counts the sends in the window (now − perDays, now]: a send exactly perDays ago no longer counts. Sends after
 * `now` (a clock skew, or a send planned but not made) are not counted. When the cap is reached, the next send is
 * allowed as soon as enough of the counted sends have left the window to make room for one more.
 */
export function frequencyCapDecision(pastSends: readonly Date[], cap: FrequencyCap, now: Date): FrequencyDecision {
  if (!Number.isInteger(cap.maxMessages) || cap.maxMessages < 1) throw new RangeError(`maxMessages must be a whole number from 1 (got ${cap.maxMessages})`);
  if (!(cap.perDays > 0 && Number.isFinite(cap.perDays))) throw new RangeError(`perDays must be above 0 (got ${cap.perDays})`);
  const window = cap.perDays * day;
  const windowStart = now.getTime() - window;
  const counted = pastSends
    .map((sent) => sent.getTime())
    .filter((time) => time > windowStart && time <= now.getTime())
    .sort((a, b) => a - b);
  if (counted.length < cap.maxMessages) return { allowed: true, sentInWindow: counted.length };
  // With n counted and a cap of m, n − m + 1 of them must leave; the last of those to leave is index n − m.
  return { allowed: false, sentInWindow: counted.length, nextAllowedAt: new Date(counted[counted.length - cap.maxMessages] + window) };
}
