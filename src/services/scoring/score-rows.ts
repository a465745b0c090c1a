// Between the engine's scores and the stored row: churn risk as an integer per mille, factors as JSON.
import type { MemberScores } from "../../engine/scoring/types";
import type { MemberScoreRecord } from "../../entities";

export function scoreRow(scores: MemberScores, runId: number, computedAt: Date): MemberScoreRecord {
  return {
    memberId: scores.memberId,
    runId,
    recencyDays: scores.recencyDays,
    recency: scores.recency,
    frequency: scores.frequency,
    monetary: scores.monetary,
    rfmCode: scores.rfmCode,
    rfmSegment: scores.rfmSegment,
    lifecycleStage: scores.lifecycleStage,
    churnRiskPermille: Math.round(scores.churnRisk * 1000),
    churnFactors: JSON.stringify(scores.churnFactors),
    activity: scores.activity,
    loyalty: scores.loyalty,
    value: scores.value,
    clv: scores.clv,
    ageBand: scores.ageBand,
    cityTier: scores.cityTier,
    cluster: scores.cluster,
    computedAt,
  };
}
