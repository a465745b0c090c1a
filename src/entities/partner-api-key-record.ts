import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import type { PartnerScope } from "../auth/permissions";
import { PartnerRecord } from "./partner-record";

/**
 * A partner's API key. The key is `lgk_<keyId>_<secret>`; only the SHA-256 of the secret is kept,
 * which is enough for a 256-bit random secret (no password stretching needed).
 */
@Entity({ name: "partner_api_keys" })
@Index("idx_partner_api_keys_partner", ["partnerId"])
export class PartnerApiKeyRecord {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ name: "partner_id", type: "integer" })
  partnerId: number;

  @ManyToOne(() => PartnerRecord, { nullable: false, onDelete: "CASCADE" })
  @JoinColumn({ name: "partner_id" })
  partner?: PartnerRecord;

  @Column({ name: "key_id", type: "varchar", length: 32, unique: true })
  keyId: string;

  @Column({ name: "secret_hash", type: "varchar", length: 64 })
  secretHash: string;

  @Column({ type: "simple-json" })
  scopes: PartnerScope[];

  /** Requests this key may make in a minute; more get RATE_LIMITED. */
  @Column({ name: "requests_per_minute", type: "integer", default: 600 })
  requestsPerMinute: number;

  @Column({ name: "created_at", type: "datetime", precision: 3 })
  createdAt: Date;

  @Column({ name: "revoked_at", type: "datetime", precision: 3, nullable: true })
  revokedAt: Date | null;
}
