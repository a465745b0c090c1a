import type { QueryRunner } from "typeorm";
// Every KPI, breakdown and granularity against a reference computed here with plain SQL over the same tables,
// period by period and group by group, on data written through the real services (test/support/kpi-facts.ts).
import { MemberScoreRecord } from "../../src/entities/member-score-record";
import { breakdownsOfKpi, kpiNames, pointsGroupKeys, pointsGroupsFromText, type KpiBreakdown, type KpiGranularity, type KpiName } from "../../src/engine/analytics";
import { runInTransaction } from "../../src/database/transactions";
import { foldPointChanges } from "../../src/services/analytics/kpi-points-facts";
import { appendDailyChanges, foldDailyChanges } from "../../src/services/analytics/kpi-daily-sums";
import { segmentJoinsKey, segmentJoinsMeasure } from "../../src/services/analytics/segment-joins";
import { tierMembersMeasure } from "../../src/services/analytics/tier-population";
import { backfillSegmentJoins } from "../../migrations/1765497600000-segment-joins";
import { fillMemberJoinedAt } from "../../migrations/1765584000000-tier-changes-member-joined";
import { localDayNumber } from "../../src/engine";
import { timeFromDatabase } from "../../src/database/raw-values";
import { backfillTierMembers } from "../../migrations/1765238400001-kpi-daily-sums";
import type { KpiPoint } from "../../src/services/analytics/kpi-service";
import { foldAllFactChanges, foldFactChanges } from "../../src/services/analytics/kpi-fact-store";
import { rebuildKpiFacts } from "../../src/services/analytics/kpi-facts-rebuild";
import { kpiFactsJob } from "../../src/server/scheduled-jobs";
import { systemContext } from "../../src/services/service-context";
import { testDatabaseKinds } from "../support/databases";
import { buildKpiFacts, local, localDay, referencePeriods as fixturePeriods, sqlTime, type KpiFacts, type ReferencePeriod } from "../support/kpi-facts";

/** The fixture's periods, by day the ten days from 25 February. */
const referencePeriods = (granularity: KpiGranularity) => fixturePeriods(granularity, { first: "2026-02-25", count: 10 });


const groupColumn: Record<KpiBreakdown, string> = {
  NONE: "'ALL'",
  CHANNEL: "rm.join_channel",
  TIER: "rt.code",
  CITY_TIER: "rm.city_tier",
  SEGMENT: "rg.code",
};

type Figures = Record<string, number>;

