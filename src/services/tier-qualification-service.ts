// Applies the engine's tier rules to members: upgrades after a purchase, downgrades at review, permanent status,
// and the tier history that explains each change.
import { LessThanOrEqual, MoreThan, type DataSource, type EntityManager } from "typeorm";
import type { Clock } from "../clock";
import type { ProgrammeSettings } from "../config";
import { lockingRead, runInTransaction } from "../database/transactions";
import { addDays, becomesPermanent, localDayNumber, qualificationWindowStart, reviewTier, tierProgress, upgradeAfterSpend, type MemberTierState } from "../engine";
import { MemberRecord, OrderRecord, PointAccountRecord, TierChangeRecord, TierRecord, type TierChangeReason } from "../entities";
import { topics, type EventBus, type TierChangedEvent } from "../events/event-bus";
import type { ProgrammeDataCache } from "./programme-data-cache";
import type { TierPopulationRecorder } from "./analytics/tier-population";
import { moveAccountGroups } from "./analytics/points-by-group";

export interface TierProgressView {
  next: TierRecord | null;
  spendNeeded: number;
  windowSpend: number;
  windowStart: Date;
  windowEnd: Date;
  reviewAt: Date | null;
}

export interface ReviewSummary {
  reviewed: number;
  downgraded: number;
}

