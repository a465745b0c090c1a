import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";

export type AuditDetails = { [key: string]: string | number | boolean | null | string[] };

/** Who did what to which record, written in the same transaction as the change itself. */
@Entity({ name: "audit_log" })
@Index("idx_audit_log_target", ["targetType", "targetId"])
@Index("idx_audit_log_created_at", ["createdAt"])
export class AuditLogRecord {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  /** member, staff, partner or system. */
  @Column({ name: "actor_type", type: "varchar", length: 16 })
  actorType: string;

  @Column({ name: "actor_id", type: "varchar", length: 64, nullable: true })
  actorId: string | null;

  @Column({ type: "varchar", length: 64 })
  action: string;

  @Column({ name: "target_type", type: "varchar", length: 32 })
  targetType: string;

  @Column({ name: "target_id", type: "varchar", length: 64, nullable: true })
  targetId: string | null;

  /** What changed, with personal data left out. */
  @Column({ type: "simple-json", nullable: true })
  details: AuditDetails | null;

  @Column({ name: "request_id", type: "varchar", length: 64, nullable: true })
  requestId: string | null;

  @Column({ name: "created_at", type: "datetime", precision: 3 })
  createdAt: Date;
}
