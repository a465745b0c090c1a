// Settlement lines are written by the command that causes them, inside its transaction, at the rates of the partner's
// agreement in force: the ledger entry or redemption and the amount owed for it commit together or not at all.
import type { EntityManager } from "typeorm";
import { benefitShareInFen, pointsValueInFen, redemptionValueInFen, reversalValueInFen } from "../../engine";
import { PartnerAgreementRecord, SettlementLineRecord, type SettlementLineKind } from "../../entities";
import { conflict } from "../../errors";

export interface NewSettlementLine {
  partnerId: number;
  kind: SettlementLineKind;
  points: number;
  amount: number;
  rate: number | null;
  pointEntryId?: number | null;
  benefitRedemptionId?: number | null;
  reference?: string | null;
  note?: string | null;
}

/** The agreement in force for the partner at `now` (the newest that has started); none is a client error. */
export async function agreementInForce(manager: EntityManager, partnerId: number, now: Date): Promise<PartnerAgreementRecord> {
  const agreement = await manager
    .getRepository(PartnerAgreementRecord)
    .createQueryBuilder("agreement")
    .where("agreement.partnerId = :partnerId AND agreement.effectiveFrom <= :now", { partnerId, now })
    .orderBy("agreement.effectiveFrom", "DESC")
    .addOrderBy("agreement.id", "DESC")
    .getOne();
  if (!agreement) throw conflict("This partner has no settlement agreement in force yet: the coalition's staff set one (setPartnerAgreement) before any points or benefits change hands.");
  return agreement;
}

/** Returns the line's id. */
export async function writeSettlementLine(manager: EntityManager, line: NewSettlementLine, now: Date): Promise<number> {
  const inserted = await manager.insert(SettlementLineRecord, {
    pointEntryId: null,
    benefitRedemptionId: null,
    reference: null,
    note: null,
    ...line,
    statementId: null,
    createdAt: now,
  });
  return Number(inserted.identifiers[0]?.id);
}

/** Points a partner's customer earned there: the partner pays their value. */
export function pointsIssuedLine(agreement: PartnerAgreementRecord, points: number, pointEntryId: number, orderId: string): NewSettlementLine {
  const rate = agreement.issuedPointValue;
  return { partnerId: agreement.partnerId, kind: "POINTS_ISSUED", points, amount: pointsValueInFen(points, rate), rate, pointEntryId, reference: orderId };
}

/**
 * Points taken back for a refunded partner order, at the rate they were issued at: the partner is credited the
 * cumulative difference, so the credits of all of an order's refunds add up to exactly what its issue cost.
 */
export function pointsIssueReversedLine(partnerId: number, reversed: { before: number; now: number }, rate: number, pointEntryId: number, orderId: string): NewSettlementLine {
  return { partnerId, kind: "POINTS_ISSUE_REVERSED", points: -reversed.now, amount: -reversalValueInFen(reversed.before, reversed.now, rate), rate, pointEntryId, reference: orderId };
}

/** Points spent at the partner: the coalition pays the partner their value, rounded down. */
export function pointsRedeemedLine(agreement: PartnerAgreementRecord, points: number, pointEntryId: number, reference: string | null): NewSettlementLine {
  const rate = agreement.redeemedPointValue;
  return { partnerId: agreement.partnerId, kind: "POINTS_REDEEMED", points, amount: -redemptionValueInFen(points, rate), rate, pointEntryId, reference };
}

/** A partner benefit used: the coalition pays its share of what the benefit costs the partner. */
export function benefitRedeemedLine(partnerId: number, benefit: { code: string; valueFen: number; coalitionSharePercent: number }, benefitRedemptionId: number): NewSettlementLine {
  const rate = benefit.coalitionSharePercent;
  return { partnerId, kind: "BENEFIT_REDEEMED", points: 0, amount: -benefitShareInFen(benefit.valueFen, rate), rate, benefitRedemptionId, reference: benefit.code };
}