export class TierQualificationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly settings: ProgrammeSettings,
    private readonly programmeData: ProgrammeDataCache,
    private readonly events: EventBus,
    /** Moves the member between the tiers' populations (tierDistribution, tierMigration) with each change. */
    private readonly tierPopulation: TierPopulationRecorder,
    /** Told after a review changed a member's tier: segments test the tier, so the member is re-evaluated. */
    private readonly onTierChanged: (memberId: number) => void = () => undefined,
    /** Runs in the transaction that wrote an upgrade or downgrade, after the new tier (tier-change campaigns). */
    private readonly afterTierWritten: (manager: EntityManager, memberIds: number[]) => Promise<void> = async () => undefined,
  ) {}

  /**
   * Net spend (amount less refunds, fen) on orders placed in the rolling window that ends at `now`. Orders at partner
   * brands earn coalition points but do not qualify for the programme's own tiers (docs/coalition.md).
   */
  async windowSpend(manager: EntityManager, memberId: number, now: Date): Promise<number> {
    const start = qualificationWindowStart(now, this.settings.tierPolicy);
    return this.netSpend(manager, memberId, start, now);
  }

  private async netSpend(manager: EntityManager, memberId: number, from: Date | null, until: Date): Promise<number> {
    const query = manager
      .getRepository(OrderRecord)
      .createQueryBuilder("o")
      .select("COALESCE(SUM(o.amount - o.refundedAmount), 0)", "spend")
      .where("o.memberId = :memberId AND o.placedAt <= :until AND o.partnerId IS NULL", { memberId, until });
    if (from) query.andWhere("o.placedAt > :from", { from });
    const row = await query.getRawOne<{ spend: string | number }>();
    return Number(row?.spend ?? 0);
  }

  private state(member: MemberRecord, ladder: TierRecord[]): MemberTierState {
    const rankOf = (tierId: number | null) => ladder.find((tier) => tier.id === tierId)?.rank ?? null;
    return { currentRank: rankOf(member.tierId) ?? 0, permanentFloorRank: rankOf(member.permanentTierId), reviewAt: member.tierReviewAt };
  }

  /**
   * After a purchase (in its transaction): upgrade at once when the window spend reaches a higher tier, then make the
   * member permanent when cumulative spend reaches the threshold. Returns the changes, to publish after commit.
   */
  /** `account` is the member's point account as the purchase's transaction holds it, locked: an upgrade moves its points. */
  async afterSpend(manager: EntityManager, member: MemberRecord, account: PointAccountRecord, now: Date): Promise<TierChangedEvent[]> {
    const ladder = await this.programmeData.ladder(manager);
    const changes: TierChangedEvent[] = [];
    const atTop = this.state(member, ladder).currentRank >= Math.max(...ladder.map((tier) => tier.rank));
    const windowSpend = atTop ? 0 : await this.windowSpend(manager, member.id, now);
    const upgrade = atTop ? null : upgradeAfterSpend(ladder, this.state(member, ladder), windowSpend, now, this.settings.tierPolicy);
    if (upgrade) {
      changes.push(await this.record(manager, account, member, upgrade.to.id, "UPGRADE", `Spent ${windowSpend / 100} yuan in the last ${this.settings.tierPolicy.windowMonths} months`, windowSpend, now));
      member.tierId = upgrade.to.id;
      member.tierReviewAt = upgrade.reviewAt;
    }
    // Permanent members stay permanent: their cumulative spend no longer matters.
    const cumulativeSpend = member.permanentSince ? 0 : await this.netSpend(manager, member.id, null, now);
    if (!member.permanentSince && becomesPermanent(this.state(member, ladder), cumulativeSpend, this.settings.tierPolicy)) {
      changes.push(await this.record(manager, account, member, member.tierId, "PERMANENT", `Cumulative spend reached ${this.settings.tierPolicy.permanentSpend / 100} yuan`, cumulativeSpend, now));
      member.permanentSince = now;
      member.permanentTierId = member.tierId;
    }
    if (changes.length > 0) {
      await manager.update(MemberRecord, { id: member.id }, { tierId: member.tierId, tierReviewAt: member.tierReviewAt, permanentSince: member.permanentSince, permanentTierId: member.permanentTierId, updatedAt: now });
      if (upgrade) await this.afterTierWritten(manager, [member.id]);
    }
    return changes;
  }

  /** The review job: every member whose review date plus grace has passed keeps or loses their tier. */
  async reviewDue(batchSize = 200): Promise<ReviewSummary> {
    const now = this.clock.now();
    const dueBefore = addDays(now, -this.settings.tierPolicy.graceDays);
    const summary: ReviewSummary = { reviewed: 0, downgraded: 0 };
    let afterId = 0;
    for (;;) {
      const batch = await this.dataSource.getRepository(MemberRecord).find({
        select: { id: true },
        where: { tierReviewAt: LessThanOrEqual(dueBefore), id: MoreThan(afterId) },
        order: { id: "ASC" },
        take: batchSize,
      });
      for (const { id } of batch) {
        const changes = await this.reviewMember(id, now);
        summary.reviewed += 1;
        if (changes.length > 0) summary.downgraded += 1;
        for (const change of changes) this.events.publish(topics.tierChanged, change);
        if (changes.length > 0) this.onTierChanged(id);
        afterId = id;
      }
      if (batch.length < batchSize) break;
    }
    return summary;
  }

  private reviewMember(memberId: number, now: Date): Promise<TierChangedEvent[]> {
    return runInTransaction(this.dataSource, async (manager) => {
      // The same order as the points commands: the account first, then the member.
      const account = await lockingRead(manager, PointAccountRecord, "account").where("account.memberId = :memberId", { memberId }).getOne();
      const member = await lockingRead(manager, MemberRecord, "member").where("member.id = :memberId", { memberId }).getOne();
      if (!member) return [];
      const ladder = await this.programmeData.ladder(manager);
      const windowSpend = await this.windowSpend(manager, memberId, now);
      const outcome = reviewTier(ladder, this.state(member, ladder), windowSpend, now, this.settings.tierPolicy);
      if (outcome.kind === "not-due") return [];
      const changes: TierChangedEvent[] = [];
      if (outcome.kind === "downgraded") {
        const floor = member.permanentTierId === outcome.to.id ? " (permanent member: not below this tier)" : "";
        changes.push(await this.record(manager, account, member, outcome.to.id, "DOWNGRADE", `Spent ${windowSpend / 100} yuan in the last ${this.settings.tierPolicy.windowMonths} months at review${floor}`, windowSpend, now));
        member.tierId = outcome.to.id;
      }
      await manager.update(MemberRecord, { id: memberId }, { tierId: member.tierId, tierReviewAt: outcome.nextReviewAt, updatedAt: now });
      if (changes.length > 0) await this.afterTierWritten(manager, [memberId]);
      return changes;
    });
  }

  /**
   * Writes a tier change, with what moves with it: the member in the tier population, and their points (the account is
   * locked by the caller, so no ledger entry of the member commits between the points moved and the tier written).
   */
  private async record(manager: EntityManager, account: PointAccountRecord | null, member: MemberRecord, toTierId: number, reason: TierChangeReason, detail: string, qualifyingSpend: number, now: Date): Promise<TierChangedEvent> {
    await manager.insert(TierChangeRecord, { memberId: member.id, fromTierId: member.tierId, toTierId, reason, detail, qualifyingSpend, createdAt: now, memberJoinedAt: member.joinedAt });
    await this.tierPopulation.moved(manager, { fromTierId: member.tierId, toTierId, at: now });
    if (account) await moveAccountGroups(manager, account, (groups) => ({ ...groups, tierId: toTierId }), localDayNumber(now, this.settings.utcOffsetMinutes));
    return { memberId: member.id, fromTierId: member.tierId, toTierId, reason, at: now.toISOString() };
  }

  async progress(member: MemberRecord): Promise<TierProgressView> {
    const now = this.clock.now();
    const manager = this.dataSource.manager;
    const ladder = await this.programmeData.ladder(manager);
    const windowSpend = await this.windowSpend(manager, member.id, now);
    const current = ladder.find((tier) => tier.id === member.tierId);
    const progress = tierProgress(ladder, current?.rank ?? 0, windowSpend);
    return { ...progress, windowSpend, windowStart: qualificationWindowStart(now, this.settings.tierPolicy), windowEnd: now, reviewAt: member.tierReviewAt };
  }

  history(memberId: number): Promise<TierChangeRecord[]> {
    return this.dataSource.getRepository(TierChangeRecord).find({ where: { memberId }, order: { id: "DESC" }, take: 100 });
  }
}
