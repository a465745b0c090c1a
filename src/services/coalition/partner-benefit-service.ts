// Benefits partners offer coalition members: published by the partner (or staff for it), read with each member's
// eligibility, and redeemed once per idempotency key under the benefit's row lock, so stock and per-member limits
// hold however many tills redeem at once. Each redemption writes its settlement line in the same transaction.
import type { DataSource, EntityManager } from "typeorm";
import type { Clock } from "../../clock";
import { lockingRead, runInTransaction } from "../../database/transactions";
import { benefitEligibility, type BenefitRefusal } from "../../engine";
import {
  PartnerBenefitRecord,
  PartnerBenefitRedemptionRecord,
  PartnerRecord,
  partnerBenefitKinds,
  type PartnerBenefitKind,
  type PartnerBenefitStatus,
} from "../../entities";
import { badUserInput, conflict, forbidden, notEligible, notFound, outOfStock } from "../../errors";
import type { AuditService } from "../audit-service";
import { isUniqueViolation, type IdempotencyService } from "../idempotency-service";
import { validCode, validOptionalStoreCode } from "../points/points-input";
import { checkEligibilityConditions, memberStanding } from "../eligibility-conditions";
import type { ServiceContext } from "../service-context";
import { agreementInForce, benefitRedeemedLine, writeSettlementLine } from "./settlement-lines";

export interface PartnerBenefitInput {
  code: string;
  title: string;
  description?: string | null;
  kind: PartnerBenefitKind;
  valueFen: number;
  /** Null: the agreement's default share. */
  coalitionSharePercent?: number | null;
  stock?: number | null;
  perMemberLimit?: number | null;
  eligibleTierCodes?: string[] | null;
  eligibleSegmentIds?: number[] | null;
  validFrom?: Date | null;
  validUntil?: Date | null;
}

export interface PartnerBenefitChanges {
  title?: string | null;
  description?: string | null;
  /** Uses left to give out; null leaves it, use `unlimitedStock` to remove the limit. */
  stock?: number | null;
  unlimitedStock?: boolean | null;
  validUntil?: Date | null;
  status?: PartnerBenefitStatus | null;
  /** Staff only: the coalition's share of each later use (past uses keep theirs). */
  coalitionSharePercent?: number | null;
}

/** A benefit with whether one member may use it now. */
export interface BenefitOffer {
  benefit: PartnerBenefitRecord;
  eligible: boolean;
  usesLeft: number;
  refusal: BenefitRefusal | null;
  refusalMessage: string | null;
}

export interface BenefitRedemptionResult {
  redemptionId: number;
  benefitId: number;
  redeemedAt: string;
  usesLeft: number;
}

function text(value: string | null | undefined, field: string, maximum: number, required: boolean): string | null {
  const trimmed = (value ?? "").trim();
  if (trimmed === "") {
    if (required) throw badUserInput(`${field} is required.`, field);
    return null;
  }
  if (trimmed.length > maximum) throw badUserInput(`${field} must be at most ${maximum} characters.`, field);
  return trimmed;
}

function count(value: number, field: string, minimum: number, maximum: number): number {
  if (!Number.isInteger(value) || value < minimum || value > maximum) throw badUserInput(`${field} must be a whole number from ${minimum} to ${maximum} (got ${value}).`, field);
  return value;
}

export class PartnerBenefitService {
  constructor(private readonly dataSource: DataSource, private readonly clock: Clock, private readonly audit: AuditService, private readonly idempotency: IdempotencyService) {}

