import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from "typeorm";
import type { ReferralRejectionReason } from "../engine/engagement/referrals";
import { integerAsBoolean } from "./column-types";

export const referralStatuses = ["PENDING", "QUALIFIED", "REJECTED"] as const;
export type ReferralStatus = (typeof referralStatuses)[number];
export const referralRewardRoles = ["REFERRER", "FRIEND"] as const;
export type ReferralRewardRole = (typeof referralRewardRoles)[number];
export const ambassadorSources = ["AUTOMATIC", "STAFF"] as const;
export type AmbassadorSource = (typeof ambassadorSources)[number];

/**
 * A member as a referrer: the code they share (made the first time they ask) and whether operators treat them as a
 * brand ambassador. Sign-ups with the code lock this row, which keeps the velocity count exact.
 */
@Entity({ name: "referrers" })
@Index("uq_referrers_code", ["code"], { unique: true })
export class ReferrerRecord {
  @PrimaryColumn({ name: "member_id", type: "integer" })
  memberId: number;

  @Column({ type: "varchar", length: 8 })
  code: string;

  @Column({ type: "boolean", transformer: integerAsBoolean })
  ambassador: boolean;

  /** Who decided the flag last: the threshold rule, or staff (whose decision the rule never overrides); null: nobody yet. */
  @Column({ name: "ambassador_source", type: "varchar", length: 16, nullable: true })
  ambassadorSource: AmbassadorSource | null;

  @Column({ name: "ambassador_updated_at", type: "datetime", precision: 3, nullable: true })
  ambassadorUpdatedAt: Date | null;

  @Column({ name: "created_at", type: "datetime", precision: 3 })
  createdAt: Date;
}

/** A friend who signed up with a referrer's code: one per friend, judged at sign-up, qualified by their first order. */
@Entity({ name: "referrals" })
@Index("uq_referrals_friend", ["friendId"], { unique: true })
@Index("idx_referrals_referrer", ["referrerId", "signedUpAt"])
@Index("idx_referrals_status", ["status", "id"])
@Index("idx_referrals_qualified", ["status", "qualifiedAt", "referrerId"])
export class ReferralRecord {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ name: "referrer_id", type: "integer" })
  referrerId: number;

  @Column({ name: "friend_id", type: "integer" })
  friendId: number;

  @Column({ type: "varchar", length: 16 })
  status: ReferralStatus;

  /** Why the sign-up was rejected; kept after staff approve it, for the record. Never shown to members. */
  @Column({ type: "varchar", length: 24, nullable: true })
  reason: ReferralRejectionReason | null;

  /** Keyed hash of the device the friend signed up on, when the app sent one. */
  @Column({ name: "device_hash", type: "varchar", length: 64, nullable: true })
  deviceHash: string | null;

  @Column({ name: "signed_up_at", type: "datetime", precision: 3 })
  signedUpAt: Date;

  @Column({ name: "qualified_at", type: "datetime", precision: 3, nullable: true })
  qualifiedAt: Date | null;

  /** The activity that qualified it (the order's behaviour source and id). */
  @Column({ name: "qualifying_reference", type: "varchar", length: 100, nullable: true })
  qualifyingReference: string | null;

  /** The staff member who approved a rejected referral by hand ("staff:<id>"), and when. */
  @Column({ name: "approved_by", type: "varchar", length: 64, nullable: true })
  approvedBy: string | null;

  @Column({ name: "approved_at", type: "datetime", precision: 3, nullable: true })
  approvedAt: Date | null;
}

/**
 * A reward owed for a qualified referral, one per role: the outbox between the friend's order and the points. It is
 * written with the qualification and paid in a transaction of its own that starts with the member's account lock.
 */
@Entity({ name: "referral_rewards" })
@Index("uq_referral_rewards_role", ["referralId", "role"], { unique: true })
@Index("idx_referral_rewards_owed", ["paidAt", "id"])
@Index("idx_referral_rewards_member", ["memberId", "role"])
export class ReferralRewardRecord {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ name: "referral_id", type: "integer" })
  referralId: number;

  @Column({ name: "member_id", type: "integer" })
  memberId: number;

  @Column({ type: "varchar", length: 16 })
  role: ReferralRewardRole;

  /** Fixed when the referral qualifies (the settings then); 0 pays nothing but still completes the reward. */
  @Column({ type: "integer" })
  points: number;

  @Column({ name: "created_at", type: "datetime", precision: 3 })
  createdAt: Date;

  @Column({ name: "paid_at", type: "datetime", precision: 3, nullable: true })
  paidAt: Date | null;

  /** The EARN entry in the points ledger; null when the reward was 0 points. */
  @Column({ name: "entry_id", type: "integer", nullable: true })
  entryId: number | null;
}

/** A device a member signed in on, as a keyed hash only: the fraud guards compare devices, never read them. */
@Entity({ name: "member_devices" })
@Index("idx_member_devices_device", ["deviceHash"])
export class MemberDeviceRecord {
  @PrimaryColumn({ name: "member_id", type: "integer" })
  memberId: number;

  @PrimaryColumn({ name: "device_hash", type: "varchar", length: 64 })
  deviceHash: string;

  @Column({ name: "first_seen_at", type: "datetime", precision: 3 })
  firstSeenAt: Date;
}
