import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from "typeorm";
import { bigintAsNumber } from "./column-types";

export const statementPeriods = ["MONTHLY", "WEEKLY"] as const;
export type StatementPeriod = (typeof statementPeriods)[number];

/**
 * What a member may let a partner see beyond the coalition basics (pseudonymous id, tier, the partner's benefits the
 * member may use). Nothing here is shared unless the member granted it to that partner.
 */
export const partnerGrantFields = ["POINTS_BALANCE", "NAME", "PHONE", "EMAIL", "BIRTHDAY", "GENDER"] as const;
export type PartnerGrantField = (typeof partnerGrantFields)[number];

export const partnerBenefitKinds = ["DISCOUNT", "GIFT", "SERVICE"] as const;
export type PartnerBenefitKind = (typeof partnerBenefitKinds)[number];
export const partnerBenefitStatuses = ["ACTIVE", "WITHDRAWN"] as const;
export type PartnerBenefitStatus = (typeof partnerBenefitStatuses)[number];

/**
 * POINTS_ISSUED: points a partner's customer earned there (the partner pays their value);
 * POINTS_ISSUE_REVERSED: points clawed back when the partner's order was refunded;
 * POINTS_REDEEMED: points spent at the partner (the partner is paid their value);
 * BENEFIT_REDEEMED: a partner benefit used (the coalition pays its share of the cost);
 * ADJUSTMENT: a correction by staff, in the open period.
 */
export const settlementLineKinds = ["POINTS_ISSUED", "POINTS_ISSUE_REVERSED", "POINTS_REDEEMED", "BENEFIT_REDEEMED", "ADJUSTMENT"] as const;
export type SettlementLineKind = (typeof settlementLineKinds)[number];

/** The terms agreed with a partner from `effectiveFrom` on; a change is a new row, so past lines keep their rates. */
@Entity({ name: "partner_agreements" })
@Index("idx_partner_agreements_partner", ["partnerId", "effectiveFrom"])
export class PartnerAgreementRecord {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ name: "partner_id", type: "integer" })
  partnerId: number;

  /** Coalition points a customer earns per 100 yuan spent at the partner. */
  @Column({ name: "earn_points_per_100_yuan", type: "integer" })
  earnPointsPer100Yuan: number;

  /** Fen per 100 points the partner pays for points its customers earn. */
  @Column({ name: "issued_point_value", type: "integer" })
  issuedPointValue: number;

  /** Fen per 100 points the partner is paid for points redeemed at it. */
  @Column({ name: "redeemed_point_value", type: "integer" })
  redeemedPointValue: number;

  /** Default share (percent) of a partner benefit's cost the coalition pays; each benefit may set its own. */
  @Column({ name: "benefit_share_percent", type: "integer" })
  benefitSharePercent: number;

  @Column({ name: "statement_period", type: "varchar", length: 16 })
  statementPeriod: StatementPeriod;

  @Column({ name: "effective_from", type: "datetime", precision: 3 })
  effectiveFrom: Date;

  @Column({ name: "created_by", type: "varchar", length: 64, nullable: true })
  createdBy: string | null;

  @Column({ name: "created_at", type: "datetime", precision: 3 })
  createdAt: Date;
}

/** A member's grant to one partner: the extra fields it may see. Withdrawing the grant deletes the row. */
@Entity({ name: "member_partner_grants" })
@Index("idx_member_partner_grants_partner", ["partnerId", "memberId"])
export class MemberPartnerGrantRecord {
  @PrimaryColumn({ name: "member_id", type: "integer" })
  memberId: number;

  @PrimaryColumn({ name: "partner_id", type: "integer" })
  partnerId: number;

  @Column({ type: "simple-json" })
  fields: PartnerGrantField[];

  @Column({ name: "granted_at", type: "datetime", precision: 3 })
  grantedAt: Date;

  @Column({ name: "updated_at", type: "datetime", precision: 3 })
  updatedAt: Date;
}

/** The pseudonymous id one partner knows one member by (a keyed hash), kept so the partner's id can be looked up. */
@Entity({ name: "partner_member_links" })
@Index("uq_partner_member_links_pseudonym", ["partnerId", "pseudonym"], { unique: true })
export class PartnerMemberLinkRecord {
  @PrimaryColumn({ name: "partner_id", type: "integer" })
  partnerId: number;

  @PrimaryColumn({ name: "member_id", type: "integer" })
  memberId: number;

  @Column({ type: "varchar", length: 40 })
  pseudonym: string;

  @Column({ name: "created_at", type: "datetime", precision: 3 })
  createdAt: Date;
}

