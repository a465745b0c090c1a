// Recording, cancelling and listing marketing spend over HTTP: who may, what input is refused with which code and
// field, idempotent retries (one record, one audit entry), and the list's days and pages. How ACQUISITION_COST counts
// the spend is tested against SQL in test/integration/marketing-spend.test.ts.
import { AuditLogRecord, MarketingSpendRecord, StaffUserRecord } from "../../src/entities";
import { toGlobalId } from "../../src/schema/global-id";
import { testDatabaseKinds } from "../support/databases";
import { startTestApplication, type GraphqlResponse, type TestApplication } from "../support/test-application";

const fields = "id day amountFen channel description recordedBy createdAt cancelledAt cancelledBy";
const record = `mutation ($input: RecordMarketingSpendInput!, $key: String!) { recordMarketingSpend(input: $input, idempotencyKey: $key) { ${fields} } }`;
const cancel = `mutation ($id: ID!) { cancelMarketingSpend(id: $id) { ${fields} } }`;
const list = `query ($from: String!, $to: String!, $first: Int, $after: String, $includeCancelled: Boolean) {
  marketingSpend(from: $from, to: $to, first: $first, after: $after, includeCancelled: $includeCancelled) { edges { cursor node { id day amountFen channel cancelledAt } } pageInfo { hasNextPage endCursor } }
}`;

const problem = (response: GraphqlResponse) => [response.errors?.[0].extensions?.code, response.errors?.[0].extensions?.field];

