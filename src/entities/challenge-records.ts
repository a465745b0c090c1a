import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from "typeorm";
import { challengeGoalKinds, challengeGoalMeasures, type ChallengeGoalKind, type ChallengeGoalMeasure } from "../engine/engagement/challenges/challenge-goal";
import { bigintAsNumber, integerAsBoolean } from "./column-types";

// The vocabularies are the engine's.
export { challengeGoalKinds, challengeGoalMeasures, type ChallengeGoalKind, type ChallengeGoalMeasure };

/** A challenge: a goal (an activity kind counted or, for orders, summed) over a fixed window, for eligible members, with rewards. */
@Entity({ name: "challenges" })
@Index("idx_challenges_goal", ["goalKind", "active", "endsAt"])
export class ChallengeRecord {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ type: "varchar", length: 32, unique: true })
  code: string;

  @Column({ name: "title_zh", type: "varchar", length: 64 })
  titleZh: string;

  @Column({ name: "title_en", type: "varchar", length: 64 })
  titleEn: string;

  @Column({ name: "description_zh", type: "varchar", length: 255, nullable: true })
  descriptionZh: string | null;

  @Column({ name: "description_en", type: "varchar", length: 255, nullable: true })
  descriptionEn: string | null;

  @Column({ name: "goal_kind", type: "varchar", length: 24 })
  goalKind: ChallengeGoalKind;

  /** COUNT: activities; AMOUNT: fen spent (orders only). */
  @Column({ name: "goal_measure", type: "varchar", length: 16 })
  goalMeasure: ChallengeGoalMeasure;

  @Column({ name: "goal_target", type: "bigint", transformer: bigintAsNumber })
  goalTarget: number;

  @Column({ name: "starts_at", type: "datetime", precision: 3 })
  startsAt: Date;

  /** Exclusive. */
  @Column({ name: "ends_at", type: "datetime", precision: 3 })
  endsAt: Date;

  /** Tier codes that may take part; empty: every tier. */
  @Column({ name: "eligible_tier_codes", type: "simple-json" })
  eligibleTierCodes: string[];

  /** Scheme segment ids a member must be in one of; empty: no segment condition. */
  @Column({ name: "eligible_segment_ids", type: "simple-json" })
  eligibleSegmentIds: number[];

  @Column({ name: "reward_points", type: "integer" })
  rewardPoints: number;

  /** Fen; 0: no coupon. */
  @Column({ name: "reward_coupon_value", type: "bigint", transformer: bigintAsNumber })
  rewardCouponValue: number;

  @Column({ name: "reward_coupon_valid_days", type: "integer" })
  rewardCouponValidDays: number;

  @Column({ name: "reward_badge_id", type: "integer", nullable: true })
  rewardBadgeId: number | null;

  @Column({ type: "boolean", default: false, transformer: integerAsBoolean })
  active: boolean;

  @Column({ name: "created_by", type: "varchar", length: 64, nullable: true })
  createdBy: string | null;

  @Column({ name: "created_at", type: "datetime", precision: 3 })
  createdAt: Date;

  @Column({ name: "updated_at", type: "datetime", precision: 3 })
  updatedAt: Date;
}

/** One member's progress on one challenge; locked to count an activity, completed (and rewarded) once. */
@Entity({ name: "challenge_progress" })
@Index("idx_challenge_progress_member", ["memberId", "challengeId"])
@Index("idx_challenge_progress_completed", ["challengeId", "completedAt"])
export class ChallengeProgressRecord {
  @PrimaryColumn({ name: "challenge_id", type: "integer" })
  challengeId: number;

  @PrimaryColumn({ name: "member_id", type: "integer" })
  memberId: number;

  /** Activities counted, or fen summed. */
  @Column({ type: "bigint", transformer: bigintAsNumber })
  progress: number;

  @Column({ name: "started_at", type: "datetime", precision: 3 })
  startedAt: Date;

  @Column({ name: "completed_at", type: "datetime", precision: 3, nullable: true })
  completedAt: Date | null;

  @Column({ name: "updated_at", type: "datetime", precision: 3 })
  updatedAt: Date;
}

/** An activity counted towards a member's challenge: its reference makes counting it idempotent. */
@Entity({ name: "challenge_activities" })
export class ChallengeActivityRecord {
  @PrimaryColumn({ name: "challenge_id", type: "integer" })
  challengeId: number;

  @PrimaryColumn({ name: "member_id", type: "integer" })
  memberId: number;

  @PrimaryColumn({ type: "varchar", length: 128 })
  reference: string;

  /** What it added to the progress: 1, or the order's fen. */
  @Column({ type: "bigint", transformer: bigintAsNumber })
  amount: number;

  @Column({ name: "occurred_at", type: "datetime", precision: 3 })
  occurredAt: Date;

  @Column({ name: "counted_at", type: "datetime", precision: 3 })
  countedAt: Date;
}

/**
 * The outbox of challenges' points rewards: written with the completion, written to the ledger just after under the
 * member's account lock (grantedAt and entryId set in that transaction), so each is paid exactly once.
 */
@Entity({ name: "challenge_point_grants" })
@Index("uq_challenge_point_grants_once", ["challengeId", "memberId"], { unique: true })
@Index("idx_challenge_point_grants_pending", ["grantedAt", "id"])
export class ChallengePointGrantRecord {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ name: "challenge_id", type: "integer" })
  challengeId: number;

  @Column({ name: "member_id", type: "integer" })
  memberId: number;

  @Column({ type: "integer" })
  points: number;

  @Column({ name: "created_at", type: "datetime", precision: 3 })
  createdAt: Date;

  @Column({ name: "granted_at", type: "datetime", precision: 3, nullable: true })
  grantedAt: Date | null;

  @Column({ name: "entry_id", type: "integer", nullable: true })
  entryId: number | null;
}
