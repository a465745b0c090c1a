import { Column, Entity, Index, PrimaryColumn } from "typeorm";
import { bigintAsNumber } from "./column-types";

/** What one member did on one local day (day number since 1970-01-01 in the business time zone). */
@Entity({ name: "member_daily_activity" })
@Index("idx_member_daily_activity_day", ["day"])
export class MemberDailyActivityRecord {
  @PrimaryColumn({ name: "member_id", type: "integer" })
  memberId: number;

  @PrimaryColumn({ type: "integer" })
  day: number;

  @Column({ type: "integer", default: 0 })
  orders: number;

  /** Net fen: an order's refunds are taken off the day the order was placed. */
  @Column({ type: "bigint", default: 0, transformer: bigintAsNumber })
  spend: number;

  /** Refunds made on this day, and their fen. */
  @Column({ type: "integer", default: 0 })
  refunds: number;

  @Column({ name: "refund_amount", type: "bigint", default: 0, transformer: bigintAsNumber })
  refundAmount: number;

  @Column({ type: "integer", default: 0 })
  logins: number;

  @Column({ name: "session_seconds", type: "integer", default: 0 })
  sessionSeconds: number;

  @Column({ type: "integer", default: 0 })
  interactions: number;

  @Column({ type: "integer", default: 0 })
  complaints: number;

  @Column({ type: "integer", default: 0 })
  surveys: number;

  /** The member's groups when the row was written: the groups the row's KPI facts count in (docs/kpis.md). */
  @Column({ name: "group_channel", type: "varchar", length: 32, nullable: true })
  groupChannel: string | null;

  @Column({ name: "group_city_tier", type: "integer", nullable: true })
  groupCityTier: number | null;

  @Column({ name: "group_tier_id", type: "integer", nullable: true })
  groupTierId: number | null;

  /** "schemeId:segmentId" pairs joined by ";". */
  @Column({ name: "group_segments", type: "varchar", length: 1000, nullable: true })
  groupSegments: string | null;
}
