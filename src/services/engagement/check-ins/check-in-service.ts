// Daily check-in (签到). One per member per local day: the day is part of the command's idempotency key and the row's
// primary key, so a double tap (or a retry) gets the first check-in back and earns nothing more. Runs in the points
// ledger's frame (account lock, expiry first, pointsChanged after commit) and tells engagement listeners in the
// same transaction.
import type { DataSource, EntityManager } from "typeorm";
import { describeActor } from "../../../auth/identity";
import type { Clock } from "../../../clock";
import { runInTransaction } from "../../../database/transactions";
import { checkInAward, checkInRuleProblem, currentStreak, defaultCheckInRule, localDayNumber, nextMilestone, startOfLocalMonth, streakOnCheckIn, type CheckInRule } from "../../../engine";
import { localDateOfDay } from "../../../engine/analytics";
import { CheckInRecord, CheckInRuleRecord, PointAccountRecord } from "../../../entities";
import { badUserInput } from "../../../errors";
import type { AuditService } from "../../audit-service";
import type { PointsLedger } from "../../points/points-ledger";
import type { PointsService } from "../../points/points-service";
import type { ServiceContext } from "../../service-context";
import type { EngagementHub } from "../engagement-hub";

export interface CheckInOutcome {
  checkIn: CheckInRecord;
  /** True when the member had already checked in today: nothing was earned now. */
  alreadyCheckedIn: boolean;
  balance: number;
}

export interface CheckInStreak {
  current: number;
  longest: number;
  total: number;
  checkedInToday: boolean;
  lastCheckIn: CheckInRecord | null;
  /** Local days of the current month the member checked in on (1-31), for the app's calendar. */
  daysThisMonth: number[];
  nextMilestone: ReturnType<typeof nextMilestone>;
}

export class CheckInService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly points: PointsService,
    private readonly ledger: PointsLedger,
    private readonly engagement: EngagementHub,
    private readonly audit: AuditService,
    private readonly utcOffsetMinutes: number,
  ) {}

  async rule(manager: EntityManager = this.dataSource.manager): Promise<CheckInRule> {
    const newest = await manager.getRepository(CheckInRuleRecord).findOne({ where: {}, order: { id: "DESC" } });
    return newest ? { basePoints: newest.basePoints, milestones: newest.milestones } : defaultCheckInRule;
  }

  /** A new rule, in force from the next check-in. */
  async setRule(context: ServiceContext, rule: CheckInRule): Promise<CheckInRule> {
    const problem = checkInRuleProblem(rule);
    if (problem) throw badUserInput(problem.message, `input.${problem.field}`);
    const milestones = [...rule.milestones].sort((a, b) => a.streakDays - b.streakDays).map(({ streakDays, bonusPoints }) => ({ streakDays, bonusPoints }));
    const actor = describeActor(context.identity);
    return runInTransaction(this.dataSource, async (manager) => {
      await manager.insert(CheckInRuleRecord, { basePoints: rule.basePoints, milestones, createdBy: `${actor.actorType}:${actor.actorId ?? "-"}`, createdAt: this.clock.now() });
      await this.audit.record(manager, context, { action: "checkIn.setRule", targetType: "checkInRule", targetId: null, details: { basePoints: rule.basePoints, milestones: milestones.map((milestone) => `${milestone.streakDays}:${milestone.bonusPoints}`) } });
      return { basePoints: rule.basePoints, milestones };
    });
  }

  async checkIn(context: ServiceContext, memberId: number): Promise<CheckInOutcome> {
    // One instant decides the day, the row's time and the activity's time, so a tap at 23:59:59.9 is one day's.
    const requestedAt = this.clock.now();
    const today = localDayNumber(requestedAt, this.utcOffsetMinutes);
    const existing = await this.dataSource.getRepository(CheckInRecord).findOneBy({ memberId, localDay: today });
    if (existing) return { checkIn: existing, alreadyCheckedIn: true, balance: await this.balance(memberId) };
    // The key names the day: twins racing past the read above are settled by the idempotency record, and the loser
    // gets the winner's result.
    const result = await this.points.run(context, "checkIn", `check-in-${today}`, { memberId, day: today }, memberId, async (manager, locked, now) => {
      const previous = await manager.getRepository(CheckInRecord).findOne({ where: { memberId }, order: { localDay: "DESC" } });
      const streak = streakOnCheckIn(previous && { day: previous.localDay, streak: previous.streak }, today);
      const award = checkInAward(streak, await this.rule(manager));
      await manager.insert(CheckInRecord, { memberId, localDay: today, streak, points: award.points, bonusPoints: award.bonusPoints, checkedInAt: requestedAt });
      const bonus = award.bonusPoints > 0 ? ` and a ${streak}-day streak bonus` : "";
      const origin = this.points.origin(context, { reason: `Daily check-in (day ${streak} of the streak)${bonus}`, source: "CHECK_IN", sourceRef: `check-in:${today}`, storeCode: null });
      const entries = await this.ledger.credit(manager, locked, "EARN", award.points + award.bonusPoints, origin, now);
      await this.engagement.publish(manager, { memberId, kind: "CHECK_IN", occurredAt: requestedAt, amount: null, reference: `check-in:${memberId}:${today}` });
      return { entries };
    });
    const checkIn = await this.dataSource.getRepository(CheckInRecord).findOneByOrFail({ memberId, localDay: today });
    return { checkIn, alreadyCheckedIn: false, balance: result.balance };
  }

  async streak(memberId: number): Promise<CheckInStreak> {
    const now = this.clock.now();
    const today = localDayNumber(now, this.utcOffsetMinutes);
    const repository = this.dataSource.getRepository(CheckInRecord);
    const last = await repository.findOne({ where: { memberId }, order: { localDay: "DESC" } });
    const totals = await repository.createQueryBuilder("check_in").select("COUNT(*)", "total").addSelect("COALESCE(MAX(check_in.streak), 0)", "longest").where("check_in.memberId = :memberId", { memberId }).getRawOne<{ total: string | number; longest: string | number }>();
    const monthStartDay = localDayNumber(startOfLocalMonth(now, this.utcOffsetMinutes), this.utcOffsetMinutes);
    const thisMonth = await repository.createQueryBuilder("check_in").where("check_in.memberId = :memberId AND check_in.localDay >= :monthStartDay", { memberId, monthStartDay }).orderBy("check_in.localDay", "ASC").getMany();
    const current = currentStreak(last && { day: last.localDay, streak: last.streak }, today);
    return {
      current,
      longest: Number(totals?.longest ?? 0),
      total: Number(totals?.total ?? 0),
      checkedInToday: last?.localDay === today,
      lastCheckIn: last,
      daysThisMonth: thisMonth.map((checkIn) => checkIn.localDay - monthStartDay + 1),
      nextMilestone: nextMilestone(current, await this.rule()),
    };
  }

  /** The local calendar date (YYYY-MM-DD) of a day number. */
  dateOf(localDay: number): string {
    return localDateOfDay(localDay);
  }

  private async balance(memberId: number): Promise<number> {
    return (await this.dataSource.getRepository(PointAccountRecord).findOneBy({ memberId }))?.balance ?? 0;
  }
}
