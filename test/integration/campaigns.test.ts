// Campaign delivery on real databases: consent, frequency caps, budgets, deterministic assignment, the churn-warning
// trigger and results against control.
import { randomUUID } from "node:crypto";
import type { DataSource } from "typeorm";
import { ManualClock } from "../../src/clock";
import { loadConfig } from "../../src/config";
import { openDatabase } from "../../src/database/data-source";
import { assignVariant } from "../../src/engine";
import { createEventBus } from "../../src/events/event-bus";
import { createServices, type Services } from "../../src/services";
import { WebhookDeliveryRecord } from "../../src/entities";
import { fromGlobalId } from "../../src/schema/global-id";
import { CampaignAudience } from "../../src/services/campaigns/campaign-audience";
import { campaignMessageBody } from "../../src/services/campaigns/campaign-delivery";
import type { CampaignInput } from "../../src/services/campaigns/campaign-input";
import { systemContext } from "../../src/services/service-context";
import { testDatabaseKinds } from "../support/databases";
import { scoredDemo, type ScoredDemo } from "../support/scored-demo";

// 12:00 in the programme's time zone (UTC+8): outside the default quiet hours (22:00-08:00).
const start = new Date("2026-11-23T04:00:00.000Z");
const day = 86_400_000;

describe.each(testDatabaseKinds())("campaigns on $name", (kind) => {
  let demo: ScoredDemo;
  let dataSource: DataSource;
  let services: Services;
  let clock: ManualClock;
  let everyone: number[];
  const context = systemContext("test");

  beforeAll(async () => {
    clock = new ManualClock(start);
    demo = await scoredDemo(kind, { members: 300, seed: 17, clock, placeInSegments: true });
    ({ dataSource, services } = demo);
    const segments: { id: number }[] = await dataSource.query("SELECT g.id AS id FROM segments g JOIN segment_schemes s ON s.id = g.scheme_id WHERE s.code = 'ACTIVITY'");
    everyone = segments.map((segment) => Number(segment.id));
  }, 90_000);

  afterAll(async () => {
    await demo?.close();
  });

  const segmentId = async (scheme: string, code: string) => Number((await dataSource.query("SELECT g.id AS id FROM segments g JOIN segment_schemes s ON s.id = g.scheme_id WHERE s.code = ? AND g.code = ?", [scheme, code]))[0].id);
  const campaign = (overrides: Partial<CampaignInput>): CampaignInput => ({
    code: `C-${randomUUID().slice(0, 8)}`,
    name: "测试活动",
    channel: "APP_PUSH",
    trigger: { kind: "ONE_SHOT" },
    target: { segmentIds: everyone },
    variants: [{ code: "A", message: "{{name}}, 您好" }],
    budget: 1_000_000,
    ...overrides,
  });
  const launch = async (input: CampaignInput) => {
    const created = await services.campaigns.create(context, input);
    await services.campaigns.act(context, created.id, "SCHEDULE");
    await services.campaignRunner.runUntilIdle();
    return created;
  };
  const sendsOf = async (campaignId: number) =>
    (await dataSource.query("SELECT member_id, variant, status, skip_reason, cost FROM campaign_sends WHERE campaign_id = ? ORDER BY member_id", [campaignId])) as {
      member_id: number | string;
      variant: string;
      status: string;
      skip_reason: string | null;
      cost: number | string;
    }[];
  const stateOf = async (campaignId: number) => (await services.campaignReader.byId(campaignId))!.state;

  it("sends only to members who consented to the channel, then respects the frequency cap across campaigns", async () => {
    const consenting = new Set<number>((await dataSource.query("SELECT id FROM members WHERE consent_sms = 1")).map((row: { id: number }) => Number(row.id)));
    expect(consenting.size).toBeGreaterThan(0);
    expect(consenting.size).toBeLessThan(300);
    const first = await launch(campaign({ channel: "SMS" }));
    const sends = await sendsOf(first.id);
    expect(sends).toHaveLength(300);
    for (const send of sends) {
      if (consenting.has(Number(send.member_id))) expect(send).toMatchObject({ status: "SENT", skip_reason: null });
      else expect(send).toMatchObject({ status: "SKIPPED", skip_reason: "NO_CONSENT" });
    }
    expect(await stateOf(first.id)).toBe("COMPLETED");

    // The cap is two messages a week: a second campaign goes out, a third is held back for those who got both.
    const second = await launch(campaign({ channel: "SMS" }));
    expect((await sendsOf(second.id)).filter((send) => send.status === "SENT")).toHaveLength(consenting.size);
    const third = await launch(campaign({ channel: "SMS" }));
    const capped = await sendsOf(third.id);
    expect(capped.filter((send) => send.status === "SENT")).toHaveLength(0);
    expect(capped.filter((send) => send.skip_reason === "FREQUENCY_CAP")).toHaveLength(consenting.size);
    // An in-app coupon is not a message: the cap does not hold it back.
    const coupons = await launch(campaign({ channel: "IN_APP_COUPON", variants: [{ code: "A", message: "送您一张券 {{couponCode}}", couponValue: 500 }] }));
    expect((await sendsOf(coupons.id)).every((send) => send.status === "SENT")).toBe(true);
    expect(Number((await dataSource.query("SELECT COUNT(*) AS coupons FROM coupons WHERE campaign_id = ?", [coupons.id]))[0].coupons)).toBe(300);
  });

  it("stops when the budget is spent: exactly what the budget pays for is sent and rewarded", async () => {
    // A week later the first test's messages no longer count against the cap.
    clock.advance(8 * day);
    // 10 points at 1 fen each per push (a push costs nothing): 95 fen pays for 9 sends.
    const created = await launch(campaign({ variants: [{ code: "A", message: "送您 10 积分", rewardPoints: 10 }], budget: 95 }));
    const sends = await sendsOf(created.id);
    expect(sends.filter((send) => send.status === "SENT")).toHaveLength(9);
    // In send order: members without push consent are skipped for that until the money runs out, everyone after for the budget.
    const consenting = new Set<number>((await dataSource.query("SELECT id FROM members WHERE consent_app_push = 1")).map((row: { id: number }) => Number(row.id)));
    const lastSent = Math.max(...sends.filter((send) => send.status === "SENT").map((send) => Number(send.member_id)));
    for (const send of sends.filter((candidate) => candidate.status === "SKIPPED")) {
      const expected = Number(send.member_id) < lastSent ? "NO_CONSENT" : consenting.has(Number(send.member_id)) ? "BUDGET_SPENT" : expect.stringMatching(/^(NO_CONSENT|BUDGET_SPENT)$/);
      expect(send.skip_reason).toEqual(expected);
    }
    expect(sends.filter((send) => send.skip_reason === "BUDGET_SPENT").length).toBeGreaterThan(200);
    const record = (await services.campaignReader.byId(created.id))!;
    expect(record).toMatchObject({ state: "COMPLETED", spent: 90 });
    const [{ entries, points }] = await dataSource.query("SELECT COUNT(*) AS entries, SUM(amount) AS points FROM point_entries WHERE source = 'CAMPAIGN' AND reason = ?", [`campaign ${created.code}`]);
    expect([Number(entries), Number(points)]).toEqual([9, 90]);
  });

  it("assigns variants and control by the engine's hash, once, and enqueuing again changes nothing", async () => {
    const input = campaign({ variants: [{ code: "A", weight: 1, message: "A" }, { code: "B", weight: 1, message: "B" }], controlPercent: 20 });
    const created = await launch(input);
    const assignments: { member_id: number | string; variant: string }[] = await dataSource.query("SELECT member_id, variant FROM campaign_assignments WHERE campaign_id = ? ORDER BY member_id", [created.id]);
    expect(assignments).toHaveLength(300);
    const settings = { campaignKey: input.code, variants: [{ code: "A", weight: 1 }, { code: "B", weight: 1 }], controlPercent: 20 };
    for (const assignment of assignments) expect(assignment.variant).toBe(assignVariant(settings, Number(assignment.member_id)));
    const control = assignments.filter((assignment) => assignment.variant === "CONTROL").map((assignment) => Number(assignment.member_id));
    expect(control.length).toBeGreaterThan(30);
    expect(control.length).toBeLessThan(90);
    // Control gets nothing; everyone else one send of their variant.
    const sends = await sendsOf(created.id);
    expect(sends.map((send) => Number(send.member_id)).filter((id) => control.includes(id))).toEqual([]);
    expect(sends).toHaveLength(300 - control.length);
    // Running again (as after a crash) adds no send and moves no one.
    await services.campaignRunner.runUntilIdle();
    expect(await dataSource.query("SELECT member_id, variant FROM campaign_assignments WHERE campaign_id = ? ORDER BY member_id", [created.id])).toEqual(assignments);
    expect(await sendsOf(created.id)).toEqual(sends);
  });

  it("resumes enqueuing an audience after the last member assigned, as after a crash between chunks", async () => {
    const input = campaign({});
    const created = await services.campaigns.create(context, input);
    await services.campaigns.act(context, created.id, "SCHEDULE");
    await dataSource.query("UPDATE campaigns SET state = 'RUNNING' WHERE id = ?", [created.id]);
    // One chunk of 50 members committed, then the process died.
    const smallChunks = new CampaignAudience(dataSource, services.segmentAnalysis, { ...loadConfig({ NODE_ENV: "test" }).campaigns, audienceChunkSize: 50 });
    expect(await smallChunks.enqueueNextChunk((await services.campaignReader.byId(created.id))!, clock.now())).toBe(50);
    const firstChunk: number[] = (await dataSource.query("SELECT member_id FROM campaign_assignments WHERE campaign_id = ? ORDER BY member_id", [created.id])).map((row: { member_id: number }) => Number(row.member_id));
    expect(firstChunk).toHaveLength(50);
    await services.campaignRunner.runUntilIdle();
    const [{ assigned, members }] = await dataSource.query("SELECT COUNT(*) AS assigned, COUNT(DISTINCT member_id) AS members FROM campaign_assignments WHERE campaign_id = ?", [created.id]);
    expect([Number(assigned), Number(members)]).toEqual([300, 300]);
    const [{ sends, receivers }] = await dataSource.query("SELECT COUNT(*) AS sends, COUNT(DISTINCT member_id) AS receivers FROM campaign_sends WHERE campaign_id = ?", [created.id]);
    expect([Number(sends), Number(receivers)]).toEqual([300, 300]);
  });

  it("never spends a budget twice when two processes deliver the same campaign at once", async () => {
    clock.advance(8 * day);
    const created = await services.campaigns.create(context, campaign({ variants: [{ code: "A", message: "送您 10 积分", rewardPoints: 10 }], budget: 95 }));
    await services.campaigns.act(context, created.id, "SCHEDULE");
    // A second process: on MariaDB its own connections; SQLite serializes one process's transactions anyway.
    const second = kind.name === "mysql" ? (await openDatabase(demo.scratch.config, { runMigrations: false })).dataSource : dataSource;
    try {
      const config = { ...loadConfig({ NODE_ENV: "test", CAMPAIGN_BATCH_SIZE: "3" }), database: demo.scratch.config };
      const other = createServices({ dataSource: second, clock, config, events: createEventBus(), signInCodeSender: { send: async () => undefined } });
      const own = createServices({ dataSource, clock, config, events: createEventBus(), signInCodeSender: { send: async () => undefined } });
      await Promise.all([own.campaignRunner.runUntilIdle(), other.campaignRunner.runUntilIdle(), own.campaignRunner.runUntilIdle()]);
    } finally {
      if (second !== dataSource) await second.destroy();
    }
    const sends = await sendsOf(created.id);
    expect(sends.filter((send) => send.status === "SENT")).toHaveLength(9);
    expect((await services.campaignReader.byId(created.id))!).toMatchObject({ state: "COMPLETED", spent: 90 });
    const [{ entries }] = await dataSource.query("SELECT COUNT(*) AS entries FROM point_entries WHERE source = 'CAMPAIGN' AND reason = ?", [`campaign ${created.code}`]);
    expect(Number(entries)).toBe(9);
  });

  it("fires the churn warning when members move into DORMANT, once each, and reports conversions against control", async () => {
    const dormant = await segmentId("ACTIVITY", "DORMANT");
    const warning = await services.campaigns.create(
      context,
      campaign({ trigger: { kind: "SEGMENT_ENTERED", segmentId: dormant }, target: { segmentIds: [] }, variants: [{ code: "A", message: "{{name}}, 好久不见" }], controlPercent: 30, conversionWindowDays: 14 }),
    );
    await services.campaigns.act(context, warning.id, "SCHEDULE");
    await services.campaignRunner.runUntilIdle();
    expect(await stateOf(warning.id)).toBe("RUNNING");
    expect(await sendsOf(warning.id)).toEqual([]);

    // Four months pass without anyone logging in: the schedule moves the active members into DORMANT.
    clock.advance(120 * day);
    const movesBefore = Number((await dataSource.query("SELECT COALESCE(MAX(id), 0) AS id FROM segment_moves"))[0].id);
    await services.segmentEvaluations.run("SCHEDULE", "test");
    const entered: number[] = (await dataSource.query("SELECT member_id FROM segment_moves WHERE id > ? AND to_segment_id = ? ORDER BY member_id", [movesBefore, dormant])).map((row: { member_id: number }) => Number(row.member_id));
    expect(entered.length).toBeGreaterThan(10);
    const assigned: { member_id: number | string; variant: string }[] = await dataSource.query("SELECT member_id, variant FROM campaign_assignments WHERE campaign_id = ? ORDER BY member_id", [warning.id]);
    expect(assigned.map((row) => Number(row.member_id))).toEqual(entered);

    clock.advance(5 * 3_600_000); // 17:00 local: inside sending hours
    await services.campaignRunner.runUntilIdle();
    const sends = await sendsOf(warning.id);
    expect(sends.map((send) => Number(send.member_id))).toEqual(assigned.filter((row) => row.variant !== "CONTROL").map((row) => Number(row.member_id)));
    // A re-evaluation that moves no one sends nothing more.
    await services.segmentEvaluations.run("SCHEDULE", "test");
    await services.campaignRunner.runUntilIdle();
    expect(await sendsOf(warning.id)).toEqual(sends);

    // Orders within the window: two members of each group buy; results count them per group.
    const buyers = [...assigned.filter((row) => row.variant === "A").slice(0, 2), ...assigned.filter((row) => row.variant === "CONTROL").slice(0, 2)];
    expect(buyers).toHaveLength(4);
    clock.advance(day);
    const orders = buyers.map((buyer, index) => ({ source: "pos", externalId: `back-${warning.id}-${index}`, kind: "ORDER", memberId: Number(buyer.member_id), occurredAt: clock.now(), amount: 10_000, channel: "OFFLINE_STORE", storeCode: "SH-001" }));
    expect((await services.behaviourEvents.recordEvents(context, orders as never, { awardPoints: true })).accepted).toBe(4);
    const results = await services.campaignResults.of((await services.campaignReader.byId(warning.id))!);
    const byVariant = Object.fromEntries(results.variants.map((variant) => [variant.variant, variant]));
    expect(byVariant.A).toMatchObject({ members: assigned.filter((row) => row.variant === "A").length, conversions: 2, revenue: 20_000 });
    expect(byVariant.CONTROL).toMatchObject({ members: assigned.filter((row) => row.variant === "CONTROL").length, sent: 0, conversions: 2, revenue: 20_000, comparison: null });
    expect(byVariant.A.comparison?.verdict).toBe("MORE_DATA_NEEDED");
    // Per segment: the buyers' orders made them ACTIVE again; among ACTIVE members only the four buyers were assigned.
    await services.scoring.idle();
    const [activeSegment] = await services.segmentReader.segments([await segmentId("ACTIVITY", "ACTIVE")]);
    const amongActive = await services.campaignResults.of((await services.campaignReader.byId(warning.id))!, services.segmentAnalysis.filterOf(activeSegment, clock.now()));
    expect(Object.fromEntries(amongActive.variants.map((variant) => [variant.variant, [variant.members, variant.conversions]]))).toEqual({ A: [2, 2], CONTROL: [2, 2] });
  });

  it("refuses what the state machine refuses, and edits of a running campaign's target", async () => {
    const created = await services.campaigns.create(context, campaign({ trigger: { kind: "SEGMENT_ENTERED", segmentId: everyone[0] }, target: { segmentIds: [] } }));
    await expect(services.campaigns.act(context, created.id, "RESUME")).rejects.toMatchObject({ extensions: { code: "CONFLICT" } });
    await services.campaigns.act(context, created.id, "SCHEDULE");
    await services.campaignRunner.runUntilIdle();
    expect(await stateOf(created.id)).toBe("RUNNING");
    const input = campaign({ code: created.code, trigger: { kind: "SEGMENT_ENTERED", segmentId: everyone[1] }, target: { segmentIds: [] } });
    await expect(services.campaigns.update(context, created.id, input)).rejects.toMatchObject({ extensions: { code: "CONFLICT" }, message: expect.stringContaining("trigger") });
    await services.campaigns.act(context, created.id, "CANCEL");
    await expect(services.campaigns.act(context, created.id, "RESUME")).rejects.toMatchObject({ extensions: { code: "CONFLICT" } });
  });

  it("counts a chosen event as the conversion: members who logged in within the window, with no revenue", async () => {
    const input = campaign({ channel: "IN_APP_COUPON", variants: [{ code: "A", message: "{{couponCode}}", couponValue: 100 }], controlPercent: 20, conversionEvent: "LOGIN", conversionWindowDays: 3 });
    const created = await launch(input);
    const assigned: { member_id: number | string; variant: string }[] = await dataSource.query("SELECT member_id, variant FROM campaign_assignments WHERE campaign_id = ? ORDER BY member_id", [created.id]);
    const treated = assigned.filter((row) => row.variant === "A").slice(0, 3).map((row) => Number(row.member_id));
    const control = assigned.filter((row) => row.variant === "CONTROL").slice(0, 1).map((row) => Number(row.member_id));
    clock.advance(day);
    const logins = [...treated, ...control].map((memberId) => ({ source: "app", externalId: `login-${created.id}-${memberId}`, kind: "LOGIN", memberId, occurredAt: clock.now() }));
    // A login after the window does not count.
    logins.push({ source: "app", externalId: `late-${created.id}`, kind: "LOGIN", memberId: Number(assigned.find((row) => row.variant === "A" && !treated.includes(Number(row.member_id)))!.member_id), occurredAt: new Date(clock.now().getTime() + 5 * day) });
    await services.behaviourEvents.recordEvents(context, logins as never, { awardPoints: false, rescore: false });
    const results = await services.campaignResults.of((await services.campaignReader.byId(created.id))!);
    const byVariant = Object.fromEntries(results.variants.map((variant) => [variant.variant, [variant.conversions, variant.revenue]]));
    expect(byVariant).toEqual({ A: [3, 0], CONTROL: [1, 0] });
    const bad = services.campaigns.create(context, campaign({ conversionEvent: "REFUND" }));
    await expect(bad).rejects.toMatchObject({ extensions: { code: "BAD_USER_INPUT", field: "input.conversionEvent" } });
  });

  it("grants a benefit with the message: the member sees it among their benefits, valid for its days", async () => {
    const created = await launch(campaign({ channel: "IN_APP_COUPON", variants: [{ code: "A", message: "包邮一个月", couponValue: 1, benefitCode: "FREE_SHIPPING", benefitValidDays: 30 }] }));
    const [{ sent }] = await dataSource.query("SELECT COUNT(*) AS sent FROM campaign_sends WHERE campaign_id = ? AND status = 'SENT'", [created.id]);
    const granted: { member_id: number; valid_until: string | Date }[] = await dataSource.query("SELECT member_id, valid_until FROM member_benefits WHERE code = 'FREE_SHIPPING' AND reason = ?", [`campaign ${created.code}`]);
    expect(granted).toHaveLength(Number(sent));
    expect(Number(sent)).toBe(300);
    const member = (await services.members.findById(Number(granted[0].member_id)))!;
    const held = await services.benefits.held(member);
    expect(held.map((benefit) => benefit.code)).toContain("FREE_SHIPPING");
  });

  it("keeps the recipient's address out of the outbox: it is filled in only when the webhook is sent", async () => {
    const admin = { identity: { kind: "staff" as const, staffUserId: 1, role: "admin" as const }, requestId: null };
    await services.webhooks.createEndpoint(admin, { url: "http://127.0.0.1:9/gateway", eventTypes: ["CAMPAIGN_MESSAGE"], schemeId: null });
    clock.advance(8 * day);
    const created = await launch(campaign({ channel: "EMAIL", variants: [{ code: "A", message: "{{name}}, 本周精选" }] }));
    const [delivery] = await dataSource.getRepository(WebhookDeliveryRecord).find({ where: { eventType: "CAMPAIGN_MESSAGE" }, order: { id: "DESC" }, take: 1 });
    const stored = JSON.parse(delivery.payload) as { to: string | null; memberId: string; campaign: { code: string } };
    expect(stored.campaign.code).toBe(created.code);
    expect(stored.to).toBeNull();
    const sent = JSON.parse(await campaignMessageBody(dataSource, services.cipher)(delivery)) as { to: string };
    const member = (await services.members.findById(fromGlobalId(stored.memberId)!.id))!;
    expect(sent.to).toBe(services.cipher.decrypt(member.emailEncrypted!));
    expect(sent.to).toMatch(/@/);
  });
});
