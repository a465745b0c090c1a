// The scoring engine's vocabulary: what it reads about a member, its settings, and what it returns.
// Everything here is plain data, so the engine can be published alone and tested with tables.

/**
 * One member's behaviour as the aggregates table keeps it: totals, last moments and sums over fixed windows
 * ending at `asOf`'s local day. Scoring reads this, never raw events. Money is integer fen.
 */
export interface MemberActivity {
  memberId: number;
  joinedAt: Date;
  /** YYYY-MM-DD or null. */
  birthday: string | null;
  city: string | null;
  cityTier: number | null;
  firstOrderAt: Date | null;
  lastOrderAt: Date | null;
  lastLoginAt: Date | null;
  ordersTotal: number;
  spendTotal: number;
  /** Orders and net spend (after refunds) in the RFM window (settings.rfmWindowDays). */
  ordersInWindow: number;
  spendInWindow: number;
  orders30: number;
  orders90: number;
  /** Orders in the 90 days before the last 90 (days 91-180): "falling frequency" compares the two. */
  ordersPrevious90: number;
  logins30: number;
  logins90: number;
  loginsPrevious90: number;
  sessionSeconds30: number;
  interactions30: number;
  interactions90: number;
  complaints90: number;
  refunds90: number;
  /** Fen refunded in the RFM window. */
  refundAmountInWindow: number;
  /** Latest satisfaction answers, or null when never asked. */
  lastCsat: number | null;
  lastNps: number | null;
}

export interface ScoringSettings {
  /** RFM frequency and monetary window, and the window CLV's purchase rate is measured over. Default 365. */
  rfmWindowDays: number;
  /** Joined at most this many days ago: "new". Default 30. */
  newMemberDays: number;
  /** No login and no order for this many days: "dormant". Default 90. */
  dormantDays: number;
  /** No login and no order for this many days: "churned". Default 365. */
  churnedDays: number;
  /** Activity in the last 90 days below this share of the 90 before: "declining". Default 0.5. */
  decliningRatio: number;
  /** Gross margin on spend, 0-1, for CLV. Default 0.3. */
  marginRate: number;
  /** Yearly discount rate for CLV. Default 0.1. */
  discountRate: number;
}

export const defaultScoringSettings: ScoringSettings = {
  rfmWindowDays: 365,
  newMemberDays: 30,
  dormantDays: 90,
  churnedDays: 365,
  decliningRatio: 0.5,
  marginRate: 0.3,
  discountRate: 0.1,
};

export const rfmSegments = [
  "CHAMPIONS",
  "LOYAL_CUSTOMERS",
  "POTENTIAL_LOYALISTS",
  "NEW_CUSTOMERS",
  "PROMISING",
  "NEED_ATTENTION",
  "ABOUT_TO_SLEEP",
  "AT_RISK",
  "CANT_LOSE_THEM",
  "HIBERNATING",
  "LOST",
  /** Outside the R x F grid: no order in the RFM window, so no R, F or M score. */
  "NO_RECENT_PURCHASE",
] as const;
export type RfmSegment = (typeof rfmSegments)[number];

export const lifecycleStages = ["NEW", "ACTIVE", "DECLINING", "DORMANT", "CHURNED"] as const;
export type LifecycleStage = (typeof lifecycleStages)[number];

export const churnFactorNames = ["RECENCY", "FALLING_FREQUENCY", "COMPLAINTS", "REFUNDS", "NO_LOGIN"] as const;
export type ChurnFactorName = (typeof churnFactorNames)[number];

export interface ChurnFactor {
  factor: ChurnFactorName;
  /** This factor's share of the risk; the contributions of all factors add up to the risk. */
  contribution: number;
  /** Words an operator reads, e.g. "no order for 140 days". */
  detail: string;
}

/** The per-member figures the population's breakpoints are computed over (pass one of a full run). */
export interface RawFigures {
  memberId: number;
  /** Days since the last order, or null when there is no order in the RFM window. */
  recencyDays: number | null;
  frequency: number;
  monetary: number;
  churnRisk: number;
  churnFactors: ChurnFactor[];
  /** Fen. */
  clv: number;
}

/**
 * What rawFigures returns: the raw figures plus the two the cluster features need that depend on `now` and the
 * settings (clusterFeatures takes neither). A RawFigures, so pass one can keep only what the breakpoints read.
 */
export interface MemberFigures extends RawFigures {
  /** Whole days since joining. */
  tenureDays: number;
  /** The settings' RFM window: the recency feature of a member without an order in it. */
  rfmWindowDays: number;
}

/** Cut points computed over the scored population; incremental scoring reuses the latest run's. */
export interface ScoringBreakpoints {
  /** Members with an order in the RFM window (the quintile population). */
  population: number;
  /** Four ascending edges each: quintile scores 1-5 (recency inverted: fewer days is better). */
  recencyDays: number[];
  frequency: number[];
  monetary: number[];
  /** 99 ascending edges of CLV over all members: the value score is the percentile. */
  clvPercentiles: number[];
}

/** A fitted K-means model over standardised behaviour features. */
export interface ClusterModel {
  features: string[];
  means: number[];
  deviations: number[];
  /** In standardised units. */
  centroids: number[][];
  silhouette: number | null;
}

export interface MemberScores {
  memberId: number;
  recencyDays: number | null;
  recency: number | null;
  frequency: number | null;
  monetary: number | null;
  /** e.g. "545", or null without an order in the window. */
  rfmCode: string | null;
  rfmSegment: RfmSegment;
  lifecycleStage: LifecycleStage;
  /** 0-1, three decimals. */
  churnRisk: number;
  churnFactors: ChurnFactor[];
  /** 0-100 integers. */
  activity: number;
  loyalty: number;
  value: number;
  /** Fen. */
  clv: number;
  ageBand: string | null;
  cityTier: number | null;
  /** Index of the nearest centroid, or null without a cluster model. */
  cluster: number | null;
}
