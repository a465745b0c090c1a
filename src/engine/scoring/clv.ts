// Customer lifetime value: the margin a member is expected to bring from now on, in fen.
import type { MemberActivity, ScoringSettings } from "./types";

/**
 * The margin multiple r / (1 + d − r) is infinite when d = 0 and r = 1 (a discount rate of 0 is a valid setting,
 * a churn risk of 0 a real result), so it is capped at 10 years of margin: the default settings' own ceiling
 * (d = 0.1, r = 1), which the cap therefore never changes.
 */
export const maximumMarginMultiple = 10;

/** Fen per order in the RFM window; over all time when the window has no order; 0 without orders. */
export function averageOrderValue(activity: MemberActivity): number {
  if (activity.ordersInWindow > 0) return activity.spendInWindow / activity.ordersInWindow;
  if (activity.ordersTotal > 0) return activity.spendTotal / activity.ordersTotal;
  return 0;
}

/**
 * The simple margin-multiple model (Gupta & Lehmann), with a yearly retention r and discount rate d:
 *
 *   CLV = average order value × orders per year × margin rate × r / (1 + d − r)
 *
 * orders per year = ordersInWindow × 365 / rfmWindowDays, r = 1 − churn risk, d = settings.discountRate.
 * A member without an order in the window buys 0 times a year, so their CLV is 0. Rounded to whole fen.
 */
export function customerLifetimeValue(activity: MemberActivity, churnRiskValue: number, settings: ScoringSettings): number {
  const ordersPerYear = (activity.ordersInWindow * 365) / settings.rfmWindowDays;
  const yearlyMargin = averageOrderValue(activity) * ordersPerYear * settings.marginRate;
  const retention = 1 - churnRiskValue;
  const denominator = 1 + settings.discountRate - retention;
  const multiple = denominator > 0 ? Math.min(maximumMarginMultiple, retention / denominator) : maximumMarginMultiple;
  return Math.max(0, Math.round(yearlyMargin * multiple));
}
