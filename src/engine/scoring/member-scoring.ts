// A member's scores in two passes: raw figures per member, breakpoints over the population, then the scores.
// A full run and the incremental rescoring of one member call the same functions.
import { churnRisk } from "./churn";
import { clusterFeatures } from "./cluster-features";
import { customerLifetimeValue } from "./clv";
import { demographicsOf } from "./demographics";
import { wholeDaysBetween } from "./elapsed-days";
import { nearestCentroid } from "./kmeans";
import { lifecycleStage } from "./lifecycle";
import { NumberColumn } from "./number-column";
import { edgesOfSorted, percentileRank, quintileScore } from "./quintiles";
import { rfmCodeOf, rfmSegmentOf } from "./rfm";
import { activityScore, loyaltyScore } from "./scores";
import type { ClusterModel, MemberActivity, MemberFigures, MemberScores, RawFigures, ScoringBreakpoints, ScoringSettings } from "./types";

/**
 * Pass one, per member. Recency counts only with an order in the RFM window: ordersInWindow decides, and the
 * last order's age is checked against the window too, so stale aggregates never give an R score to an old order.
 */
export function rawFigures(activity: MemberActivity, now: Date, settings: ScoringSettings): MemberFigures {
  const daysSinceOrder = activity.lastOrderAt === null ? null : wholeDaysBetween(activity.lastOrderAt, now);
  const inWindow = activity.ordersInWindow > 0 && daysSinceOrder !== null && daysSinceOrder <= settings.rfmWindowDays;
  const churn = churnRisk(activity, now, settings);
  return {
    memberId: activity.memberId,
    recencyDays: inWindow ? daysSinceOrder : null,
    frequency: activity.ordersInWindow,
    monetary: activity.spendInWindow,
    churnRisk: churn.risk,
    churnFactors: churn.factors,
    clv: customerLifetimeValue(activity, churn.risk, settings),
    tenureDays: wholeDaysBetween(activity.joinedAt, now),
    rfmWindowDays: settings.rfmWindowDays,
  };
}

/**
 * The population's cut points, reading the figures once (an array or any iterable, e.g. a stream of chunks):
 * RFM quintiles over members with an order in the window, CLV percentiles over everyone.
 */
export function computeBreakpoints(raws: Iterable<RawFigures>): ScoringBreakpoints {
  const capacity = Array.isArray(raws) ? raws.length : undefined;
  const recency = new NumberColumn(capacity);
  const frequency = new NumberColumn(capacity);
  const monetary = new NumberColumn(capacity);
  const clv = new NumberColumn(capacity);
  let population = 0;
  for (const raw of raws) {
    clv.push(raw.clv);
    if (raw.recencyDays === null) continue;
    population += 1;
    recency.push(raw.recencyDays);
    frequency.push(raw.frequency);
    monetary.push(raw.monetary);
  }
  return {
    population,
    recencyDays: edgesOfSorted(recency.sorted(), 4),
    frequency: edgesOfSorted(frequency.sorted(), 4),
    monetary: edgesOfSorted(monetary.sorted(), 4),
    clvPercentiles: edgesOfSorted(clv.sorted(), 99),
  };
}

/** R, F and M scores, code and segment; outside the grid without an order in the window. */
function rfmOf(raw: RawFigures, breakpoints: ScoringBreakpoints): Pick<MemberScores, "recency" | "frequency" | "monetary" | "rfmCode" | "rfmSegment"> {
  if (raw.recencyDays === null) return { recency: null, frequency: null, monetary: null, rfmCode: null, rfmSegment: "NO_RECENT_PURCHASE" };
  const recency = quintileScore(raw.recencyDays, breakpoints.recencyDays, false);
  const frequency = quintileScore(raw.frequency, breakpoints.frequency, true);
  const monetary = quintileScore(raw.monetary, breakpoints.monetary, true);
  return { recency, frequency, monetary, rfmCode: rfmCodeOf(recency, frequency, monetary), rfmSegment: rfmSegmentOf(recency, frequency) };
}

/** Pass two, per member: the scores against the population's breakpoints (a full run's, or the latest run's). */
export function scoreMember(activity: MemberActivity, raw: MemberFigures, breakpoints: ScoringBreakpoints, now: Date, settings: ScoringSettings, clusterModel: ClusterModel | null): MemberScores {
  return {
    memberId: activity.memberId,
    recencyDays: raw.recencyDays,
    ...rfmOf(raw, breakpoints),
    lifecycleStage: lifecycleStage(activity, now, settings),
    churnRisk: raw.churnRisk,
    churnFactors: raw.churnFactors,
    activity: activityScore(activity),
    loyalty: loyaltyScore(activity, now),
    value: percentileRank(raw.clv, breakpoints.clvPercentiles),
    clv: raw.clv,
    ...demographicsOf(activity, now),
    cluster: clusterModel ? nearestCentroid(clusterFeatures(activity, raw), clusterModel) : null,
  };
}
