// A referral qualifies with the friend's first order, inside the order's transaction, exactly once (a conditional
// update from PENDING). The rewards it owes are written there as rows and paid just after, each in a transaction of
// its own that locks the reward row and then that member's account:
// - the order command already holds the friend's account, and keeps its own copy of it: a credit written beside it
//   in the same transaction would be overwritten when the order's points are saved;
// - locking the referrer's account from inside the friend's order would take a second account in the middle of a
//   transaction, against the lock order every command keeps (its own account first), and on MariaDB would read the
//   referrer's lots from a snapshot taken before the lock.
// Nothing that holds an account waits for a reward row (the order and an approval write them, never wait for them), so
// a payment taking its row before the account cannot close a cycle.
// A reward row is paid once (a locking read of the row, then paid_at); the sweep pays what a crash left owed.
import type { DataSource, EntityManager } from "typeorm";
import type { Clock } from "../../../clock";
import { lockingRead, runInTransaction } from "../../../database/transactions";
import { ReferralRecord, ReferralRewardRecord, ReferrerRecord, type ReferralRewardRole } from "../../../entities";
import { topics, type EventBus } from "../../../events/event-bus";
import type { AuditService } from "../../audit-service";
import type { PointsLedger } from "../../points/points-ledger";
import { systemContext } from "../../service-context";
import type { EngagementActivity, EngagementHub } from "../engagement-hub";
import type { ReferralSettings } from "./referral-settings";

const reasons: Record<ReferralRewardRole, string> = {
  REFERRER: "Referral: a friend you invited made their first order",
  FRIEND: "Referral: welcome bonus for joining through a friend",
};

export interface OwedRewardsSummary {
  paid: number;
}

