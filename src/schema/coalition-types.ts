// The partner coalition in the API: what a partner sees of a member, partners' benefits, members' grants and codes,
// agreements and settlement statements.
import { GraphQLSafeInt } from "graphql-scalars";
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { statementPeriodContaining, type BenefitRefusal } from "../engine";
import {
  partnerBenefitKinds,
  partnerBenefitStatuses,
  partnerGrantFields,
  settlementLineKinds,
  statementPeriods,
  type MemberPartnerGrantRecord,
  type PartnerAgreementRecord,
  type PartnerBenefitKind,
  type PartnerBenefitRecord,
  type PartnerBenefitStatus,
  type PartnerGrantField,
  type PartnerRecord,
  type SettlementLineKind,
  type SettlementLineRecord,
  type SettlementStatementRecord,
  type StatementPeriod,
} from "../entities";
import type { BenefitOffer } from "../services/coalition/partner-benefit-service";
import type { OpenPeriod } from "../services/coalition/settlement-service";
import { connectionTypes } from "./connection";
import { enumObject } from "./enums";
import { toGlobalId } from "./global-id";

export const PartnerGrantFieldEnum = enumObject(partnerGrantFields);
export const PartnerBenefitKindEnum = enumObject(partnerBenefitKinds);
export const PartnerBenefitStatusEnum = enumObject(partnerBenefitStatuses);
export const StatementPeriodEnum = enumObject(statementPeriods);
export const SettlementLineKindEnum = enumObject(settlementLineKinds);
export const BenefitRefusalEnum = enumObject(["WITHDRAWN", "NOT_YET_VALID", "EXPIRED", "OUT_OF_STOCK", "TIER", "SEGMENT", "LIMIT_REACHED"] as const satisfies readonly BenefitRefusal[]);

registerEnumType(PartnerGrantFieldEnum, { name: "PartnerGrantField", description: "What a member may let one partner see beyond the coalition basics (their partner id, tier and the partner's benefits they may use)." });
registerEnumType(PartnerBenefitKindEnum, { name: "PartnerBenefitKind", description: "DISCOUNT (折扣), GIFT (礼品) or SERVICE (服务)." });
registerEnumType(PartnerBenefitStatusEnum, { name: "PartnerBenefitStatus", description: "ACTIVE, or WITHDRAWN: no longer offered." });
registerEnumType(StatementPeriodEnum, { name: "StatementPeriod", description: "How often a partner's settlement statement closes, in the programme's time zone." });
registerEnumType(SettlementLineKindEnum, {
  name: "SettlementLineKind",
  description: "POINTS_ISSUED (the partner pays), POINTS_ISSUE_REVERSED (a refund credits it), POINTS_REDEEMED (the partner is paid), BENEFIT_REDEEMED (the coalition pays its share), ADJUSTMENT.",
});
registerEnumType(BenefitRefusalEnum, { name: "BenefitRefusal", description: "Why a member may not use a benefit now." });

@ObjectType({ description: "A short-lived code for the member's app to show as a QR or barcode at a partner's till (会员码)." })
export class MemberCode {
  @Field()
  code: string;

  @Field(() => Date, { description: "Refresh the code before this." })
  expiresAt: Date;
}

@ObjectType({ simpleResolvers: true, description: "A brand of the coalition as members see it." })
export class CoalitionPartner {
  @Field(() => ID, { description: "The Partner's global id." })
  id: string;

  @Field()
  code: string;

  @Field()
  name: string;

  static fromRecord(record: PartnerRecord): CoalitionPartner {
    return Object.assign(new CoalitionPartner(), { id: toGlobalId("Partner", record.id), code: record.code, name: record.name });
  }
}

@ObjectType({ description: "What the member shares with one partner." })
export class PartnerGrant {
  partnerId: number;

  @Field(() => [PartnerGrantFieldEnum])
  fields: PartnerGrantField[];

