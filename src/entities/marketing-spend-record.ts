import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import type { JoinChannel } from "../engine";
import { bigintAsNumber } from "./column-types";

/** Marketing spend staff recorded outside campaigns (media, agency fees, in-store promotion), for the acquisition cost. */
@Entity({ name: "marketing_spend" })
@Index("uq_marketing_spend_key", ["recordedBy", "idempotencyKey"], { unique: true })
@Index("idx_marketing_spend_day", ["day", "id"])
export class MarketingSpendRecord {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  /** The local date it was spent on, as a day number (days since 1970-01-01), like the KPI facts' days. */
  @Column({ type: "integer" })
  day: number;

  /** The join channel it was spent to win members in; null: all channels. */
  @Column({ type: "varchar", length: 16, nullable: true })
  channel: JoinChannel | null;

  /** Fen, more than 0. */
  @Column({ type: "bigint", transformer: bigintAsNumber })
  amount: number;

  @Column({ type: "varchar", length: 255 })
  description: string;

  /** The staff user who recorded it. */
  @Column({ name: "recorded_by", type: "integer" })
  recordedBy: number;

  @Column({ name: "idempotency_key", type: "varchar", length: 128 })
  idempotencyKey: string;

  @Column({ name: "created_at", type: "datetime", precision: 3 })
  createdAt: Date;

  /** Set when staff cancelled it: it no longer counts. */
  @Column({ name: "cancelled_at", type: "datetime", precision: 3, nullable: true })
  cancelledAt: Date | null;

  @Column({ name: "cancelled_by", type: "integer", nullable: true })
  cancelledBy: number | null;
}