export class ReferralRewards {
  /** Payments started after a qualification, until they finish: `settle` waits for them. */
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly ledger: PointsLedger,
    private readonly engagement: EngagementHub,
    private readonly events: EventBus,
    private readonly audit: AuditService,
    private readonly settings: ReferralSettings,
    private readonly onBackgroundError: (error: unknown, what: string) => void,
  ) {}

  /** The engagement hub's listener: a friend's order, in its transaction (the friend's account is locked). */
  async onActivity(manager: EntityManager, activity: EngagementActivity): Promise<void> {
    if (activity.kind !== "ORDER") return;
    const referral = await manager.findOneBy(ReferralRecord, { friendId: activity.memberId, status: "PENDING" });
    if (referral) await this.qualify(manager, referral, `order:${activity.reference}`);
  }

  /**
   * PENDING to QUALIFIED once, and the rewards it owes written in the caller's transaction, which must hold the
   * friend's account lock (an order, an approval). Their payment starts now and waits for that transaction to end.
   */
  async qualify(manager: EntityManager, referral: ReferralRecord, reference: string): Promise<boolean> {
    const now = this.clock.now();
    const updated = await manager.update(ReferralRecord, { id: referral.id, status: "PENDING" }, { status: "QUALIFIED", qualifiedAt: now, qualifyingReference: reference.slice(0, 100) });
    if (updated.affected !== 1) return false;
    const owed: [ReferralRewardRole, number, number][] = [
      ["FRIEND", referral.friendId, this.settings.friendPoints],
      ["REFERRER", referral.referrerId, this.settings.referrerPoints],
    ];
    for (const [role, memberId, points] of owed) {
      const inserted = await manager.insert(ReferralRewardRecord, { referralId: referral.id, memberId, role, points, createdAt: now, paidAt: null, entryId: null });
      this.payLater(memberId, Number(inserted.identifiers[0]?.id));
    }
    return true;
  }

  /**
   * Pays one reward. The reward row is locked first: a row written by a transaction still running (the friend's
   * order) is waited for, and one whose transaction rolled back is not found. Only then the member's account, as
   * every command locks it, before any plain read: on MariaDB the transaction's snapshot then begins after the
   * qualifying transaction committed, so it sees that referral QUALIFIED (the ambassador count).
   */
  async pay(memberId: number, rewardId: number): Promise<boolean> {
    const now = this.clock.now();
    const paid = await runInTransaction(this.dataSource, async (manager) => {
      const reward = await lockingRead(manager, ReferralRewardRecord, "reward").where("reward.id = :rewardId", { rewardId }).getOne();
      if (!reward || reward.paidAt !== null || reward.memberId !== memberId) return null;
      const locked = await this.ledger.lock(manager, memberId);
      const entries =
        reward.points > 0
          ? await this.ledger.credit(manager, locked, "EARN", reward.points, { reason: reasons[reward.role], source: "REFERRAL", sourceRef: `referral:${reward.referralId}`, storeCode: null, partnerId: null, actorType: "system", actorId: "referrals" }, now)
          : [];
      await manager.update(ReferralRewardRecord, { id: reward.id }, { paidAt: now, entryId: entries[0]?.id ?? null });
      const balance = locked.account.balance;
      // Told after the points are written and the account is no longer used here: a challenge that rewards the
      // referrer locks and saves the account itself.
      if (reward.role === "REFERRER") await this.referrerRewarded(manager, reward, now);
      return { entries, balance };
    });
    if (paid && paid.entries.length > 0) {
      const change = paid.entries.reduce((sum, entry) => sum + entry.amount, 0);
      this.events.publish(topics.pointsChanged, { memberId, entryTypes: paid.entries.map((entry) => entry.type), change, balance: paid.balance, at: now.toISOString() });
    }
    return paid !== null;
  }

  /** Pays every reward still owed (after a crash between an order and its payment); the jobs run it. */
  async payOwed(batchSize = 500): Promise<OwedRewardsSummary> {
    let paid = 0;
    let afterId = 0;
    for (;;) {
      const owed = await this.dataSource
        .getRepository(ReferralRewardRecord)
        .createQueryBuilder("reward")
        .where("reward.paidAt IS NULL AND reward.id > :afterId", { afterId })
        .orderBy("reward.id", "ASC")
        .limit(batchSize)
        .getMany();
      for (const reward of owed) if (await this.pay(reward.memberId, reward.id)) paid += 1;
      if (owed.length < batchSize) return { paid };
      afterId = owed[owed.length - 1].id;
    }
  }

  /** Waits for the payments started so far (tests, and the server before it closes the database). */
  async settle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private payLater(memberId: number, rewardId: number): void {
    // Not awaited: it waits for the caller's transaction, which is still running. On SQLite it queues behind it.
    const payment: Promise<void> = this.pay(memberId, rewardId)
      .then(() => undefined)
      .catch((error: unknown) => this.onBackgroundError(error, `referral reward ${rewardId} (the referral jobs pay it later)`))
      .finally(() => this.inFlight.delete(payment));
    this.inFlight.add(payment);
  }

  /** The referrer's side of a qualified referral: challenges hear of it, and the ambassador rule looks at the count. */
  private async referrerRewarded(manager: EntityManager, reward: ReferralRewardRecord, now: Date): Promise<void> {
    const referral = await manager.findOneByOrFail(ReferralRecord, { id: reward.referralId });
    await this.engagement.publish(manager, { memberId: reward.memberId, kind: "REFERRAL_QUALIFIED", occurredAt: referral.qualifiedAt ?? now, amount: null, reference: `referral:${referral.id}` });
    const threshold = this.settings.ambassadorThreshold;
    if (threshold <= 0) return;
    const referrer = await lockingRead(manager, ReferrerRecord, "referrer").where("referrer.memberId = :memberId", { memberId: reward.memberId }).getOne();
    // Staff's decision, either way, stands: the rule only flags members nobody has ruled on.
    if (!referrer || referrer.ambassadorSource !== null) return;
    const qualified = await manager.countBy(ReferralRecord, { referrerId: reward.memberId, status: "QUALIFIED" });
    if (qualified < threshold) return;
    await manager.update(ReferrerRecord, { memberId: reward.memberId }, { ambassador: true, ambassadorSource: "AUTOMATIC", ambassadorUpdatedAt: now });
    await this.audit.record(manager, systemContext("referrals"), { action: "referral.ambassador", targetType: "member", targetId: reward.memberId, details: { ambassador: true, qualifiedReferrals: qualified, threshold } });
  }
}
