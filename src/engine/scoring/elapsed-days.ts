// Whole days between two moments: scoring measures recency, tenure and idleness in elapsed days.

const day = 86_400_000;

/**
 * Whole days from `earlier` to `later`, rounded down, never negative: a moment a few seconds ahead of `now`
 * (clocks of the systems that report events differ slightly) counts as today, not as minus one day.
 */
export function wholeDaysBetween(earlier: Date, later: Date): number {
  return Math.max(0, Math.floor((later.getTime() - earlier.getTime()) / day));
}
