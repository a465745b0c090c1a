// A demo member's purchase history and the points ledger and tier history it leads to, computed in memory with
// the engine's rules (the same ones the services apply) so thousands of members can be written in bulk inserts.
// The result verifies like live data: `npm run ledger:verify` and the demo-seed test check it.
import type { ProgrammeSettings } from "../config";
import {
  addDays,
  allocateFirstExpiring,
  becomesPermanent,
  lotExpiresAt,
  pointsForPurchase,
  pointsToClawBack,
  qualificationWindowStart,
  reviewTier,
  salesChannels,
  splitClawBack,
  splitIncomingPoints,
  upgradeAfterSpend,
  type MemberTierState,
} from "../engine";
import type { MemberBenefitRecord, OrderRecord, PointAccountRecord, PointEntryRecord, PointLotRecord, TierChangeReason, TierChangeRecord, TierRecord } from "../entities";
import type { Random } from "../engine/random";

type Row<Record> = Omit<Record, never>;
export type OrderRow = Row<OrderRecord>;
export type EntryRow = Row<PointEntryRecord>;
export type LotRow = Row<PointLotRecord>;
export type TierChangeRow = Row<TierChangeRecord>;
export type AccountRow = Row<PointAccountRecord>;
export type BenefitRow = Omit<MemberBenefitRecord, "id">;

/** The next free primary key of each table, shared by all members of a seed run. */
export interface IdSequences {
  order: number;
  entry: number;
  lot: number;
  tierChange: number;
}

export interface DemoLedger {
  orders: OrderRow[];
  entries: EntryRow[];
  lots: LotRow[];
  tierChanges: TierChangeRow[];
  account: AccountRow;
  tier: { tierId: number; tierReviewAt: Date | null; permanentSince: Date | null; permanentTierId: number | null };
}

const categories = ["APPAREL", "BEAUTY", "FOOD", "HOME", "ELECTRONICS", "SPORTS"] as const;
const stores = ["SH-001", "SH-002", "BJ-001", "GZ-003", "SZ-002", "CD-001", "HZ-004", "ONLINE-1"] as const;

/** Purchases per spending level (the profile's tier position): count range and amount range in yuan. */
const spending = [
  { purchases: [0, 5], yuan: [30, 400] },
  { purchases: [4, 10], yuan: [300, 1_200] },
  { purchases: [8, 16], yuan: [800, 2_500] },
  { purchases: [12, 24], yuan: [1_500, 5_000] },
] as const;

type Event = { at: Date; kind: "purchase"; amount: number } | { at: Date; kind: "refund"; purchaseIndex: number } | { at: Date; kind: "redeem"; share: number };

/** When things happen: purchases weighted towards recent months, some refunded days later, some followed by a redemption. */
function plannedEvents(random: Random, level: number, joinedAt: Date, now: Date): Event[] {
  const plan = spending[Math.min(level, spending.length - 1)];
  const count = random.integer(plan.purchases[0], plan.purchases[1]);
  const spanDays = Math.max(1, Math.min(730, (now.getTime() - joinedAt.getTime()) / 86_400_000));
  const events: Event[] = [];
  for (let index = 0; index < count; index += 1) {
    const at = new Date(now.getTime() - random.next() ** 2 * spanDays * 86_400_000);
    events.push({ at, kind: "purchase", amount: random.integer(plan.yuan[0], plan.yuan[1]) * 100 + random.integer(0, 99) });
  }
  events.sort((a, b) => a.at.getTime() - b.at.getTime());
  const purchases = [...events];
  purchases.forEach((purchase, purchaseIndex) => {
    if (random.chance(0.06)) events.push({ at: addDays(purchase.at, random.integer(3, 20)), kind: "refund", purchaseIndex });
    if (random.chance(0.3)) events.push({ at: addDays(purchase.at, random.integer(1, 60)), kind: "redeem", share: random.integer(30, 90) / 100 });
  });
  return events.filter((event) => event.at <= now).sort((a, b) => a.at.getTime() - b.at.getTime());
}

