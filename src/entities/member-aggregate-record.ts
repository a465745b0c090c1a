import { Column, Entity, Index, PrimaryColumn } from "typeorm";
import { bigintAsNumber } from "./column-types";

const count = (name: string) => Column({ name, type: "integer", default: 0 });
const money = (name: string) => Column({ name, type: "bigint", default: 0, transformer: bigintAsNumber });
const moment = (name: string) => Column({ name, type: "datetime", precision: 3, nullable: true });

/**
 * One row per member, kept up to date as events arrive: totals, last moments, and sums over windows ending on
 * `windowsDay`. Scoring reads these rows and never rescans raw events.
 */
@Entity({ name: "member_aggregates" })
@Index("idx_member_aggregates_windows_day", ["windowsDay"])
export class MemberAggregateRecord {
  @PrimaryColumn({ name: "member_id", type: "integer" })
  memberId: number;

  /** The local day number the window columns end on; the daily refresh moves stale rows forward. */
  @Column({ name: "windows_day", type: "integer" })
  windowsDay: number;

  @moment("first_order_at") firstOrderAt: Date | null;
  @moment("last_order_at") lastOrderAt: Date | null;
  @moment("last_login_at") lastLoginAt: Date | null;
  @moment("last_survey_at") lastSurveyAt: Date | null;

  @Column({ name: "last_csat", type: "integer", nullable: true })
  lastCsat: number | null;

  @Column({ name: "last_nps", type: "integer", nullable: true })
  lastNps: number | null;

  @count("orders_total") ordersTotal: number;
  @money("spend_total") spendTotal: number;
  @count("refunds_total") refundsTotal: number;
  @money("refund_amount_total") refundAmountTotal: number;
  @count("logins_total") loginsTotal: number;
  @count("interactions_total") interactionsTotal: number;
  @count("complaints_total") complaintsTotal: number;
  @count("orders_window") ordersWindow: number;
  @money("spend_window") spendWindow: number;
  @money("refund_amount_window") refundAmountWindow: number;
  @count("orders_30") orders30: number;
  @count("orders_90") orders90: number;
  @count("orders_previous_90") ordersPrevious90: number;
  @count("logins_30") logins30: number;
  @count("logins_90") logins90: number;
  @count("logins_previous_90") loginsPrevious90: number;
  @count("session_seconds_30") sessionSeconds30: number;
  @count("session_seconds_90") sessionSeconds90: number;
  @count("interactions_30") interactions30: number;
  @count("interactions_90") interactions90: number;
  @count("complaints_90") complaints90: number;
  @count("refunds_90") refunds90: number;

  @Column({ name: "updated_at", type: "datetime", precision: 3 })
  updatedAt: Date;
}