/** A benefit a partner offers coalition members: who may use it, how many there are, what it costs whom. */
@Entity({ name: "partner_benefits" })
@Index("uq_partner_benefits_code", ["partnerId", "code"], { unique: true })
export class PartnerBenefitRecord {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ name: "partner_id", type: "integer" })
  partnerId: number;

  @Column({ type: "varchar", length: 32 })
  code: string;

  @Column({ type: "varchar", length: 64 })
  title: string;

  @Column({ type: "varchar", length: 255, nullable: true })
  description: string | null;

  @Column({ type: "varchar", length: 16 })
  kind: PartnerBenefitKind;

  /** What one use of the benefit costs the partner, in fen: the base of the cost split. */
  @Column({ name: "value_fen", type: "bigint", transformer: bigintAsNumber })
  valueFen: number;

  @Column({ name: "coalition_share_percent", type: "integer" })
  coalitionSharePercent: number;

  /** Uses left to give out in all; null: no limit. */
  @Column({ type: "integer", nullable: true })
  stock: number | null;

  @Column({ name: "redeemed_count", type: "integer" })
  redeemedCount: number;

  @Column({ name: "per_member_limit", type: "integer" })
  perMemberLimit: number;

  /** Tier codes that may use it; empty: every tier. */
  @Column({ name: "eligible_tier_codes", type: "simple-json" })
  eligibleTierCodes: string[];

  /** Segment ids (of schemes) a member must be in one of; empty: no segment condition. */
  @Column({ name: "eligible_segment_ids", type: "simple-json" })
  eligibleSegmentIds: number[];

  @Column({ name: "valid_from", type: "datetime", precision: 3 })
  validFrom: Date;

  /** Exclusive; null: no end. */
  @Column({ name: "valid_until", type: "datetime", precision: 3, nullable: true })
  validUntil: Date | null;

  @Column({ type: "varchar", length: 16 })
  status: PartnerBenefitStatus;

  @Column({ name: "created_at", type: "datetime", precision: 3 })
  createdAt: Date;

  @Column({ name: "updated_at", type: "datetime", precision: 3 })
  updatedAt: Date;
}

@Entity({ name: "partner_benefit_redemptions" })
@Index("idx_partner_benefit_redemptions_member", ["benefitId", "memberId"])
export class PartnerBenefitRedemptionRecord {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ name: "benefit_id", type: "integer" })
  benefitId: number;

  @Column({ name: "partner_id", type: "integer" })
  partnerId: number;

  @Column({ name: "member_id", type: "integer" })
  memberId: number;

  @Column({ name: "store_code", type: "varchar", length: 32, nullable: true })
  storeCode: string | null;

  @Column({ name: "redeemed_at", type: "datetime", precision: 3 })
  redeemedAt: Date;
}

/**
 * One amount owed between a partner and the coalition, written in the transaction of what it settles. `amount` is in
 * fen, positive when the partner owes the coalition, negative when the coalition owes the partner. A line belongs to
 * the first statement closed after it was written; it is never changed after that.
 */
@Entity({ name: "settlement_lines" })
@Index("idx_settlement_lines_open", ["partnerId", "statementId", "createdAt"])
export class SettlementLineRecord {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ name: "partner_id", type: "integer" })
  partnerId: number;

  @Column({ type: "varchar", length: 24 })
  kind: SettlementLineKind;

  /** Points the line is about (issued, reversed, redeemed); 0 for benefits and adjustments. */
  @Column({ type: "bigint", transformer: bigintAsNumber })
  points: number;

  @Column({ type: "bigint", transformer: bigintAsNumber })
  amount: number;

  /** The rate applied: fen per 100 points for points lines, the coalition's percent for benefits. */
  @Column({ type: "integer", nullable: true })
  rate: number | null;

  @Column({ name: "point_entry_id", type: "integer", nullable: true, unique: true })
  pointEntryId: number | null;

  @Column({ name: "benefit_redemption_id", type: "integer", nullable: true, unique: true })
  benefitRedemptionId: number | null;

  /** The partner's order number or the benefit's code. */
  @Column({ type: "varchar", length: 64, nullable: true })
  reference: string | null;

  @Column({ type: "varchar", length: 255, nullable: true })
  note: string | null;

  @Column({ name: "statement_id", type: "integer", nullable: true })
  statementId: number | null;

  @Column({ name: "created_at", type: "datetime", precision: 3 })
  createdAt: Date;
}

/** A closed period's statement for one partner: its totals are the sums of its lines, and it never changes. */
@Entity({ name: "settlement_statements" })
@Index("uq_settlement_statements_period", ["partnerId", "periodStart"], { unique: true })
export class SettlementStatementRecord {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ name: "partner_id", type: "integer" })
  partnerId: number;

  @Column({ name: "period_start", type: "datetime", precision: 3 })
  periodStart: Date;

  /** Exclusive. */
  @Column({ name: "period_end", type: "datetime", precision: 3 })
  periodEnd: Date;

  @Column({ name: "points_issued", type: "bigint", transformer: bigintAsNumber })
  pointsIssued: number;

  @Column({ name: "points_redeemed", type: "bigint", transformer: bigintAsNumber })
  pointsRedeemed: number;

  @Column({ name: "benefits_redeemed", type: "integer" })
  benefitsRedeemed: number;

  @Column({ name: "owed_by_partner", type: "bigint", transformer: bigintAsNumber })
  owedByPartner: number;

  @Column({ name: "owed_to_partner", type: "bigint", transformer: bigintAsNumber })
  owedToPartner: number;

  /** owedByPartner - owedToPartner: positive, the partner pays the coalition. */
  @Column({ name: "net_amount", type: "bigint", transformer: bigintAsNumber })
  netAmount: number;

  @Column({ name: "line_count", type: "integer" })
  lineCount: number;

  @Column({ name: "closed_at", type: "datetime", precision: 3 })
  closedAt: Date;

  @Column({ name: "closed_by", type: "varchar", length: 64 })
  closedBy: string;
}

/** A member code that has been spent with: one spend per code. Only a hash of the code is kept. */
@Entity({ name: "member_code_uses" })
export class MemberCodeUseRecord {
  @PrimaryColumn({ name: "code_hash", type: "varchar", length: 64 })
  codeHash: string;

  @Column({ name: "member_id", type: "integer" })
  memberId: number;

  @Column({ name: "partner_id", type: "integer" })
  partnerId: number;

  @Column({ name: "used_at", type: "datetime", precision: 3 })
  usedAt: Date;
}
