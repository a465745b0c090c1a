// Keeps each member's daily facts and aggregates up to date inside the transaction that records an event, and
// moves every member's windows forward once a day. Scoring reads only the aggregates.
import { LessThan, type DataSource, type EntityManager } from "typeorm";
import { EngagementHub } from "../engagement/engagement-hub";
import { isSqlite, lockingRead, runInTransaction } from "../../database/transactions";
import { localDayNumber, oldestWindowDay, summariseTotals, summariseWindows, type DailyFacts } from "../../engine";
import { BehaviourEventRecord, MemberAggregateRecord } from "../../entities";
import { groupColumns, MemberKpiFacts, type GroupColumns } from "../analytics/member-kpi-facts";

export interface ActivitySettings {
  utcOffsetMinutes: number;
  /** The RFM window, in days: the aggregates' `*_window` columns sum over it. */
  windowDays: number;
}

/** What an event adds to one local day of a member. */
export type DailyChange = Partial<Omit<DailyFacts, "day">> & { day: number; surveys?: number };

/** Moments an event may move forward. */
export interface MomentChanges {
  orderAt?: Date;
  loginAt?: Date;
  survey?: { at: Date; csat: number | null; nps: number | null };
}

const dailyColumns = [
  ["orders", "orders"],
  ["spend", "spend"],
  ["refunds", "refunds"],
  ["refundAmount", "refund_amount"],
  ["logins", "logins"],
  ["sessionSeconds", "session_seconds"],
  ["interactions", "interactions"],
  ["complaints", "complaints"],
  ["surveys", "surveys"],
] as const;

const refreshChunkSize = 2_000;
const groupColumnNames: (keyof GroupColumns)[] = ["group_channel", "group_city_tier", "group_tier_id", "group_segments"];

export class ActivityRecorder {
  private readonly kpiFacts: MemberKpiFacts;

  constructor(
    private readonly settings: ActivitySettings,
    /** Engagement features (challenges, badges) hear each recorded event in its transaction. */
    private readonly engagement: EngagementHub = new EngagementHub(),
  ) {
    this.kpiFacts = new MemberKpiFacts(settings.utcOffsetMinutes);
  }

  today(now: Date): number {
    return localDayNumber(now, this.settings.utcOffsetMinutes);
  }

  dayOf(instant: Date): number {
    return localDayNumber(instant, this.settings.utcOffsetMinutes);
  }

  /**
   * Writes the event, adds its changes to the member's days and recomputes the member's aggregates row. The
   * aggregates row is locked first: it is the member's behaviour lock, so two events of one member never
   * interleave their day rows (no gap-lock deadlocks on MySQL) and the row is recomputed from settled days.
   * `history`: an imported past event, which engagement listeners do not hear. The programme-wide KPI facts take
   * the difference the changes make to the member's periods (imported history included).
   */
  async record(manager: EntityManager, event: Omit<BehaviourEventRecord, "id">, changes: DailyChange[], moments: MomentChanges, now: Date, history = false): Promise<void> {
    const aggregates = await lockingRead(manager, MemberAggregateRecord, "aggregates").where("aggregates.memberId = :memberId", { memberId: event.memberId }).getOneOrFail();
    await manager.insert(BehaviourEventRecord, event);
    const factsBefore = await this.kpiFacts.before(manager, event.memberId, changes.map((change) => change.day));
    const groups = groupColumns(factsBefore.current);
    for (const change of changes) await this.addToDay(manager, event.memberId, change, groups);
    await this.kpiFacts.after(manager, factsBefore, changes);
    await this.updateAggregates(manager, aggregates, moments, now);
    // Imported history (recorded without points) is the past: it feeds scores, but earns no challenge progress and
    // qualifies no referral, which would pay rewards for what happened before the offer existed.
    if (!history) await this.engagement.publish(manager, { memberId: event.memberId, kind: event.kind, occurredAt: event.occurredAt, amount: event.amount, reference: `${event.source}:${event.externalId}` });
  }

  /** Adds a change to its day row; a new row is written with the member's groups now, which it keeps. */
  private async addToDay(manager: EntityManager, memberId: number, change: DailyChange, groups: GroupColumns): Promise<void> {
    const names = dailyColumns.map(([, column]) => column);
    const values = dailyColumns.map(([field]) => change[field] ?? 0);
    const placeholders = [...names, ...groupColumnNames].map(() => "?").join(", ");
    const increments = isSqlite(manager.connection)
      ? `ON CONFLICT (member_id, day) DO UPDATE SET ${names.map((name) => `${name} = ${name} + excluded.${name}`).join(", ")}`
      : `ON DUPLICATE KEY UPDATE ${names.map((name) => `${name} = ${name} + VALUES(${name})`).join(", ")}`;
    await manager.query(
      `INSERT INTO member_daily_activity (member_id, day, ${names.join(", ")}, ${groupColumnNames.join(", ")}) VALUES (?, ?, ${placeholders}) ${increments}`,
      [memberId, change.day, ...values, ...groupColumnNames.map((name) => groups[name])],
    );
  }

