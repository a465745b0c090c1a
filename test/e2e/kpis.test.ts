// The KPI queries over HTTP: days cut at local midnight (UTC+8), breakdowns, the CSV export, the tier queries and
// cohorts, who may ask, and the errors a console can cause.
import { systemContext } from "../../src/services/service-context";
import { testDatabaseKinds } from "../support/databases";
import { startTestApplication, type TestApplication } from "../support/test-application";

const series = `query ($kpi: KpiName!, $from: DateTimeISO!, $to: DateTimeISO!, $granularity: KpiGranularity, $breakdown: KpiBreakdown, $schemeId: ID) {
  kpiSeries(kpi: $kpi, from: $from, to: $to, granularity: $granularity, breakdown: $breakdown, schemeId: $schemeId) {
    kpi granularity breakdown points { periodStart periodEnd periodLabel group value figures { name value } }
  }
}`;
const csv = `query ($kpi: KpiName!, $from: DateTimeISO!, $to: DateTimeISO!, $granularity: KpiGranularity, $breakdown: KpiBreakdown) {
  kpiSeriesCsv(kpi: $kpi, from: $from, to: $to, granularity: $granularity, breakdown: $breakdown)
}`;

/** Two local days around the midnight of 23/24 November 2026 in Shanghai (16:00 UTC). */
const twoDays = { from: "2026-11-23T00:00:00+08:00", to: "2026-11-25T00:00:00+08:00", granularity: "DAY" };

