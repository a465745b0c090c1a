import { Column, Entity, Index, PrimaryColumn } from "typeorm";
import { bigintAsNumber } from "./column-types";

/** Score columns shared by the current scores and the monthly snapshots. */
export abstract class ScoreColumns {
  @Column({ name: "run_id", type: "integer" })
  runId: number;

  @Column({ name: "recency_days", type: "integer", nullable: true })
  recencyDays: number | null;

  @Column({ type: "integer", nullable: true })
  recency: number | null;

  @Column({ type: "integer", nullable: true })
  frequency: number | null;

  @Column({ type: "integer", nullable: true })
  monetary: number | null;

  @Column({ name: "rfm_code", type: "varchar", length: 3, nullable: true })
  rfmCode: string | null;

  @Column({ name: "rfm_segment", type: "varchar", length: 24 })
  rfmSegment: string;

  @Column({ name: "lifecycle_stage", type: "varchar", length: 16 })
  lifecycleStage: string;

  /** Churn risk × 1000, an integer so both databases store it exactly. */
  @Column({ name: "churn_risk_permille", type: "integer" })
  churnRiskPermille: number;

  @Column({ type: "integer" })
  activity: number;

  @Column({ type: "integer" })
  loyalty: number;

  @Column({ type: "integer" })
  value: number;

  /** Fen. */
  @Column({ type: "bigint", transformer: bigintAsNumber })
  clv: number;

  @Column({ name: "computed_at", type: "datetime", precision: 3 })
  computedAt: Date;
}

/** A member's current scores; `runId` names the run whose breakpoints they were scored with. */
@Entity({ name: "member_scores" })
@Index("idx_member_scores_rfm_segment", ["rfmSegment"])
@Index("idx_member_scores_lifecycle", ["lifecycleStage"])
export class MemberScoreRecord extends ScoreColumns {
  @PrimaryColumn({ name: "member_id", type: "integer" })
  memberId: number;

  /** JSON array of ChurnFactor. */
  @Column({ name: "churn_factors", type: "varchar", length: 1024 })
  churnFactors: string;

  @Column({ name: "age_band", type: "varchar", length: 16, nullable: true })
  ageBand: string | null;

  @Column({ name: "city_tier", type: "integer", nullable: true })
  cityTier: number | null;

  @Column({ type: "integer", nullable: true })
  cluster: number | null;
}

/** The last scores of a local month (YYYY-MM), written by full runs: the trend behind "declining". */
@Entity({ name: "member_score_snapshots" })
export class MemberScoreSnapshotRecord extends ScoreColumns {
  @PrimaryColumn({ name: "member_id", type: "integer" })
  memberId: number;

  @PrimaryColumn({ type: "varchar", length: 7 })
  month: string;
}
