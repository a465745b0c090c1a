// The activity and loyalty scores, 0-100: weighted measures of engagement and of attachment.
import { wholeDaysBetween } from "./elapsed-days";
import type { MemberActivity } from "./types";

type CountField = "logins30" | "sessionSeconds30" | "interactions30" | "orders90";

/** Engagement over the last month (orders over the last quarter: purchases are rarer than visits). Weights add up to 1. */
export const activityMeasures: readonly { field: CountField; weight: number; cap: number }[] = [
  { field: "logins30", weight: 0.35, cap: 20 },
  { field: "sessionSeconds30", weight: 0.2, cap: 5 * 3600 },
  { field: "interactions30", weight: 0.2, cap: 30 },
  { field: "orders90", weight: 0.25, cap: 6 },
];

/**
 * 0-1, reaching 1 at the cap. A square root saturates: the first few logins say more about engagement than the
 * same number on top of many (4 of 20 logins already give 0.45).
 */
export function saturating(count: number, cap: number): number {
  return Math.min(1, Math.sqrt(Math.max(0, count) / cap));
}

export function activityScore(activity: MemberActivity): number {
  const total = activityMeasures.reduce((sum, measure) => sum + measure.weight * saturating(activity[measure.field], measure.cap), 0);
  return Math.round(100 * total);
}

/** Attachment: how long, how regularly, and how satisfied. Weights add up to 1; complaints then take points off. */
export const loyaltyWeights = {
  /** Tenure, linear up to tenureCapDays. */
  tenure: 0.25,
  /** Has bought more than once, ever. */
  repeatPurchase: 0.15,
  /** Orders in the RFM window, linear up to frequencyCap: a monthly buyer is fully regular. */
  frequency: 0.3,
  /** Latest NPS answer: promoter (9-10) 1, passive (7-8) 0.5, detractor 0. */
  nps: 0.15,
  /** Latest CSAT answer 1-5, scaled to 0-1. */
  csat: 0.15,
} as const;

export const loyaltyScales = {
  /** 36 months. */
  tenureCapDays: 3 * 365,
  frequencyCap: 12,
  /** Points off per complaint in the last 90 days, and at most. */
  pointsPerComplaint: 10,
  maximumComplaintPoints: 30,
} as const;

/** A member never asked counts as a passive: not being surveyed says nothing either way. */
export function npsMeasure(nps: number | null): number {
  if (nps === null) return 0.5;
  if (nps >= 9) return 1;
  if (nps >= 7) return 0.5;
  return 0;
}

/** Never asked: the middle of the scale, as for NPS. */
export function csatMeasure(csat: number | null): number {
  if (csat === null) return 0.5;
  return Math.min(1, Math.max(0, (csat - 1) / 4));
}

export function loyaltyScore(activity: MemberActivity, now: Date): number {
  const tenure = Math.min(1, wholeDaysBetween(activity.joinedAt, now) / loyaltyScales.tenureCapDays);
  const repeatPurchase = activity.ordersTotal >= 2 ? 1 : 0;
  const frequency = Math.min(1, activity.ordersInWindow / loyaltyScales.frequencyCap);
  const weighted =
    loyaltyWeights.tenure * tenure +
    loyaltyWeights.repeatPurchase * repeatPurchase +
    loyaltyWeights.frequency * frequency +
    loyaltyWeights.nps * npsMeasure(activity.lastNps) +
    loyaltyWeights.csat * csatMeasure(activity.lastCsat);
  const complaintPoints = Math.min(loyaltyScales.maximumComplaintPoints, loyaltyScales.pointsPerComplaint * activity.complaints90);
  return Math.max(0, Math.min(100, Math.round(100 * weighted - complaintPoints)));
}