describe.each(testDatabaseKinds())("KPI queries on $name", (kind) => {
  let test: TestApplication;
  let analyst: string;

  beforeAll(async () => {
    test = await startTestApplication(kind);
    const at = (instant: string) => test.clock.advance(new Date(instant).getTime() - test.clock.now().getTime());
    // A minute before local midnight and a minute after: two different local days.
    at("2026-11-23T15:59:00Z");
    const evening = await test.createMember({ joinChannel: "OFFLINE_STORE", cityTier: 1 });
    at("2026-11-23T15:59:30Z");
    const record = (memberId: number, externalId: string, event: Record<string, unknown>) =>
      test.application.services.behaviourEvents.recordEvents(systemContext("test"), [{ source: "test", externalId, memberId, occurredAt: test.clock.now(), ...event } as never], { awardPoints: true, rescore: false });
    await record(evening.id, "login-1", { kind: "LOGIN" });
    at("2026-11-23T16:00:30Z");
    const morning = await test.createMember({ joinChannel: "APP" });
    await record(morning.id, "order-1", { kind: "ORDER", amount: 12_345, channel: "APP", storeCode: "S1" });
    at("2026-11-23T16:02:00Z");
    await record(evening.id, "order-2", { kind: "ORDER", amount: 10_000, channel: "APP", storeCode: "S1" });
    // Tokens are issued on the clock: after it moved, so they have not expired.
    analyst = await test.staffToken("analyst");
  });

  afterAll(async () => {
    await test?.close();
  });

  const values = (response: { data?: any }) => response.data?.kpiSeries.points.map((point: any) => [point.periodLabel, point.group, point.value]);

  it("counts joins, logins and orders on the local day they happened", async () => {
    expect(values(await test.graphql(series, { kpi: "NEW_MEMBERS", ...twoDays }, analyst))).toEqual([["2026-11-23", "ALL", 1], ["2026-11-24", "ALL", 1]]);
    expect(values(await test.graphql(series, { kpi: "ACTIVE_MEMBERS", ...twoDays }, analyst))).toEqual([["2026-11-23", "ALL", 1], ["2026-11-24", "ALL", 0]]);
    const averageOrder = await test.graphql(series, { kpi: "AVERAGE_ORDER_VALUE", ...twoDays }, analyst);
    expect(averageOrder.data?.kpiSeries.points).toEqual([
      { periodStart: "2026-11-22T16:00:00.000Z", periodEnd: "2026-11-23T16:00:00.000Z", periodLabel: "2026-11-23", group: "ALL", value: null, figures: [{ name: "spendFen", value: 0 }, { name: "orders", value: 0 }] },
      { periodStart: "2026-11-23T16:00:00.000Z", periodEnd: "2026-11-24T16:00:00.000Z", periodLabel: "2026-11-24", group: "ALL", value: 11_172.5, figures: [{ name: "spendFen", value: 22_345 }, { name: "orders", value: 2 }] },
    ]);
    // Over every member who had joined by the day's end: one on the 23rd, two on the 24th.
    const perMember = await test.graphql(series, { kpi: "SPEND_PER_MEMBER", ...twoDays }, analyst);
    expect(perMember.data?.kpiSeries.points.map((point: any) => [point.periodLabel, point.value, point.figures])).toEqual([
      ["2026-11-23", 0, [{ name: "spendFen", value: 0 }, { name: "members", value: 1 }]],
      ["2026-11-24", 11_172.5, [{ name: "spendFen", value: 22_345 }, { name: "members", value: 2 }]],
    ]);
    expect(values(await test.graphql(series, { kpi: "SPEND_PER_MEMBER", ...twoDays, breakdown: "CHANNEL" }, analyst))).toEqual([
      ["2026-11-23", "APP", null], ["2026-11-23", "OFFLINE_STORE", 0], ["2026-11-24", "APP", 12_345], ["2026-11-24", "OFFLINE_STORE", 10_000],
    ]);
    expect(values(await test.graphql(series, { kpi: "NEW_MEMBERS", ...twoDays, breakdown: "CHANNEL" }, analyst))).toEqual([
      ["2026-11-23", "APP", 0], ["2026-11-23", "OFFLINE_STORE", 1], ["2026-11-24", "APP", 1], ["2026-11-24", "OFFLINE_STORE", 0],
    ]);
    expect(values(await test.graphql(series, { kpi: "SPEND", ...twoDays, breakdown: "CITY_TIER" }, analyst))).toEqual([
      ["2026-11-23", "1", 0], ["2026-11-23", "UNKNOWN", 0], ["2026-11-24", "1", 10_000], ["2026-11-24", "UNKNOWN", 12_345],
    ]);
    const liability = await test.graphql(series, { kpi: "POINTS_LIABILITY", ...twoDays, granularity: "WEEK" }, analyst);
    expect(liability.data?.kpiSeries.points).toEqual([
      expect.objectContaining({ periodLabel: "2026-W48", periodStart: "2026-11-22T16:00:00.000Z", value: 223, figures: [{ name: "outstandingPoints", value: 223 }, { name: "pointValueFen", value: 1 }] }),
    ]);
  });

  it("retains the member active the day before across local midnight", async () => {
    // The evening member logged in on the 23rd and ordered on the 24th; the morning member was new on the 24th.
    const retention = await test.graphql(series, { kpi: "RETENTION_RATE", ...twoDays }, analyst);
    expect(retention.data?.kpiSeries.points.map((point: any) => [point.periodLabel, point.value, point.figures])).toEqual([
      ["2026-11-23", null, [{ name: "activeBefore", value: 0 }, { name: "retained", value: 0 }]],
      ["2026-11-24", 1, [{ name: "activeBefore", value: 1 }, { name: "retained", value: 1 }]],
    ]);
    expect(values(await test.graphql(series, { kpi: "CHURN_RATE", ...twoDays }, analyst))).toEqual([["2026-11-23", "ALL", null], ["2026-11-24", "ALL", 0]]);
    expect(values(await test.graphql(series, { kpi: "LOGIN_FREQUENCY", ...twoDays }, analyst))).toEqual([["2026-11-23", "ALL", 1], ["2026-11-24", "ALL", null]]);
  });

  it("exports a series as CSV with a header row and the figures", async () => {
    const response = await test.graphql(csv, { kpi: "ORDERS", ...twoDays, breakdown: "CHANNEL" }, analyst);
    expect(response.data?.kpiSeriesCsv.split("\r\n")).toEqual([
      "kpi,period_start,period_end,period_label,group,value,orders",
      "ORDERS,2026-11-22T16:00:00.000Z,2026-11-23T16:00:00.000Z,2026-11-23,APP,0,0",
      "ORDERS,2026-11-22T16:00:00.000Z,2026-11-23T16:00:00.000Z,2026-11-23,OFFLINE_STORE,0,0",
      "ORDERS,2026-11-23T16:00:00.000Z,2026-11-24T16:00:00.000Z,2026-11-24,APP,1,1",
      "ORDERS,2026-11-23T16:00:00.000Z,2026-11-24T16:00:00.000Z,2026-11-24,OFFLINE_STORE,1,1",
      "",
    ]);
  });

  it("answers tier distribution, tier migration and join cohorts", async () => {
    const response = await test.graphql(
      `{ tierDistribution(at: "2026-11-24T00:00:00+08:00") { tier { code } members share }
         tierMigration(from: "2026-11-24T00:00:00+08:00", to: "2026-11-25T00:00:00+08:00") { fromTier { code } toTier { code } members }
         joinCohorts(from: "2026-11-01T00:00:00+08:00", to: "2026-12-01T00:00:00+08:00", months: 2) { cohortLabel cohortStart members months { monthsSinceJoining periodStart activeMembers retentionRate } } }`,
      {},
      analyst,
    );
    expect(response.errors).toBeUndefined();
    expect(response.data?.tierDistribution).toEqual([
      { tier: { code: "REGULAR" }, members: 1, share: 1 }, { tier: { code: "SILVER" }, members: 0, share: 0 },
      { tier: { code: "GOLD" }, members: 0, share: 0 }, { tier: { code: "DIAMOND" }, members: 0, share: 0 },
    ]);
    const moved = response.data?.tierMigration.filter((cell: any) => cell.members > 0);
    expect(moved).toEqual([{ fromTier: null, toTier: { code: "REGULAR" }, members: 1 }, { fromTier: { code: "REGULAR" }, toTier: { code: "REGULAR" }, members: 1 }]);
    expect(response.data?.joinCohorts).toEqual([
      {
        cohortLabel: "2026-11", cohortStart: "2026-10-31T16:00:00.000Z", members: 2,
        months: [
          { monthsSinceJoining: 0, periodStart: "2026-10-31T16:00:00.000Z", activeMembers: 2, retentionRate: 1 },
          { monthsSinceJoining: 1, periodStart: "2026-11-30T16:00:00.000Z", activeMembers: null, retentionRate: null },
        ],
      },
    ]);
  });

  it("is for staff with members:read", async () => {
    const member = await test.createMember();
    const byMember = await test.graphql(series, { kpi: "ORDERS", ...twoDays }, await test.memberToken(member.id));
    expect(byMember.errors?.[0].extensions?.code).toBe("FORBIDDEN");
    const anonymous = await test.graphql(csv, { kpi: "ORDERS", ...twoDays });
    expect(anonymous.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
    const byOperator = await test.graphql(series, { kpi: "ORDERS", ...twoDays }, await test.staffToken("operator"));
    expect(byOperator.errors).toBeUndefined();
  });

  it("gives the CLV distribution to staff, none before any scoring", async () => {
    const query = `query ($buckets: Int) { clvDistribution(buckets: $buckets) { lowerFen upperFen members } }`;
    expect((await test.graphql(query, {}, analyst)).data?.clvDistribution).toEqual([]);
    const tooMany = await test.graphql(query, { buckets: 101 }, analyst);
    expect([tooMany.errors?.[0].extensions?.code, tooMany.errors?.[0].extensions?.field]).toEqual(["BAD_USER_INPUT", "buckets"]);
    const member = await test.createMember();
    expect((await test.graphql(query, {}, await test.memberToken(member.id))).errors?.[0].extensions?.code).toBe("FORBIDDEN");
  });

  it("says which argument to fix", async () => {
    const problem = async (variables: Record<string, unknown>) => {
      const response = await test.graphql(series, { kpi: "ORDERS", ...twoDays, ...variables }, analyst);
      return [response.errors?.[0].extensions?.code, response.errors?.[0].extensions?.field];
    };
    expect(await problem({ to: twoDays.from })).toEqual(["BAD_USER_INPUT", "to"]);
    expect(await problem({ to: "2028-01-01T00:00:00+08:00" })).toEqual(["BAD_USER_INPUT", "to"]);
    expect(await problem({ kpi: "STICKINESS" })).toEqual(["BAD_USER_INPUT", "granularity"]);
    expect(await problem({ kpi: "SPEND_PER_MEMBER", breakdown: "TIER" })).toEqual(["BAD_USER_INPUT", "breakdown"]);
    expect(await problem({ breakdown: "SEGMENT" })).toEqual(["BAD_USER_INPUT", "schemeId"]);
    expect(await problem({ schemeId: "1" })).toEqual(["BAD_USER_INPUT", "schemeId"]);
    expect(await problem({ breakdown: "SEGMENT", schemeId: "x" })).toEqual(["BAD_USER_INPUT", "schemeId"]);
    expect(await problem({ breakdown: "SEGMENT", schemeId: "999999" })).toEqual(["NOT_FOUND", undefined]);
    const cohorts = await test.graphql(`{ joinCohorts(from: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z", months: 0) { members } }`, {}, analyst);
    expect([cohorts.errors?.[0].extensions?.code, cohorts.errors?.[0].extensions?.field]).toEqual(["BAD_USER_INPUT", "months"]);
    const migration = await test.graphql(`{ tierMigration(from: "2026-02-01T00:00:00Z", to: "2026-01-01T00:00:00Z") { members } }`, {}, analyst);
    expect([migration.errors?.[0].extensions?.code, migration.errors?.[0].extensions?.field]).toEqual(["BAD_USER_INPUT", "to"]);
  });
});
