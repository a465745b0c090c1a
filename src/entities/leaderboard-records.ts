import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from "typeorm";
import { bigintAsNumber, integerAsBoolean } from "./column-types";

/** What a board ranks by. Points earned is the one built today; challenge progress would be another (docs/engagement-leaderboards.md). */
export const leaderboardMetrics = ["POINTS_EARNED"] as const;
export type LeaderboardMetric = (typeof leaderboardMetrics)[number];

/** BUILDING: rows being written, never read; CURRENT: the one readers use; RETIRED: replaced, deleted after a grace period. */
export const leaderboardBoardStatuses = ["BUILDING", "CURRENT", "RETIRED"] as const;
export type LeaderboardBoardStatus = (typeof leaderboardBoardStatuses)[number];

/**
 * One build of one period's standings. A refresh writes a new board beside the current one and switches in one short
 * transaction, so a reader always sees a whole board.
 */
@Entity({ name: "leaderboard_boards" })
@Index("idx_leaderboard_boards_period", ["metric", "periodKind", "periodKey", "status", "id"])
@Index("idx_leaderboard_boards_status", ["status", "retiredAt"])
export class LeaderboardBoardRecord {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ type: "varchar", length: 24 })
  metric: LeaderboardMetric;

  @Column({ name: "period_kind", type: "varchar", length: 8 })
  periodKind: "WEEK" | "MONTH";

  /** "2026-W48" or "2026-11". */
  @Column({ name: "period_key", type: "varchar", length: 16 })
  periodKey: string;

  @Column({ name: "period_start", type: "datetime", precision: 3 })
  periodStart: Date;

  @Column({ name: "period_end", type: "datetime", precision: 3 })
  periodEnd: Date;

  @Column({ type: "varchar", length: 12 })
  status: LeaderboardBoardStatus;

  /** When the scores were read: the standings are as of this time. */
  @Column({ name: "as_of", type: "datetime", precision: 3 })
  asOf: Date;

  /** The highest point entry id when the scores were read; a refresh finding it unchanged keeps the board. */
  @Column({ name: "source_watermark", type: "bigint", transformer: bigintAsNumber })
  sourceWatermark: number;

  @Column({ name: "ranked_members", type: "integer" })
  rankedMembers: number;

  @Column({ name: "created_at", type: "datetime", precision: 3 })
  createdAt: Date;

  @Column({ name: "retired_at", type: "datetime", precision: 3, nullable: true })
  retiredAt: Date | null;
}

/**
 * A member's score and standing on one board, in each scope: position (distinct, 1..n, ties by member id) and rank
 * (shared by ties). City and tier are the member's when the board was built. No foreign keys: rows are written and
 * deleted by the hundred thousand.
 */
@Entity({ name: "leaderboard_entries" })
@Index("uq_leaderboard_entries_all", ["boardId", "positionAll"], { unique: true })
@Index("idx_leaderboard_entries_city", ["boardId", "city", "positionCity"])
@Index("idx_leaderboard_entries_tier", ["boardId", "tierId", "positionTier"])
export class LeaderboardEntryRecord {
  @PrimaryColumn({ name: "board_id", type: "integer" })
  boardId: number;

  @PrimaryColumn({ name: "member_id", type: "integer" })
  memberId: number;

  @Column({ type: "bigint", transformer: bigintAsNumber })
  score: number;

  @Column({ name: "position_all", type: "integer" })
  positionAll: number;

  @Column({ name: "rank_all", type: "integer" })
  rankAll: number;

  @Column({ type: "varchar", length: 64, nullable: true })
  city: string | null;

  @Column({ name: "position_city", type: "integer", nullable: true })
  positionCity: number | null;

  @Column({ name: "rank_city", type: "integer", nullable: true })
  rankCity: number | null;

  @Column({ name: "tier_id", type: "integer" })
  tierId: number;

  @Column({ name: "position_tier", type: "integer" })
  positionTier: number;

  @Column({ name: "rank_tier", type: "integer" })
  rankTier: number;
}

/** A member's choice to show their name on leaderboards (masked otherwise); no row means masked. */
@Entity({ name: "leaderboard_preferences" })
export class LeaderboardPreferenceRecord {
  @PrimaryColumn({ name: "member_id", type: "integer" })
  memberId: number;

  @Column({ name: "name_visible", type: "boolean", transformer: integerAsBoolean })
  nameVisible: boolean;

  @Column({ name: "updated_at", type: "datetime", precision: 3 })
  updatedAt: Date;
}
