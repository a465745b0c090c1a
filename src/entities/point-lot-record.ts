import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import { bigintAsNumber } from "./column-types";

/** Points earned together that expire together; `remaining` goes down as redemptions, claw-backs and expiry use them. */
@Entity({ name: "point_lots" })
@Index("idx_point_lots_member_expiry", ["memberId", "expiresAt"])
@Index("idx_point_lots_expiry", ["expiresAt"])
@Index("idx_point_lots_order", ["orderId"])
export class PointLotRecord {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ name: "member_id", type: "integer" })
  memberId: number;

  /** The entry that brought these points in. */
  @Column({ name: "entry_id", type: "integer" })
  entryId: number;

  @Column({ name: "order_id", type: "integer", nullable: true })
  orderId: number | null;

  @Column({ type: "bigint", transformer: bigintAsNumber })
  points: number;

  @Column({ type: "bigint", transformer: bigintAsNumber })
  remaining: number;

  @Column({ name: "earned_at", type: "datetime", precision: 3 })
  earnedAt: Date;

  /** The first instant the lot is expired. */
  @Column({ name: "expires_at", type: "datetime", precision: 3 })
  expiresAt: Date;
}