  @Field(() => Date)
  grantedAt: Date;

  @Field(() => Date)
  updatedAt: Date;

  static fromRecord(record: MemberPartnerGrantRecord): PartnerGrant {
    return Object.assign(new PartnerGrant(), { partnerId: record.partnerId, fields: record.fields, grantedAt: record.grantedAt, updatedAt: record.updatedAt });
  }
}

@ObjectType({ simpleResolvers: true, description: "A benefit a partner offers coalition members (联盟权益)." })
export class PartnerBenefit {
  @Field(() => ID)
  id: string;

  @Field()
  code: string;

  @Field()
  title: string;

  @Field(() => String, { nullable: true })
  description: string | null;

  @Field(() => PartnerBenefitKindEnum)
  kind: PartnerBenefitKind;

  @Field(() => Int, { description: "What one use costs the partner, in fen: the base of the cost split." })
  valueFen: number;

  @Field(() => Int, { description: "Percent of that cost the coalition pays the partner." })
  coalitionSharePercent: number;

  @Field(() => Int, { nullable: true, description: "Uses left to give out; null: no limit." })
  stock: number | null;

  @Field(() => Int)
  redeemedCount: number;

  @Field(() => Int)
  perMemberLimit: number;

  @Field(() => [String], { description: "Tiers that may use it; empty: every tier." })
  eligibleTierCodes: string[];

  @Field(() => [ID], { description: "Segments (of schemes) a member must be in one of; empty: no condition." })
  eligibleSegmentIds: string[];

  @Field(() => Date)
  validFrom: Date;

  @Field(() => Date, { nullable: true })
  validUntil: Date | null;

  @Field(() => PartnerBenefitStatusEnum)
  status: PartnerBenefitStatus;

  static fromRecord(record: PartnerBenefitRecord): PartnerBenefit {
    return Object.assign(new PartnerBenefit(), {
      id: String(record.id),
      code: record.code,
      title: record.title,
      description: record.description,
      kind: record.kind,
      valueFen: record.valueFen,
      coalitionSharePercent: record.coalitionSharePercent,
      stock: record.stock,
      redeemedCount: record.redeemedCount,
      perMemberLimit: record.perMemberLimit,
      eligibleTierCodes: record.eligibleTierCodes,
      eligibleSegmentIds: record.eligibleSegmentIds.map(String),
      validFrom: record.validFrom,
      validUntil: record.validUntil,
      status: record.status,
    });
  }
}

@ObjectType({ simpleResolvers: true, description: "A partner's benefit with whether this member may use it now." })
export class PartnerBenefitOffer {
  @Field(() => PartnerBenefit)
  benefit: PartnerBenefit;

  @Field()
  eligible: boolean;

  @Field(() => Int)
  usesLeft: number;

  @Field(() => BenefitRefusalEnum, { nullable: true })
  refusal: BenefitRefusal | null;

  @Field(() => String, { nullable: true, description: "Why not, in a sentence for the till's screen." })
  refusalMessage: string | null;

  static fromOffer(offer: BenefitOffer): PartnerBenefitOffer {
    return Object.assign(new PartnerBenefitOffer(), { ...offer, benefit: PartnerBenefit.fromRecord(offer.benefit) });
  }
}

@ObjectType({ simpleResolvers: true, description: "A partner's benefit as members see it: what it is and when it applies, not what it costs whom." })
export class CoalitionBenefit {
  @Field(() => ID)
  id: string;

  @Field()
  code: string;

  @Field()
  title: string;

  @Field(() => String, { nullable: true })
  description: string | null;

  @Field(() => PartnerBenefitKindEnum)
  kind: PartnerBenefitKind;

  @Field(() => [String], { description: "Tiers that may use it; empty: every tier." })
  eligibleTierCodes: string[];

  @Field(() => Date)
  validFrom: Date;

  @Field(() => Date, { nullable: true })
  validUntil: Date | null;

