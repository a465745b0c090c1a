import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from "typeorm";
import { integerAsBoolean } from "./column-types";

/** The badges catalogue; a badge with `isTitle` is a title (称号) a member may show beside their name. */
@Entity({ name: "badges" })
export class BadgeRecord {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ type: "varchar", length: 32, unique: true })
  code: string;

  @Column({ name: "name_zh", type: "varchar", length: 64 })
  nameZh: string;

  @Column({ name: "name_en", type: "varchar", length: 64 })
  nameEn: string;

  @Column({ name: "description_zh", type: "varchar", length: 255, nullable: true })
  descriptionZh: string | null;

  @Column({ name: "description_en", type: "varchar", length: 255, nullable: true })
  descriptionEn: string | null;

  @Column({ name: "is_title", type: "boolean", default: false, transformer: integerAsBoolean })
  isTitle: boolean;

  @Column({ name: "created_at", type: "datetime", precision: 3 })
  createdAt: Date;

  @Column({ name: "updated_at", type: "datetime", precision: 3 })
  updatedAt: Date;
}

/** A badge a member was awarded: once per member and badge. A revoked award keeps its row (and stays revoked). */
@Entity({ name: "member_badges" })
@Index("uq_member_badges_once", ["memberId", "badgeId"], { unique: true })
@Index("idx_member_badges_badge", ["badgeId", "memberId"])
export class MemberBadgeRecord {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ name: "member_id", type: "integer" })
  memberId: number;

  @Column({ name: "badge_id", type: "integer" })
  badgeId: number;

  @Column({ type: "varchar", length: 255 })
  reason: string;

  /** `challenge:SUMMER_3_ORDERS`, `rule:SOCIAL_STAR`, `staff:3`. */
  @Column({ name: "awarded_by", type: "varchar", length: 48 })
  awardedBy: string;

  @Column({ name: "awarded_at", type: "datetime", precision: 3 })
  awardedAt: Date;

  @Column({ name: "revoked_at", type: "datetime", precision: 3, nullable: true })
  revokedAt: Date | null;

  @Column({ name: "revoked_by", type: "varchar", length: 48, nullable: true })
  revokedBy: string | null;

  @Column({ name: "revoke_reason", type: "varchar", length: 255, nullable: true })
  revokeReason: string | null;
}

/** The title a member chose to show; without a row, their latest title is shown. */
@Entity({ name: "member_displayed_titles" })
export class MemberDisplayedTitleRecord {
  @PrimaryColumn({ name: "member_id", type: "integer" })
  memberId: number;

  @Column({ name: "badge_id", type: "integer" })
  badgeId: number;

  @Column({ name: "chosen_at", type: "datetime", precision: 3 })
  chosenAt: Date;
}

export const badgeRuleActivityKinds = ["REFERRAL_QUALIFIED", "CHECK_IN"] as const;
export type BadgeRuleActivityKind = (typeof badgeRuleActivityKinds)[number];

/** Activities the badge rules count, as heard from the engagement hub: once per member, kind and reference. */
@Entity({ name: "badge_rule_activities" })
@Index("idx_badge_rule_activities_kind_time", ["kind", "occurredAt", "memberId"])
@Index("idx_badge_rule_activities_member_day", ["memberId", "kind", "day"])
export class BadgeRuleActivityRecord {
  @PrimaryColumn({ name: "member_id", type: "integer" })
  memberId: number;

  @PrimaryColumn({ type: "varchar", length: 24 })
  kind: BadgeRuleActivityKind;

  @PrimaryColumn({ type: "varchar", length: 128 })
  reference: string;

  /** The programme's local day number of `occurredAt`. */
  @Column({ type: "integer" })
  day: number;

  @Column({ name: "occurred_at", type: "datetime", precision: 3 })
  occurredAt: Date;
}
