import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from "typeorm";
import { campaignStates, type CampaignState } from "../engine/campaigns/campaign-state";
import { bigintAsNumber } from "./column-types";

// The states are the engine's state machine's.
export { campaignStates, type CampaignState };
export const campaignChannels = ["SMS", "APP_PUSH", "EMAIL", "WECHAT", "IN_APP_COUPON"] as const;
export type CampaignChannel = (typeof campaignChannels)[number];
export const campaignTriggerKinds = ["ONE_SHOT", "SEGMENT_ENTERED", "SEGMENT_LEFT", "SIGN_UP", "TIER_CHANGED", "BIRTHDAY", "RECURRING"] as const;
export type CampaignTriggerKind = (typeof campaignTriggerKinds)[number];
export const campaignSendStatuses = ["PENDING", "SENT", "SKIPPED"] as const;
export type CampaignSendStatus = (typeof campaignSendStatuses)[number];

/** A campaign: whom it targets, what sets it off, what each variant sends, its budget and its state. */
@Entity({ name: "campaigns" })
@Index("idx_campaigns_state", ["state", "id"])
export class CampaignRecord {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ type: "varchar", length: 32, unique: true })
  code: string;

  @Column({ type: "varchar", length: 64 })
  name: string;

  @Column({ type: "varchar", length: 16 })
  state: CampaignState;

  @Column({ type: "varchar", length: 16 })
  channel: CampaignChannel;

  @Column({ name: "trigger_kind", type: "varchar", length: 24 })
  triggerKind: CampaignTriggerKind;

  /** JSON: { at } for ONE_SHOT (null: now), { segmentId } for SEGMENT_ENTERED and SEGMENT_LEFT, { cron } for RECURRING. */
  @Column({ name: "trigger_settings", type: "text" })
  triggerSettings: string;

  /** JSON: { segmentIds, excludeSegmentIds }. */
  @Column({ type: "text" })
  target: string;

  /** JSON: { variants: [{ code, weight, message, rewardPoints, couponValue, couponValidDays }], followUps: [{ afterDays, message, ... }] }. */
  @Column({ type: "text" })
  variants: string;

  @Column({ name: "control_percent", type: "integer" })
  controlPercent: number;

  /** IMMEDIATE, or BEST_HOUR: each member's most active local hour. */
  @Column({ name: "send_time", type: "varchar", length: 16 })
  sendTime: string;

  @Column({ name: "starts_at", type: "datetime", precision: 3, nullable: true })
  startsAt: Date | null;

  @Column({ name: "ends_at", type: "datetime", precision: 3, nullable: true })
  endsAt: Date | null;

  /** Fen; rewards and message costs are charged against it, and the campaign stops when it is spent. */
  @Column({ type: "bigint", transformer: bigintAsNumber })
  budget: number;

  @Column({ type: "bigint", transformer: bigintAsNumber })
  spent: number;

  @Column({ name: "conversion_window_days", type: "integer" })
  conversionWindowDays: number;

  /**
   * When a one-shot campaign's whole audience had its sends enqueued (enqueuing resumes until this is set); for a
   * recurring campaign, the last occurrence whose audience was enqueued; for a birthday campaign, the last day looked at.
   */
  @Column({ name: "audience_enqueued_at", type: "datetime", precision: 3, nullable: true })
  audienceEnqueuedAt: Date | null;

  @Column({ name: "created_by", type: "varchar", length: 64, nullable: true })
  createdBy: string | null;

  @Column({ name: "created_at", type: "datetime", precision: 3 })
  createdAt: Date;

  @Column({ name: "updated_at", type: "datetime", precision: 3 })
  updatedAt: Date;
}

/** A member's variant in a campaign (or CONTROL), decided once by a hash and kept. */
@Entity({ name: "campaign_assignments" })
export class CampaignAssignmentRecord {
  @PrimaryColumn({ name: "campaign_id", type: "integer" })
  campaignId: number;

  @PrimaryColumn({ name: "member_id", type: "integer" })
  memberId: number;

  @Column({ type: "varchar", length: 16 })
  variant: string;

  @Column({ name: "assigned_at", type: "datetime", precision: 3 })
  assignedAt: Date;
}

/** One send of a campaign step to a member: enqueued once (unique), delivered once, in the transaction that marks it. */
@Entity({ name: "campaign_sends" })
@Index("uq_campaign_sends_once", ["campaignId", "step", "memberId"], { unique: true })
@Index("idx_campaign_sends_due", ["status", "dueAt", "id"])
@Index("idx_campaign_sends_member", ["memberId", "sentAt"])
export class CampaignSendRecord {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ name: "campaign_id", type: "integer" })
  campaignId: number;

  @Column({ type: "integer" })
  step: number;

  @Column({ name: "member_id", type: "integer" })
  memberId: number;

  @Column({ type: "varchar", length: 16 })
  variant: string;

  @Column({ type: "varchar", length: 16 })
  channel: CampaignChannel;

  @Column({ type: "varchar", length: 16 })
  status: CampaignSendStatus;

  /** Why a send was not made: NO_CONSENT, FREQUENCY_CAP, BUDGET_SPENT, CAMPAIGN_ENDED. */
  @Column({ name: "skip_reason", type: "varchar", length: 32, nullable: true })
  skipReason: string | null;

  @Column({ name: "due_at", type: "datetime", precision: 3 })
  dueAt: Date;

  /** The rendered message, as sent. */
  @Column({ type: "text", nullable: true })
  message: string | null;

  /** Fen charged to the budget for this send (reward value plus message cost). */
  @Column({ type: "bigint", transformer: bigintAsNumber })
  cost: number;

  @Column({ name: "coupon_id", type: "integer", nullable: true })
  couponId: number | null;

  @Column({ name: "sent_at", type: "datetime", precision: 3, nullable: true })
  sentAt: Date | null;

  @Column({ name: "created_at", type: "datetime", precision: 3 })
  createdAt: Date;
}

/** A coupon a campaign (or a lottery draw) gave a member: a code, a value in fen, a validity. */
@Entity({ name: "coupons" })
@Index("idx_coupons_member", ["memberId", "id"])
export class CouponRecord {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ type: "varchar", length: 24, unique: true })
  code: string;

  /** The campaign that gave it; null for a coupon won in a lottery or given for a completed challenge. */
  @Column({ name: "campaign_id", type: "integer", nullable: true })
  campaignId: number | null;

  /** The lottery whose draw won it (lotteries migration); left out by campaigns. */
  @Column({ name: "lottery_id", type: "integer", nullable: true })
  lotteryId?: number | null;

  /** The challenge whose completion gave it; null when a campaign or lottery did. */
  @Column({ name: "challenge_id", type: "integer", nullable: true })
  challengeId: number | null;

  @Column({ name: "member_id", type: "integer" })
  memberId: number;

  @Column({ type: "bigint", transformer: bigintAsNumber })
  value: number;

  @Column({ name: "valid_from", type: "datetime", precision: 3 })
  validFrom: Date;

  @Column({ name: "valid_until", type: "datetime", precision: 3 })
  validUntil: Date;

  @Column({ name: "redeemed_at", type: "datetime", precision: 3, nullable: true })
  redeemedAt: Date | null;

  @Column({ name: "created_at", type: "datetime", precision: 3 })
  createdAt: Date;
}
