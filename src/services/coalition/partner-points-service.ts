// Coalition points at partner brands: a partner's customers earn at the partner's rate, spend at any partner, and a
// refunded partner order takes its points back. Every command goes through the points ledger's own frame (account
// lock, expiry first, idempotency, events) and writes its settlement line in the same transaction.
import type { DataSource, EntityManager } from "typeorm";
import { lockingRead } from "../../database/transactions";
import { partnerEarnPoints, pointsToClawBack } from "../../engine";
import { OrderRecord, SettlementLineRecord } from "../../entities";
import { badUserInput, ClientError, conflict, notFound } from "../../errors";
import { isUniqueViolation } from "../idempotency-service";
import type { PointsLedger } from "../points/points-ledger";
import { maximumPointsPerCommand, validCode, validOptionalStoreCode, validOrderAmount, validPoints } from "../points/points-input";
import type { PointsCommandResult, PointsService } from "../points/points-service";
import type { ServiceContext } from "../service-context";
import type { PartnerGrantService } from "./partner-grant-service";
import type { PartnerMemberDirectory } from "./partner-member-directory";
import { agreementInForce, pointsIssuedLine, pointsIssueReversedLine, pointsRedeemedLine, writeSettlementLine } from "./settlement-lines";

export interface PartnerOrderInput {
  orderId: string;
  /** Fen. */
  amount: number;
  storeCode: string;
  category?: string | null;
  placedAt?: Date | null;
}

export interface PartnerRedemptionInput {
  memberCode: string;
  points: number;
  storeCode?: string | null;
  /** The partner's receipt number, shown on the settlement line. */
  reference?: string | null;
}

/** Partner orders live in the coalition's order table; the prefix keeps partners' numbers apart (and programme orders may not use it). */
export const partnerOrderExternalId = (partnerId: number, orderId: string) => `P${partnerId}:${orderId}`;

/** Orders reported late still earn; older than this they are a reconciliation matter for staff. */
const latestPlacedAtAgeDays = 90;

