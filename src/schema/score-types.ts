import { Field, Float, ID, Int, ObjectType } from "type-graphql";
import type { ChurnFactor as ChurnFactorValue, ChurnFactorName, ClusterModel, LifecycleStage, RfmSegment } from "../engine/scoring/types";
import type { MemberAggregateRecord, MemberScoreRecord, MemberScoreSnapshotRecord, ScoringRunRecord, ScoringRunStatus, ScoringRunTrigger } from "../entities";
import { connectionTypes } from "./connection";
import { ChurnFactorEnum, LifecycleStageEnum, RfmSegmentEnum, ScoringRunStatusEnum, ScoringRunTriggerEnum } from "./enums";

@ObjectType({ simpleResolvers: true, description: "One reason behind a churn risk; the contributions of all factors add up to the risk." })
export class ChurnFactorContribution {
  @Field(() => ChurnFactorEnum)
  factor: ChurnFactorName;

  @Field(() => Float)
  contribution: number;

  @Field({ description: "In words, e.g. \"no order for 140 days\"." })
  detail: string;
}

@ObjectType({ simpleResolvers: true, description: "A member's scores (RFM, lifecycle, churn risk, activity, loyalty, value, CLV) as of computedAt. Staff only." })
export class MemberScores {
  @Field(() => Int, { nullable: true, description: "Days since the last order in the RFM window." })
  recencyDays: number | null;

  @Field(() => Int, { nullable: true, description: "Recency quintile 1-5 (5: most recent); null without an order in the RFM window." })
  recency: number | null;

  @Field(() => Int, { nullable: true, description: "Frequency quintile 1-5 over the RFM window." })
  frequency: number | null;

  @Field(() => Int, { nullable: true, description: "Monetary quintile 1-5 over the RFM window." })
  monetary: number | null;

  @Field(() => String, { nullable: true, description: "R, F and M scores together, e.g. \"545\"." })
  rfmCode: string | null;

  @Field(() => RfmSegmentEnum)
  rfmSegment: RfmSegment;

  @Field(() => LifecycleStageEnum)
  lifecycleStage: LifecycleStage;

  @Field(() => Float, { description: "0-1." })
  churnRisk: number;

  @Field(() => [ChurnFactorContribution], { description: "Largest first." })
  churnFactors: ChurnFactorValue[];

  @Field(() => Int, { description: "0-100: logins, session time, interactions and orders of the last 30-90 days." })
  activity: number;

  @Field(() => Int, { description: "0-100: tenure, repeat purchase, frequency, satisfaction, complaints." })
  loyalty: number;

  @Field(() => Int, { description: "0-100: the member's CLV percentile in the population." })
  value: number;

  @Field(() => Int, { description: "Customer lifetime value estimate, fen (docs/scoring.md has the model)." })
  clv: number;

  @Field(() => String, { nullable: true })
  ageBand: string | null;

  @Field(() => Int, { nullable: true, description: "1: Beijing, Shanghai, Guangzhou, Shenzhen; 2: new first-tier and second-tier cities; 3 and below." })
  cityTier: number | null;

  @Field(() => Int, { nullable: true, description: "The K-means cluster of the latest run's model." })
  cluster: number | null;

  @Field(() => ID, { description: "The full run whose breakpoints these scores used." })
  scoringRunId: string;

  @Field(() => Date)
  computedAt: Date;

  static fromRecord(record: MemberScoreRecord): MemberScores {
    return Object.assign(new MemberScores(), {
      ...snapshotFields(record),
      churnFactors: JSON.parse(record.churnFactors) as ChurnFactorValue[],
      ageBand: record.ageBand,
      cityTier: record.cityTier,
      cluster: record.cluster,
      scoringRunId: String(record.runId),
    });
  }
}

function snapshotFields(record: MemberScoreRecord | MemberScoreSnapshotRecord) {
  return {
    recencyDays: record.recencyDays,
    recency: record.recency,
    frequency: record.frequency,
    monetary: record.monetary,
    rfmCode: record.rfmCode,
    rfmSegment: record.rfmSegment as RfmSegment,
    lifecycleStage: record.lifecycleStage as LifecycleStage,
    churnRisk: record.churnRiskPermille / 1000,
    activity: record.activity,
    loyalty: record.loyalty,
    value: record.value,
    clv: record.clv,
    computedAt: record.computedAt,
  };
}

@ObjectType({ simpleResolvers: true, description: "The last scores of a month: the member's trend." })
export class ScoreSnapshot {
  @Field({ description: "YYYY-MM in the programme's time zone." })
  month: string;

  @Field(() => String, { nullable: true })
  rfmCode: string | null;

  @Field(() => RfmSegmentEnum)
  rfmSegment: RfmSegment;

  @Field(() => LifecycleStageEnum)
  lifecycleStage: LifecycleStage;

  @Field(() => Float)
  churnRisk: number;

  @Field(() => Int)
  activity: number;

  @Field(() => Int)
  loyalty: number;

  @Field(() => Int)
  value: number;

  @Field(() => Int)
  clv: number;

  @Field(() => Date)
  computedAt: Date;

  static fromRecord(record: MemberScoreSnapshotRecord): ScoreSnapshot {
    return Object.assign(new ScoreSnapshot(), { ...snapshotFields(record), month: record.month });
  }
}

