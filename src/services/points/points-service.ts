// The points commands: earn (for a purchase or an award), redeem, adjust and refund. Each runs in one transaction
// behind the member's account lock, is idempotent per key, and tells subscribers after it commits.
import { IsNull, type DataSource, type EntityManager } from "typeorm";
import { describeActor } from "../../auth/identity";
import type { Clock } from "../../clock";
import type { ProgrammeSettings } from "../../config";
import { lockingRead } from "../../database/transactions";
import { pointsForPurchase, pointsToClawBack, type SalesChannel } from "../../engine";
import { MemberRecord, noEventDetails, OrderRecord, type PointEntryRecord, type PointSource } from "../../entities";
import { badUserInput, conflict, notFound } from "../../errors";
import { topics, type EventBus, type TierChangedEvent } from "../../events/event-bus";
import type { AuditService } from "../audit-service";
import type { ProgrammeDataCache } from "../programme-data-cache";
import { isUniqueViolation, type IdempotencyService } from "../idempotency-service";
import type { ActivityRecorder } from "../behaviour/activity-recorder";
import type { ServiceContext } from "../service-context";
import type { TierQualificationService } from "../tier-qualification-service";
import { validAwardSource, validChannel, validCode, validOptionalStoreCode, validOrderAmount, validPoints, validReason } from "./points-input";
import type { EntryOrigin, LockedAccount, PointsLedger } from "./points-ledger";

export interface PurchaseInput {
  orderId: string;
  /** Fen. */
  amount: number;
  category: string;
  channel: SalesChannel;
  storeCode: string;
  /** When the purchase happened; defaults to now. Spend counts for tiers by this time. */
  placedAt?: Date | null;
  /** Where the order came from when it arrived as a behaviour event (recordEvents, the import). */
  behaviour?: { source: string; brand: string | null; categories: string[] } | null;
  /** False records the order (behaviour, qualifying spend) without earning points: history imports. Default true. */
  awardPoints?: boolean;
}

export interface EarnInput {
  memberId: number;
  /** Either a purchase (points from the earning rules) ... */
  purchase?: PurchaseInput | null;
  /** ... or a number of points awarded for another source, with a reason. */
  points?: number | null;
  source?: PointSource | null;
  reason?: string | null;
  storeCode?: string | null;
}

export interface RedeemInput {
  memberId: number;
  points: number;
  reason: string;
  storeCode?: string | null;
}

export interface AdjustInput {
  memberId: number;
  /** Positive adds points, negative removes them. */
  points: number;
  reason: string;
}

export interface RefundInput {
  orderId: string;
  /** Fen refunded now; partial refunds add up. */
  amount: number;
  /** When it was refunded, if reported later; defaults to now. */
  refundedAt?: Date | null;
  /** The behaviour event it arrived as (recordEvents, the import). */
  behaviour?: { source: string; externalId: string } | null;
}

/** What a command returns, stored as JSON for idempotent replay: a retry gets exactly this back. */
export interface PointsCommandResult {
  memberId: number;
  entryIds: number[];
  balance: number;
  debt: number;
  tierChanges: TierChangedEvent[];
  orderId?: number;
  rewardRedemptionId?: number;
  lotteryDrawId?: number;
}

/** Also keeps what the events need, so they can be published after commit. */
type StoredResult = PointsCommandResult & { entryAmounts: { type: PointEntryRecord["type"]; amount: number }[] };

/** What a command's work produces inside the transaction. */
interface CommandOutcome {
  entries: PointEntryRecord[];
  tierChanges?: TierChangedEvent[];
  orderId?: number;
  rewardRedemptionId?: number;
  lotteryDrawId?: number;
}

/** Partner orders are stored as P<partner id>:<their number> (PartnerPointsService); the programme's may not look so. */
export const isPartnerOrderNumber = (orderId: string) => /^P\d+:/.test(orderId);

/** The behaviour source of orders and refunds sent through earnPoints and refundOrder. */
export const ordersApiSource = "orders-api";