  static fromRecord(record: PartnerBenefitRecord): CoalitionBenefit {
    const { code, title, description, kind, eligibleTierCodes, validFrom, validUntil } = record;
    return Object.assign(new CoalitionBenefit(), { id: String(record.id), code, title, description, kind, eligibleTierCodes, validFrom, validUntil });
  }
}

@ObjectType({ simpleResolvers: true, description: "A partner's benefit with whether the member may use it now." })
export class MemberBenefitOffer {
  @Field(() => CoalitionBenefit)
  benefit: CoalitionBenefit;

  @Field()
  eligible: boolean;

  @Field(() => Int)
  usesLeft: number;

  @Field(() => BenefitRefusalEnum, { nullable: true })
  refusal: BenefitRefusal | null;

  @Field(() => String, { nullable: true })
  refusalMessage: string | null;

  static fromOffer(offer: BenefitOffer): MemberBenefitOffer {
    return Object.assign(new MemberBenefitOffer(), { ...offer, benefit: CoalitionBenefit.fromRecord(offer.benefit) });
  }
}

@ObjectType({ description: "A member's tier as partners see it." })
export class PartnerMemberTier {
  @Field()
  code: string;

  @Field()
  name: string;
}

@ObjectType({
  description:
    "A member as one partner sees them: a pseudonymous id of that partner's own, the tier, and only the fields the member granted that partner. Fields not granted are null.",
})
export class PartnerMember {
  partnerId: number;
  memberId: number;
  grantedFieldList: PartnerGrantField[];

  @Field({ description: "This partner's id for the member: another partner knows the same member by another id." })
  partnerMemberId: string;

  @Field(() => [PartnerGrantFieldEnum], { description: "What the member shares with your brand; empty when they only showed their code." })
  grantedFields(): PartnerGrantField[] {
    return this.grantedFieldList;
  }
}

@InputType({ description: "Exactly one way to find the member." })
export class PartnerMemberLookupInput {
  @Field(() => String, { nullable: true, description: "The code the member's app shows (QR or barcode), scanned now." })
  memberCode?: string | null;

  @Field(() => String, { nullable: true, description: "A phone number your brand holds; finds only members who share their membership with your brand." })
  phone?: string | null;

  @Field(() => String, { nullable: true, description: "Your brand's id for a member, from an earlier look-up." })
  partnerMemberId?: string | null;
}

@InputType()
export class PublishPartnerBenefitInput {
  @Field({ description: "Unique within the partner, e.g. FREE_COFFEE." })
  code: string;

  @Field()
  title: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => PartnerBenefitKindEnum)
  kind: PartnerBenefitKind;

  @Field(() => Int)
  valueFen: number;

  @Field(() => Int, { nullable: true, description: "Staff only (default: the agreement's benefit share); a partner's own benefits are its own to fund." })
  coalitionSharePercent?: number | null;

  @Field(() => Int, { nullable: true, description: "Null: no limit." })
  stock?: number | null;

  @Field(() => Int, { nullable: true, description: "Uses per member; default 1." })
  perMemberLimit?: number | null;

  @Field(() => [String], { nullable: true })
  eligibleTierCodes?: string[] | null;

  @Field(() => [ID], { nullable: true, description: "Staff only." })
  eligibleSegmentIds?: string[] | null;

  @Field(() => Date, { nullable: true })
  validFrom?: Date | null;

  @Field(() => Date, { nullable: true })
  validUntil?: Date | null;
}

@InputType()
export class UpdatePartnerBenefitInput {
  @Field(() => String, { nullable: true })
  title?: string | null;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => Int, { nullable: true, description: "Uses left to give out." })
  stock?: number | null;

  @Field(() => Boolean, { nullable: true, description: "True removes the stock limit." })
  unlimitedStock?: boolean | null;

  @Field(() => Date, { nullable: true })
  validUntil?: Date | null;

  @Field(() => PartnerBenefitStatusEnum, { nullable: true })
  status?: PartnerBenefitStatus | null;

  @Field(() => Int, { nullable: true, description: "Staff only: the coalition's percent of each later use's cost." })
  coalitionSharePercent?: number | null;
}

