import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import { bigintAsNumber } from "./column-types";

/** A purchase reported by a store or channel: it earns points and counts as qualifying spend. */
@Entity({ name: "orders" })
@Index("idx_orders_member_placed", ["memberId", "placedAt"])
export class OrderRecord {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ name: "member_id", type: "integer" })
  memberId: number;

  /** The order number in the selling system; unique across the coalition. */
  @Column({ name: "external_id", type: "varchar", length: 64, unique: true })
  externalId: string;

  @Column({ name: "store_code", type: "varchar", length: 32 })
  storeCode: string;

  @Column({ name: "partner_id", type: "integer", nullable: true })
  partnerId: number | null;

  @Column({ type: "varchar", length: 16 })
  channel: string;

  @Column({ type: "varchar", length: 32 })
  category: string;

  /** Fen. */
  @Column({ type: "bigint", transformer: bigintAsNumber })
  amount: number;

  @Column({ name: "refunded_amount", type: "bigint", transformer: bigintAsNumber, default: 0 })
  refundedAmount: number;

  @Column({ name: "points_earned", type: "bigint", transformer: bigintAsNumber })
  pointsEarned: number;

  @Column({ name: "points_clawed_back", type: "bigint", transformer: bigintAsNumber, default: 0 })
  pointsClawedBack: number;

  @Column({ name: "placed_at", type: "datetime", precision: 3 })
  placedAt: Date;

  @Column({ name: "created_at", type: "datetime", precision: 3 })
  createdAt: Date;
}