export class PointsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly settings: ProgrammeSettings,
    private readonly programmeData: ProgrammeDataCache,
    private readonly ledger: PointsLedger,
    private readonly tiers: TierQualificationService,
    private readonly events: EventBus,
    private readonly audit: AuditService,
    private readonly idempotency: IdempotencyService,
    private readonly activity: ActivityRecorder,
    /** Told after a command that changed a member's behaviour commits: incremental rescoring listens here. */
    private readonly onMemberActivity: (memberId: number) => void = () => undefined,
  ) {}

  earn(context: ServiceContext, input: EarnInput, idempotencyKey: string): Promise<PointsCommandResult> {
    if (input.purchase && input.points !== null && input.points !== undefined) {
      throw badUserInput("Give either input.purchase (points from the earning rules) or input.points with a source, not both.", "input");
    }
    if (input.purchase) return this.earnForPurchase(context, input.memberId, input.purchase, idempotencyKey);
    if (input.points === null || input.points === undefined) {
      throw badUserInput("Give input.purchase for a purchase, or input.points with input.source and input.reason for another award.", "input");
    }
    const points = validPoints(input.points, "input.points");
    const source = validAwardSource(input.source ?? "", "input.source");
    const reason = validReason(input.reason, "input.reason");
    const storeCode = validOptionalStoreCode(input.storeCode, "input.storeCode");
    return this.run(context, "earnPoints", idempotencyKey, input, input.memberId, async (manager, locked, now) => {
      const entries = await this.ledger.credit(manager, locked, "EARN", points, this.origin(context, { reason, source, sourceRef: null, storeCode }), now);
      // Awards create points without a purchase: each one is in the audit trail, like an adjustment.
      await this.audit.record(manager, context, { action: "points.award", targetType: "member", targetId: input.memberId, details: { points, source, reason } });
      return { entries };
    });
  }

  private earnForPurchase(context: ServiceContext, memberId: number, purchase: PurchaseInput, idempotencyKey: string): Promise<PointsCommandResult> {
    const orderId = validCode(purchase.orderId, "input.purchase.orderId", 64);
    if (isPartnerOrderNumber(orderId)) throw badUserInput("input.purchase.orderId must not start with P<digits>: that form is kept for partner orders.", "input.purchase.orderId");
    const amount = validOrderAmount(purchase.amount, "input.purchase.amount");
    const channel = validChannel(purchase.channel, "input.purchase.channel");
    const storeCode = validCode(purchase.storeCode, "input.purchase.storeCode", 32);
    const category = validCode(purchase.category, "input.purchase.category", 32);
    return this.run(context, "earnPoints", idempotencyKey, { memberId, purchase }, memberId, async (manager, locked, now) => {
      const placedAt = purchase.placedAt ?? now;
      if (placedAt.getTime() > now.getTime() + 5 * 60_000) throw badUserInput("input.purchase.placedAt is in the future: send the time the purchase was paid.", "input.purchase.placedAt");
      // Locked after the account (the order every command keeps): the tier review job changes the member's tier
      // under this lock, so a purchase and a review never work from each other's stale tier.
      const member = await lockingRead(manager, MemberRecord, "member").where("member.id = :memberId", { memberId }).getOneOrFail();
      const tier = (await this.programmeData.ladder(manager)).find((rung) => rung.id === member.tierId);
      if (!tier) throw new Error(`Member ${memberId} points at missing tier ${member.tierId}`);
      const rules = await this.programmeData.bonusRules(manager);
      const awardPoints = purchase.awardPoints ?? true;
      const earned = pointsForPurchase({ amount, category, channel, placedAt }, { pointsPerYuan: this.settings.pointsPerYuan, tierMultiplierPercent: tier.pointsMultiplierPercent }, rules);
      const inserted = await manager
        .insert(OrderRecord, { memberId, externalId: orderId, storeCode, partnerId: null, channel, category, amount, refundedAmount: 0, pointsEarned: awardPoints ? earned.total : 0, pointsClawedBack: 0, placedAt, createdAt: now })
        .catch((error: unknown) => {
          throw isUniqueViolation(error) ? conflict(`Order ${orderId} was already recorded: each order earns points once. To retry a request, reuse its idempotencyKey.`) : error;
        });
      const orderRowId = Number(inserted.identifiers[0]?.id);
      const bonuses = earned.appliedRuleCodes.length > 0 ? ` incl. ${earned.appliedRuleCodes.join(", ")}` : "";
      const reason = `Purchase of ${amount / 100} yuan at ${tier.code} (${tier.pointsMultiplierPercent}%)${bonuses}`;
      const behaviour = purchase.behaviour ?? { source: ordersApiSource, brand: null, categories: [category] };
      await this.activity.record(
        manager,
        { ...noEventDetails, memberId, source: behaviour.source, externalId: orderId, kind: "ORDER", occurredAt: placedAt, receivedAt: now, amount, channel, storeCode, brand: behaviour.brand, categories: behaviour.categories.join(",") || null },
        [{ day: this.activity.dayOf(placedAt), orders: 1, spend: amount }],
        { orderAt: placedAt },
        now,
        !awardPoints,
      );
      const entries = awardPoints && earned.total > 0 ? await this.ledger.credit(manager, locked, "EARN", earned.total, this.origin(context, { reason, source: "ORDER", sourceRef: orderId, storeCode }), now, orderRowId) : [];
      // The purchase earns at the tier held when it was made; an upgrade it causes applies from the next one.
      const tierChanges = await this.tiers.afterSpend(manager, member, locked.account, now);
      return { entries, tierChanges, orderId: orderRowId };
    }, !purchase.behaviour);
  }

  redeem(context: ServiceContext, input: RedeemInput, idempotencyKey: string): Promise<PointsCommandResult> {
    const points = validPoints(input.points, "input.points");
    const reason = validReason(input.reason, "input.reason");
    const storeCode = validOptionalStoreCode(input.storeCode, "input.storeCode");
    const source: PointSource = context.identity.kind === "member" ? "MEMBER" : "STAFF";
    return this.run(context, "redeemPoints", idempotencyKey, input, input.memberId, async (manager, locked, now, justExpired) => ({
      entries: [await this.ledger.debit(manager, locked, "REDEEM", points, this.origin(context, { reason, source, sourceRef: null, storeCode }), now, justExpired)],
    }));
  }

  adjust(context: ServiceContext, input: AdjustInput, idempotencyKey: string): Promise<PointsCommandResult> {
    const points = validPoints(input.points, "input.points", true);
    const reason = validReason(input.reason, "input.reason");
    return this.run(context, "adjustPoints", idempotencyKey, input, input.memberId, async (manager, locked, now, justExpired) => {
      const origin = this.origin(context, { reason, source: "STAFF", sourceRef: null, storeCode: null });
      const entries = points > 0 ? await this.ledger.credit(manager, locked, "ADJUST", points, origin, now) : [await this.ledger.debit(manager, locked, "ADJUST", -points, origin, now, justExpired)];
      await this.audit.record(manager, context, { action: "points.adjust", targetType: "member", targetId: input.memberId, details: { points, reason } });
      return { entries };
    });
  }

  async refund(context: ServiceContext, input: RefundInput, idempotencyKey: string): Promise<PointsCommandResult> {
    const orderId = validCode(input.orderId, "input.orderId", 64);
    const amount = validOrderAmount(input.amount, "input.amount");
    // An order's member never changes, so it can be read before the lock that guards everything else.
    // Partner orders are refunded by their partner (refundPartnerOrder), which settles the points with it.
    const order = await this.dataSource.getRepository(OrderRecord).findOneBy({ externalId: orderId, partnerId: IsNull() });
    if (!order) throw notFound(`No order ${orderId} was recorded: refunds apply to orders sent with earnPoints.`);
    return this.run(context, "refundOrder", idempotencyKey, input, order.memberId, async (manager, locked, now) => {
      const current = await lockingRead(manager, OrderRecord, "o").where("o.id = :id", { id: order.id }).getOneOrFail();
      const refundable = current.amount - current.refundedAmount;
      if (amount > refundable) throw badUserInput(`input.amount is more than the ${refundable} fen of order ${orderId} not yet refunded.`, "input.amount");
      const points = pointsToClawBack({ amount: current.amount, pointsEarned: current.pointsEarned, refundedBefore: current.refundedAmount, refundedNow: amount });
      await manager.update(OrderRecord, { id: current.id }, { refundedAmount: current.refundedAmount + amount, pointsClawedBack: current.pointsClawedBack + points });
      const refundedAt = input.refundedAt ?? now;
      // The refund nets the order's day down (spend in a window is what was kept) and counts as a refund on its own day.
      await this.activity.record(
        manager,
        {
          ...noEventDetails,
          memberId: current.memberId,
          source: input.behaviour?.source ?? ordersApiSource,
          // Cumulative refunded fen only grows, so with the order's row id it names each refund uniquely (and short:
          // order numbers may fill the 64 characters themselves).
          externalId: input.behaviour?.externalId ?? `order-${current.id}#refund-${current.refundedAmount + amount}`,
          kind: "REFUND",
          occurredAt: refundedAt,
          receivedAt: now,
          amount,
          orderExternalId: orderId,
        },
        [{ day: this.activity.dayOf(current.placedAt), spend: -amount }, { day: this.activity.dayOf(refundedAt), refunds: 1, refundAmount: amount }],
        {},
        now,
      );
      const reason = `Refund of ${amount / 100} yuan on order ${orderId}`;
      const entries = points > 0 ? [await this.ledger.clawBack(manager, locked, points, current.id, this.origin(context, { reason, source: "ORDER", sourceRef: orderId, storeCode: current.storeCode }), now)] : [];
      await this.audit.record(manager, context, { action: "order.refund", targetType: "order", targetId: orderId, details: { amount, points } });
      return { entries, orderId: current.id };
    }, !input.behaviour);
  }

  /** Entry fields that say who did it; the rest comes from the command. */
  origin(context: ServiceContext, details: Pick<EntryOrigin, "reason" | "source" | "sourceRef" | "storeCode">): EntryOrigin {
    const actor = describeActor(context.identity);
    const partnerId = context.identity.kind === "partner" ? context.identity.partnerId : null;
    return { ...details, partnerId, actorType: actor.actorType, actorId: actor.actorId };
  }

  /**
   * The frame of every command: idempotency, the account lock, expiring what is due first (so expired points are
   * never spent), the work, and events once committed. A replayed retry publishes nothing: nothing happened.
   */
  async run(
    context: ServiceContext,
    command: string,
    idempotencyKey: string,
    input: unknown,
    memberId: number,
    work: (manager: EntityManager, locked: LockedAccount, now: Date, justExpired: number) => Promise<CommandOutcome>,
    /** Orders and refunds change behaviour; when they came as events, recordEvents rescores the member itself. */
    rescoreAfter = false,
  ): Promise<PointsCommandResult> {
    const now = this.clock.now();
    // A replayed or lost-race result is parsed from JSON, a new object: only our own committed result is this one.
    let produced = null as StoredResult | null;
    const result = await this.idempotency.run(context, { command, key: idempotencyKey, input }, async (manager) => {
      const locked = await this.ledger.lock(manager, memberId);
      const { account } = locked;
      const expired = await this.ledger.expireDue(manager, locked, now, describeActor(context.identity));
      const justExpired = -expired.reduce((sum, entry) => sum + entry.amount, 0);
      const outcome = await work(manager, locked, now, justExpired);
      const entries = [...expired, ...outcome.entries];
      const stored: StoredResult = {
        memberId,
        entryIds: entries.map((entry) => entry.id),
        balance: account.balance,
        debt: account.debt,
        tierChanges: outcome.tierChanges ?? [],
        ...(outcome.orderId !== undefined ? { orderId: outcome.orderId } : {}),
        ...(outcome.rewardRedemptionId !== undefined ? { rewardRedemptionId: outcome.rewardRedemptionId } : {}),
        ...(outcome.lotteryDrawId !== undefined ? { lotteryDrawId: outcome.lotteryDrawId } : {}),
        entryAmounts: entries.map((entry) => ({ type: entry.type, amount: entry.amount })),
      };
      produced = stored;
      return stored;
    });
    if (result === produced) {
      const change = result.entryAmounts.reduce((sum, entry) => sum + entry.amount, 0);
      this.events.publish(topics.pointsChanged, { memberId, entryTypes: result.entryAmounts.map((entry) => entry.type), change, balance: result.balance, at: now.toISOString() });
      for (const tierChange of result.tierChanges) this.events.publish(topics.tierChanged, tierChange);
      if (rescoreAfter) this.onMemberActivity(memberId);
    }
    const { entryAmounts: _entryAmounts, ...publicResult } = result;
    return publicResult;
  }
}
