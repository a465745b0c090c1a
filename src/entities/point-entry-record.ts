import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import { bigintAsNumber } from "./column-types";

export const pointEntryTypes = ["EARN", "REDEEM", "EXPIRE", "CLAWBACK", "DEBT_REPAYMENT", "ADJUST"] as const;
export type PointEntryType = (typeof pointEntryTypes)[number];

export const pointSources = ["ORDER", "CAMPAIGN", "CHECK_IN", "SIGN_UP", "REFERRAL", "PARTNER", "STAFF", "REWARD", "MEMBER", "EXPIRY", "LOTTERY", "CHALLENGE"] as const;
export type PointSource = (typeof pointSources)[number];

/** One line of the append-only points ledger. Rows are inserted, never updated or deleted. */
@Entity({ name: "point_entries" })
@Index("idx_point_entries_member", ["memberId", "id"])
@Index("idx_point_entries_member_type", ["memberId", "type", "id"])
@Index("idx_point_entries_member_time", ["memberId", "createdAt"])
// Leaderboards read a period's EARN entries by this index alone (migrations/1764806400000-leaderboards.ts).
@Index("idx_point_entries_type_time", ["type", "createdAt", "memberId", "amount"])
export class PointEntryRecord {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ name: "member_id", type: "integer" })
  memberId: number;

  @Column({ type: "varchar", length: 16 })
  type: PointEntryType;

  /** Change of the balance: positive in, negative out. */
  @Column({ type: "bigint", transformer: bigintAsNumber })
  amount: number;

  /** Change of the debt: positive when a claw-back exceeds the balance, negative when points pay it off. */
  @Column({ name: "debt_change", type: "bigint", transformer: bigintAsNumber })
  debtChange: number;

  @Column({ name: "balance_after", type: "bigint", transformer: bigintAsNumber })
  balanceAfter: number;

  @Column({ type: "varchar", length: 255 })
  reason: string;

  @Column({ type: "varchar", length: 16 })
  source: PointSource;

  /** What caused it: an order's external id, a reward code, a campaign code. */
  @Column({ name: "source_ref", type: "varchar", length: 64, nullable: true })
  sourceRef: string | null;

  /** Store (or partner brand's store) where it happened: redemption works at any store of the coalition. */
  @Column({ name: "store_code", type: "varchar", length: 32, nullable: true })
  storeCode: string | null;

  @Column({ name: "partner_id", type: "integer", nullable: true })
  partnerId: number | null;

  @Column({ name: "actor_type", type: "varchar", length: 16 })
  actorType: string;

  @Column({ name: "actor_id", type: "varchar", length: 32, nullable: true })
  actorId: string | null;

  @Column({ name: "created_at", type: "datetime", precision: 3 })
  createdAt: Date;
}
