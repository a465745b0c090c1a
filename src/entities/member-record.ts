import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import type { EducationLevel, Gender, IncomeLevel, JoinChannel, Occupation } from "../engine";
import { integerAsBoolean } from "./column-types";
import { TierRecord } from "./tier-record";

/**
 * A member's profile. Phone and email are stored encrypted (AES-256-GCM) beside a keyed hash
 * for exact look-up and a masked form for display, so lists never need to decrypt.
 */
@Entity({ name: "members" })
@Index("idx_members_tier", ["tierId", "id"])
@Index("idx_members_join_channel", ["joinChannel", "id"])
@Index("idx_members_joined_at", ["joinedAt"])
@Index("idx_members_joined_groups", ["joinedAt", "joinChannel", "cityTier", "tierId"])
@Index("idx_members_name", ["name"])
export class MemberRecord {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ type: "varchar", length: 64 })
  name: string;

  @Column({ name: "phone_encrypted", type: "varchar", length: 255 })
  phoneEncrypted: string;

  @Column({ name: "phone_hash", type: "varchar", length: 64, unique: true })
  phoneHash: string;

  @Column({ name: "phone_masked", type: "varchar", length: 32 })
  phoneMasked: string;

  @Column({ name: "email_encrypted", type: "varchar", length: 512, nullable: true })
  emailEncrypted: string | null;

  @Column({ name: "email_masked", type: "varchar", length: 255, nullable: true })
  emailMasked: string | null;

  /** YYYY-MM-DD; kept in clear because age bands and birthday campaigns query it. */
  @Column({ type: "date", nullable: true })
  birthday: string | null;

  @Column({ type: "varchar", length: 16, default: "UNDISCLOSED" })
  gender: Gender;

  @Column({ type: "varchar", length: 16, nullable: true })
  education: EducationLevel | null;

  @Column({ type: "varchar", length: 16, nullable: true })
  occupation: Occupation | null;

  @Column({ name: "income_level", type: "varchar", length: 16, nullable: true })
  incomeLevel: IncomeLevel | null;

  @Column({ type: "varchar", length: 64, nullable: true })
  city: string | null;

  @Column({ name: "city_tier", type: "integer", nullable: true })
  cityTier: number | null;

  @Column({ type: "varchar", length: 32, nullable: true })
  region: string | null;

  @Column({ name: "join_channel", type: "varchar", length: 16 })
  joinChannel: JoinChannel;

  @Column({ name: "joined_at", type: "datetime", precision: 3 })
  joinedAt: Date;

  @Column({ name: "tier_id", type: "integer" })
  tierId: number;

  @ManyToOne(() => TierRecord, { nullable: false, onDelete: "RESTRICT" })
  @JoinColumn({ name: "tier_id" })
  tier?: TierRecord;

  /** When the current tier is reviewed for a downgrade (plus the grace period); null on the entry tier. */
  @Column({ name: "tier_review_at", type: "datetime", precision: 3, nullable: true })
  tierReviewAt: Date | null;

  /** Set once cumulative spend made the member permanent (永久会员); never cleared. */
  @Column({ name: "permanent_since", type: "datetime", precision: 3, nullable: true })
  permanentSince: Date | null;

  /** The tier held when the member became permanent: no review goes below it. */
  @Column({ name: "permanent_tier_id", type: "integer", nullable: true })
  permanentTierId: number | null;

  @Column({ name: "consent_sms", type: "boolean", default: false, transformer: integerAsBoolean })
  consentSms: boolean;

  @Column({ name: "consent_app_push", type: "boolean", default: false, transformer: integerAsBoolean })
  consentAppPush: boolean;

  @Column({ name: "consent_email", type: "boolean", default: false, transformer: integerAsBoolean })
  consentEmail: boolean;

  @Column({ name: "consent_wechat", type: "boolean", default: false, transformer: integerAsBoolean })
  consentWechat: boolean;

  @Column({ name: "consent_updated_at", type: "datetime", precision: 3, nullable: true })
  consentUpdatedAt: Date | null;

  @Column({ name: "created_at", type: "datetime", precision: 3 })
  createdAt: Date;

  @Column({ name: "updated_at", type: "datetime", precision: 3 })
  updatedAt: Date;
}