describe.each(testDatabaseKinds())("marketing spend over HTTP on $name", (kind) => {
  let test: TestApplication;
  let operator: string;
  let analyst: string;
  let operatorId: string;

  beforeAll(async () => {
    test = await startTestApplication(kind);
    // 2026-11-23 16:00 in Shanghai: "today" for the programme.
    operator = await test.staffToken("operator");
    analyst = await test.staffToken("analyst");
    const staff = await test.application.database.dataSource.getRepository(StaffUserRecord).findOneByOrFail({ role: "operator" });
    operatorId = toGlobalId("StaffUser", staff.id);
  });

  afterAll(async () => {
    await test?.close();
  });

  const spendRows = () => test.application.database.dataSource.getRepository(MarketingSpendRecord).count();
  const auditEntries = (action: string) => test.application.database.dataSource.getRepository(AuditLogRecord).countBy({ action });

  it("records spend for an operator, once per idempotency key, with one audit entry", async () => {
    const input = { day: "2026-11-20", amountFen: 1_250_000, channel: "APP", description: "  应用商店投放 app store ads  " };
    const first = await test.graphql(record, { input, key: "spend-key-000001" }, operator);
    expect(first.errors).toBeUndefined();
    expect(first.data?.recordMarketingSpend).toEqual({
      id: expect.any(String), day: "2026-11-20", amountFen: 1_250_000, channel: "APP", description: "应用商店投放 app store ads",
      recordedBy: operatorId, createdAt: "2026-11-23T08:00:00.000Z", cancelledAt: null, cancelledBy: null,
    });
    const rowsBefore = await spendRows();
    const retries = await Promise.all([1, 2, 3].map(() => test.graphql(record, { input, key: "spend-key-000001" }, operator)));
    for (const retry of retries) expect(retry.data?.recordMarketingSpend).toEqual(first.data?.recordMarketingSpend);
    expect(await spendRows()).toBe(rowsBefore);
    expect(await auditEntries("marketingSpend.record")).toBe(1);
    const entry = await test.application.database.dataSource.getRepository(AuditLogRecord).findOneByOrFail({ action: "marketingSpend.record" });
    expect(entry).toMatchObject({ actorType: "staff", targetType: "marketingSpend", targetId: first.data?.recordMarketingSpend.id, details: { day: "2026-11-20", amountFen: 1_250_000, channel: "APP" } });

    const otherPayload = await test.graphql(record, { input: { ...input, amountFen: 1_250_001 }, key: "spend-key-000001" }, operator);
    expect(problem(otherPayload)).toEqual(["CONFLICT", undefined]);
    expect(await spendRows()).toBe(rowsBefore);
  });

  it("writes one record when the same key races on many connections", async () => {
    const input = { day: "2026-11-23", amountFen: 300_000, description: "地铁广告 metro posters" };
    const responses = await Promise.all(Array.from({ length: 6 }, () => test.graphql(record, { input, key: "spend-race-00001" }, operator)));
    expect(responses.flatMap((response) => response.errors ?? [])).toEqual([]);
    expect(new Set(responses.map((response) => response.data?.recordMarketingSpend.id)).size).toBe(1);
    expect(responses[0].data?.recordMarketingSpend.channel).toBeNull();
    expect(await test.application.database.dataSource.getRepository(MarketingSpendRecord).countBy({ idempotencyKey: "spend-race-00001" })).toBe(1);
  });

  it("refuses members, analysts and anonymous callers, who may not record or cancel", async () => {
    const input = { day: "2026-11-20", amountFen: 100, description: "x" };
    const member = await test.createMember();
    const rowsBefore = await spendRows();
    expect(problem(await test.graphql(record, { input, key: "spend-denied-001" }, analyst))).toEqual(["FORBIDDEN", undefined]);
    expect(problem(await test.graphql(record, { input, key: "spend-denied-002" }, await test.memberToken(member.id)))).toEqual(["FORBIDDEN", undefined]);
    expect(problem(await test.graphql(record, { input, key: "spend-denied-003" }))).toEqual(["UNAUTHENTICATED", undefined]);
    expect(problem(await test.graphql(cancel, { id: "1" }, analyst))).toEqual(["FORBIDDEN", undefined]);
    expect(problem(await test.graphql(cancel, { id: "1" }, await test.memberToken(member.id)))).toEqual(["FORBIDDEN", undefined]);
    expect(problem(await test.graphql(list, { from: "2026-11-01", to: "2026-11-30" }, await test.memberToken(member.id)))).toEqual(["FORBIDDEN", undefined]);
    expect(await spendRows()).toBe(rowsBefore);
    // Admins have every permission; analysts read the list.
    expect((await test.graphql(record, { input, key: "spend-admin-0001" }, await test.staffToken("admin"))).errors).toBeUndefined();
    expect((await test.graphql(list, { from: "2026-11-01", to: "2026-11-30" }, analyst)).errors).toBeUndefined();
  });

  it("refuses bad input with BAD_USER_INPUT naming the field, and writes nothing", async () => {
    const valid = { day: "2026-11-20", amountFen: 5_000, channel: "ONLINE", description: "信息流广告 feed ads" };
    const rowsBefore = await spendRows();
    const attempt = async (input: Record<string, unknown>, key = `spend-bad-${Math.random().toString(36).slice(2, 10)}`) => problem(await test.graphql(record, { input: { ...valid, ...input }, key }, operator));
    expect(await attempt({ amountFen: -5_000 })).toEqual(["BAD_USER_INPUT", "input.amountFen"]);
    expect(await attempt({ amountFen: 0 })).toEqual(["BAD_USER_INPUT", "input.amountFen"]);
    expect(await attempt({ day: "2026-02-30" })).toEqual(["BAD_USER_INPUT", "input.day"]);
    expect(await attempt({ day: "20/11/2026" })).toEqual(["BAD_USER_INPUT", "input.day"]);
    expect(await attempt({ day: "0026-11-20" })).toEqual(["BAD_USER_INPUT", "input.day"]);
    // Tomorrow in Shanghai (it is 16:00 on the 23rd there).
    expect(await attempt({ day: "2026-11-24" })).toEqual(["BAD_USER_INPUT", "input.day"]);
    expect(await attempt({ description: "   " })).toEqual(["BAD_USER_INPUT", "input.description"]);
    expect(await attempt({ description: "x".repeat(256) })).toEqual(["BAD_USER_INPUT", "input.description"]);
    expect(await attempt({}, "short")).toEqual(["BAD_USER_INPUT", "idempotencyKey"]);
    // An unknown channel is not a JoinChannel: refused by GraphQL before the service, as a variable or written inline.
    const unknownChannel = await test.graphql(record, { input: { ...valid, channel: "BILLBOARD" }, key: "spend-bad-channel-1" }, operator);
    expect(unknownChannel.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
    expect(unknownChannel.errors?.[0].message).toContain("BILLBOARD");
    const inline = await test.graphql(`mutation { recordMarketingSpend(input: { day: "2026-11-20", amountFen: 5000, channel: BILLBOARD, description: "x" }, idempotencyKey: "spend-bad-channel-2") { id } }`, {}, operator);
    expect(inline.errors?.[0].extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(inline.errors?.[0].message).toContain("BILLBOARD");
    expect(await spendRows()).toBe(rowsBefore);
    // The service checks the channel itself too, for callers that are not GraphQL.
    await expect(test.application.services.marketingSpend.record({ identity: { kind: "staff", staffUserId: 1, role: "operator" }, requestId: null }, { ...valid, channel: "BILLBOARD" as never }, "spend-bad-channel-3"))
      .rejects.toMatchObject({ extensions: { code: "BAD_USER_INPUT", field: "input.channel" } });
  });

  it("cancels a record once: it stays, marked, audited once, and leaves the list unless cancelled ones are asked for", async () => {
    const created = await test.graphql(record, { input: { day: "2026-11-21", amountFen: 77_700, channel: "OFFLINE_STORE", description: "门店活动 in-store promotion" }, key: "spend-cancel-0001" }, operator);
    const id = created.data?.recordMarketingSpend.id;
    test.clock.advance(60_000);
    const cancelled = await test.graphql(cancel, { id }, operator);
    expect(cancelled.errors).toBeUndefined();
    expect(cancelled.data?.cancelMarketingSpend).toMatchObject({ id, cancelledAt: "2026-11-23T08:01:00.000Z", cancelledBy: operatorId, amountFen: 77_700 });
    test.clock.advance(60_000);
    const again = await test.graphql(cancel, { id }, operator);
    expect(again.data?.cancelMarketingSpend).toEqual(cancelled.data?.cancelMarketingSpend);
    expect(await auditEntries("marketingSpend.cancel")).toBe(1);
    const days = async (includeCancelled: boolean) =>
      (await test.graphql(list, { from: "2026-11-21", to: "2026-11-21", includeCancelled }, analyst)).data?.marketingSpend.edges.map((edge: any) => edge.node.id);
    expect(await days(false)).toEqual([]);
    expect(await days(true)).toEqual([id]);
    // A retry of the original record returns it as it is now.
    const retried = await test.graphql(record, { input: { day: "2026-11-21", amountFen: 77_700, channel: "OFFLINE_STORE", description: "门店活动 in-store promotion" }, key: "spend-cancel-0001" }, operator);
    expect(retried.data?.recordMarketingSpend.cancelledAt).toBe("2026-11-23T08:01:00.000Z");
    expect(problem(await test.graphql(cancel, { id: "999999" }, operator))).toEqual(["NOT_FOUND", undefined]);
    expect(problem(await test.graphql(cancel, { id: "x" }, operator))).toEqual(["BAD_USER_INPUT", "id"]);
  });

  it("lists the days from `from` to `to`, both included, by day, in pages", async () => {
    for (const [index, day] of ["2026-10-31", "2026-11-01", "2026-11-15", "2026-11-15", "2026-11-16"].entries()) {
      const response = await test.graphql(record, { input: { day, amountFen: 1_000 + index, description: `page ${index}` }, key: `spend-page-${String(index).padStart(6, "0")}` }, operator);
      expect(response.errors).toBeUndefined();
    }
    const all = await test.graphql(list, { from: "2026-11-01", to: "2026-11-15", first: 100 }, analyst);
    const amounts = all.data?.marketingSpend.edges.map((edge: any) => [edge.node.day, edge.node.amountFen]).filter(([, amount]: [string, number]) => amount >= 1_000 && amount < 1_005);
    expect(amounts).toEqual([["2026-11-01", 1_001], ["2026-11-15", 1_002], ["2026-11-15", 1_003]]);
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 20; page += 1) {
      const response: GraphqlResponse = await test.graphql(list, { from: "2026-10-31", to: "2026-11-16", first: 2, after }, analyst);
      seen.push(...response.data?.marketingSpend.edges.map((edge: any) => edge.node.day));
      if (!response.data?.marketingSpend.pageInfo.hasNextPage) break;
      after = response.data?.marketingSpend.pageInfo.endCursor;
    }
    const [{ n }] = await test.application.database.dataSource.query("SELECT COUNT(*) AS n FROM marketing_spend WHERE cancelled_at IS NULL AND day >= ? AND day <= ?", [Date.UTC(2026, 9, 31) / 86_400_000, Date.UTC(2026, 10, 16) / 86_400_000]);
    expect(seen).toHaveLength(Number(n));
    expect([...seen].sort()).toEqual(seen);
    expect(problem(await test.graphql(list, { from: "2026-11-31", to: "2026-12-01" }, analyst))).toEqual(["BAD_USER_INPUT", "from"]);
    expect(problem(await test.graphql(list, { from: "2026-11-02", to: "2026-11-01" }, analyst))).toEqual(["BAD_USER_INPUT", "to"]);
    expect(problem(await test.graphql(list, { from: "2026-11-01", to: "2026-11-02", first: 101 }, analyst))).toEqual(["BAD_USER_INPUT", "first"]);
    expect(problem(await test.graphql(list, { from: "2026-11-01", to: "2026-11-02", after: "bm9wZQ" }, analyst))).toEqual(["BAD_USER_INPUT", "after"]);
  });

  it("counts recorded spend in ACQUISITION_COST on its local day, spend for all channels shared by new members", async () => {
    const series = `query ($breakdown: KpiBreakdown) {
      kpiSeries(kpi: ACQUISITION_COST, from: "2026-11-30T00:00:00+08:00", to: "2026-12-02T00:00:00+08:00", granularity: DAY, breakdown: $breakdown) { points { periodLabel group value figures { name value } } }
    }`;
    // 23:59 on 30 November in Shanghai: 1 December is tomorrow.
    test.clock.advance(Date.parse("2026-11-30T15:59:00Z") - test.clock.now().getTime());
    const [lateOperator, lateAnalyst] = [await test.staffToken("operator"), await test.staffToken("analyst")];
    await test.createMember({ joinChannel: "APP" });
    const spend = (day: string, amountFen: number, channel: string | null, key: string) => test.graphql(record, { input: { day, amountFen, channel, description: "cac" }, key }, lateOperator);
    expect(problem(await spend("2026-12-01", 10_001, null, "spend-cac-000001"))).toEqual(["BAD_USER_INPUT", "input.day"]);
    expect((await spend("2026-11-30", 5_000, "APP", "spend-cac-000002")).errors).toBeUndefined();
    // 00:01 on 1 December.
    test.clock.advance(2 * 60_000);
    await test.createMember({ joinChannel: "OFFLINE_STORE" });
    await test.createMember({ joinChannel: "APP" });
    expect((await spend("2026-12-01", 10_001, null, "spend-cac-000001")).errors).toBeUndefined();
    expect((await spend("2026-12-01", 700, "ONLINE", "spend-cac-000003")).errors).toBeUndefined();

    const figures = (marketing: number, campaign: number, other: number, shared: number, newMembers: number) => [
      { name: "marketingSpendFen", value: marketing }, { name: "campaignSpendFen", value: campaign }, { name: "otherSpendFen", value: other }, { name: "sharedSpendFen", value: shared }, { name: "newMembers", value: newMembers },
    ];
    const total = await test.graphql(series, {}, lateAnalyst);
    expect(total.errors).toBeUndefined();
    expect(total.data?.kpiSeries.points).toEqual([
      { periodLabel: "2026-11-30", group: "ALL", value: 5_000, figures: figures(5_000, 0, 5_000, 0, 1) },
      { periodLabel: "2026-12-01", group: "ALL", value: 5_350.5, figures: figures(10_701, 0, 10_701, 10_001, 2) },
    ]);
    // 10,001 fen for all channels on 1 December: half each to APP and OFFLINE_STORE (one new member each), the odd fen to APP, first by name.
    const byChannel = await test.graphql(series, { breakdown: "CHANNEL" }, lateAnalyst);
    expect(byChannel.data?.kpiSeries.points).toEqual([
      { periodLabel: "2026-11-30", group: "APP", value: 5_000, figures: figures(5_000, 0, 5_000, 0, 1) },
      { periodLabel: "2026-11-30", group: "OFFLINE_STORE", value: null, figures: figures(0, 0, 0, 0, 0) },
      { periodLabel: "2026-11-30", group: "ONLINE", value: null, figures: figures(0, 0, 0, 0, 0) },
      { periodLabel: "2026-12-01", group: "APP", value: 5_001, figures: figures(5_001, 0, 5_001, 5_001, 1) },
      { periodLabel: "2026-12-01", group: "OFFLINE_STORE", value: 5_000, figures: figures(5_000, 0, 5_000, 5_000, 1) },
      { periodLabel: "2026-12-01", group: "ONLINE", value: null, figures: figures(700, 0, 700, 0, 0) },
    ]);
  });

  it("keeps a record's amount above zero in the table itself", async () => {
    const staff = await test.application.database.dataSource.getRepository(StaffUserRecord).findOneByOrFail({ role: "operator" });
    await expect(test.application.database.dataSource.query(
      "INSERT INTO marketing_spend (day, channel, amount, description, recorded_by, idempotency_key, created_at) VALUES (?, NULL, 0, 'x', ?, 'direct-0000001', ?)",
      [20_000, staff.id, "2026-11-23 08:00:00.000"],
    )).rejects.toThrow(/chk_marketing_spend_amount|CHECK constraint/i);
  });
});
