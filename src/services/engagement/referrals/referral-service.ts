// Members' codes and what they brought, staff's view of referrals, hand approvals and ambassador flags.
import { randomBytes } from "node:crypto";
import type { DataSource } from "typeorm";
import { describeActor } from "../../../auth/identity";
import type { Clock } from "../../../clock";
import { lockingRead, runInTransaction } from "../../../database/transactions";
import { numberFromDatabase } from "../../../database/raw-values";
import { referralCodeBytes, referralCodeFromBytes } from "../../../engine/engagement/referrals";
import { MemberAggregateRecord, MemberRecord, PointAccountRecord, ReferralRecord, ReferralRewardRecord, ReferrerRecord, type ReferralStatus } from "../../../entities";
import { badUserInput, conflict, notFound } from "../../../errors";
import type { AuditService } from "../../audit-service";
import { isUniqueViolation } from "../../idempotency-service";
import type { ServiceContext } from "../../service-context";
import type { ReferralRewards } from "./referral-rewards";
import type { ReferralSettings } from "./referral-settings";

export interface ReferralSummary {
  referrer: ReferrerRecord;
  shareUrl: string | null;
  /** Friends who signed up with the code, whatever became of their referral. */
  referredCount: number;
  qualifiedCount: number;
  /** Points paid to the member as a referrer. */
  rewardsEarned: number;
}

export interface ReferralPage {
  records: ReferralRecord[];
  hasNextPage: boolean;
}

export interface ReferralAmbassador {
  memberId: number;
  qualifiedCount: number;
  ambassador: boolean;
  ambassadorSource: ReferrerRecord["ambassadorSource"];
}

const codeAttempts = 5;

function validNote(note: string, field: string): string {
  const trimmed = note.trim();
  if (trimmed.length < 3 || trimmed.length > 255) throw badUserInput(`${field} must say why, in 3 to 255 characters: it goes into the audit trail.`, field);
  return trimmed;
}

