import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from "typeorm";
import { integerAsBoolean } from "./column-types";

/** An ordered list of segments ending in a catch-all: every member is in exactly one segment of a scheme. */
@Entity({ name: "segment_schemes" })
export class SegmentSchemeRecord {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ type: "varchar", length: 32, unique: true })
  code: string;

  @Column({ type: "varchar", length: 64 })
  name: string;

  @Column({ name: "name_en", type: "varchar", length: 64 })
  nameEn: string;

  @Column({ name: "built_in", type: "boolean", default: false, transformer: integerAsBoolean })
  builtIn: boolean;

  @Column({ name: "created_at", type: "datetime", precision: 3 })
  createdAt: Date;

  @Column({ name: "updated_at", type: "datetime", precision: 3 })
  updatedAt: Date;
}

/** A segment: in a scheme at a position (members go to the first whose rule matches), or ad hoc (scheme null). */
@Entity({ name: "segments" })
@Index("uq_segments_scheme_code", ["schemeId", "code"], { unique: true })
export class SegmentRecord {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ name: "scheme_id", type: "integer", nullable: true })
  schemeId: number | null;

  @Column({ type: "varchar", length: 32 })
  code: string;

  @Column({ type: "varchar", length: 64 })
  name: string;

  @Column({ name: "name_en", type: "varchar", length: 64 })
  nameEn: string;

  @Column({ type: "integer" })
  position: number;

  /** JSON of a SegmentRule; a catch-all matches everyone and stores "{}". */
  @Column({ type: "text" })
  rule: string;

  @Column({ name: "catch_all", type: "boolean", default: false, transformer: integerAsBoolean })
  catchAll: boolean;

  @Column({ name: "created_at", type: "datetime", precision: 3 })
  createdAt: Date;

  @Column({ name: "updated_at", type: "datetime", precision: 3 })
  updatedAt: Date;
}

/** The one segment a member is in for a scheme, since when; pinned when placed by hand (re-evaluations skip it). */
@Entity({ name: "segment_memberships" })
@Index("idx_segment_memberships_segment", ["segmentId", "memberId"])
export class SegmentMembershipRecord {
  @PrimaryColumn({ name: "member_id", type: "integer" })
  memberId: number;

  @PrimaryColumn({ name: "scheme_id", type: "integer" })
  schemeId: number;

  @Column({ name: "segment_id", type: "integer" })
  segmentId: number;

  @Column({ name: "entered_at", type: "datetime", precision: 3 })
  enteredAt: Date;

  @Column({ type: "boolean", default: false, transformer: integerAsBoolean })
  pinned: boolean;
}

export const segmentMoveReasons = ["INITIAL", "EVENT", "SCHEDULE", "RULE_CHANGE", "MANUAL"] as const;
export type SegmentMoveReason = (typeof segmentMoveReasons)[number];

/** A member leaving one segment of a scheme for another (from null: entering the scheme). Never changed. */
@Entity({ name: "segment_moves" })
@Index("idx_segment_moves_member", ["memberId", "id"])
@Index("idx_segment_moves_scheme", ["schemeId", "id"])
export class SegmentMoveRecord {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ name: "member_id", type: "integer" })
  memberId: number;

  @Column({ name: "scheme_id", type: "integer" })
  schemeId: number;

  @Column({ name: "from_segment_id", type: "integer", nullable: true })
  fromSegmentId: number | null;

  @Column({ name: "to_segment_id", type: "integer" })
  toSegmentId: number;

  @Column({ type: "varchar", length: 16 })
  reason: SegmentMoveReason;

  @Column({ name: "moved_at", type: "datetime", precision: 3 })
  movedAt: Date;
}

export const segmentEvaluationStatuses = ["RUNNING", "COMPLETED", "FAILED"] as const;
export type SegmentEvaluationStatus = (typeof segmentEvaluationStatuses)[number];
export const segmentEvaluationTriggers = ["SCHEDULE", "MANUAL", "COMMAND_LINE", "RULE_CHANGE"] as const;
export type SegmentEvaluationTrigger = (typeof segmentEvaluationTriggers)[number];

/** A full re-evaluation of membership, of every scheme or one, with its progress. */
@Entity({ name: "segment_evaluation_runs" })
@Index("idx_segment_evaluation_runs_status", ["status", "id"])
export class SegmentEvaluationRunRecord {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ type: "varchar", length: 16 })
  status: SegmentEvaluationStatus;

  @Column({ name: "trigger_kind", type: "varchar", length: 16 })
  trigger: SegmentEvaluationTrigger;

  /** Null: every scheme. */
  @Column({ name: "scheme_id", type: "integer", nullable: true })
  schemeId: number | null;

  /** The cron occurrence a scheduled run belongs to (unique): one run per occurrence across server processes. */
  @Column({ name: "schedule_slot", type: "varchar", length: 32, nullable: true, unique: true })
  scheduleSlot: string | null;

  @Column({ type: "varchar", length: 64, nullable: true })
  actor: string | null;

  @Column({ name: "members_total", type: "integer" })
  membersTotal: number;

  @Column({ name: "members_done", type: "integer" })
  membersDone: number;

  @Column({ type: "integer" })
  moves: number;

  @Column({ type: "varchar", length: 512, nullable: true })
  error: string | null;

  @Column({ name: "started_at", type: "datetime", precision: 3 })
  startedAt: Date;

  @Column({ name: "finished_at", type: "datetime", precision: 3, nullable: true })
  finishedAt: Date | null;
}
