// Every KPI, breakdown and granularity against a reference computed here with plain SQL over the same tables,
// period by period and group by group, on data written through the real services (test/support/kpi-facts.ts).
import { kpiNames, type KpiBreakdown, type KpiGranularity, type KpiName } from "../../src/engine/analytics";
import type { KpiPoint } from "../../src/services/analytics/kpi-service";
import { testDatabaseKinds } from "../support/databases";
import { buildKpiFacts, sqlTime, type KpiFacts } from "../support/kpi-facts";

const day = 86_400_000;
const offset = 8 * 3_600_000;
const localDay = (instant: Date) => Math.floor((instant.getTime() + offset) / day);
const local = (text: string) => new Date(`${text}+08:00`);

interface ReferencePeriod {
  label: string;
  start: Date;
  end: Date;
}

/** Periods written out by hand (local midnights at UTC+8), not by the code under test. */
function referencePeriods(granularity: KpiGranularity): ReferencePeriod[] {
  if (granularity === "MONTH") {
    const months = ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"];
    return months.slice(0, -1).map((month, index) => ({ label: month, start: local(`${month}-01T00:00:00`), end: local(`${months[index + 1]}-01T00:00:00`) }));
  }
  if (granularity === "WEEK") {
    // 2026-01-05 is the Monday of ISO week 2; 2026-06-01 the Monday of week 23.
    return Array.from({ length: 21 }, (_, index) => {
      const start = new Date(local("2026-01-05T00:00:00").getTime() + index * 7 * day);
      return { label: `2026-W${String(index + 2).padStart(2, "0")}`, start, end: new Date(start.getTime() + 7 * day) };
    });
  }
  return Array.from({ length: 10 }, (_, index) => {
    const start = new Date(local("2026-02-25T00:00:00").getTime() + index * day);
    return { label: new Date(start.getTime() + offset).toISOString().slice(0, 10), start, end: new Date(start.getTime() + day) };
  });
}

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
  }, 240_000);

  afterAll(async () => {
    await facts?.close();
  });

  /** Joins from a member id column to the member's groups: every breakdown's column is then at hand. */
  const groupJoins = (memberId: string) =>
    `JOIN members rm ON rm.id = ${memberId} JOIN tiers rt ON rt.id = rm.tier_id
     LEFT JOIN segment_memberships rs ON rs.member_id = rm.id AND rs.scheme_id = ${facts.schemeId} LEFT JOIN segments rg ON rg.id = rs.segment_id`;

  const label = (breakdown: KpiBreakdown, value: unknown) => (value === null ? (breakdown === "SEGMENT" ? "UNPLACED" : "UNKNOWN") : String(value));

  async function byGroup(breakdown: KpiBreakdown, sql: string, parameters: unknown[]): Promise<Map<string, Record<string, unknown>>> {
    const rows: Record<string, unknown>[] = await facts.dataSource.query(sql.split("$group").join(groupColumn[breakdown]), parameters);
    return new Map(rows.map((row) => [label(breakdown, row.group_value), row]));
  }

  /** The figures of one KPI in one period, per group, by plain SQL. */
  async function referenceFigures(kpi: KpiName, breakdown: KpiBreakdown, period: ReferencePeriod): Promise<Map<string, Figures>> {
    const time = (instant: Date) => sqlTime(facts.dataSource, instant);
    const days = [localDay(period.start), localDay(period.end)];
    const result = new Map<string, Figures>();
    const put = (rows: Map<string, Record<string, unknown>>, name: string, column: string) => {
      for (const [group, row] of rows) result.set(group, { ...(result.get(group) ?? {}), [name]: Number(row[column] ?? 0) });
    };
    const joined = () => byGroup(breakdown, `SELECT $group AS group_value, COUNT(*) AS n FROM members m ${groupJoins("m.id")} WHERE m.joined_at >= ? AND m.joined_at < ? GROUP BY $group`, [time(period.start), time(period.end)]);
    const joinedBefore = () => byGroup(breakdown, `SELECT $group AS group_value, COUNT(*) AS n FROM members m ${groupJoins("m.id")} WHERE m.joined_at < ? GROUP BY $group`, [time(period.start)]);
    const logins = () =>
      byGroup(breakdown, `SELECT $group AS group_value, COUNT(DISTINCT a.member_id) AS members, COUNT(*) AS member_days FROM member_daily_activity a ${groupJoins("a.member_id")} WHERE a.day >= ? AND a.day < ? AND a.logins > 0 GROUP BY $group`, days);
    const sums = () => byGroup(breakdown, `SELECT $group AS group_value, SUM(a.spend) AS spend, SUM(a.orders) AS orders FROM member_daily_activity a ${groupJoins("a.member_id")} WHERE a.day >= ? AND a.day < ? GROUP BY $group`, days);
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
          await byGroup(breakdown, `SELECT $group AS group_value, COUNT(*) AS n FROM (SELECT DISTINCT member_id FROM member_daily_activity WHERE day >= ? AND day < ? AND (logins > 0 OR orders > 0)) active ${groupJoins("active.member_id")} GROUP BY $group`, days),
          "membersWithLoginOrOrder",
          "n",
        );
        break;
      case "REPURCHASE_RATE": {
        const rows = await byGroup(
          breakdown,
          `SELECT $group AS group_value, COUNT(*) AS buyers, SUM(CASE WHEN buyer.orders > 1 THEN 1 ELSE 0 END) AS repeaters
             FROM (SELECT member_id, SUM(orders) AS orders FROM member_daily_activity WHERE day >= ? AND day < ? GROUP BY member_id HAVING SUM(orders) > 0) buyer
             ${groupJoins("buyer.member_id")} GROUP BY $group`,
          days,
        );
        put(rows, "membersWithRepeatOrder", "repeaters");
        put(rows, "membersWithOrder", "buyers");
        break;
      }
      case "POINTS_LIABILITY":
        put(await byGroup(breakdown, `SELECT $group AS group_value, SUM(e.amount) AS points FROM point_entries e ${groupJoins("e.member_id")} WHERE e.created_at < ? GROUP BY $group`, [time(period.end)]), "outstandingPoints", "points");
        break;
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
      case "REPURCHASE_RATE": return divide(figure("membersWithRepeatOrder"), figure("membersWithOrder"));
      case "POINTS_LIABILITY": return figure("outstandingPoints") * 3;
      // Tested with campaign sends in test/integration/campaign-rollup.test.ts: these facts have none.
      case "ACQUISITION_COST": return divide(figure("marketingSpendFen"), figure("newMembers"));
    }
  }

  async function expectSeriesToMatchReference(kpi: KpiName, granularity: KpiGranularity, breakdown: KpiBreakdown): Promise<void> {
    const periods = referencePeriods(granularity);
    const points: KpiPoint[] = await facts.services.kpis.series({
      kpi, granularity, breakdown, from: periods[0].start, to: periods[periods.length - 1].end, schemeId: breakdown === "SEGMENT" ? facts.schemeId : null,
    });
    expect([...new Set(points.map((point) => point.periodLabel))]).toEqual(periods.map((period) => period.label));
    for (const period of periods) {
      const expected = await referenceFigures(kpi, breakdown, period);
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
    const [activity] = await facts.dataSource.query("SELECT COUNT(*) AS days, SUM(orders) AS orders, SUM(logins) AS logins, SUM(refunds) AS refunds FROM member_daily_activity");
    const [changes] = await facts.dataSource.query("SELECT COUNT(*) AS n FROM tier_changes");
    expect(Number(activity.orders)).toBeGreaterThan(50);
    expect(Number(activity.logins)).toBeGreaterThan(50);
    expect(Number(activity.refunds)).toBeGreaterThan(0);
    expect(Number(changes.n)).toBeGreaterThan(3);
  });

  const breakdowns: KpiBreakdown[] = ["NONE", "CHANNEL", "TIER", "CITY_TIER", "SEGMENT"];
  // ACQUISITION_COST takes only NONE and CHANNEL; test/integration/campaign-rollup.test.ts tests it with sends.
  for (const kpi of kpiNames.filter((name) => name !== "ACQUISITION_COST")) {
    it(`${kpi} matches the SQL reference by month and week in every breakdown, and by day without one`, async () => {
      for (const breakdown of breakdowns) {
        await expectSeriesToMatchReference(kpi, "MONTH", breakdown);
        await expectSeriesToMatchReference(kpi, "WEEK", breakdown);
      }
      if (kpi !== "STICKINESS") {
        await expectSeriesToMatchReference(kpi, "DAY", "NONE");
        await expectSeriesToMatchReference(kpi, "DAY", "CHANNEL");
      }
    }, 120_000);
  }

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
});