@ObjectType({ simpleResolvers: true, description: "What the programme knows of a member's behaviour, kept up to date as events arrive. Money in fen. Staff only." })
export class MemberBehaviour {
  @Field(() => Date, { nullable: true }) firstOrderAt: Date | null;
  @Field(() => Date, { nullable: true }) lastOrderAt: Date | null;
  @Field(() => Date, { nullable: true }) lastLoginAt: Date | null;
  @Field(() => Int) ordersTotal: number;
  @Field(() => Int, { description: "Net of refunds." }) spendTotal: number;
  @Field(() => Int, { description: "Orders in the RFM window (default 365 days)." }) ordersInWindow: number;
  @Field(() => Int, { description: "Net spend in the RFM window." }) spendInWindow: number;
  @Field(() => Int) orders30Days: number;
  @Field(() => Int) orders90Days: number;
  @Field(() => Int) logins30Days: number;
  @Field(() => Int) logins90Days: number;
  @Field(() => Int) sessionMinutes30Days: number;
  @Field(() => Int) sessionMinutes90Days: number;
  @Field(() => Int) interactions30Days: number;
  @Field(() => Int) interactions90Days: number;
  @Field(() => Int) complaints90Days: number;
  @Field(() => Int) complaintsTotal: number;
  @Field(() => Int) refunds90Days: number;
  @Field(() => Int) refundsTotal: number;
  @Field({ description: "Two or more orders ever." }) repeatPurchaser: boolean;
  @Field(() => Int, { nullable: true }) lastCsat: number | null;
  @Field(() => Int, { nullable: true }) lastNps: number | null;

  static fromRecord(record: MemberAggregateRecord): MemberBehaviour {
    return Object.assign(new MemberBehaviour(), {
      firstOrderAt: record.firstOrderAt,
      lastOrderAt: record.lastOrderAt,
      lastLoginAt: record.lastLoginAt,
      ordersTotal: record.ordersTotal,
      spendTotal: record.spendTotal,
      ordersInWindow: record.ordersWindow,
      spendInWindow: record.spendWindow,
      orders30Days: record.orders30,
      orders90Days: record.orders90,
      logins30Days: record.logins30,
      logins90Days: record.logins90,
      sessionMinutes30Days: Math.floor(record.sessionSeconds30 / 60),
      sessionMinutes90Days: Math.floor(record.sessionSeconds90 / 60),
      interactions30Days: record.interactions30,
      interactions90Days: record.interactions90,
      complaints90Days: record.complaints90,
      complaintsTotal: record.complaintsTotal,
      refunds90Days: record.refunds90,
      refundsTotal: record.refundsTotal,
      repeatPurchaser: record.ordersTotal >= 2,
      lastCsat: record.lastCsat,
      lastNps: record.lastNps,
    });
  }
}

@ObjectType({ simpleResolvers: true, description: "A K-means cluster of the run's model, its centre in the features' own units." })
export class ClusterCentre {
  @Field(() => Int)
  cluster: number;

  @Field(() => [Float], { description: "In the order of ScoringRun.clusterFeatures." })
  centre: number[];
}

@ObjectType({ simpleResolvers: true, description: "A full rescoring of every member, with its progress." })
export class ScoringRun {
  @Field(() => ID)
  id: string;

  @Field(() => ScoringRunStatusEnum)
  status: ScoringRunStatus;

  @Field(() => ScoringRunTriggerEnum)
  trigger: ScoringRunTrigger;

  @Field(() => Int)
  membersTotal: number;

  @Field(() => Int)
  membersScored: number;

  @Field(() => Float, { description: "0-1." })
  progress: number;

  @Field(() => Int, { nullable: true, description: "Members with an order in the RFM window: the quintiles' population." })
  rfmPopulation: number | null;

  @Field(() => [String], { description: "The features clusters are computed over." })
  clusterFeatures: string[];

  @Field(() => [ClusterCentre])
  clusters: ClusterCentre[];

  @Field(() => Float, { nullable: true, description: "Mean silhouette of the clustering (-1 to 1; higher is better separated)." })
  clusterSilhouette: number | null;

  @Field(() => String, { nullable: true })
  error: string | null;

  @Field(() => Date)
  startedAt: Date;

  @Field(() => Date, { nullable: true })
  finishedAt: Date | null;

  static fromRecord(record: ScoringRunRecord): ScoringRun {
    const model = record.clusterModel ? (JSON.parse(record.clusterModel) as ClusterModel) : null;
    const breakpoints = record.breakpoints ? (JSON.parse(record.breakpoints) as { population: number }) : null;
    return Object.assign(new ScoringRun(), {
      id: String(record.id),
      status: record.status,
      trigger: record.trigger,
      membersTotal: record.membersTotal,
      membersScored: record.membersScored,
      progress: record.status === "COMPLETED" ? 1 : record.membersTotal === 0 ? 0 : Math.min(1, record.membersScored / record.membersTotal),
      rfmPopulation: breakpoints?.population ?? null,
      clusterFeatures: model?.features ?? [],
      // Centres are kept standardised; shown in the features' own units, which an operator can read.
      clusters: (model?.centroids ?? []).map((centroid, cluster) => ({ cluster, centre: centroid.map((value, index) => value * model!.deviations[index] + model!.means[index]) })),
      clusterSilhouette: model?.silhouette ?? null,
      error: record.error,
      startedAt: record.startedAt,
      finishedAt: record.finishedAt,
    });
  }
}

@ObjectType()
export class ScoringRunConnection extends connectionTypes(ScoringRun, "ScoringRun") {}
