import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import { bigintAsNumber } from "./column-types";

export const tierChangeReasons = ["UPGRADE", "DOWNGRADE", "PERMANENT"] as const;
export type TierChangeReason = (typeof tierChangeReasons)[number];

/** The tier history: every upgrade, downgrade and grant of permanent membership, with the spend that decided it. */
@Entity({ name: "tier_changes" })
@Index("idx_tier_changes_member", ["memberId", "id"])
export class TierChangeRecord {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ name: "member_id", type: "integer" })
  memberId: number;

  @Column({ name: "from_tier_id", type: "integer", nullable: true })
  fromTierId: number | null;

  @Column({ name: "to_tier_id", type: "integer" })
  toTierId: number;

  @Column({ type: "varchar", length: 16 })
  reason: TierChangeReason;

  @Column({ type: "varchar", length: 255 })
  detail: string;

  /** Spend in the window (or cumulative, for PERMANENT) when it was decided, in fen. */
  @Column({ name: "qualifying_spend", type: "bigint", transformer: bigintAsNumber })
  qualifyingSpend: number;

  @Column({ name: "created_at", type: "datetime", precision: 3 })
  createdAt: Date;

  /** When the member joined, written with every change: tierMigration tells who joined within its range from the changes alone. */
  @Column({ name: "member_joined_at", type: "datetime", precision: 3, nullable: true })
  memberJoinedAt: Date | null;
}
