// campaignRollup and ACQUISITION_COST over HTTP: the shape of an empty programme's answer (zeros, null ratios), who
// may ask, and the arguments an error names. The figures are tested against SQL in test/integration/campaign-rollup.test.ts.
import { testDatabaseKinds } from "../support/databases";
import { startTestApplication, type TestApplication } from "../support/test-application";

const rollup = `query ($from: DateTimeISO!, $to: DateTimeISO!, $granularity: KpiGranularity, $byCampaign: Boolean) {
  campaignRollup(from: $from, to: $to, granularity: $granularity, byCampaign: $byCampaign) {
    periodStart periodEnd periodLabel campaignCode campaignsWithSends sends costFen conversions revenueFen returnOnInvestment returnOnAdSpend
  }
}`;
const series = `query ($breakdown: KpiBreakdown) {
  kpiSeries(kpi: ACQUISITION_COST, from: "2026-11-01T00:00:00+08:00", to: "2026-12-01T00:00:00+08:00", granularity: MONTH, breakdown: $breakdown) { points { group value figures { name value } } }
}`;

describe.each(testDatabaseKinds())("campaignRollup over HTTP on $name", (kind) => {
  let test: TestApplication;
  let analyst: string;

  beforeAll(async () => {
    test = await startTestApplication(kind);
    analyst = await test.staffToken("analyst");
  });

  afterAll(async () => {
    await test?.close();
  });

  it("gives every period by month by default, zeros and null ratios when nothing was sent", async () => {
    const response = await test.graphql(rollup, { from: "2026-10-15T00:00:00+08:00", to: "2026-11-02T00:00:00+08:00" }, analyst);
    expect(response.errors).toBeUndefined();
    const empty = { campaignCode: null, campaignsWithSends: 0, sends: 0, costFen: 0, conversions: 0, revenueFen: 0, returnOnInvestment: null, returnOnAdSpend: null };
    expect(response.data?.campaignRollup).toEqual([
      { periodStart: "2026-09-30T16:00:00.000Z", periodEnd: "2026-10-31T16:00:00.000Z", periodLabel: "2026-10", ...empty },
      { periodStart: "2026-10-31T16:00:00.000Z", periodEnd: "2026-11-30T16:00:00.000Z", periodLabel: "2026-11", ...empty },
    ]);
    const byCampaign = await test.graphql(rollup, { from: "2026-10-15T00:00:00+08:00", to: "2026-11-02T00:00:00+08:00", byCampaign: true }, analyst);
    expect(byCampaign.data?.campaignRollup).toEqual([]);
    const acquisition = await test.graphql(series, {}, analyst);
    expect(acquisition.data?.kpiSeries.points).toEqual([{
      group: "ALL", value: null,
      figures: [{ name: "marketingSpendFen", value: 0 }, { name: "campaignSpendFen", value: 0 }, { name: "otherSpendFen", value: 0 }, { name: "sharedSpendFen", value: 0 }, { name: "newMembers", value: 0 }],
    }]);
  });

  it("is for staff with members:read", async () => {
    const variables = { from: "2026-10-01T00:00:00+08:00", to: "2026-11-01T00:00:00+08:00" };
    const member = await test.createMember();
    expect((await test.graphql(rollup, variables, await test.memberToken(member.id))).errors?.[0].extensions?.code).toBe("FORBIDDEN");
    expect((await test.graphql(rollup, variables)).errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
    expect((await test.graphql(rollup, variables, await test.staffToken("operator"))).errors).toBeUndefined();
  });

  it("says which argument to fix", async () => {
    const problem = (response: { errors?: readonly { extensions?: Record<string, unknown> }[] }) => [response.errors?.[0].extensions?.code, response.errors?.[0].extensions?.field];
    expect(problem(await test.graphql(rollup, { from: "2026-10-01T00:00:00Z", to: "2026-10-01T00:00:00Z" }, analyst))).toEqual(["BAD_USER_INPUT", "to"]);
    expect(problem(await test.graphql(rollup, { from: "2025-01-01T00:00:00Z", to: "2026-10-01T00:00:00Z", granularity: "DAY" }, analyst))).toEqual(["BAD_USER_INPUT", "to"]);
    expect(problem(await test.graphql(series, { breakdown: "TIER" }, analyst))).toEqual(["BAD_USER_INPUT", "breakdown"]);
    expect(problem(await test.graphql(series, { breakdown: "CHANNEL" }, analyst))).toEqual([undefined, undefined]);
  });
});