  private async updateAggregates(manager: EntityManager, aggregates: MemberAggregateRecord, moments: MomentChanges, now: Date): Promise<void> {
    const today = this.today(now);
    const days = await this.dailyFacts(manager, [aggregates.memberId], null);
    Object.assign(aggregates, summariseTotals(days), summariseWindows(days, today, this.settings.windowDays), { windowsDay: today, updatedAt: now });
    if (moments.orderAt) {
      aggregates.firstOrderAt = earlier(aggregates.firstOrderAt, moments.orderAt);
      aggregates.lastOrderAt = later(aggregates.lastOrderAt, moments.orderAt);
    }
    if (moments.loginAt) aggregates.lastLoginAt = later(aggregates.lastLoginAt, moments.loginAt);
    const survey = moments.survey;
    if (survey && (!aggregates.lastSurveyAt || survey.at >= aggregates.lastSurveyAt)) {
      aggregates.lastSurveyAt = survey.at;
      // A survey may carry only one of the two questions: keep the other's last answer.
      if (survey.csat !== null) aggregates.lastCsat = survey.csat;
      if (survey.nps !== null) aggregates.lastNps = survey.nps;
    }
    await manager.save(MemberAggregateRecord, aggregates);
  }

  /** Daily facts of some members, all days or only those after `afterDay`. */
  private async dailyFacts(manager: EntityManager, memberIds: number[], afterDay: number | null): Promise<(DailyFacts & { memberId: number })[]> {
    const rows: Record<string, unknown>[] = await manager.query(
      `SELECT member_id, day, orders, spend, refunds, refund_amount, logins, session_seconds, interactions, complaints
         FROM member_daily_activity WHERE member_id IN (${memberIds.map(() => "?").join(", ")})${afterDay === null ? "" : " AND day > ?"}`,
      afterDay === null ? memberIds : [...memberIds, afterDay],
    );
    return rows.map((row) => ({
      memberId: Number(row.member_id),
      day: Number(row.day),
      orders: Number(row.orders),
      spend: Number(row.spend),
      refunds: Number(row.refunds),
      refundAmount: Number(row.refund_amount),
      logins: Number(row.logins),
      sessionSeconds: Number(row.session_seconds),
      interactions: Number(row.interactions),
      complaints: Number(row.complaints),
    }));
  }

  /**
   * Moves the windows of every member whose windows end before today, in chunks: windows change only when a day
   * passes, so this runs once a day (first thing in a full scoring run). Returns how many rows moved.
   */
  async refreshWindows(dataSource: DataSource, now: Date, onProgress?: (refreshed: number) => void): Promise<number> {
    const today = this.today(now);
    let refreshed = 0;
    let afterMemberId = 0;
    for (;;) {
      const stale: { member_id: number | string }[] = await dataSource.query(
        "SELECT member_id FROM member_aggregates WHERE windows_day < ? AND member_id > ? ORDER BY member_id LIMIT ?",
        [today, afterMemberId, refreshChunkSize],
      );
      if (stale.length === 0) return refreshed;
      const memberIds = stale.map((row) => Number(row.member_id));
      afterMemberId = memberIds[memberIds.length - 1];
      await runInTransaction(dataSource, async (manager) => {
        const days = await this.dailyFacts(manager, memberIds, oldestWindowDay(today, this.settings.windowDays));
        const daysByMember = new Map<number, DailyFacts[]>();
        for (const facts of days) daysByMember.set(facts.memberId, [...(daysByMember.get(facts.memberId) ?? []), facts]);
        for (const memberId of memberIds) {
          const windows = summariseWindows(daysByMember.get(memberId) ?? [], today, this.settings.windowDays);
          // The guard on windows_day leaves alone a row an event moved forward meanwhile.
          await manager.update(MemberAggregateRecord, { memberId, windowsDay: LessThan(today) }, { ...windows, windowsDay: today, updatedAt: now });
        }
      });
      refreshed += memberIds.length;
      onProgress?.(refreshed);
    }
  }
}

function earlier(current: Date | null, candidate: Date): Date {
  return current && current <= candidate ? current : candidate;
}

function later(current: Date | null, candidate: Date): Date {
  return current && current >= candidate ? current : candidate;
}
