// Churn risk: a weighted sum of five warning signs, each measured 0-1, with the share each sign adds so an
// operator sees why a member is at risk.
import { wholeDaysBetween } from "./elapsed-days";
import type { ChurnFactor, ChurnFactorName, MemberActivity, ScoringSettings } from "./types";

/** How much each sign weighs; the weights add up to 1, so the risk is 0-1 too. */
export const churnFactorWeights: Readonly<Record<ChurnFactorName, number>> = {
  RECENCY: 0.35,
  FALLING_FREQUENCY: 0.2,
  COMPLAINTS: 0.15,
  REFUNDS: 0.1,
  NO_LOGIN: 0.2,
};

/** Where each sign reaches its full measure of 1. */
export const churnFactorScales = {
  /** Half a year without an order. */
  daysWithoutOrder: 180,
  complaints: 2,
  /** A quarter without a login. */
  daysWithoutLogin: 90,
} as const;

interface Sign {
  factor: ChurnFactorName;
  /** 0-1. */
  measure: number;
  detail: string;
}

const capped = (value: number) => Math.min(1, Math.max(0, value));
const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;

/** Time since the last order; a member who joined over newMemberDays ago and never ordered is at full measure. */
function recencySign(activity: MemberActivity, now: Date, settings: ScoringSettings): Sign {
  const daysSinceJoining = wholeDaysBetween(activity.joinedAt, now);
  if (activity.lastOrderAt === null) {
    const measure = daysSinceJoining > settings.newMemberDays ? 1 : 0;
    return { factor: "RECENCY", measure, detail: `no order since joining ${plural(daysSinceJoining, "day")} ago` };
  }
  const days = wholeDaysBetween(activity.lastOrderAt, now);
  return { factor: "RECENCY", measure: capped(days / churnFactorScales.daysWithoutOrder), detail: `no order for ${plural(days, "day")}` };
}

/** The share by which orders fell from the 90 days before to the last 90. */
function fallingFrequencySign(activity: MemberActivity): Sign {
  const before = activity.ordersPrevious90;
  const measure = before > 0 ? capped((before - activity.orders90) / before) : 0;
  return { factor: "FALLING_FREQUENCY", measure, detail: `orders down from ${before} to ${activity.orders90} (previous 90 days against the last 90)` };
}

function complaintsSign(activity: MemberActivity): Sign {
  const measure = capped(activity.complaints90 / churnFactorScales.complaints);
  return { factor: "COMPLAINTS", measure, detail: `${plural(activity.complaints90, "complaint")} in 90 days` };
}

/** Refunded fen as a share of what was bought in the window (net spend plus what was refunded of it). */
function refundsSign(activity: MemberActivity, settings: ScoringSettings): Sign {
  const bought = activity.spendInWindow + activity.refundAmountInWindow;
  const measure = bought > 0 ? capped(activity.refundAmountInWindow / bought) : 0;
  return { factor: "REFUNDS", measure, detail: `refunded ${Math.round(measure * 100)}% of spend in ${settings.rfmWindowDays} days` };
}

function noLoginSign(activity: MemberActivity, now: Date): Sign {
  const days = wholeDaysBetween(activity.lastLoginAt ?? activity.joinedAt, now);
  const detail = activity.lastLoginAt === null ? `no login since joining ${plural(days, "day")} ago` : `no login for ${plural(days, "day")}`;
  return { factor: "NO_LOGIN", measure: capped(days / churnFactorScales.daysWithoutLogin), detail };
}

/**
 * Risk 0-1 to three decimals, and the factors that add to it, largest first. Contributions are rounded by largest
 * remainder in thousandths, so the listed contributions add up to the risk exactly (in thousandths).
 */
export function churnRisk(activity: MemberActivity, now: Date, settings: ScoringSettings): { risk: number; factors: ChurnFactor[] } {
  const signs = [recencySign(activity, now, settings), fallingFrequencySign(activity), complaintsSign(activity), refundsSign(activity, settings), noLoginSign(activity, now)];
  const exact = signs.map((sign) => churnFactorWeights[sign.factor] * sign.measure * 1000);
  const permille = largestRemainderRounding(exact);
  const risk = permille.reduce((sum, each) => sum + each, 0) / 1000;
  const factors = signs
    .map((sign, index) => ({ factor: sign.factor, contribution: permille[index] / 1000, detail: sign.detail }))
    .filter((factor) => factor.contribution > 0)
    .sort((a, b) => b.contribution - a.contribution);
  return { risk, factors };
}

/** Rounds each value to an integer so the integers add up to the rounded total: the largest remainders round up. */
function largestRemainderRounding(values: readonly number[]): number[] {
  const floors = values.map(Math.floor);
  let left = Math.round(values.reduce((sum, value) => sum + value, 0)) - floors.reduce((sum, value) => sum + value, 0);
  const byRemainder = values.map((value, index) => ({ index, remainder: value - floors[index] })).sort((a, b) => b.remainder - a.remainder);
  for (const { index } of byRemainder) {
    if (left <= 0) break;
    floors[index] += 1;
    left -= 1;
  }
  return floors;
}
