// How many points a purchase earns: base rate per yuan, times the tier multiplier, plus matching bonus rules.

/** Where a purchase was made; bonus rules may target one. */
export const salesChannels = ["OFFLINE_STORE", "ONLINE", "APP", "MINI_PROGRAM", "PARTNER"] as const;
export type SalesChannel = (typeof salesChannels)[number];

export interface PurchaseForEarning {
  /** In fen. */
  amount: number;
  category: string;
  channel: string;
  placedAt: Date;
}

/** A bonus rule applies when every condition it sets matches; `multiplierPercent` 200 doubles the base points. */
export interface BonusRule {
  code: string;
  category: string | null;
  channel: string | null;
  multiplierPercent: number;
  startsAt: Date | null;
  /** Exclusive. */
  endsAt: Date | null;
}

export interface EarningRates {
  pointsPerYuan: number;
  tierMultiplierPercent: number;
}

export interface EarnedPoints {
  basePoints: number;
  tierBonusPoints: number;
  ruleBonusPoints: number;
  total: number;
  appliedRuleCodes: string[];
}

export function bonusRuleApplies(rule: BonusRule, purchase: PurchaseForEarning): boolean {
  if (rule.category !== null && rule.category !== purchase.category) return false;
  if (rule.channel !== null && rule.channel !== purchase.channel) return false;
  if (rule.startsAt !== null && purchase.placedAt < rule.startsAt) return false;
  if (rule.endsAt !== null && purchase.placedAt >= rule.endsAt) return false;
  return true;
}

/**
 * Points are whole: base points round down per purchase (a 9.99 yuan purchase at 1 point per yuan earns 9), and
 * each bonus is a share of the base points, rounded down. Bonuses add up; they do not multiply each other.
 */
export function pointsForPurchase(purchase: PurchaseForEarning, rates: EarningRates, rules: readonly BonusRule[]): EarnedPoints {
  const basePoints = Math.floor((purchase.amount * rates.pointsPerYuan) / 100);
  const tierBonusPoints = Math.floor((basePoints * Math.max(0, rates.tierMultiplierPercent - 100)) / 100);
  const applied = rules.filter((rule) => bonusRuleApplies(rule, purchase));
  const ruleBonusPoints = applied.reduce((sum, rule) => sum + Math.floor((basePoints * Math.max(0, rule.multiplierPercent - 100)) / 100), 0);
  return {
    basePoints,
    tierBonusPoints,
    ruleBonusPoints,
    total: basePoints + tierBonusPoints + ruleBonusPoints,
    appliedRuleCodes: applied.map((rule) => rule.code),
  };
}

/**
 * Points a refund takes back: the share of the order's points that the refunded share of its amount earned,
 * computed on running totals so that partial refunds adding up to the whole order take back exactly all points.
 */
export function pointsToClawBack(order: { amount: number; pointsEarned: number; refundedBefore: number; refundedNow: number }): number {
  const share = (refunded: number) => Math.floor((order.pointsEarned * Math.min(refunded, order.amount)) / order.amount);
  if (order.amount <= 0) return 0;
  return share(order.refundedBefore + order.refundedNow) - share(order.refundedBefore);
}
