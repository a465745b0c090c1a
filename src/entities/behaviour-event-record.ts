import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import { bigintAsNumber } from "./column-types";

export const behaviourEventKinds = ["ORDER", "REFUND", "LOGIN", "SESSION", "BROWSE", "CLICK", "SHARE", "REVIEW", "LIKE", "COMPLAINT", "SURVEY"] as const;
export type BehaviourEventKind = (typeof behaviourEventKinds)[number];
export const interactionKinds: readonly BehaviourEventKind[] = ["BROWSE", "CLICK", "SHARE", "REVIEW", "LIKE"];

/** One thing a member did, as a source system reported it; unique per (source, external id), never changed. */
@Entity({ name: "behaviour_events" })
@Index("uq_behaviour_events_source_external", ["source", "externalId"], { unique: true })
@Index("idx_behaviour_events_member_time", ["memberId", "occurredAt"])
export class BehaviourEventRecord {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ name: "member_id", type: "integer" })
  memberId: number;

  @Column({ type: "varchar", length: 32 })
  source: string;

  @Column({ name: "external_id", type: "varchar", length: 64 })
  externalId: string;

  @Column({ type: "varchar", length: 16 })
  kind: BehaviourEventKind;

  @Column({ name: "occurred_at", type: "datetime", precision: 3 })
  occurredAt: Date;

  @Column({ name: "received_at", type: "datetime", precision: 3 })
  receivedAt: Date;

  /** Fen, for orders and refunds. */
  @Column({ type: "bigint", nullable: true, transformer: bigintAsNumber })
  amount: number | null;

  @Column({ type: "varchar", length: 16, nullable: true })
  channel: string | null;

  @Column({ name: "store_code", type: "varchar", length: 32, nullable: true })
  storeCode: string | null;

  @Column({ type: "varchar", length: 32, nullable: true })
  brand: string | null;

  /** Comma-separated category codes of an order. */
  @Column({ type: "varchar", length: 255, nullable: true })
  categories: string | null;

  /** The order a refund belongs to. */
  @Column({ name: "order_external_id", type: "varchar", length: 64, nullable: true })
  orderExternalId: string | null;

  /** What an interaction was about (a product, an article), as the source names it. */
  @Column({ type: "varchar", length: 64, nullable: true })
  target: string | null;

  @Column({ name: "duration_seconds", type: "integer", nullable: true })
  durationSeconds: number | null;

  @Column({ type: "integer", nullable: true })
  csat: number | null;

  @Column({ type: "integer", nullable: true })
  nps: number | null;
}

export type BehaviourEventDetails = Pick<BehaviourEventRecord, "amount" | "channel" | "storeCode" | "brand" | "categories" | "orderExternalId" | "target" | "durationSeconds" | "csat" | "nps">;

/** The kind-specific columns, all empty: events start from this and set what their kind has. */
export const noEventDetails: BehaviourEventDetails = { amount: null, channel: null, storeCode: null, brand: null, categories: null, orderExternalId: null, target: null, durationSeconds: null, csat: null, nps: null };