  async publish(context: ServiceContext, partnerId: number, input: PartnerBenefitInput): Promise<PartnerBenefitRecord> {
    const now = this.clock.now();
    const code = validCode(input.code, "input.code", 32).toUpperCase();
    const title = text(input.title, "input.title", 64, true)!;
    const description = text(input.description, "input.description", 255, false);
    if (!partnerBenefitKinds.includes(input.kind)) throw badUserInput(`input.kind must be ${partnerBenefitKinds.join(", ")}.`, "input.kind");
    const valueFen = count(input.valueFen, "input.valueFen", 0, 100_000_000);
    const stock = input.stock === null || input.stock === undefined ? null : count(input.stock, "input.stock", 0, 100_000_000);
    const perMemberLimit = count(input.perMemberLimit ?? 1, "input.perMemberLimit", 1, 1000);
    const validFrom = input.validFrom ?? now;
    const validUntil = input.validUntil ?? null;
    if (validUntil && validUntil <= validFrom) throw badUserInput("input.validUntil must be after input.validFrom.", "input.validUntil");
    if (validUntil && validUntil <= now) throw badUserInput("input.validUntil is in the past: a benefit must be usable for some time from now.", "input.validUntil");
    const eligibleTierCodes = [...new Set((input.eligibleTierCodes ?? []).map((tierCode) => tierCode.trim().toUpperCase()))];
    const eligibleSegmentIds = [...new Set(input.eligibleSegmentIds ?? [])];
    return runInTransaction(this.dataSource, async (manager) => {
      if (!(await manager.existsBy(PartnerRecord, { id: partnerId }))) throw notFound("No partner has the id given.");
      const agreement = await agreementInForce(manager, partnerId, now);
      const coalitionSharePercent = this.sharePercent(context, input.coalitionSharePercent, agreement.benefitSharePercent, eligibleSegmentIds);
      await checkEligibilityConditions(manager, eligibleTierCodes, eligibleSegmentIds, "a benefit");
      if (await manager.existsBy(PartnerBenefitRecord, { partnerId, code })) throw conflict(`Your brand already has a benefit with the code ${code}: change that one with updatePartnerBenefit, or choose another code.`);
      const record = manager.create(PartnerBenefitRecord, {
        partnerId, code, title, description, kind: input.kind, valueFen, coalitionSharePercent, stock, redeemedCount: 0, perMemberLimit,
        eligibleTierCodes, eligibleSegmentIds, validFrom, validUntil, status: "ACTIVE", createdAt: now, updatedAt: now,
      });
      // The check above misses a twin publishing the same code at the same moment: its insert fails on the unique key.
      const inserted = await manager.insert(PartnerBenefitRecord, record).catch((error: unknown) => {
        throw isUniqueViolation(error) ? conflict(`Your brand already has a benefit with the code ${code}.`) : error;
      });
      record.id = Number(inserted.identifiers[0]?.id);
      await this.audit.record(manager, context, { action: "partnerBenefit.publish", targetType: "partnerBenefit", targetId: record.id, details: { partnerId, code, valueFen, coalitionSharePercent, stock } });
      return record;
    });
  }

  /** Title, description, stock, end and status (and, for staff, the share); the value and who may use it stay as published. */
  async update(context: ServiceContext, partnerId: number, benefitId: number, changes: PartnerBenefitChanges): Promise<PartnerBenefitRecord> {
    const now = this.clock.now();
    return runInTransaction(this.dataSource, async (manager) => {
      const benefit = await lockingRead(manager, PartnerBenefitRecord, "benefit").where("benefit.id = :benefitId AND benefit.partnerId = :partnerId", { benefitId, partnerId }).getOne();
      if (!benefit) throw notFound("Your brand has no benefit with the id given.");
      if (changes.title !== null && changes.title !== undefined) benefit.title = text(changes.title, "input.title", 64, true)!;
      if (changes.description !== undefined) benefit.description = text(changes.description, "input.description", 255, false);
      if (changes.stock !== null && changes.stock !== undefined) benefit.stock = count(changes.stock, "input.stock", 0, 100_000_000);
      if (changes.unlimitedStock) benefit.stock = null;
      if (changes.validUntil !== null && changes.validUntil !== undefined) {
        if (changes.validUntil <= benefit.validFrom) throw badUserInput("input.validUntil must be after the benefit's validFrom.", "input.validUntil");
        benefit.validUntil = changes.validUntil;
      }
      if (changes.status) benefit.status = changes.status;
      if (changes.coalitionSharePercent !== null && changes.coalitionSharePercent !== undefined) {
        if (context.identity.kind === "partner") throw forbidden("Only the coalition's staff change a benefit's coalition share.");
        benefit.coalitionSharePercent = count(changes.coalitionSharePercent, "input.coalitionSharePercent", 0, 100);
      }
      benefit.updatedAt = now;
      await manager.save(PartnerBenefitRecord, benefit);
      await this.audit.record(manager, context, { action: "partnerBenefit.update", targetType: "partnerBenefit", targetId: benefit.id, details: { stock: benefit.stock, status: benefit.status, validUntil: benefit.validUntil?.toISOString() ?? null, coalitionSharePercent: benefit.coalitionSharePercent } });
      return benefit;
    });
  }

  list(partnerId: number, includeWithdrawn: boolean): Promise<PartnerBenefitRecord[]> {
    return this.dataSource.getRepository(PartnerBenefitRecord).find({ where: { partnerId, ...(includeWithdrawn ? {} : { status: "ACTIVE" as const }) }, order: { id: "ASC" } });
  }