export class PartnerPointsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly points: PointsService,
    private readonly ledger: PointsLedger,
    private readonly directory: PartnerMemberDirectory,
    private readonly grants: PartnerGrantService,
  ) {}

  /** `confirmPresence` checks the member code the till scanned, if any, only when the earn is new. */
  earn(context: ServiceContext, partnerId: number, memberId: number, order: PartnerOrderInput, idempotencyKey: string, confirmPresence: (manager: EntityManager, now: Date) => Promise<void> = async () => undefined): Promise<PointsCommandResult> {
    const orderId = validCode(order.orderId, "input.orderId", 48);
    const amount = validOrderAmount(order.amount, "input.amount");
    const storeCode = validCode(order.storeCode, "input.storeCode", 32);
    const category = order.category ? validCode(order.category, "input.category", 32) : "PARTNER";
    const input = { partnerId, memberId, orderId, amount, storeCode, category, placedAt: order.placedAt ?? null };
    return this.points.run(context, "earnPartnerPoints", idempotencyKey, input, memberId, async (manager, locked, now) => {
      await confirmPresence(manager, now);
      const placedAt = order.placedAt ?? now;
      if (placedAt.getTime() > now.getTime() + 5 * 60_000) throw badUserInput("input.placedAt is in the future: send the time the purchase was paid.", "input.placedAt");
      if (placedAt.getTime() < now.getTime() - latestPlacedAtAgeDays * 86_400_000) throw badUserInput(`input.placedAt is more than ${latestPlacedAtAgeDays} days ago: ask the coalition's staff to settle older orders.`, "input.placedAt");
      const agreement = await agreementInForce(manager, partnerId, now);
      const earned = partnerEarnPoints(amount, agreement.earnPointsPer100Yuan);
      if (earned > maximumPointsPerCommand) throw badUserInput(`This order would earn ${earned} points, more than the ${maximumPointsPerCommand} one command may: check input.amount (fen, not yuan).`, "input.amount");
      const inserted = await manager
        .insert(OrderRecord, { memberId, externalId: partnerOrderExternalId(partnerId, orderId), storeCode, partnerId, channel: "PARTNER", category, amount, refundedAmount: 0, pointsEarned: earned, pointsClawedBack: 0, placedAt, createdAt: now })
        .catch((error: unknown) => {
          throw isUniqueViolation(error) ? conflict(`Order ${orderId} was already reported: each order earns points once. To retry a request, reuse its idempotencyKey.`) : error;
        });
      const orderRowId = Number(inserted.identifiers[0]?.id);
      if (earned === 0) return { entries: [], orderId: orderRowId };
      const origin = this.partnerOrigin(context, partnerId, { reason: `Purchase of ${amount / 100} yuan at a partner brand`, source: "PARTNER", sourceRef: orderId, storeCode });
      const entries = await this.ledger.credit(manager, locked, "EARN", earned, origin, now, orderRowId);
      await writeSettlementLine(manager, pointsIssuedLine(agreement, earned, entries[0].id, orderId), now);
      return { entries, orderId: orderRowId };
    });
  }

  /** Takes back the refunded share of the order's points; the partner is credited at the rate it paid. */
  async refund(context: ServiceContext, partnerId: number, orderIdInput: string, amountInput: number, idempotencyKey: string): Promise<PointsCommandResult> {
    const orderId = validCode(orderIdInput, "input.orderId", 48);
    const amount = validOrderAmount(amountInput, "input.amount");
    const order = await this.dataSource.getRepository(OrderRecord).findOneBy({ externalId: partnerOrderExternalId(partnerId, orderId), partnerId });
    if (!order) throw notFound(`Your brand reported no order ${orderId}: refunds apply to orders sent with earnPartnerPoints.`);
    return this.points.run(context, "refundPartnerOrder", idempotencyKey, { partnerId, orderId, amount }, order.memberId, async (manager, locked, now) => {
      const current = await lockingRead(manager, OrderRecord, "o").where("o.id = :id", { id: order.id }).getOneOrFail();
      const refundable = current.amount - current.refundedAmount;
      if (amount > refundable) throw badUserInput(`input.amount is more than the ${refundable} fen of order ${orderId} not yet refunded.`, "input.amount");
      const points = pointsToClawBack({ amount: current.amount, pointsEarned: current.pointsEarned, refundedBefore: current.refundedAmount, refundedNow: amount });
      await manager.update(OrderRecord, { id: current.id }, { refundedAmount: current.refundedAmount + amount, pointsClawedBack: current.pointsClawedBack + points });
      if (points === 0) return { entries: [], orderId: current.id };
      const issued = await manager.findOneByOrFail(SettlementLineRecord, { partnerId, kind: "POINTS_ISSUED", reference: orderId });
      const origin = this.partnerOrigin(context, partnerId, { reason: `Refund of ${amount / 100} yuan on partner order ${orderId}`, source: "PARTNER", sourceRef: orderId, storeCode: current.storeCode });
      const entry = await this.ledger.clawBack(manager, locked, points, current.id, origin, now);
      await writeSettlementLine(manager, pointsIssueReversedLine(partnerId, { before: current.pointsClawedBack, now: points }, issued.rate ?? 0, entry.id, orderId), now);
      return { entries: [entry], orderId: current.id };
    });
  }

  /**
   * Spends the member's points at the partner. It needs the member's code, scanned now: spending is the member's act,
   * and the code proves they are at the till. A retry with the same key is answered even after the code expired.
   */
  async redeem(context: ServiceContext, partnerId: number, input: PartnerRedemptionInput, idempotencyKey: string): Promise<PointsCommandResult> {
    const memberId = this.directory.memberIdOfCode(input.memberCode, "input.memberCode");
    const points = validPoints(input.points, "input.points");
    const storeCode = validOptionalStoreCode(input.storeCode, "input.storeCode");
    const reference = input.reference ? validCode(input.reference, "input.reference", 64) : null;
    try {
      return await this.points.run(context, "redeemPartnerPoints", idempotencyKey, { partnerId, memberCode: input.memberCode, points, storeCode, reference }, memberId, async (manager, locked, now, justExpired) => {
        await this.directory.spendCode(manager, input.memberCode, partnerId, memberId, now, "input.memberCode");
        const agreement = await agreementInForce(manager, partnerId, now);
        const origin = this.partnerOrigin(context, partnerId, { reason: `Spent at a partner brand${reference ? ` (receipt ${reference})` : ""}`, source: "PARTNER", sourceRef: reference, storeCode });
        const entry = await this.ledger.debit(manager, locked, "REDEEM", points, origin, now, justExpired);
        await writeSettlementLine(manager, pointsRedeemedLine(agreement, points, entry.id, reference), now);
        await this.directory.link(manager, partnerId, memberId);
        return { entries: [entry] };
      });
    } catch (error) {
      throw await this.withoutUngrantedBalance(error, partnerId, memberId);
    }
  }

  /** The entry belongs to the partner the command is for, whoever made the call: the settlement line names it too. */
  private partnerOrigin(context: ServiceContext, partnerId: number, details: Parameters<PointsService["origin"]>[1]) {
    return { ...this.points.origin(context, details), partnerId };
  }

  /** A partner the member did not grant their balance learns only that it is not enough, not what it is. */
  private async withoutUngrantedBalance(error: unknown, partnerId: number, memberId: number): Promise<unknown> {
    if (!(error instanceof ClientError) || error.extensions.code !== "INSUFFICIENT_POINTS") return error;
    const fields = await this.grants.fieldsGranted(partnerId, memberId);
    if (fields?.includes("POINTS_BALANCE")) return error;
    return new ClientError("INSUFFICIENT_POINTS", "The member does not have enough points for this: ask them to check their balance in their app.", { needed: error.extensions.needed });
  }
}