@InputType()
export class RedeemPartnerBenefitInput {
  @Field(() => PartnerMemberLookupInput)
  member: PartnerMemberLookupInput;

  @Field(() => ID)
  benefitId: string;

  @Field(() => String, { nullable: true })
  storeCode?: string | null;

  @Field({ description: "A fresh UUID per redemption; reuse it only to retry the same one." })
  idempotencyKey: string;
}

@ObjectType()
export class PartnerBenefitRedemption {
  @Field(() => ID)
  id: string;

  @Field(() => ID)
  benefitId: string;

  @Field(() => Date)
  redeemedAt: Date;

  @Field(() => Int, { description: "How many more times the member may use it." })
  usesLeft: number;
}

@InputType()
export class EarnPartnerPointsInput {
  @Field(() => PartnerMemberLookupInput)
  member: PartnerMemberLookupInput;

  @Field({ description: "Your order number; each earns once." })
  orderId: string;

  @Field(() => Int, { description: "Fen paid." })
  amount: number;

  @Field()
  storeCode: string;

  @Field(() => String, { nullable: true })
  category?: string | null;

  @Field(() => Date, { nullable: true, description: "When it was paid; default now; at most 90 days ago." })
  placedAt?: Date | null;

  @Field()
  idempotencyKey: string;
}

@InputType()
export class RefundPartnerOrderInput {
  @Field()
  orderId: string;

  @Field(() => Int, { description: "Fen refunded now; partial refunds add up." })
  amount: number;

  @Field()
  idempotencyKey: string;
}

@InputType()
export class RedeemPartnerPointsInput {
  @Field({ description: "The member's code, scanned now: spending points needs the member at the till." })
  memberCode: string;

  @Field(() => Int)
  points: number;

  @Field(() => String, { nullable: true })
  storeCode?: string | null;

  @Field(() => String, { nullable: true, description: "Your receipt number, shown on the settlement line." })
  reference?: string | null;

  @Field()
  idempotencyKey: string;
}

@ObjectType({ description: "The outcome of a partner's points command." })
export class PartnerPointsPayload {
  memberId: number;
  partnerId: number;
  balance: number;

  @Field({ description: "Your brand's id for the member." })
  partnerMemberId: string;

  @Field(() => Int, { description: "Points added (earn) or taken (redemption, refund) by this command." })
  points: number;
}

@ObjectType({ simpleResolvers: true, description: "The terms agreed with a partner, in force from effectiveFrom." })
export class PartnerAgreement {
  @Field(() => ID)
  id: string;

  @Field(() => Int, { description: "Coalition points a customer earns per 100 yuan spent at the partner." })
  earnPointsPer100Yuan: number;

  @Field(() => Int, { description: "Fen per 100 points the partner pays for points its customers earn." })
  issuedPointValue: number;

  @Field(() => Int, { description: "Fen per 100 points the partner is paid for points spent with it." })
  redeemedPointValue: number;

  @Field(() => Int, { description: "Default percent of a benefit's cost the coalition pays." })
  benefitSharePercent: number;

  @Field(() => StatementPeriodEnum)
  statementPeriod: StatementPeriod;

  @Field(() => Date)
  effectiveFrom: Date;

  @Field(() => String, { nullable: true })
  createdBy: string | null;

  static fromRecord(record: PartnerAgreementRecord): PartnerAgreement {
    return Object.assign(new PartnerAgreement(), { ...record, id: String(record.id) });
  }
}

@InputType()
export class PartnerAgreementInput {
  @Field(() => Int)
  earnPointsPer100Yuan: number;

  @Field(() => Int)
  issuedPointValue: number;

  @Field(() => Int)
  redeemedPointValue: number;