  /** The partner's active benefits, each with whether the member may use it now and how many times. */
  async offers(partnerId: number, memberId: number): Promise<BenefitOffer[]> {
    const benefits = await this.list(partnerId, false);
    if (benefits.length === 0) return [];
    const manager = this.dataSource.manager;
    const standing = await this.standing(manager, memberId, benefits.map((benefit) => benefit.id));
    const now = this.clock.now();
    return benefits.map((benefit) => {
      const verdict = benefitEligibility(benefit, { ...standing, usesSoFar: standing.uses.get(benefit.id) ?? 0 }, now);
      return verdict.eligible
        ? { benefit, eligible: true, usesLeft: verdict.usesLeft, refusal: null, refusalMessage: null }
        : { benefit, eligible: false, usesLeft: 0, refusal: verdict.reason, refusalMessage: verdict.message };
    });
  }

  /**
   * Uses one of the member's allowance of the benefit, once per idempotency key. `confirmPresence` spends the member
   * code the till scanned, only when the redemption is new.
   */
  redeem(context: ServiceContext, partnerId: number, memberId: number, benefitId: number, storeCode: string | null | undefined, idempotencyKey: string, confirmPresence: (manager: EntityManager, now: Date) => Promise<void> = async () => undefined): Promise<BenefitRedemptionResult> {
    const store = validOptionalStoreCode(storeCode, "input.storeCode");
    return this.idempotency.run(context, { command: "redeemPartnerBenefit", key: idempotencyKey, input: { partnerId, memberId, benefitId, storeCode: store } }, async (manager) => {
      const now = this.clock.now();
      await confirmPresence(manager, now);
      const benefit = await lockingRead(manager, PartnerBenefitRecord, "benefit").where("benefit.id = :benefitId AND benefit.partnerId = :partnerId", { benefitId, partnerId }).getOne();
      if (!benefit) throw notFound("Your brand has no benefit with the id given: list them with partnerBenefits.");
      const standing = await this.standing(manager, memberId, [benefit.id]);
      const verdict = benefitEligibility(benefit, { ...standing, usesSoFar: standing.uses.get(benefit.id) ?? 0 }, now);
      if (!verdict.eligible) throw verdict.reason === "OUT_OF_STOCK" ? outOfStock(benefit.code) : notEligible(verdict.message, verdict.reason);
      // Settlement needs terms in force: without them nobody could say what the redemption is owed.
      await agreementInForce(manager, partnerId, now);
      const inserted = await manager.insert(PartnerBenefitRedemptionRecord, { benefitId, partnerId, memberId, storeCode: store, redeemedAt: now });
      const redemptionId = Number(inserted.identifiers[0]?.id);
      await manager.update(PartnerBenefitRecord, { id: benefit.id }, { redeemedCount: benefit.redeemedCount + 1, stock: benefit.stock === null ? null : benefit.stock - 1, updatedAt: now });
      await writeSettlementLine(manager, benefitRedeemedLine(partnerId, benefit, redemptionId), now);
      await this.audit.record(manager, context, { action: "partnerBenefit.redeem", targetType: "partnerBenefit", targetId: benefit.id, details: { redemptionId, storeCode: store } });
      return { redemptionId, benefitId, redeemedAt: now.toISOString(), usesLeft: verdict.usesLeft - 1 };
    });
  }

  /**
   * What the coalition pays of each use. A partner's own benefits are its own to fund (0%): a partner that could set
   * the share, or the value it applies to, could bill the coalition at will. Co-funded benefits are set by staff, at
   * the agreement's share unless they give another; staff alone attach segment conditions, as segments are the
   * programme's own analysis of its members.
   */
  private sharePercent(context: ServiceContext, requested: number | null | undefined, agreementShare: number, segmentIds: number[]): number {
    if (context.identity.kind !== "partner") return requested === null || requested === undefined ? agreementShare : count(requested, "input.coalitionSharePercent", 0, 100);
    if (requested) throw forbidden("Only the coalition's staff set a coalition share: publish the benefit, then ask them to co-fund it.");
    if (segmentIds.length > 0) throw forbidden("Only the coalition's staff attach segment conditions: segments are the programme's analysis of its members.");
    return 0;
  }

  /** The member's tier, scheme segments and uses of the given benefits. */
  private async standing(manager: EntityManager, memberId: number, benefitIds: number[]): Promise<{ tierCode: string; segmentIds: number[]; uses: Map<number, number> }> {
    const { tierCode, segmentIds } = await memberStanding(manager, memberId);
    const uses = await manager
      .getRepository(PartnerBenefitRedemptionRecord)
      .createQueryBuilder("redemption")
      .select("redemption.benefitId", "benefitId")
      .addSelect("COUNT(*)", "uses")
      .where("redemption.memberId = :memberId AND redemption.benefitId IN (:...benefitIds)", { memberId, benefitIds })
      .groupBy("redemption.benefitId")
      .getRawMany<{ benefitId: number; uses: number | string }>();
    return { tierCode, segmentIds, uses: new Map(uses.map((row) => [Number(row.benefitId), Number(row.uses)])) };
  }
}
