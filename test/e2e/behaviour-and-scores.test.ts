import { randomUUID } from "node:crypto";
import { verifyLedger } from "../../src/services/points/ledger-verifier";
import { testDatabaseKinds } from "../support/databases";
import { StaffSessions } from "../support/staff-sessions";
import { startTestApplication, type TestApplication } from "../support/test-application";

const recordEvents = `mutation ($events: [BehaviourEventInput!]!) {
  recordEvents(events: $events) { accepted duplicates rejected results { index externalId status code reason field } }
}`;
const behaviourOf = `query ($id: ID!) { member(id: $id) {
  points { balance }
  behaviour { firstOrderAt lastOrderAt lastLoginAt ordersTotal spendTotal ordersInWindow spendInWindow orders30Days logins30Days
    sessionMinutes30Days sessionMinutes90Days interactions30Days complaints90Days refunds90Days refundsTotal repeatPurchaser lastCsat lastNps }
} }`;
const scoresOf = `query ($id: ID!) { member(id: $id) { scores {
  recencyDays recency frequency monetary rfmCode rfmSegment lifecycleStage churnRisk churnFactors { factor contribution detail }
  activity loyalty value clv ageBand cityTier cluster scoringRunId computedAt
} scoreHistory { month rfmSegment lifecycleStage activity } } }`;
const rescoreAll = `mutation { rescoreAll { id status trigger membersTotal } }`;
const scoringRun = `query ($id: ID!) { scoringRun(id: $id) { id status progress membersTotal membersScored rfmPopulation clusterFeatures clusters { cluster centre } clusterSilhouette error } }`;

const day = 86_400_000;