export class ReferralService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly rewards: ReferralRewards,
    private readonly settings: ReferralSettings,
  ) {}

  /** The member's referrer row, with a code made the first time it is asked for and kept from then on. */
  async referrerOf(memberId: number): Promise<ReferrerRecord> {
    const referrers = this.dataSource.getRepository(ReferrerRecord);
    const existing = await referrers.findOneBy({ memberId });
    if (existing) return existing;
    if (!(await this.dataSource.getRepository(MemberRecord).existsBy({ id: memberId }))) throw notFound("No member has the id given.");
    for (let attempt = 1; ; attempt += 1) {
      const record: ReferrerRecord = { memberId, code: referralCodeFromBytes(randomBytes(referralCodeBytes)), ambassador: false, ambassadorSource: null, ambassadorUpdatedAt: null, createdAt: this.clock.now() };
      try {
        // In a transaction: on SQLite a bare write would join whichever transaction holds the one connection.
        await runInTransaction(this.dataSource, (manager) => manager.insert(ReferrerRecord, record));
        return record;
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        // Two first asks at once: the other one's code is the member's.
        const made = await referrers.findOneBy({ memberId });
        if (made) return made;
        // Otherwise 40 random bits met a code in use: draw again.
        if (attempt >= codeAttempts) throw error;
      }
    }
  }

  async summary(memberId: number): Promise<ReferralSummary> {
    const referrer = await this.referrerOf(memberId);
    const counts: { status: ReferralStatus; count: unknown }[] = await this.dataSource
      .getRepository(ReferralRecord)
      .createQueryBuilder("referral")
      .select("referral.status", "status")
      .addSelect("COUNT(*)", "count")
      .where("referral.referrerId = :memberId", { memberId })
      .groupBy("referral.status")
      .getRawMany();
    const earned = await this.dataSource
      .getRepository(ReferralRewardRecord)
      .createQueryBuilder("reward")
      .select("COALESCE(SUM(reward.points), 0)", "points")
      .where("reward.memberId = :memberId AND reward.role = 'REFERRER' AND reward.paidAt IS NOT NULL", { memberId })
      .getRawOne<{ points: unknown }>();
    const countOf = (status: ReferralStatus) => numberFromDatabase(counts.find((row) => row.status === status)?.count ?? 0);
    return {
      referrer,
      shareUrl: this.settings.shareUrlTemplate?.replace("{code}", encodeURIComponent(referrer.code)) ?? null,
      referredCount: countOf("PENDING") + countOf("QUALIFIED") + countOf("REJECTED"),
      qualifiedCount: countOf("QUALIFIED"),
      rewardsEarned: numberFromDatabase(earned?.points ?? 0),
    };
  }

  /** Referrals newest first, by a referrer (`referrerId`) or of a status, or all; keyset by id. */
  async page(filter: { referrerId?: number; status?: ReferralStatus | null }, first: number, beforeId: number | null): Promise<ReferralPage> {
    const query = this.dataSource.getRepository(ReferralRecord).createQueryBuilder("referral").orderBy("referral.id", "DESC").limit(first + 1);
    if (filter.referrerId !== undefined) query.andWhere("referral.referrerId = :referrerId", { referrerId: filter.referrerId });
    if (filter.status) query.andWhere("referral.status = :status", { status: filter.status });
    if (beforeId !== null) query.andWhere("referral.id < :beforeId", { beforeId });
    const rows = await query.getMany();
    return { records: rows.slice(0, first), hasNextPage: rows.length > first };
  }

  findById(id: number): Promise<ReferralRecord | null> {
    return this.dataSource.getRepository(ReferralRecord).findOneBy({ id });
  }

  /** The rewards of some referrals, by referral id. */
  async rewardsOf(referralIds: readonly number[]): Promise<ReferralRewardRecord[]> {
    if (referralIds.length === 0) return [];
    return this.dataSource.getRepository(ReferralRewardRecord).createQueryBuilder("reward").where("reward.referralId IN (:...referralIds)", { referralIds }).orderBy("reward.id", "ASC").getMany();
  }

  /**
   * Staff overrule the guards: a REJECTED referral becomes PENDING and qualifies with the friend's first order, or at
   * once when the friend has already ordered. The friend's account is locked first, as an order locks it, so an
   * order being recorded meanwhile is either seen here or sees the approval.
   */
  async approve(context: ServiceContext, referralId: number, noteInput: string): Promise<ReferralRecord> {
    const note = validNote(noteInput, "note");
    const found = await this.findById(referralId);
    if (!found) throw notFound("No referral has the id given.");
    const now = this.clock.now();
    await runInTransaction(this.dataSource, async (manager) => {
      await lockingRead(manager, PointAccountRecord, "account").where("account.memberId = :memberId", { memberId: found.friendId }).getOneOrFail();
      const referral = await lockingRead(manager, ReferralRecord, "referral").where("referral.id = :referralId", { referralId }).getOneOrFail();
      if (referral.status !== "REJECTED") throw conflict(`This referral is ${referral.status}, not REJECTED: only a rejected referral can be approved.`);
      const actor = describeActor(context.identity);
      Object.assign(referral, { status: "PENDING", approvedBy: `${actor.actorType}:${actor.actorId ?? ""}`.slice(0, 64), approvedAt: now });
      await manager.update(ReferralRecord, { id: referral.id }, { status: referral.status, approvedBy: referral.approvedBy, approvedAt: now });
      await this.audit.record(manager, context, { action: "referral.approve", targetType: "referral", targetId: referral.id, details: { reason: referral.reason, note, friendId: referral.friendId, referrerId: referral.referrerId } });
      const aggregates = await manager.findOneBy(MemberAggregateRecord, { memberId: referral.friendId });
      if (aggregates && aggregates.ordersTotal > 0) await this.rewards.qualify(manager, referral, "approval");
    });
    return (await this.findById(referralId))!;
  }

  /** Staff flag or unflag a brand ambassador by hand; the threshold rule never overrides this. */
  async setAmbassador(context: ServiceContext, memberId: number, ambassador: boolean, reasonInput: string): Promise<ReferrerRecord> {
    const reason = validNote(reasonInput, "reason");
    await this.referrerOf(memberId);
    const now = this.clock.now();
    return runInTransaction(this.dataSource, async (manager) => {
      const referrer = await lockingRead(manager, ReferrerRecord, "referrer").where("referrer.memberId = :memberId", { memberId }).getOneOrFail();
      const was = referrer.ambassador;
      Object.assign(referrer, { ambassador, ambassadorSource: "STAFF", ambassadorUpdatedAt: now });
      await manager.update(ReferrerRecord, { memberId }, { ambassador, ambassadorSource: "STAFF", ambassadorUpdatedAt: now });
      await this.audit.record(manager, context, { action: "referral.ambassador", targetType: "member", targetId: memberId, details: { ambassador, was, reason } });
      return referrer;
    });
  }

  /**
   * The top referrers by referrals qualified since `since`, most first (ties: the earlier member first), with their
   * ambassador flags; members flagged by hand with none in the period are not listed.
   */
  async ambassadors(since: Date, first: number): Promise<ReferralAmbassador[]> {
    const rows: { referrerId: unknown; qualified: unknown; ambassador: unknown; ambassadorSource: ReferrerRecord["ambassadorSource"] }[] = await this.dataSource
      .getRepository(ReferralRecord)
      .createQueryBuilder("referral")
      .innerJoin(ReferrerRecord, "referrer", "referrer.memberId = referral.referrerId")
      .select("referral.referrerId", "referrerId")
      .addSelect("COUNT(*)", "qualified")
      .addSelect("referrer.ambassador", "ambassador")
      .addSelect("referrer.ambassadorSource", "ambassadorSource")
      .where("referral.status = 'QUALIFIED' AND referral.qualifiedAt >= :since", { since })
      .groupBy("referral.referrerId")
      .addGroupBy("referrer.ambassador")
      .addGroupBy("referrer.ambassadorSource")
      .orderBy("qualified", "DESC")
      .addOrderBy("referral.referrerId", "ASC")
      .limit(first)
      .getRawMany();
    return rows.map((row) => ({ memberId: numberFromDatabase(row.referrerId), qualifiedCount: numberFromDatabase(row.qualified), ambassador: Boolean(Number(row.ambassador)), ambassadorSource: row.ambassadorSource ?? null }));
  }

  /** Qualified referrals of one member, all time. */
  qualifiedCount(memberId: number): Promise<number> {
    return this.dataSource.getRepository(ReferralRecord).countBy({ referrerId: memberId, status: "QUALIFIED" });
  }
}
