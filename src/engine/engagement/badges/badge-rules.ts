// The arithmetic of rule-awarded badges: the score that puts a member in the top share, and check-in streaks.

/**
 * The lowest score still in the top `percent` of a population of `population` members, given the best scores in
 * descending order (at least the quota's worth when there are that many). The quota is `percent` of the population,
 * rounded down but at least one member; members tied with the last one inside the quota are in too, so the rule
 * never splits equal scores. Scores of 0 are never in: a member with no activity is not a star. Null: nobody is in.
 */
export function topShareThreshold(bestScoresDescending: readonly number[], population: number, percent: number): number | null {
  if (population <= 0 || percent <= 0) return null;
  const quota = Math.max(1, Math.floor((population * percent) / 100));
  const positive = bestScoresDescending.filter((score) => score > 0);
  if (positive.length === 0) return null;
  return positive[Math.min(quota, positive.length) - 1];
}

/** The social star score: interactions plus qualified referrals, a referral weighing `referralWeight` interactions. */
export function socialScore(interactions: number, qualifiedReferrals: number, referralWeight: number): number {
  return interactions + qualifiedReferrals * referralWeight;
}

/** Days in a row ending on `lastDay` (local day numbers) among the days given, in any order, duplicates allowed. */
export function streakEndingOn(days: readonly number[], lastDay: number): number {
  const present = new Set(days);
  let length = 0;
  while (present.has(lastDay - length)) length += 1;
  return length;
}