describe.each(testDatabaseKinds())("behaviour events and scores on $name", (kind) => {
  let test: TestApplication;
  let staff: StaffSessions;

  beforeAll(async () => {
    test = await startTestApplication(kind);
    staff = new StaffSessions(test);
    await staff.signIn();
  });
  afterAll(async () => {
    await test?.close();
  });

  const ago = (days: number) => new Date(test.clock.now().getTime() - days * day).toISOString();

  function order(memberId: string, amount: number, daysAgo: number, extra: Record<string, unknown> = {}) {
    return { source: "pos", externalId: `O-${randomUUID()}`, kind: "ORDER", memberId, occurredAt: ago(daysAgo), amount, channel: "OFFLINE_STORE", storeCode: "SH-001", categories: ["APPAREL"], ...extra };
  }

  function event(memberId: string, kind: string, daysAgo: number, extra: Record<string, unknown> = {}) {
    return { source: "app", externalId: `E-${randomUUID()}`, kind, memberId, occurredAt: ago(daysAgo), ...extra };
  }

  async function send(events: Record<string, unknown>[], token = staff.operator) {
    const response = await test.graphql(recordEvents, { events }, token);
    expect(response.errors).toBeUndefined();
    return response.data!.recordEvents;
  }

  async function memberData(query: string, memberId: string) {
    const response = await test.graphql(query, { id: memberId }, staff.admin);
    expect(response.errors).toBeUndefined();
    return response.data!.member;
  }

  async function fullRun(): Promise<Record<string, any>> {
    const started = await test.graphql(rescoreAll, {}, staff.admin);
    expect(started.errors).toBeUndefined();
    expect(started.data!.rescoreAll).toMatchObject({ status: "RUNNING", trigger: "MANUAL" });
    await test.application.services.scoring.stop();
    const finished = await test.graphql(scoringRun, { id: started.data!.rescoreAll.id }, staff.admin);
    expect(finished.errors).toBeUndefined();
    return finished.data!.scoringRun;
  }

  it("records the good events of a batch and rejects each bad one with its code, reason and field", async () => {
    const member = await staff.newMember();
    const batch = [
      event(member.globalId, "LOGIN", 2, { durationSeconds: 600 }),
      order(member.globalId, 12_000, 2),
      event("TWVtYmVyOjk5OTk5OTk=", "LOGIN", 1),
      order(member.globalId, -500, 1),
      event(member.globalId, "BROWSE", -1, { target: "SKU-1" }),
      event(member.globalId, "SURVEY", 1, { csat: 4, nps: 9 }),
      event(member.globalId, "SESSION", 1),
      event(member.globalId, "SURVEY", 1, { csat: 7 }),
      event(member.globalId, "REFUND", 1, { amount: 100, orderExternalId: "NO-SUCH-ORDER" }),
    ];
    const result = await send(batch);
    expect(result).toMatchObject({ accepted: 3, duplicates: 0, rejected: 6 });
    expect(result.results.map((item: { status: string }) => item.status)).toEqual(["ACCEPTED", "ACCEPTED", "REJECTED", "REJECTED", "REJECTED", "ACCEPTED", "REJECTED", "REJECTED", "REJECTED"]);
    expect(result.results[2]).toMatchObject({ code: "NOT_FOUND", field: "events[2].memberId" });
    expect(result.results[3]).toMatchObject({ code: "BAD_USER_INPUT", field: "events[3].amount" });
    expect(result.results[3].reason).toMatch(/positive whole number of fen/);
    expect(result.results[4]).toMatchObject({ code: "BAD_USER_INPUT", field: "events[4].occurredAt" });
    expect(result.results[4].reason).toMatch(/in the future/);
    expect(result.results[6]).toMatchObject({ code: "BAD_USER_INPUT", field: "events[6].durationSeconds" });
    expect(result.results[7]).toMatchObject({ code: "BAD_USER_INPUT", field: "events[7].csat" });
    expect(result.results[8]).toMatchObject({ code: "NOT_FOUND" });
    expect(result.results[8].reason).toMatch(/NO-SUCH-ORDER/);

    const { points, behaviour } = await memberData(behaviourOf, member.globalId);
    expect(points.balance).toBe(120);
    expect(behaviour).toMatchObject({ ordersTotal: 1, spendTotal: 12_000, ordersInWindow: 1, spendInWindow: 12_000, orders30Days: 1, logins30Days: 1, sessionMinutes30Days: 10, sessionMinutes90Days: 10, interactions30Days: 0, lastCsat: 4, lastNps: 9, repeatPurchaser: false });
    expect(behaviour.lastLoginAt).toBe(batch[0].occurredAt);
    expect(behaviour.lastOrderAt).toBe(batch[1].occurredAt);
  });

  it("refuses a refund or an order number that belongs to another member, and writes nothing for it", async () => {
    const owner = await staff.newMember();
    const other = await staff.newMember();
    const bought = order(owner.globalId, 9_000, 2);
    expect(await send([bought])).toMatchObject({ accepted: 1 });
    const result = await send([
      event(other.globalId, "REFUND", 1, { source: "pos", amount: 1_000, orderExternalId: bought.externalId }),
      { ...bought, source: "app", memberId: other.globalId },
      { ...event(other.globalId, "LOGIN", 1), externalId: bought.externalId, source: "pos" },
    ]);
    expect(result.results[0]).toMatchObject({ status: "REJECTED", code: "CONFLICT", field: "events[0].memberId" });
    expect(result.results[1]).toMatchObject({ status: "REJECTED", code: "CONFLICT", field: "events[1].memberId" });
    // The same source and id as the order: one event, whatever its kind.
    expect(result.results[2]).toMatchObject({ status: "DUPLICATE" });
    const ownerData = await memberData(behaviourOf, owner.globalId);
    expect(ownerData.behaviour).toMatchObject({ ordersTotal: 1, spendTotal: 9_000, refundsTotal: 0 });
    expect(ownerData.points.balance).toBe(90);
    expect((await memberData(behaviourOf, other.globalId)).behaviour).toMatchObject({ ordersTotal: 0, logins30Days: 0 });
  });

  it("records nothing twice: a batch sent again, and the same order number from another source, are duplicates", async () => {
    const member = await staff.newMember();
    const first = order(member.globalId, 5_000, 3);
    const batch = [first, event(member.globalId, "LOGIN", 3), event(member.globalId, "LIKE", 3), event(member.globalId, "COMPLAINT", 2)];
    expect(await send(batch)).toMatchObject({ accepted: 4, duplicates: 0, rejected: 0 });
    const before = await memberData(behaviourOf, member.globalId);

    const again = await send([...batch, { ...first, source: "app" }, batch[1]]);
    expect(again).toMatchObject({ accepted: 0, duplicates: 6, rejected: 0 });
    expect(await memberData(behaviourOf, member.globalId)).toEqual(before);
    expect(before.behaviour).toMatchObject({ ordersTotal: 1, logins30Days: 1, interactions30Days: 1, complaints90Days: 1 });
    expect(before.points.balance).toBe(50);
  });

  it("records a batch once when a client retries it while the first send is still running", async () => {
    const member = await staff.newMember();
    const batch = [order(member.globalId, 7_000, 1), ...[1, 2, 3, 4, 5].map((daysAgo) => event(member.globalId, "LOGIN", daysAgo)), event(member.globalId, "REVIEW", 1)];
    const [first, second] = await Promise.all([send(batch), send(batch)]);
    expect(first.rejected + second.rejected).toBe(0);
    // Logins and the review are recorded by exactly one of the two sends (the order's retry may replay its result).
    const recordedOnce = (index: number) => [first, second].filter((result) => result.results[index].status === "ACCEPTED").length;
    for (const index of [1, 2, 3, 4, 5, 6]) expect(recordedOnce(index)).toBe(1);
    const { points, behaviour } = await memberData(behaviourOf, member.globalId);
    expect(behaviour).toMatchObject({ ordersTotal: 1, spendTotal: 7_000, logins30Days: 5, interactions30Days: 1 });
    expect(points.balance).toBe(70);
  });

  it("nets refunds out of spend, counts them, and claws back their points, whether sent as events or through refundOrder", async () => {
    const member = await staff.newMember();
    const bought = order(member.globalId, 10_000, 20);
    const second = order(member.globalId, 8_000, 10);
    expect(await send([bought, second])).toMatchObject({ accepted: 2 });
    expect(await send([event(member.globalId, "REFUND", 5, { source: "pos", amount: 4_000, orderExternalId: bought.externalId })])).toMatchObject({ accepted: 1 });
    const refundOrder = `mutation ($input: RefundOrderInput!, $key: String!) { refundOrder(input: $input, idempotencyKey: $key) { balance } }`;
    const refunded = await test.graphql(refundOrder, { input: { orderId: second.externalId, amount: 8_000 }, key: randomUUID() }, staff.operator);
    expect(refunded.errors).toBeUndefined();
    const tooMuch = await send([event(member.globalId, "REFUND", 1, { amount: 7_000, orderExternalId: bought.externalId })]);
    expect(tooMuch.results[0]).toMatchObject({ status: "REJECTED", code: "BAD_USER_INPUT", field: "events[0].amount" });

    const { points, behaviour } = await memberData(behaviourOf, member.globalId);
    expect(behaviour).toMatchObject({ ordersTotal: 2, spendTotal: 6_000, spendInWindow: 6_000, refundsTotal: 2, refunds90Days: 2, repeatPurchaser: true });
    expect(points.balance).toBe(100 + 80 - 40 - 80);
    const report = await verifyLedger(test.application.database.dataSource);
    expect(report.differences).toEqual([]);
  });

  it("refuses events from members and analysts, and scores from members", async () => {
    const member = await staff.newMember();
    const memberToken = await test.memberToken(member.id);
    const byMember = await test.graphql(recordEvents, { events: [event(member.globalId, "LOGIN", 0)] }, memberToken);
    expect(byMember.errors?.[0].extensions?.code).toBe("FORBIDDEN");
    const byAnalyst = await test.graphql(recordEvents, { events: [event(member.globalId, "LOGIN", 0)] }, await test.staffToken("analyst"));
    expect(byAnalyst.errors?.[0].extensions?.code).toBe("FORBIDDEN");
    const ownScores = await test.graphql(`query ($id: ID!) { member(id: $id) { name scores { rfmSegment } } }`, { id: member.globalId }, memberToken);
    expect(ownScores.errors?.[0].extensions?.code).toBe("FORBIDDEN");
    expect(ownScores.errors?.[0].path).toEqual(["member", "scores"]);
    const rescoreByOperator = await test.graphql(rescoreAll, {}, staff.operator);
    expect(rescoreByOperator.errors?.[0].extensions?.code).toBe("FORBIDDEN");
    const tooMany = await test.graphql(recordEvents, { events: Array.from({ length: 1_001 }, () => event(member.globalId, "LOGIN", 0)) }, staff.operator);
    expect(tooMany.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "events" });
  });

  it("scores every member in a full run, then rescores a member alone as their events arrive, exactly as a full run would", async () => {
    // A small population with distinct behaviour: a champion, a lapsed buyer, a member who never bought, a new member.
    const champion = await staff.newMember();
    const lapsed = await staff.newMember();
    const browser = await staff.newMember();
    await send([
      ...[2, 9, 16, 30, 45, 60].map((daysAgo) => order(champion.globalId, 50_000, daysAgo)),
      ...[1, 3, 5, 8].map((daysAgo) => event(champion.globalId, "LOGIN", daysAgo, { durationSeconds: 900 })),
      order(lapsed.globalId, 3_000, 300),
      event(lapsed.globalId, "LOGIN", 200),
      event(lapsed.globalId, "COMPLAINT", 290),
      event(browser.globalId, "LOGIN", 1),
    ]);
    test.clock.advance(40 * day);
    await staff.signIn();

    const run = await fullRun();
    expect(run).toMatchObject({ status: "COMPLETED", progress: 1, error: null });
    expect(run.membersScored).toBe(run.membersTotal);
    expect(run.rfmPopulation).toBeGreaterThan(0);
    expect(run.clusterFeatures.length).toBeGreaterThan(0);
    expect(run.clusters.length).toBeGreaterThanOrEqual(1);

    const championScores = (await memberData(scoresOf, champion.globalId)).scores;
    expect(championScores).toMatchObject({ recency: 5, frequency: 5, monetary: 5, rfmCode: "555", rfmSegment: "CHAMPIONS", lifecycleStage: "ACTIVE", scoringRunId: run.id });
    expect(championScores.clv).toBeGreaterThan(0);
    const lapsedData = await memberData(scoresOf, lapsed.globalId);
    expect(lapsedData.scores.lifecycleStage).toBe("DORMANT");
    expect(lapsedData.scores.churnRisk).toBeGreaterThan(championScores.churnRisk);
    expect(lapsedData.scores.churnFactors.map((factor: { factor: string }) => factor.factor)).toContain("RECENCY");
    const factorSum = lapsedData.scores.churnFactors.reduce((sum: number, factor: { contribution: number }) => sum + factor.contribution, 0);
    expect(factorSum).toBeCloseTo(lapsedData.scores.churnRisk, 2);
    expect(lapsedData.scoreHistory).toHaveLength(1);
    // Every member is in the run and in the month's snapshot.
    const dataSource = test.application.database.dataSource;
    const [{ members }] = await dataSource.query("SELECT COUNT(*) AS members FROM members");
    const [{ scored }] = await dataSource.query("SELECT COUNT(*) AS scored FROM member_scores WHERE run_id = ?", [Number(run.id)]);
    const [{ snapshots }] = await dataSource.query("SELECT COUNT(*) AS snapshots FROM member_score_snapshots WHERE run_id = ?", [Number(run.id)]);
    expect([Number(scored), Number(snapshots)]).toEqual([Number(members), Number(members)]);
    const browserScores = (await memberData(scoresOf, browser.globalId)).scores;
    expect(browserScores).toMatchObject({ rfmSegment: "NO_RECENT_PURCHASE", recency: null, frequency: null, monetary: null, rfmCode: null, clv: 0 });

    // An interaction arrives for the browser: rescored at once, with the run's breakpoints.
    const before = browserScores;
    await send([event(browser.globalId, "SHARE", 0), event(browser.globalId, "LOGIN", 0, { durationSeconds: 1200 })]);
    const incremental = (await memberData(scoresOf, browser.globalId)).scores;
    expect(incremental.activity).toBeGreaterThan(before.activity);
    expect(incremental.lifecycleStage).toBe("ACTIVE");
    expect(incremental.scoringRunId).toBe(run.id);
    expect(new Date(incremental.computedAt).getTime()).toBe(test.clock.now().getTime());

    // A full run over the same data gives the same scores. Only the run and the time differ, and the cluster
    // number: each run fits its own clusters and numbers them afresh (the next test compares clusters within a run).
    test.clock.advance(60_000);
    await staff.signIn();
    const second = await fullRun();
    const full = (await memberData(scoresOf, browser.globalId)).scores;
    const { scoringRunId: _incrementalRun, computedAt: _incrementalAt, cluster: _incrementalCluster, ...incrementalScores } = incremental;
    const { scoringRunId, computedAt: _fullAt, cluster: _fullCluster, ...fullScores } = full;
    expect(scoringRunId).toBe(second.id);
    expect(fullScores).toEqual(incrementalScores);
  });

  it("runs one full rescoring at a time: asked twice at once, it starts one run and returns it to both", async () => {
    // Called in the same tick: over HTTP a small population's run can end before a second request arrives.
    const scoring = test.application.services.scoring;
    const [first, second] = await Promise.all([scoring.startFullRun("MANUAL", "test"), scoring.startFullRun("MANUAL", "test")]);
    expect(second.run.id).toBe(first.run.id);
    expect(await second.completion).toBe(await first.completion);
    const runs = await test.graphql(`{ scoringRuns(first: 2) { edges { node { id status } } } }`, {}, staff.admin);
    expect(runs.data!.scoringRuns.edges[0].node).toEqual({ id: String(first.run.id), status: "COMPLETED" });
    expect(runs.data!.scoringRuns.edges[1].node.id).not.toBe(String(first.run.id));
  });

  it("rescoring every member alone after a full run changes nothing: both paths score alike", async () => {
    await fullRun();
    const dataSource = test.application.database.dataSource;
    const read = async () => (await dataSource.query("SELECT * FROM member_scores ORDER BY member_id")).map(({ computed_at: _computedAt, ...row }: Record<string, unknown>) => row);
    const afterFull = await read();
    expect(afterFull.length).toBeGreaterThan(3);
    await test.application.services.scoring.rescoreMembers(afterFull.map((row: { member_id: number }) => Number(row.member_id)));
    expect(await read()).toEqual(afterFull);
  });

  it("keeps points purchases in the aggregates and rescores their member after the command", async () => {
    await fullRun();
    const member = await staff.newMember();
    const earnPoints = `mutation ($input: EarnPointsInput!, $key: String!) { earnPoints(input: $input, idempotencyKey: $key) { balance } }`;
    const placedAt = ago(1);
    const response = await test.graphql(earnPoints, { input: { memberId: member.globalId, purchase: { orderId: `P-${randomUUID()}`, amount: 20_000, category: "BEAUTY", channel: "APP", storeCode: "ONLINE-1", placedAt } }, key: randomUUID() }, staff.operator);
    expect(response.errors).toBeUndefined();
    await test.application.services.scoring.idle();
    const data = await memberData(`query ($id: ID!) { member(id: $id) { behaviour { ordersTotal spendTotal lastOrderAt } scores { recencyDays rfmSegment } } }`, member.globalId);
    expect(data.behaviour).toEqual({ ordersTotal: 1, spendTotal: 20_000, lastOrderAt: placedAt });
    expect(data.scores.recencyDays).toBe(1);
    expect(data.scores.rfmSegment).not.toBe("NO_RECENT_PURCHASE");
  });
});
