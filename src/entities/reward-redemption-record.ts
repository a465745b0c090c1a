import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";

/** A reward a member took, paid by the ledger entry it names. */
@Entity({ name: "reward_redemptions" })
@Index("idx_reward_redemptions_member", ["memberId", "id"])
export class RewardRedemptionRecord {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ name: "reward_id", type: "integer" })
  rewardId: number;

  @Column({ name: "member_id", type: "integer" })
  memberId: number;

  @Column({ name: "entry_id", type: "integer" })
  entryId: number;

  @Column({ type: "integer" })
  points: number;

  @Column({ name: "store_code", type: "varchar", length: 32, nullable: true })
  storeCode: string | null;

  @Column({ name: "partner_id", type: "integer", nullable: true })
  partnerId: number | null;

  @Column({ name: "created_at", type: "datetime", precision: 3 })
  createdAt: Date;
}