export function simulateDemoLedger(random: Random, member: { id: number; level: number; joinedAt: Date }, ladder: TierRecord[], settings: ProgrammeSettings, now: Date, ids: IdSequences): DemoLedger {
  const actor = { actorType: "system", actorId: "demo-seed" };
  const policy = settings.tierPolicy;
  const entryTier = ladder[0];
  const rankOf = (tierId: number | null) => ladder.find((tier) => tier.id === tierId)?.rank ?? null;
  const result: DemoLedger = {
    orders: [],
    entries: [],
    lots: [],
    tierChanges: [],
    // The groups its points count in are the member's, which the seed knows (demo-data.ts).
    account: { memberId: member.id, balance: 0, debt: 0, lifetimeEarned: 0, updatedAt: member.joinedAt, kpiGroups: null },
    tier: { tierId: entryTier.id, tierReviewAt: null, permanentSince: null, permanentTierId: null },
  };
  const { account, tier } = result;
  const tierState = (): MemberTierState => ({ currentRank: rankOf(tier.tierId) ?? 0, permanentFloorRank: rankOf(tier.permanentTierId), reviewAt: tier.tierReviewAt });
  const netSpend = (from: Date | null, until: Date) =>
    result.orders.filter((order) => order.placedAt <= until && (from === null || order.placedAt > from)).reduce((sum, order) => sum + order.amount - order.refundedAmount, 0);

  const append = (at: Date, change: Pick<EntryRow, "type" | "amount" | "debtChange" | "reason" | "source" | "sourceRef" | "storeCode">): EntryRow => {
    account.balance += change.amount;
    account.debt += change.debtChange;
    account.updatedAt = at;
    const entry: EntryRow = { id: ids.entry++, memberId: member.id, ...change, balanceAfter: account.balance, partnerId: null, ...actor, createdAt: at };
    result.entries.push(entry);
    return entry;
  };
  const take = (points: number, preferredLotId: number | null) => {
    for (const allocation of allocateFirstExpiring(result.lots, points, preferredLotId)) {
      const lot = result.lots.find((candidate) => candidate.id === allocation.lotId)!;
      lot.remaining -= allocation.points;
    }
  };
  const changeTier = (at: Date, toTierId: number, reason: TierChangeReason, detail: string, qualifyingSpend: number) => {
    result.tierChanges.push({ id: ids.tierChange++, memberId: member.id, fromTierId: tier.tierId, toTierId, reason, detail, qualifyingSpend, createdAt: at, memberJoinedAt: member.joinedAt });
  };

  const expire = (lot: LotRow) => {
    const remaining = lot.remaining;
    lot.remaining = 0;
    append(lot.expiresAt, { type: "EXPIRE", amount: -remaining, debtChange: 0, reason: `${remaining} of ${lot.points} points earned ${lot.earnedAt.toISOString().slice(0, 10)} expired`, source: "EXPIRY", sourceRef: `lot:${lot.id}`, storeCode: null });
  };
  const review = (at: Date) => {
    const windowSpend = netSpend(qualificationWindowStart(at, policy), at);
    const outcome = reviewTier(ladder, tierState(), windowSpend, at, policy);
    if (outcome.kind === "downgraded") {
      changeTier(at, outcome.to.id, "DOWNGRADE", `Spent ${windowSpend / 100} yuan in the last ${policy.windowMonths} months at review`, windowSpend);
      tier.tierId = outcome.to.id;
    }
    if (outcome.kind !== "not-due") tier.tierReviewAt = outcome.nextReviewAt;
  };
  /**
   * What the jobs would have done by `at`, each at the moment it fell due and in time order (the jobs run hourly):
   * lots expire at their expiry, tiers are reviewed once the review date plus the grace period has passed.
   */
  const catchUp = (at: Date) => {
    for (;;) {
      const dueLot = result.lots.filter((lot) => lot.remaining > 0 && lot.expiresAt <= at).sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime())[0];
      const reviewDue = tier.tierReviewAt ? addDays(tier.tierReviewAt, policy.graceDays) : null;
      const reviewNow = reviewDue && reviewDue <= at ? reviewDue : null;
      if (!dueLot && !reviewNow) return;
      if (dueLot && (!reviewNow || dueLot.expiresAt <= reviewNow)) expire(dueLot);
      else if (reviewNow) review(reviewNow);
    }
  };

  for (const event of plannedEvents(random, member.level, member.joinedAt, now)) {
    const at = event.at;
    catchUp(at);

    if (event.kind === "purchase") {
      const current = ladder.find((rung) => rung.id === tier.tierId)!;
      const category = random.pick(categories);
      const channel = random.pick(salesChannels.filter((candidate) => candidate !== "PARTNER"));
      const storeCode = channel === "OFFLINE_STORE" ? random.pick(stores.slice(0, -1)) : "ONLINE-1";
      const earned = pointsForPurchase({ amount: event.amount, category, channel, placedAt: at }, { pointsPerYuan: settings.pointsPerYuan, tierMultiplierPercent: current.pointsMultiplierPercent }, []);
      const order: OrderRow = {
        id: ids.order++, memberId: member.id, externalId: `DEMO-${member.id}-${result.orders.length + 1}`, storeCode, partnerId: null, channel, category,
        amount: event.amount, refundedAmount: 0, pointsEarned: earned.total, pointsClawedBack: 0, placedAt: at, createdAt: at,
      };
      result.orders.push(order);
      const reason = `Purchase of ${event.amount / 100} yuan at ${current.code} (${current.pointsMultiplierPercent}%)`;
      const entry = append(at, { type: "EARN", amount: earned.total, debtChange: 0, reason, source: "ORDER", sourceRef: order.externalId, storeCode });
      account.lifetimeEarned += earned.total;
      const { debtRepaid, toLot } = splitIncomingPoints(earned.total, account.debt);
      if (debtRepaid > 0) append(at, { type: "DEBT_REPAYMENT", amount: -debtRepaid, debtChange: -debtRepaid, reason: `Pays off ${debtRepaid} points owed from earlier refunds`, source: "ORDER", sourceRef: order.externalId, storeCode });
      if (toLot > 0) {
        result.lots.push({ id: ids.lot++, memberId: member.id, entryId: entry.id, orderId: order.id, points: toLot, remaining: toLot, earnedAt: at, expiresAt: lotExpiresAt(settings.expiryPolicy, at, settings.utcOffsetMinutes) });
      }
      const spendNow = netSpend(qualificationWindowStart(at, policy), at);
      const upgrade = upgradeAfterSpend(ladder, tierState(), spendNow, at, policy);
      if (upgrade) {
        changeTier(at, upgrade.to.id, "UPGRADE", `Spent ${spendNow / 100} yuan in the last ${policy.windowMonths} months`, spendNow);
        tier.tierId = upgrade.to.id;
        tier.tierReviewAt = upgrade.reviewAt;
      }
      const cumulative = netSpend(null, at);
      if (becomesPermanent(tierState(), cumulative, policy)) {
        changeTier(at, tier.tierId, "PERMANENT", `Cumulative spend reached ${policy.permanentSpend / 100} yuan`, cumulative);
        tier.permanentSince = at;
        tier.permanentTierId = tier.tierId;
      }
    } else if (event.kind === "refund") {
      const order = result.orders[event.purchaseIndex];
      if (!order || order.refundedAmount > 0) continue;
      const points = pointsToClawBack({ amount: order.amount, pointsEarned: order.pointsEarned, refundedBefore: 0, refundedNow: order.amount });
      order.refundedAmount = order.amount;
      order.pointsClawedBack = points;
      if (points === 0) continue;
      const { fromBalance, addedDebt } = splitClawBack(points, account.balance);
      take(fromBalance, result.lots.find((lot) => lot.orderId === order.id)?.id ?? null);
      append(at, { type: "CLAWBACK", amount: -fromBalance, debtChange: addedDebt, reason: `Refund of ${order.amount / 100} yuan on order ${order.externalId}`, source: "ORDER", sourceRef: order.externalId, storeCode: order.storeCode });
    } else {
      const points = Math.floor(account.balance * event.share);
      if (points < 100) continue;
      take(points, null);
      append(at, { type: "REDEEM", amount: -points, debtChange: 0, reason: "Points used at checkout", source: "MEMBER", sourceRef: null, storeCode: random.pick(stores) });
    }
  }
  // As if the jobs had just run: nothing expired or due for review is left over.
  catchUp(now);
  return result;
}