describe.each(testDatabaseKinds())("KPIs on $name", (kind) => {
  let facts: KpiFacts;

  beforeAll(async () => {
    facts = await buildKpiFacts(kind);
    await buildReferencePeriodGroups();
  }, 240_000);

  afterAll(async () => {
    await facts?.close();
  });

  /** A period of the facts: activity counts in the groups of the member's first day row in it. */
  interface FactPeriodOf {
    granularity: KpiGranularity;
    firstDay: number;
  }

  /**
   * Joins from a member id column to the member's groups: every breakdown's column is then at hand. Without a
   * period, the groups now (members' attributes, the scheme's memberships); with one, tier and segment are those
   * of the member's first day row in the period, when that row was written (reference_period_groups, worked out
   * from the tier and segment histories below). Channel and city tier never change here.
   */
  const groupJoins = (memberId: string, period?: FactPeriodOf) =>
    `JOIN members rm ON rm.id = ${memberId} JOIN tiers rt ON rt.id = rm.tier_id
     LEFT JOIN segment_memberships rs ON rs.member_id = rm.id AND rs.scheme_id = ${facts.schemeId} LEFT JOIN segments rg ON rg.id = rs.segment_id` +
    (period ? ` JOIN reference_period_groups rpg ON rpg.member_id = rm.id AND rpg.granularity = '${period.granularity}' AND rpg.first_day = ${period.firstDay}` : "");

  const label = (breakdown: KpiBreakdown, value: unknown) => (value === null ? (breakdown === "SEGMENT" ? "UNPLACED" : "UNKNOWN") : String(value));

  /** `atTheTime`: tier and segment are the period's (from groupJoins with a period), not today's. */
  async function byGroup(breakdown: KpiBreakdown, sql: string, parameters: unknown[], atTheTime = true): Promise<Map<string, Record<string, unknown>>> {
    const column = atTheTime && breakdown === "TIER" ? "rpg.tier_code" : atTheTime && breakdown === "SEGMENT" ? "rpg.segment_code" : groupColumn[breakdown];
    const rows: Record<string, unknown>[] = await facts.dataSource.query(sql.split("$group").join(column), parameters);
    return new Map(rows.map((row) => [label(breakdown, row.group_value), row]));
  }

  const asDate = (value: unknown) => (value instanceof Date ? value : new Date(`${String(value).replace(" ", "T")}Z`));

  /**
   * For every reference period (and the one before each), each member with a day row in it and the tier and
   * segment they were in when their first row in it was written: the time of their first event that day (events
   * are recorded in time order here), the tier by the tier history (a change at that very instant is the event's
   * own order upgrading them, after the row was written), the segment by the scheme's moves.
   */
  async function buildReferencePeriodGroups(): Promise<void> {
    const query = (sql: string, parameters: unknown[] = []): Promise<Record<string, unknown>[]> => facts.dataSource.query(sql, parameters);
    await query("CREATE TABLE reference_period_groups (granularity VARCHAR(5), first_day INTEGER, member_id INTEGER, tier_code VARCHAR(32), segment_code VARCHAR(32))");
    const firstEvent = new Map<string, number>();
    for (const event of await query("SELECT member_id, occurred_at FROM behaviour_events")) {
      const at = asDate(event.occurred_at);
      const key = `${Number(event.member_id)}:${localDay(at)}`;
      firstEvent.set(key, Math.min(firstEvent.get(key) ?? Number.POSITIVE_INFINITY, at.getTime()));
    }
    const rowDays = new Map<number, number[]>();
    for (const row of await query("SELECT member_id, day FROM member_daily_activity ORDER BY member_id, day")) rowDays.set(Number(row.member_id), [...(rowDays.get(Number(row.member_id)) ?? []), Number(row.day)]);
    const currentTier = new Map((await query("SELECT m.id, t.code FROM members m JOIN tiers t ON t.id = m.tier_id")).map((row) => [Number(row.id), String(row.code)]));
    const changes = await query("SELECT c.member_id, c.created_at, f.code AS from_tier, t.code AS to_tier FROM tier_changes c JOIN tiers f ON f.id = c.from_tier_id JOIN tiers t ON t.id = c.to_tier_id ORDER BY c.id");
    const moves = await query("SELECT m.member_id, m.moved_at, s.code FROM segment_moves m JOIN segments s ON s.id = m.to_segment_id WHERE m.scheme_id = ? ORDER BY m.id", [facts.schemeId]);
    const tierAt = (memberId: number, at: number) => {
      const own = changes.filter((change) => Number(change.member_id) === memberId);
      const before = own.filter((change) => asDate(change.created_at).getTime() < at);
      return before.length > 0 ? String(before[before.length - 1].to_tier) : own.length > 0 ? String(own[0].from_tier) : currentTier.get(memberId)!;
    };
    const segmentAt = (memberId: number, at: number) => {
      const before = moves.filter((move) => Number(move.member_id) === memberId && asDate(move.moved_at).getTime() <= at);
      return before.length > 0 ? String(before[before.length - 1].code) : null;
    };
    for (const granularity of ["MONTH", "WEEK", "DAY"] as const) {
      const ranges = new Map<number, number>();
      for (const period of referencePeriods(granularity)) {
        ranges.set(localDay(period.previousStart), localDay(period.start));
        ranges.set(localDay(period.start), localDay(period.end));
      }
      for (const [firstDay, endDay] of ranges) {
        for (const [memberId, days] of rowDays) {
          const first = days.find((rowDay) => rowDay >= firstDay && rowDay < endDay);
          if (first === undefined) continue;
          const at = firstEvent.get(`${memberId}:${first}`)!;
          await query("INSERT INTO reference_period_groups (granularity, first_day, member_id, tier_code, segment_code) VALUES (?, ?, ?, ?, ?)", [granularity, firstDay, memberId, tierAt(memberId, at), segmentAt(memberId, at)]);
        }
      }
    }
  }

  /**
   * Points held at `end` by the members of each group at that moment (groups holding none left out): each member's
   * balance then, SUM(amount) of their entries before it, in the group they were in then by the histories: the tier of
   * their last tier change before it (else where their first change took them from, else their tier now), the segment
   * of their last move in the scheme before it (else where their first move took them from, UNPLACED when from
   * nowhere; else their segment now). Channel and city tier never change here.
   */
  async function referenceLiability(breakdown: KpiBreakdown, end: Date): Promise<Map<string, Record<string, unknown>>> {
    const query = (sql: string, parameters: unknown[] = []): Promise<Record<string, unknown>[]> => facts.dataSource.query(sql, parameters);
    const balances = await query("SELECT member_id, SUM(amount) AS points FROM point_entries WHERE created_at < ? GROUP BY member_id", [sqlTime(facts.dataSource, end)]);
    const members = new Map((await query("SELECT m.id, m.join_channel, m.city_tier, t.code AS tier FROM members m JOIN tiers t ON t.id = m.tier_id")).map((row) => [Number(row.id), row]));
    const placed = new Map((await query("SELECT s.member_id, g.code FROM segment_memberships s JOIN segments g ON g.id = s.segment_id WHERE s.scheme_id = ?", [facts.schemeId])).map((row) => [Number(row.member_id), String(row.code)]));
    const changes = await query("SELECT c.member_id, c.created_at, f.code AS from_tier, t.code AS to_tier FROM tier_changes c JOIN tiers f ON f.id = c.from_tier_id JOIN tiers t ON t.id = c.to_tier_id ORDER BY c.created_at, c.id");
    const moves = await query(
      "SELECT v.member_id, v.moved_at, f.code AS from_segment, t.code AS to_segment FROM segment_moves v LEFT JOIN segments f ON f.id = v.from_segment_id JOIN segments t ON t.id = v.to_segment_id WHERE v.scheme_id = ? ORDER BY v.moved_at, v.id",
      [facts.schemeId],
    );
    const groupAt = (memberId: number): string => {
      const member = members.get(memberId)!;
      if (breakdown === "CHANNEL") return String(member.join_channel);
      if (breakdown === "CITY_TIER") return member.city_tier === null ? "UNKNOWN" : String(member.city_tier);
      const history = (breakdown === "TIER" ? changes : moves).filter((row) => Number(row.member_id) === memberId);
      const time = (row: Record<string, unknown>) => asDate(breakdown === "TIER" ? row.created_at : row.moved_at).getTime();
      const before = history.filter((row) => time(row) < end.getTime());
      const [to, from] = breakdown === "TIER" ? ["to_tier", "from_tier"] : ["to_segment", "from_segment"];
      const value = before.length > 0 ? before[before.length - 1][to] : history.length > 0 ? history[0][from] : breakdown === "TIER" ? member.tier : (placed.get(memberId) ?? null);
      return value === null || value === undefined ? "UNPLACED" : String(value);
    };
    const held = new Map<string, number>();
    for (const row of balances) held.set(groupAt(Number(row.member_id)), (held.get(groupAt(Number(row.member_id))) ?? 0) + Number(row.points));
    return new Map([...held].filter(([, points]) => points !== 0).map(([group, points]) => [group, { points }]));
  }

  /** The figures of one KPI in one period, per group, by plain SQL. */
  async function referenceFigures(kpi: KpiName, breakdown: KpiBreakdown, granularity: KpiGranularity, period: ReferencePeriod): Promise<Map<string, Figures>> {
    const here: FactPeriodOf = { granularity, firstDay: localDay(period.start) };
    const before: FactPeriodOf = { granularity, firstDay: localDay(period.previousStart) };
    const time = (instant: Date) => sqlTime(facts.dataSource, instant);
    const days = [localDay(period.start), localDay(period.end)];
    const result = new Map<string, Figures>();
    const put = (rows: Map<string, Record<string, unknown>>, name: string, column: string) => {
      for (const [group, row] of rows) result.set(group, { ...(result.get(group) ?? {}), [name]: Number(row[column] ?? 0) });
    };
    const joined = () => byGroup(breakdown, `SELECT $group AS group_value, COUNT(*) AS n FROM members m ${groupJoins("m.id")} WHERE m.joined_at >= ? AND m.joined_at < ? GROUP BY $group`, [time(period.start), time(period.end)], false);
    const joinedBefore = () => byGroup(breakdown, `SELECT $group AS group_value, COUNT(*) AS n FROM members m ${groupJoins("m.id")} WHERE m.joined_at < ? GROUP BY $group`, [time(period.start)], false);
    const logins = () =>
      byGroup(breakdown, `SELECT $group AS group_value, COUNT(DISTINCT a.member_id) AS members, COUNT(*) AS member_days FROM member_daily_activity a ${groupJoins("a.member_id", here)} WHERE a.day >= ? AND a.day < ? AND a.logins > 0 GROUP BY $group`, days);
    const sums = () => byGroup(breakdown, `SELECT $group AS group_value, SUM(a.spend) AS spend, SUM(a.orders) AS orders FROM member_daily_activity a ${groupJoins("a.member_id", here)} WHERE a.day >= ? AND a.day < ? GROUP BY $group`, days);
    switch (kpi) {
      case "NEW_MEMBERS":
        put(await joined(), "newMembers", "n");
        break;
      case "GROWTH_RATE":
        put(await joined(), "newMembers", "n");
        put(await joinedBefore(), "membersAtStart", "n");
        break;
      case "ACTIVE_MEMBERS":
        put(await logins(), "membersWithLogin", "members");
        break;
      case "STICKINESS": {
        const rows = await logins();
        put(rows, "loginMemberDays", "member_days");
        put(rows, "membersWithLogin", "members");
        break;
      }
      case "SPEND":
        put(await sums(), "spendFen", "spend");
        break;
      case "ORDERS":
        put(await sums(), "orders", "orders");
        break;
      case "AVERAGE_ORDER_VALUE": {
        const rows = await sums();
        put(rows, "spendFen", "spend");
        put(rows, "orders", "orders");
        break;
      }
      case "SPEND_PER_ACTIVE_MEMBER":
        put(await sums(), "spendFen", "spend");
        put(
          await byGroup(breakdown, `SELECT $group AS group_value, COUNT(*) AS n FROM (SELECT DISTINCT member_id FROM member_daily_activity WHERE day >= ? AND day < ? AND (logins > 0 OR orders > 0)) active ${groupJoins("active.member_id", here)} GROUP BY $group`, days),
          "membersWithLoginOrOrder",
          "n",
        );
        break;
      case "SPEND_PER_MEMBER":
        // Spend by the groups at the time (the same as now for the channel, which never changes), members by their groups now.
        put(await sums(), "spendFen", "spend");
        put(await byGroup(breakdown, `SELECT $group AS group_value, COUNT(*) AS n FROM members m ${groupJoins("m.id")} WHERE m.joined_at < ? GROUP BY $group`, [time(period.end)], false), "members", "n");
        break;
      case "REPURCHASE_RATE": {
        const rows = await byGroup(
          breakdown,
          `SELECT $group AS group_value, COUNT(*) AS buyers, SUM(CASE WHEN buyer.orders > 1 THEN 1 ELSE 0 END) AS repeaters
             FROM (SELECT member_id, SUM(orders) AS orders FROM member_daily_activity WHERE day >= ? AND day < ? GROUP BY member_id HAVING SUM(orders) > 0) buyer
             ${groupJoins("buyer.member_id", here)} GROUP BY $group`,
          days,
        );
        put(rows, "membersWithRepeatOrder", "repeaters");
        put(rows, "membersWithOrder", "buyers");
        break;
      }
      case "POINTS_LIABILITY":
        if (breakdown === "NONE") put(await byGroup(breakdown, "SELECT 'ALL' AS group_value, SUM(e.amount) AS points FROM point_entries e WHERE e.created_at < ?", [time(period.end)], false), "outstandingPoints", "points");
        else put(await referenceLiability(breakdown, period.end), "outstandingPoints", "points");
        break;
      case "LOGIN_FREQUENCY": {
        const rows = await byGroup(breakdown, `SELECT $group AS group_value, SUM(a.logins) AS logins, COUNT(DISTINCT a.member_id) AS members FROM member_daily_activity a ${groupJoins("a.member_id", here)} WHERE a.day >= ? AND a.day < ? AND a.logins > 0 GROUP BY $group`, days);
        put(rows, "logins", "logins");
        put(rows, "membersWithLogin", "members");
        break;
      }
      case "INTERACTIONS_PER_MEMBER":
        put(await byGroup(breakdown, `SELECT $group AS group_value, SUM(a.interactions) AS interactions FROM member_daily_activity a ${groupJoins("a.member_id", here)} WHERE a.day >= ? AND a.day < ? GROUP BY $group`, days), "interactions", "interactions");
        put(await logins(), "membersWithLogin", "members");
        break;
      case "RETENTION_RATE":
      case "CHURN_RATE": {
        // Members active in the previous period, each checked for activity in this one.
        const activeIn = (alias: string) => `EXISTS (SELECT 1 FROM member_daily_activity ${alias} WHERE ${alias}.member_id = earlier.member_id AND ${alias}.day >= ? AND ${alias}.day < ? AND (${alias}.logins > 0 OR ${alias}.orders > 0))`;
        const rows = await byGroup(
          breakdown,
          `SELECT $group AS group_value, COUNT(*) AS active_before, SUM(CASE WHEN ${activeIn("n")} THEN 1 ELSE 0 END) AS retained, SUM(CASE WHEN NOT ${activeIn("l")} THEN 1 ELSE 0 END) AS lost
             FROM (SELECT DISTINCT member_id FROM member_daily_activity WHERE day >= ? AND day < ? AND (logins > 0 OR orders > 0)) earlier
             ${groupJoins("earlier.member_id", before)} GROUP BY $group`,
          [...days, ...days, localDay(period.previousStart), localDay(period.start)],
        );
        put(rows, "activeBefore", "active_before");
        put(rows, kpi === "RETENTION_RATE" ? "retained" : "lost", kpi === "RETENTION_RATE" ? "retained" : "lost");
        break;
      }
    }
    return result;
  }

  /** The KPI's value from its figures, written out again here. */
  function referenceValue(kpi: KpiName, figures: Figures, days: number): number | null {
    const divide = (numerator: number, denominator: number) => (denominator === 0 ? null : numerator / denominator);
    const figure = (name: string) => figures[name] ?? 0;
    switch (kpi) {
      case "NEW_MEMBERS": return figure("newMembers");
      case "GROWTH_RATE": return divide(figure("newMembers"), figure("membersAtStart"));
      case "ACTIVE_MEMBERS": return figure("membersWithLogin");
      case "STICKINESS": return divide(figure("loginMemberDays"), days * figure("membersWithLogin"));
      case "SPEND": return figure("spendFen");
      case "ORDERS": return figure("orders");
      case "AVERAGE_ORDER_VALUE": return divide(figure("spendFen"), figure("orders"));
      case "SPEND_PER_ACTIVE_MEMBER": return divide(figure("spendFen"), figure("membersWithLoginOrOrder"));
      case "SPEND_PER_MEMBER": return divide(figure("spendFen"), figure("members"));
      case "REPURCHASE_RATE": return divide(figure("membersWithRepeatOrder"), figure("membersWithOrder"));
      case "POINTS_LIABILITY": return figure("outstandingPoints") * 3;
      case "LOGIN_FREQUENCY": return divide(figure("logins"), figure("membersWithLogin"));
      case "INTERACTIONS_PER_MEMBER": return divide(figure("interactions"), figure("membersWithLogin"));
      case "RETENTION_RATE": return divide(figure("retained"), figure("activeBefore"));
      case "CHURN_RATE": return divide(figure("lost"), figure("activeBefore"));
      // Tested with campaign sends in test/integration/campaign-rollup.test.ts: these facts have none.
      case "ACQUISITION_COST": return divide(figure("marketingSpendFen"), figure("newMembers"));
    }
  }

  async function expectSeriesToMatchReference(kpi: KpiName, granularity: KpiGranularity, breakdown: KpiBreakdown, periods = referencePeriods(granularity)): Promise<void> {
    const points: KpiPoint[] = await facts.services.kpis.series({
      kpi, granularity, breakdown, from: periods[0].start, to: periods[periods.length - 1].end, schemeId: breakdown === "SEGMENT" ? facts.schemeId : null,
    });
    expect([...new Set(points.map((point) => point.periodLabel))]).toEqual(periods.map((period) => period.label));
    for (const period of periods) {
      const expected = await referenceFigures(kpi, breakdown, granularity, period);
      const actual = points.filter((point) => point.periodLabel === period.label);
      expect(actual.every((point) => point.periodStart.getTime() === period.start.getTime() && point.periodEnd.getTime() === period.end.getTime())).toBe(true);
      // Every group the reference sees is in the series; groups only the series has are all zeros there.
      for (const group of expected.keys()) expect(actual.map((point) => point.group)).toContain(group);
      for (const point of actual) {
        const figures = expected.get(point.group) ?? {};
        const context = `${kpi} ${granularity} ${breakdown} ${period.label} ${point.group}`;
        for (const figure of point.figures) {
          if (figure.name === "days") expect({ context, days: figure.value }).toEqual({ context, days: localDay(period.end) - localDay(period.start) });
          else if (figure.name === "pointValueFen") expect(figure.value).toBe(3);
          else expect({ context, [figure.name]: figure.value }).toEqual({ context, [figure.name]: figures[figure.name] ?? 0 });
        }
        const value = referenceValue(kpi, figures, localDay(period.end) - localDay(period.start));
        if (value === null) expect({ context, value: point.value }).toEqual({ context, value: null });
        else expect(point.value).toBeCloseTo(value, 9);
      }
    }
  }

  it("builds facts that exercise every KPI", async () => {
    const [activity] = await facts.dataSource.query("SELECT COUNT(*) AS days, SUM(orders) AS orders, SUM(logins) AS logins, SUM(refunds) AS refunds, SUM(interactions) AS interactions FROM member_daily_activity");
    const [interactionsWithoutLogin] = await facts.dataSource.query("SELECT COUNT(*) AS n FROM member_daily_activity WHERE interactions > 0 AND logins = 0");
    const [changes] = await facts.dataSource.query("SELECT COUNT(*) AS n FROM tier_changes");
    expect(Number(activity.orders)).toBeGreaterThan(50);
    expect(Number(activity.logins)).toBeGreaterThan(50);
    expect(Number(activity.refunds)).toBeGreaterThan(0);
    expect(Number(activity.interactions)).toBeGreaterThan(20);
    expect(Number(interactionsWithoutLogin.n)).toBeGreaterThan(0);
    expect(Number(changes.n)).toBeGreaterThan(3);
  });

  const breakdowns: KpiBreakdown[] = ["NONE", "CHANNEL", "TIER", "CITY_TIER", "SEGMENT"];
  /** The breakdowns the KPI takes (SPEND_PER_MEMBER and ACQUISITION_COST: NONE and CHANNEL). */
  const breakdownsOf = (kpi: KpiName) => breakdowns.filter((breakdown) => breakdownsOfKpi[kpi]?.includes(breakdown) ?? true);
  // ACQUISITION_COST is tested with spend in test/integration/campaign-rollup.test.ts and marketing-spend.test.ts.
  for (const kpi of kpiNames.filter((name) => name !== "ACQUISITION_COST")) {
    it(`${kpi} matches the SQL reference by month and week in every breakdown it takes, and by day without one`, async () => {
      for (const breakdown of breakdownsOf(kpi)) {
        await expectSeriesToMatchReference(kpi, "MONTH", breakdown);
        await expectSeriesToMatchReference(kpi, "WEEK", breakdown);
      }
      if (kpi !== "STICKINESS") {
        await expectSeriesToMatchReference(kpi, "DAY", "NONE");
        await expectSeriesToMatchReference(kpi, "DAY", "CHANNEL");
      }
    }, 120_000);
  }

  it("counts growth and members in every breakdown over ranges that start and end among the joins", async () => {
    // Members join from 5 January to late April: these ranges have members before them and joins after them, so the
    // members before the series (by segment: each segment's members now less those who joined since) are not all zero.
    const weeks = referencePeriods("WEEK").slice(4, 12);
    const months = referencePeriods("MONTH").slice(1, 3);
    const [{ n: joinedAfter }] = await facts.dataSource.query("SELECT COUNT(*) AS n FROM members WHERE joined_at >= ?", [sqlTime(facts.dataSource, weeks[weeks.length - 1].end)]);
    const [{ n: joinedBefore }] = await facts.dataSource.query("SELECT COUNT(*) AS n FROM members WHERE joined_at < ?", [sqlTime(facts.dataSource, weeks[0].start)]);
    expect([Number(joinedBefore) > 3, Number(joinedAfter) > 3]).toEqual([true, true]);
    // Two members who joined before the ranges leave the scheme for this test, so UNPLACED has members before them too.
    const leaving: Record<string, unknown>[] = await facts.dataSource.query(
      `SELECT s.member_id, s.scheme_id, s.segment_id, s.entered_at, s.pinned FROM segment_memberships s JOIN members m ON m.id = s.member_id
        WHERE s.scheme_id = ? AND m.joined_at < ? ORDER BY m.joined_at LIMIT 2`,
      [facts.schemeId, sqlTime(facts.dataSource, weeks[0].start)],
    );
    expect(leaving).toHaveLength(2);
    // The services never take anyone out of a scheme (members only move between its segments): the test does, and
    // takes them out of their segment's joins by join day as well, as such a removal would.
    const segmentJoins = (row: Record<string, unknown>, amount: number) =>
      runInTransaction(facts.dataSource, async (manager) => {
        const [member] = await manager.query("SELECT joined_at FROM members WHERE id = ?", [row.member_id]);
        const day = localDayNumber(timeFromDatabase(member.joined_at)!, facts.config.programme.utcOffsetMinutes);
        await appendDailyChanges(manager, [{ measure: segmentJoinsMeasure, groupKey: segmentJoinsKey(Number(row.scheme_id), Number(row.segment_id)), day, amount }]);
      });
    for (const row of leaving) {
      await facts.dataSource.query("DELETE FROM segment_memberships WHERE member_id = ? AND scheme_id = ?", [row.member_id, row.scheme_id]);
      await segmentJoins(row, -1);
    }
    try {
      for (const kpi of ["NEW_MEMBERS", "GROWTH_RATE", "SPEND_PER_MEMBER"] as const) {
        for (const breakdown of breakdownsOf(kpi)) {
          await expectSeriesToMatchReference(kpi, "WEEK", breakdown, weeks);
          await expectSeriesToMatchReference(kpi, "MONTH", breakdown, months);
        }
      }
      const growth = await facts.services.kpis.series({ kpi: "GROWTH_RATE", granularity: "MONTH", breakdown: "SEGMENT", from: months[0].start, to: months[0].end, schemeId: facts.schemeId });
      expect(growth.find((point) => point.group === "UNPLACED")!.figures.find((figure) => figure.name === "membersAtStart")!.value).toBeGreaterThanOrEqual(2);
    } finally {
      for (const row of leaving) {
        await facts.dataSource.query("INSERT INTO segment_memberships (member_id, scheme_id, segment_id, entered_at, pinned) VALUES (?, ?, ?, ?, ?)", [row.member_id, row.scheme_id, row.segment_id, row.entered_at, row.pinned]);
        await segmentJoins(row, 1);
      }
    }
  }, 120_000);

  it("divides SPEND_PER_MEMBER by every member who had joined, active or not, and refuses the breakdowns whose groups move", async () => {
    const request = { granularity: "MONTH" as const, from: local("2026-01-01T00:00:00"), to: local("2026-06-01T00:00:00") };
    const perMember = await facts.services.kpis.series({ kpi: "SPEND_PER_MEMBER", breakdown: "NONE", schemeId: null, ...request });
    const perActive = await facts.services.kpis.series({ kpi: "SPEND_PER_ACTIVE_MEMBER", breakdown: "NONE", schemeId: null, ...request });
    const figure = (point: KpiPoint, name: string) => point.figures.find((each) => each.name === name)!.value;
    // Members who joined and were not active in a month are in this denominator and not in the active one's.
    expect(perMember.some((point, index) => figure(point, "members") > figure(perActive[index], "membersWithLoginOrOrder"))).toBe(true);
    expect(figure(perMember[perMember.length - 1], "members")).toBe(facts.memberIds.length);
    for (const breakdown of ["TIER", "CITY_TIER", "SEGMENT"] as const) {
      await expect(facts.services.kpis.series({ kpi: "SPEND_PER_MEMBER", breakdown, schemeId: breakdown === "SEGMENT" ? facts.schemeId : null, ...request }))
        .rejects.toMatchObject({ extensions: { code: "BAD_USER_INPUT", field: "breakdown" } });
    }
  });

  /** POINTS_LIABILITY by month, week and day in every breakdown against the reference. */
  async function expectLiabilityToMatchReference(): Promise<void> {
    for (const granularity of ["MONTH", "WEEK", "DAY"] as const) for (const breakdown of breakdowns) await expectSeriesToMatchReference("POINTS_LIABILITY", granularity, breakdown);
  }

  // Partial folds here; the tier population's tests below need some of the daily sums' changes unfolded, and the
  // backfill's test folds them all.
  it("POINTS_LIABILITY still matches the reference in every breakdown after partial folds of the daily points facts and of the daily sums by group", async () => {
    const foldPoints = (limit?: number) => runInTransaction(facts.dataSource, (manager) => foldPointChanges(manager, { limit }));
    const foldDaily = (limit?: number) => runInTransaction(facts.dataSource, (manager) => foldDailyChanges(manager, { limit }));
    const count = async (sql: string) => Number((await facts.dataSource.query(sql))[0].n);
    const changes = () => count("SELECT COUNT(*) AS n FROM kpi_points_changes");
    const byGroup = () => count("SELECT COUNT(*) AS n FROM kpi_daily_changes WHERE measure = 'points'");
    const waiting = await changes();
    expect(waiting).toBeGreaterThan(50);
    const waitingByGroup = await byGroup();
    expect(waitingByGroup).toBeGreaterThan(200);
    expect(await count("SELECT COUNT(*) AS n FROM kpi_daily_sums WHERE measure = 'points'")).toBe(0);
    expect(await foldPoints(25)).toBe(25);
    expect(await changes()).toBe(waiting - 25);
    expect(await foldDaily(97)).toBe(97);
    expect(await count("SELECT COUNT(*) AS n FROM kpi_daily_sums WHERE measure = 'points'")).toBeGreaterThan(0);
    await expectLiabilityToMatchReference();
    while ((await foldPoints(40)) > 0);
    expect(await foldDaily(Math.floor(waitingByGroup / 2))).toBe(Math.floor(waitingByGroup / 2));
    expect([await changes(), await byGroup()]).toEqual([0, expect.any(Number)]);
    expect(await byGroup()).toBeGreaterThan(0);
    await expectLiabilityToMatchReference();
  }, 120_000);

  it("has members retained and members lost in the facts, and no members before the first month", async () => {
    const retention = await facts.services.kpis.series({ kpi: "RETENTION_RATE", granularity: "MONTH", breakdown: "NONE", from: local("2026-01-01T00:00:00"), to: local("2026-06-01T00:00:00"), schemeId: null });
    const figure = (name: string) => retention.map((point) => point.figures.find((each) => each.name === name)!.value);
    expect(figure("activeBefore")[0]).toBe(0);
    expect(retention[0].value).toBeNull();
    expect(figure("retained").some((retained, index) => retained > 0 && retained < figure("activeBefore")[index])).toBe(true);
  });

  /** Each member's tier at an instant, walked in JavaScript through the tier history. */
  async function referenceTiers(at: Date): Promise<Map<number, string>> {
    const members: { id: number; joined_at: unknown; tier: string }[] = await facts.dataSource.query("SELECT m.id, m.joined_at, t.code AS tier FROM members m JOIN tiers t ON t.id = m.tier_id");
    const changes: { member_id: number; created_at: unknown; from_tier: string; to_tier: string }[] = await facts.dataSource.query(
      "SELECT c.member_id, c.created_at, f.code AS from_tier, t.code AS to_tier FROM tier_changes c JOIN tiers f ON f.id = c.from_tier_id JOIN tiers t ON t.id = c.to_tier_id ORDER BY c.id",
    );
    const asDate = (value: unknown) => (value instanceof Date ? value : new Date(`${String(value).replace(" ", "T")}Z`));
    const tiers = new Map<number, string>();
    for (const member of members) {
      if (asDate(member.joined_at) > at) continue;
      const own = changes.filter((change) => Number(change.member_id) === Number(member.id));
      const before = own.filter((change) => asDate(change.created_at) <= at);
      const after = own.filter((change) => asDate(change.created_at) > at);
      tiers.set(Number(member.id), before.length > 0 ? before[before.length - 1].to_tier : after.length > 0 ? after[0].from_tier : member.tier);
    }
    return tiers;
  }

  it("gives the tier distribution at past instants from the tier history", async () => {
    for (const at of [local("2026-02-01T00:00:00"), local("2026-04-15T12:00:00"), facts.clock.now()]) {
      const expected = new Map<string, number>();
      for (const tier of (await referenceTiers(at)).values()) expected.set(tier, (expected.get(tier) ?? 0) + 1);
      const distribution = await facts.services.tierAnalytics.distribution(at);
      expect(distribution.map((count) => count.tier.code)).toEqual(["REGULAR", "SILVER", "GOLD", "DIAMOND"]);
      expect(Object.fromEntries(distribution.map((count) => [count.tier.code, count.members]))).toEqual(Object.fromEntries(distribution.map((count) => [count.tier.code, expected.get(count.tier.code) ?? 0])));
    }
  });

  it("gives the tier migration matrix between two instants, members who joined between them in the null row", async () => {
    const from = local("2026-02-15T00:00:00");
    const to = local("2026-05-15T00:00:00");
    const [before, after] = [await referenceTiers(from), await referenceTiers(to)];
    const expected = new Map<string, number>();
    for (const [memberId, toTier] of after) {
      const key = `${before.get(memberId) ?? "JOINED"}>${toTier}`;
      expected.set(key, (expected.get(key) ?? 0) + 1);
    }
    const cells = await facts.services.tierAnalytics.migration(from, to);
    expect(cells).toHaveLength(5 * 4);
    for (const cell of cells) expect([`${cell.fromTier?.code ?? "JOINED"}>${cell.toTier.code}`, cell.members]).toEqual([`${cell.fromTier?.code ?? "JOINED"}>${cell.toTier.code}`, expected.get(`${cell.fromTier?.code ?? "JOINED"}>${cell.toTier.code}`) ?? 0]);
    expect(cells.filter((cell) => cell.fromTier !== null && cell.fromTier.rank < cell.toTier.rank).reduce((sum, cell) => sum + cell.members, 0)).toBeGreaterThan(0);
  });

  /** Instants on the days of joins and tier changes: the instant itself and a millisecond before, so the day's own joins and changes up to an instant count. */
  async function instantsOfEvents(): Promise<Date[]> {
    const asDate = (value: unknown) => (value instanceof Date ? value : new Date(`${String(value).replace(" ", "T")}Z`));
    const changes: { created_at: unknown }[] = await facts.dataSource.query("SELECT created_at FROM tier_changes WHERE from_tier_id <> to_tier_id ORDER BY id");
    const joins: { joined_at: unknown }[] = await facts.dataSource.query("SELECT joined_at FROM members ORDER BY id");
    const events = [...changes.filter((_, index) => index % 4 === 0).map((row) => asDate(row.created_at)), ...joins.filter((_, index) => index % 9 === 0).map((row) => asDate(row.joined_at))];
    expect(changes.length).toBeGreaterThan(3);
    return events.flatMap((at) => [at, new Date(at.getTime() - 1)]);
  }

  const tierCounts = (distribution: { tier: { code: string }; members: number }[]) => Object.fromEntries(distribution.map((count) => [count.tier.code, count.members]));

  it("gives the distribution at the instants of joins and tier changes, before and after a fold of the tier population", async () => {
    const instants = await instantsOfEvents();
    const expectAllToMatch = async () => {
      for (const at of instants) {
        const expected: Record<string, number> = { REGULAR: 0, SILVER: 0, GOLD: 0, DIAMOND: 0 };
        for (const tier of (await referenceTiers(at)).values()) expected[tier] += 1;
        expect([at.toISOString(), tierCounts(await facts.services.tierAnalytics.distribution(at))]).toEqual([at.toISOString(), expected]);
      }
    };
    const waiting = async () => Number((await facts.dataSource.query("SELECT COUNT(*) AS n FROM kpi_daily_changes WHERE measure = 'tier_members'"))[0].n);
    expect(await waiting()).toBeGreaterThan(0);
    await expectAllToMatch();
    await runInTransaction(facts.dataSource, (manager) => foldDailyChanges(manager, { limit: 7 }));
    await expectAllToMatch();
    while ((await runInTransaction(facts.dataSource, (manager) => foldDailyChanges(manager))) > 0);
    expect(await waiting()).toBe(0);
    await expectAllToMatch();
  }, 120_000);

  it("gives the migration matrix between instants of joins and tier changes", async () => {
    const instants = (await instantsOfEvents()).sort((a, b) => a.getTime() - b.getTime());
    const sample = instants;
    const pairs = sample.flatMap((from, index) => sample.slice(index + 1).filter((to, later) => later % 2 === 0 && from < to).map((to) => [from, to] as const));
    expect(pairs.length).toBeGreaterThan(10);
    for (const [from, to] of pairs) {
      const [before, after] = [await referenceTiers(from), await referenceTiers(to)];
      const expected: Record<string, number> = {};
      for (const [memberId, toTier] of after) {
        const key = `${before.get(memberId) ?? "JOINED"}>${toTier}`;
        expected[key] = (expected[key] ?? 0) + 1;
      }
      const cells = await facts.services.tierAnalytics.migration(from, to);
      const actual = Object.fromEntries(cells.filter((cell) => cell.members !== 0).map((cell) => [`${cell.fromTier?.code ?? "JOINED"}>${cell.toTier.code}`, cell.members]));
      expect([from.toISOString(), to.toISOString(), actual]).toEqual([from.toISOString(), to.toISOString(), expected]);
    }
  }, 120_000);

  /** Folds a measure of the daily sums, rebuilds it with a migration's backfill, and expects the same rows as the services appended. */
  async function expectBackfillToRebuild(measure: string, backfill: (queryRunner: QueryRunner, utcOffsetMinutes: number) => Promise<void>): Promise<void> {
    while ((await runInTransaction(facts.dataSource, (manager) => foldDailyChanges(manager))) > 0);
    const rows = () => facts.dataSource.query("SELECT group_key, day, amount FROM kpi_daily_sums WHERE measure = ? AND amount <> 0 ORDER BY group_key, day", [measure]);
    const appended = await rows();
    expect(appended.length).toBeGreaterThan(5);
    await facts.dataSource.query("DELETE FROM kpi_daily_sums WHERE measure = ?", [measure]);
    const queryRunner = facts.dataSource.createQueryRunner();
    try {
      await backfill(queryRunner, facts.config.programme.utcOffsetMinutes);
    } finally {
      await queryRunner.release();
    }
    expect(await rows()).toEqual(appended);
  }

  it("writes the member's join time with every tier change, and the migration fills it for the changes before it", async () => {
    const joinTimes = () => facts.dataSource.query("SELECT c.id, c.member_joined_at AS carried, m.joined_at AS joined FROM tier_changes c JOIN members m ON m.id = c.member_id ORDER BY c.id");
    const written: { carried: unknown; joined: unknown }[] = await joinTimes();
    expect(written.length).toBeGreaterThan(3);
    for (const row of written) expect(timeFromDatabase(row.carried)).toEqual(timeFromDatabase(row.joined));
    await facts.dataSource.query("UPDATE tier_changes SET member_joined_at = NULL");
    const queryRunner = facts.dataSource.createQueryRunner();
    try {
      await fillMemberJoinedAt(queryRunner);
    } finally {
      await queryRunner.release();
    }
    expect(await joinTimes()).toEqual(written);
  });

  it("backfills the segments' joins from the memberships as the segment moves appended them", () => expectBackfillToRebuild(segmentJoinsMeasure, backfillSegmentJoins));

  it("backfills the tier population from the members and the tier history as the services appended it", () => expectBackfillToRebuild(tierMembersMeasure, backfillTierMembers));

  it("backfills the points by group from the ledger, the tier history and the segment moves as the services appended them", async () => {
    while ((await runInTransaction(facts.dataSource, (manager) => foldDailyChanges(manager))) > 0);
    const byGroup = () => facts.dataSource.query("SELECT group_key, day, amount FROM kpi_daily_sums WHERE measure = 'points' AND amount <> 0 ORDER BY group_key, day");
    // Segments in the text in any order: compared as keys.
    const accountGroups = async () =>
      (await facts.dataSource.query("SELECT member_id, kpi_groups FROM point_accounts ORDER BY member_id")).map((row: Record<string, unknown>) => [Number(row.member_id), pointsGroupKeys(pointsGroupsFromText(String(row.kpi_groups))).join(" ")]);
    expect(await facts.dataSource.query("SELECT COUNT(*) AS n FROM kpi_daily_changes WHERE measure = 'points'")).toEqual([{ n: 0 }]);
    await expectLiabilityToMatchReference();
    const appended = await byGroup();
    const groups = await accountGroups();
    expect(appended.length).toBeGreaterThan(100);
    expect(groups.filter(([, keys]: [number, string]) => keys.includes("segment:")).length).toBeGreaterThan(10);
    // Undo the migration (and those after it) and run them again.
    for (;;) {
      const [latest] = await facts.dataSource.query("SELECT name FROM migrations ORDER BY id DESC LIMIT 1");
      await facts.dataSource.undoLastMigration({ transaction: "each" });
      if (latest.name === "KpiPointsByGroup1765411200000") break;
    }
    expect(await facts.dataSource.query("SELECT COUNT(*) AS n FROM kpi_daily_sums WHERE measure = 'points'")).toEqual([{ n: 0 }]);
    await facts.dataSource.runMigrations({ transaction: "each" });
    expect(await byGroup()).toEqual(appended);
    expect(await accountGroups()).toEqual(groups);
    await expectLiabilityToMatchReference();
  }, 120_000);

  it("gives monthly join cohorts with activity by month since joining, matching plain SQL", async () => {
    const cohorts = await facts.services.joinCohorts.cohorts(local("2026-01-01T00:00:00"), local("2026-05-01T00:00:00"), 4);
    const months = referencePeriods("MONTH");
    expect(cohorts.map((cohort) => cohort.period.label)).toEqual(["2026-01", "2026-02", "2026-03", "2026-04"]);
    for (const [index, cohort] of cohorts.entries()) {
      const [size] = await facts.dataSource.query("SELECT COUNT(*) AS n FROM members WHERE joined_at >= ? AND joined_at < ?", [sqlTime(facts.dataSource, months[index].start), sqlTime(facts.dataSource, months[index].end)]);
      expect(cohort.members).toBe(Number(size.n));
      for (let k = 0; k < 4; k += 1) {
        const monthStart = local(`2026-${String(index + k + 1).padStart(2, "0")}-01T00:00:00`);
        const monthEnd = local(`2026-${String(index + k + 2).padStart(2, "0")}-01T00:00:00`);
        const [active] = await facts.dataSource.query(
          `SELECT COUNT(DISTINCT a.member_id) AS n FROM member_daily_activity a JOIN members m ON m.id = a.member_id
            WHERE m.joined_at >= ? AND m.joined_at < ? AND a.day >= ? AND a.day < ? AND (a.logins > 0 OR a.orders > 0)`,
          [sqlTime(facts.dataSource, months[index].start), sqlTime(facts.dataSource, months[index].end), localDay(monthStart), localDay(monthEnd)],
        );
        // Months that have not begun (after June 1, the clock) have no count; June has begun and is empty.
        const expected = monthStart > facts.clock.now() ? null : Number(active.n);
        expect([cohort.period.label, k, cohort.activeMembers[k]]).toEqual([cohort.period.label, k, expected]);
      }
    }
    expect(cohorts[3].activeMembers).toHaveLength(4);
    const later = await facts.services.joinCohorts.cohorts(local("2026-05-01T00:00:00"), local("2026-05-02T00:00:00"), 3);
    expect(later[0].activeMembers.slice(1)).toEqual([0, null]);
  });

  /** Latest scores written directly, with the CLVs given (fen); every other score column a plain constant. */
  async function writeScores(clvs: number[]): Promise<void> {
    const repository = facts.dataSource.getRepository(MemberScoreRecord);
    await repository.clear();
    if (clvs.length > 0) await repository.insert(clvs.map((clv, index) => ({
      memberId: facts.memberIds[index], runId: 1, recencyDays: null, recency: null, frequency: null, monetary: null, rfmCode: null, rfmSegment: "NEW", lifecycleStage: "NEW",
      churnRiskPermille: 0, activity: 0, loyalty: 0, value: 0, clv, computedAt: facts.clock.now(), churnFactors: "[]", ageBand: null, cityTier: null, cluster: null,
    })));
  }

  it("spreads the latest CLVs in equal-width buckets, matching plain SQL counts between bounds worked out here", async () => {
    // Uneven values, ties at both ends, one past 2^31 fen.
    const clvs = facts.memberIds.map((_, index) => (index === 0 ? 3_000_000_000 : index < 3 ? 0 : (index * index * 7_919) % 1_000_003));
    clvs[3] = 3_000_000_000;
    await writeScores(clvs);
    for (const buckets of [1, 7, 10, 100]) {
      const distribution = await facts.services.clvDistribution.distribution(buckets);
      const [range] = await facts.dataSource.query("SELECT MIN(clv) AS lowest, MAX(clv) AS highest FROM member_scores");
      const [lowest, highest] = [Number(range.lowest), Number(range.highest)];
      expect(distribution).toHaveLength(buckets);
      for (const [k, bucket] of distribution.entries()) {
        // Bucket k holds the values v with (v − lowest) ÷ (highest − lowest) in [k ÷ buckets, (k + 1) ÷ buckets), the last one also the highest.
        const lower = lowest + Math.ceil((k * (highest - lowest)) / buckets);
        const upper = lowest + Math.ceil(((k + 1) * (highest - lowest)) / buckets);
        const last = k === buckets - 1;
        const [count] = await facts.dataSource.query(`SELECT COUNT(*) AS n FROM member_scores WHERE clv >= ? AND (clv < ? ${last ? "OR clv = ?" : ""})`, last ? [lower, upper, highest] : [lower, upper]);
        expect({ buckets, k, ...bucket }).toEqual({ buckets, k, lowerFen: lower, upperFen: upper, members: Number(count.n) });
      }
      expect(distribution.reduce((sum, bucket) => sum + bucket.members, 0)).toBe(clvs.length);
    }
    expect((await facts.services.clvDistribution.distribution(10)).at(-1)!.members).toBeGreaterThanOrEqual(2);

    await writeScores([5_000, 5_000, 5_000]);
    expect(await facts.services.clvDistribution.distribution(10)).toEqual([{ lowerFen: 5_000, upperFen: 5_000, members: 3 }]);
    await writeScores([]);
    expect(await facts.services.clvDistribution.distribution(10)).toEqual([]);
    for (const buckets of [0, 101, 2.5]) {
      await expect(facts.services.clvDistribution.distribution(buckets)).rejects.toMatchObject({ extensions: { code: "BAD_USER_INPUT", field: "buckets" } });
    }
  });

  it("has activity counted in tiers and segments members later left, so the breakdowns at the time are tested", async () => {
    const [movedTier] = await facts.dataSource.query(
      "SELECT COUNT(*) AS n FROM reference_period_groups g JOIN members m ON m.id = g.member_id JOIN tiers t ON t.id = m.tier_id WHERE g.tier_code <> t.code",
    );
    const [movedSegment] = await facts.dataSource.query(
      `SELECT COUNT(*) AS n FROM reference_period_groups g JOIN segment_memberships s ON s.member_id = g.member_id AND s.scheme_id = ? JOIN segments c ON c.id = s.segment_id
        WHERE g.segment_code <> c.code`,
      [facts.schemeId],
    );
    expect(Number(movedTier.n)).toBeGreaterThan(5);
    expect(Number(movedSegment.n)).toBeGreaterThan(5);
  });

  /** Every KPI by month in each breakdown, by week and by day: what folding and rebuilding must leave alone. */
  async function manySeries(): Promise<KpiPoint[][]> {
    const series: KpiPoint[][] = [];
    const from = local("2026-01-01T00:00:00");
    const to = local("2026-06-01T00:00:00");
    for (const kpi of kpiNames.filter((name) => name !== "ACQUISITION_COST")) {
      const taken = breakdownsOf(kpi);
      for (const breakdown of taken) series.push(await facts.services.kpis.series({ kpi, granularity: "MONTH", breakdown, from, to, schemeId: breakdown === "SEGMENT" ? facts.schemeId : null }));
      const [dayBreakdown, weekBreakdown] = taken.includes("TIER") ? (["TIER", "SEGMENT"] as const) : (["CHANNEL", "CHANNEL"] as const);
      if (kpi !== "STICKINESS") series.push(await facts.services.kpis.series({ kpi, granularity: "DAY", breakdown: dayBreakdown, from: local("2026-03-10T00:00:00"), to: local("2026-03-25T00:00:00"), schemeId: null }));
      series.push(await facts.services.kpis.series({ kpi, granularity: "WEEK", breakdown: weekBreakdown, from, to, schemeId: weekBreakdown === "SEGMENT" ? facts.schemeId : null }));
    }
    series.push((await facts.services.joinCohorts.cohorts(from, to, 4)).map((cohort) => ({ periodStart: cohort.period.start, periodEnd: cohort.period.end, periodLabel: cohort.period.label, group: String(cohort.members), value: null, figures: cohort.activeMembers.map((value, k) => ({ name: `month${k}`, value: value ?? -1 })) })));
    return series;
  }

  it("answers the same once the appended changes are folded into the facts, part by part, and after a rebuild from the daily rows", async () => {
    const [{ n: appended }] = await facts.dataSource.query("SELECT COUNT(*) AS n FROM kpi_fact_changes");
    expect(Number(appended)).toBeGreaterThan(100);
    const before = await manySeries();
    expect(await foldFactChanges(facts.dataSource, facts.clock.now(), 37)).toBe(37);
    expect(await manySeries()).toEqual(before);
    expect(await foldAllFactChanges(facts.dataSource, facts.clock.now())).toBe(Number(appended) - 37);
    const [{ n: left }] = await facts.dataSource.query("SELECT COUNT(*) AS n FROM kpi_fact_changes");
    expect(Number(left)).toBe(0);
    expect(await manySeries()).toEqual(before);
    // From scratch, the facts the events kept by difference, row for row (a row whose changes cancelled out is all zeros).
    const counters = "logins + interactions + orders + ABS(spend) + login_days + login_members + active_members + order_members + repeat_members + retained";
    const factRows = () => facts.dataSource.query(`SELECT * FROM kpi_facts WHERE ${counters} <> 0 ORDER BY granularity, period_first_day, scheme_id, channel, city_tier, tier_id, segment_id`);
    const incremental = await factRows();
    await rebuildKpiFacts(facts.dataSource, facts.config.programme.utcOffsetMinutes);
    expect(await factRows()).toEqual(incremental);
    expect(await manySeries()).toEqual(before);
  });

  it("folds every kind of appended change in the server's kpi-facts job", async () => {
    await facts.services.behaviourEvents.recordEvents(systemContext("kpi-test"), [{ source: "test", externalId: "kpi-fold-job", memberId: facts.memberIds[0], occurredAt: facts.clock.now(), kind: "ORDER", amount: 12_300, channel: "APP", storeCode: "S1" }], { awardPoints: true, rescore: false });
    // A new member joins the entry tier's population.
    await facts.services.members.create(systemContext("kpi-test"), { name: "折叠", phone: "13900009999", joinChannel: "APP" }, "kpi-fold-job-member");
    const waiting = async (table: string) => Number((await facts.dataSource.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);
    const [activity, points, daily] = [await waiting("kpi_fact_changes"), await waiting("kpi_points_changes"), await waiting("kpi_daily_changes")];
    expect(activity).toBeGreaterThan(0);
    expect(points).toBeGreaterThan(0);
    expect(daily).toBeGreaterThan(0);
    expect(await kpiFactsJob(facts.dataSource, facts.clock, facts.config.programme.utcOffsetMinutes).run()).toEqual({ regrouped: 0, activity, points, daily });
    expect([await waiting("kpi_fact_changes"), await waiting("kpi_points_changes"), await waiting("kpi_daily_changes")]).toEqual([0, 0, 0]);
  });
});
