import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";

/**
 * The first result of a command sent with an idempotency key. A retry with the same key and the
 * same payload gets this result back; the same key with another payload is a conflict.
 */
@Entity({ name: "idempotency_records" })
@Index("uq_idempotency_scope_key", ["scope", "key"], { unique: true })
export class IdempotencyRecord {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  /** Who sent it and which command, e.g. `staff:3:createMember`: keys are only unique per caller. */
  @Column({ type: "varchar", length: 128 })
  scope: string;

  @Column({ type: "varchar", length: 128 })
  key: string;

  /** SHA-256 of the canonical JSON of the command's input. */
  @Column({ name: "request_hash", type: "varchar", length: 64 })
  requestHash: string;

  @Column({ type: "text" })
  response: string;

  @Column({ name: "created_at", type: "datetime", precision: 3 })
  createdAt: Date;
}