  @Field(() => Int)
  benefitSharePercent: number;

  @Field(() => StatementPeriodEnum, { defaultValue: "MONTHLY" })
  statementPeriod: StatementPeriod;
}

@ObjectType({ simpleResolvers: true, description: "One amount owed between a partner and the coalition." })
export class SettlementLine {
  @Field(() => ID)
  id: string;

  @Field(() => SettlementLineKindEnum)
  kind: SettlementLineKind;

  @Field(() => GraphQLSafeInt)
  points: number;

  @Field(() => GraphQLSafeInt, { description: "Fen: positive, the partner owes the coalition; negative, the coalition owes the partner." })
  amount: number;

  @Field(() => Int, { nullable: true, description: "Fen per 100 points, or the coalition's percent of a benefit's cost." })
  rate: number | null;

  @Field(() => String, { nullable: true, description: "The partner's order or receipt number, or the benefit's code." })
  reference: string | null;

  @Field(() => String, { nullable: true })
  note: string | null;

  @Field(() => Date)
  createdAt: Date;

  static fromRecord(record: SettlementLineRecord): SettlementLine {
    return Object.assign(new SettlementLine(), { id: String(record.id), kind: record.kind, points: record.points, amount: record.amount, rate: record.rate, reference: record.reference, note: record.note, createdAt: record.createdAt });
  }
}

@ObjectType()
export class SettlementLineConnection extends connectionTypes(SettlementLine, "SettlementLine") {}

/** The fields a closed statement and the open period share. */
@ObjectType()
abstract class SettlementTotals {
  partnerId: number;
  /** Null for the open period. */
  statementId: number | null;

  @Field(() => Date)
  periodStart: Date;

  @Field(() => Date, { description: "Exclusive." })
  periodEnd: Date;

  @Field({ description: "e.g. 2026-11 or 2026-W48." })
  label: string;

  @Field(() => GraphQLSafeInt)
  pointsIssued: number;

  @Field(() => GraphQLSafeInt)
  pointsRedeemed: number;

  @Field(() => Int)
  benefitsRedeemed: number;

  @Field(() => GraphQLSafeInt, { description: "Fen the partner owes the coalition." })
  owedByPartner: number;

  @Field(() => GraphQLSafeInt, { description: "Fen the coalition owes the partner." })
  owedToPartner: number;

  @Field(() => GraphQLSafeInt, { description: "owedByPartner - owedToPartner: positive, the partner pays." })
  netAmount: number;

  @Field(() => Int)
  lineCount: number;
}

/** Periods of seven days are weeks; anything longer is a month. */
const labelOf = (start: Date, end: Date, utcOffsetMinutes: number) =>
  statementPeriodContaining(start, end.getTime() - start.getTime() <= 7 * 86_400_000 ? "WEEKLY" : "MONTHLY", utcOffsetMinutes).label;

@ObjectType({ description: "A closed settlement statement: it never changes; later corrections go onto the next one." })
export class SettlementStatement extends SettlementTotals {
  @Field(() => ID)
  id: string;

  @Field(() => Date)
  closedAt: Date;

  static fromRecord(record: SettlementStatementRecord, utcOffsetMinutes: number): SettlementStatement {
    return Object.assign(new SettlementStatement(), { ...record, id: String(record.id), statementId: record.id, label: labelOf(record.periodStart, record.periodEnd, utcOffsetMinutes) });
  }
}

@ObjectType()
export class SettlementStatementConnection extends connectionTypes(SettlementStatement, "SettlementStatement") {}

@ObjectType({ description: "The period not yet closed: what its statement would hold if it closed now." })
export class OpenSettlementPeriod extends SettlementTotals {
  static fromPeriod(period: OpenPeriod): OpenSettlementPeriod {
    return Object.assign(new OpenSettlementPeriod(), { ...period, periodStart: period.start, periodEnd: period.end, statementId: null });
  }
}
