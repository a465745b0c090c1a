// The behaviour features members are clustered on, in one place so fitting and scoring read the same ones.
import type { MemberActivity, MemberFigures } from "./types";

export const clusterFeatureNames: readonly string[] = ["recencyDays", "frequency", "logMonetaryYuan", "logins90", "interactions90", "tenureDays"];

/**
 * In the order of clusterFeatureNames. A member without an order in the window counts as one window ago, the
 * farthest recency the figures know. Spend is heavy-tailed: on its log, a few large spenders do not each take a
 * cluster of their own.
 */
export function clusterFeatures(activity: MemberActivity, raw: MemberFigures): number[] {
  return [raw.recencyDays ?? raw.rfmWindowDays, raw.frequency, Math.log1p(Math.max(0, raw.monetary) / 100), activity.logins90, activity.interactions90, raw.tenureDays];
}
