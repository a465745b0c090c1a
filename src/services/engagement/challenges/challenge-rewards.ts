// A completed challenge's rewards. The coupon and the badge are written in the completing transaction. The points
// go through a small outbox: the completing transaction writes a grant row, and the grant is written to the ledger
// just after the commit, in a transaction of its own that locks the member's point account first (every points
// command's lock order). Why not in the completing transaction: that transaction may be a REVIEW's, which holds the
// member's aggregates row and would take the account lock second (the reverse of a purchase: a deadlock waiting to
// happen on MariaDB); or a purchase's, which holds the account through its own copy of it, so a second copy written
// here would be overwritten by the purchase's stale balance. The outbox row makes the promise atomic with the
// completion; the grant row's lock and its granted_at make the payment happen once.
import { randomBytes } from "node:crypto";
import type { DataSource, EntityManager } from "typeorm";
import type { Clock } from "../../../clock";
import { afterCommit } from "../../../database/after-commit";
import { lockingRead, runInTransaction } from "../../../database/transactions";
import { ChallengePointGrantRecord, ChallengeRecord, CouponRecord } from "../../../entities";
import { topics, type EventBus } from "../../../events/event-bus";
import type { PointsLedger } from "../../points/points-ledger";
import type { BadgeService } from "../badges/badge-service";

const day = 86_400_000;
const pendingBatchSize = 100;

export class ChallengeRewards {
  /** Grants started after a commit and not finished yet: `settled()` waits for them. */
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly ledger: PointsLedger,
    private readonly badges: BadgeService,
    private readonly events: EventBus,
    private readonly onError: (error: unknown, what: string) => void,
  ) {}

  /** In the transaction that completes the challenge for the member. */
  async onCompletion(manager: EntityManager, challenge: ChallengeRecord, memberId: number, now: Date): Promise<void> {
    if (challenge.rewardCouponValue > 0) {
      // 64 random bits, as campaign coupons: a collision fails the transaction, which the event's sender retries.
      await manager.insert(CouponRecord, {
        code: randomBytes(8).toString("hex").toUpperCase(),
        campaignId: null,
        challengeId: challenge.id,
        memberId,
        value: challenge.rewardCouponValue,
        validFrom: now,
        validUntil: new Date(now.getTime() + challenge.rewardCouponValidDays * day),
        redeemedAt: null,
        createdAt: now,
      });
    }
    if (challenge.rewardBadgeId !== null) {
      await this.badges.awardInTransaction(manager, challenge.rewardBadgeId, [{ memberId, reason: `Completed the challenge ${challenge.titleZh} (${challenge.code})` }], `challenge:${challenge.code}`, now);
    }
    if (challenge.rewardPoints > 0) {
      const inserted = await manager.insert(ChallengePointGrantRecord, { challengeId: challenge.id, memberId, points: challenge.rewardPoints, createdAt: now, grantedAt: null, entryId: null });
      const grantId = Number(inserted.identifiers[0]?.id);
      afterCommit(manager, () => this.start(grantId));
    }
  }

  /** Resolves once every grant started so far has finished (tests, and a clean stop). */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Every grant still waiting (after a crash between a completion and its grant): the jobs' sweep. */
  async grantPending(): Promise<{ granted: number }> {
    let granted = 0;
    let afterId = 0;
    for (;;) {
      const pending = await this.dataSource
        .getRepository(ChallengePointGrantRecord)
        .createQueryBuilder("grant")
        .where("grant.grantedAt IS NULL AND grant.id > :afterId", { afterId })
        .orderBy("grant.id", "ASC")
        .limit(pendingBatchSize)
        .getMany();
      if (pending.length === 0) return { granted };
      for (const grant of pending) if (await this.grant(grant.id)) granted += 1;
      afterId = pending[pending.length - 1].id;
    }
  }

  /** Writes one grant to the ledger unless it was already; true when this call wrote it. */
  async grant(grantId: number): Promise<boolean> {
    // The member of a grant never changes: read before the transaction, whose first statement is the account lock.
    const waiting = await this.dataSource.getRepository(ChallengePointGrantRecord).findOneBy({ id: grantId });
    if (!waiting || waiting.grantedAt !== null) return false;
    const now = this.clock.now();
    const written = await runInTransaction(this.dataSource, async (manager) => {
      const locked = await this.ledger.lock(manager, waiting.memberId);
      const grant = await lockingRead(manager, ChallengePointGrantRecord, "grant").where("grant.id = :grantId", { grantId }).getOneOrFail();
      if (grant.grantedAt !== null) return null;
      const challenge = await manager.findOneByOrFail(ChallengeRecord, { id: grant.challengeId });
      const origin = { reason: `Completed the challenge ${challenge.titleZh} (${challenge.code})`, source: "CHALLENGE" as const, sourceRef: `challenge:${challenge.code}`, storeCode: null, partnerId: null, actorType: "system", actorId: "challenges" };
      const entries = await this.ledger.credit(manager, locked, "EARN", grant.points, origin, now);
      await manager.update(ChallengePointGrantRecord, { id: grant.id }, { grantedAt: now, entryId: entries[0].id });
      return { entries, balance: locked.account.balance };
    });
    if (!written) return false;
    const change = written.entries.reduce((sum, entry) => sum + entry.amount, 0);
    this.events.publish(topics.pointsChanged, { memberId: waiting.memberId, entryTypes: written.entries.map((entry) => entry.type), change, balance: written.balance, at: now.toISOString() });
    return true;
  }

  private start(grantId: number): void {
    const running: Promise<unknown> = this.grant(grantId)
      .catch((error: unknown) => this.onError(error, `granting the points of challenge grant ${grantId} (the challenge-rewards job retries it)`))
      .finally(() => this.inFlight.delete(running));
    this.inFlight.add(running);
  }
}
