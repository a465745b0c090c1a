// The event triggers beyond the churn warning: leaving a segment, signing up, a tier change, a birthday.
import { randomUUID } from "node:crypto";
import type { DataSource } from "typeorm";
import { ManualClock } from "../../src/clock";
import type { Services } from "../../src/services";
import type { CampaignInput } from "../../src/services/campaigns/campaign-input";
import { systemContext } from "../../src/services/service-context";
import { nextPhone } from "../support/test-application";
import { testDatabaseKinds } from "../support/databases";
import { scoredDemo, type ScoredDemo } from "../support/scored-demo";

// 12:00 on 23 November in the programme's time zone (UTC+8).
const start = new Date("2026-11-23T04:00:00.000Z");

describe.each(testDatabaseKinds())("campaign triggers on $name", (kind) => {
  let demo: ScoredDemo;
  let dataSource: DataSource;
  let services: Services;
  let clock: ManualClock;
  const context = systemContext("test");

  beforeAll(async () => {
    clock = new ManualClock(start);
    demo = await scoredDemo(kind, { members: 120, seed: 29, clock, placeInSegments: true });
    ({ dataSource, services } = demo);
  }, 90_000);

  afterAll(async () => {
    await demo?.close();
  });

  const running = async (trigger: CampaignInput["trigger"], segmentIds: number[] = []) => {
    const campaign = await services.campaigns.create(context, {
      code: `T-${randomUUID().slice(0, 8)}`,
      name: "触发",
      channel: "IN_APP_COUPON",
      trigger,
      target: { segmentIds },
      variants: [{ code: "A", message: "{{name}} {{couponCode}}", couponValue: 100 }],
      budget: 1_000_000,
    });
    await services.campaigns.act(context, campaign.id, "SCHEDULE");
    await services.campaignRunner.runUntilIdle();
    return campaign.id;
  };
  const sentTo = async (campaignId: number) =>
    (await dataSource.query("SELECT member_id, step FROM campaign_sends WHERE campaign_id = ? AND status = 'SENT' ORDER BY member_id", [campaignId])).map((row: { member_id: number; step: number }) => [
      Number(row.member_id),
      Number(row.step),
    ]);

  it("welcomes a member who signs up, in the transaction that creates them", async () => {
    const welcome = await running({ kind: "SIGN_UP" });
    const member = await services.members.create(context, { name: "新会员", phone: nextPhone(), joinChannel: "APP" }, randomUUID());
    await services.campaignRunner.runUntilIdle();
    expect(await sentTo(welcome)).toEqual([[member.id, 0]]);
  });

  it("runs a welcome series: the first message at sign-up, each follow-up its days later, each once", async () => {
    const series = await services.campaigns.create(context, {
      code: `SERIES-${randomUUID().slice(0, 6)}`,
      name: "新人旅程",
      channel: "IN_APP_COUPON",
      trigger: { kind: "SIGN_UP" },
      target: { segmentIds: [] },
      variants: [{ code: "A", message: "欢迎 {{name}}", couponValue: 100 }],
      followUps: [
        { afterDays: 3, message: "第三天 {{couponCode}}", couponValue: 200 },
        { afterDays: 7, message: "一周了 {{name}}", couponValue: 300 },
      ],
      budget: 1_000_000,
    });
    await services.campaigns.act(context, series.id, "SCHEDULE");
    await services.campaignRunner.runUntilIdle();
    const member = await services.members.create(context, { name: "小新", phone: nextPhone(), joinChannel: "APP" }, randomUUID());
    const steps = async () =>
      (await dataSource.query("SELECT step, status, cost FROM campaign_sends WHERE campaign_id = ? AND member_id = ? ORDER BY step", [series.id, member.id])).map((row: { step: number; status: string; cost: number }) => [Number(row.step), row.status, Number(row.cost)]);
    await services.campaignRunner.runUntilIdle();
    expect(await steps()).toEqual([[0, "SENT", 100], [1, "PENDING", 0], [2, "PENDING", 0]]);
    clock.advance(3 * 86_400_000);
    await services.campaignRunner.runUntilIdle();
    expect(await steps()).toEqual([[0, "SENT", 100], [1, "SENT", 200], [2, "PENDING", 0]]);
    clock.advance(4 * 86_400_000);
    await services.campaignRunner.runUntilIdle();
    await services.campaignRunner.runUntilIdle();
    expect(await steps()).toEqual([[0, "SENT", 100], [1, "SENT", 200], [2, "SENT", 300]]);
    const messages = (await dataSource.query("SELECT message FROM campaign_sends WHERE campaign_id = ? AND member_id = ? ORDER BY step", [series.id, member.id])).map((row: { message: string }) => row.message);
    expect(messages[0]).toBe("欢迎 小新");
    expect(messages[1]).toMatch(/^第三天 [0-9A-F]{16}$/);
    expect(messages[2]).toBe("一周了 小新");
    const results = await services.campaignResults.of((await services.campaignReader.byId(series.id))!);
    expect(results.variants[0]).toMatchObject({ members: 1, sent: 3, cost: 600 });
  });

  it("sends to a member who leaves a segment: welcome back when a dormant member logs in", async () => {
    const dormant = Number((await dataSource.query("SELECT g.id AS id FROM segments g JOIN segment_schemes s ON s.id = g.scheme_id WHERE s.code = 'ACTIVITY' AND g.code = 'DORMANT'"))[0].id);
    const welcomeBack = await running({ kind: "SEGMENT_LEFT", segmentId: dormant });
    const [{ member_id }] = await dataSource.query("SELECT member_id FROM segment_memberships WHERE segment_id = ? ORDER BY member_id LIMIT 1", [dormant]);
    const memberId = Number(member_id);
    await services.behaviourEvents.recordEvents(context, [{ source: "app", externalId: `back-${memberId}`, kind: "LOGIN", memberId, occurredAt: start }], { awardPoints: false });
    await services.campaignRunner.runUntilIdle();
    expect(await sentTo(welcomeBack)).toEqual([[memberId, 0]]);
  });

  it("sends to a member whose tier goes up", async () => {
    const congratulations = await running({ kind: "TIER_CHANGED" });
    const member = await services.members.create(context, { name: "升级会员", phone: nextPhone(), joinChannel: "APP" }, randomUUID());
    // 5,000 yuan in one purchase: Regular to a higher tier at once.
    await services.points.earn(context, { memberId: member.id, purchase: { orderId: `UP-${member.id}`, amount: 500_000, category: "HOME", channel: "ONLINE", storeCode: "ONLINE-1" } }, randomUUID());
    await services.campaignRunner.runUntilIdle();
    expect(await sentTo(congratulations)).toEqual([[member.id, 0]]);
  });

  it("sends birthday greetings on the member's birthday, once that year", async () => {
    const born: number[] = (await dataSource.query("SELECT id FROM members WHERE birthday IS NOT NULL ORDER BY id LIMIT 2")).map((row: { id: number }) => Number(row.id));
    // Today and tomorrow in the programme's time zone (UTC+8), wherever the other tests left the clock.
    const localDay = (offsetDays: number) => new Date(clock.now().getTime() + 8 * 3_600_000 + offsetDays * 86_400_000).toISOString().slice(5, 10);
    await dataSource.query("UPDATE members SET birthday = ? WHERE id = ?", [`1990-${localDay(0)}`, born[0]]);
    await dataSource.query("UPDATE members SET birthday = ? WHERE id = ?", [`1985-${localDay(1)}`, born[1]]);
    await dataSource.query("UPDATE members SET birthday = '1980-01-01' WHERE id NOT IN (?, ?) AND birthday LIKE ?", [...born, `%-${localDay(0)}`]);
    // The campaign looks at the day's birthdays once a day: starting it looks at today's.
    const birthday = await running({ kind: "BIRTHDAY" });
    await services.campaignRunner.runUntilIdle();
    expect(await sentTo(birthday)).toEqual([[born[0], 2026]]);
    // The next day, the next birthday.
    clock.advance(86_400_000);
    await services.campaignRunner.runUntilIdle();
    await services.campaignRunner.runUntilIdle();
    expect(await sentTo(birthday)).toEqual([[born[0], 2026], [born[1], 2026]]);
  });

  it("sends a recurring campaign at each occurrence of its schedule, once per occurrence", async () => {
    const activity: number[] = (await dataSource.query("SELECT g.id AS id FROM segments g JOIN segment_schemes s ON s.id = g.scheme_id WHERE s.code = 'ACTIVITY'")).map((row: { id: number }) => Number(row.id));
    // Every day at 10:00 local; created at 12:00, so today's occurrence has passed and is not sent.
    const daily = await running({ kind: "RECURRING", cron: "0 10 * * *" }, activity);
    // Members created by the tests above are placed once their rescoring has run.
    await services.scoring.idle();
    const [{ members }] = await dataSource.query("SELECT COUNT(*) AS members FROM segment_memberships ms JOIN segment_schemes s ON s.id = ms.scheme_id WHERE s.code = 'ACTIVITY'");
    const perStep = async () =>
      (await dataSource.query("SELECT step, COUNT(*) AS sends FROM campaign_sends WHERE campaign_id = ? AND status = 'SENT' GROUP BY step ORDER BY step", [daily])).map((row: { step: number; sends: number }) => Number(row.sends));
    expect(await perStep()).toEqual([]);
    clock.advance(86_400_000);
    await services.campaignRunner.runUntilIdle();
    await services.campaignRunner.runUntilIdle();
    expect(await perStep()).toEqual([Number(members)]);
    clock.advance(86_400_000);
    await services.campaignRunner.runUntilIdle();
    expect(await perStep()).toEqual([Number(members), Number(members)]);
    const [{ occurrences }] = await dataSource.query("SELECT COUNT(DISTINCT step) AS occurrences FROM campaign_sends WHERE campaign_id = ?", [daily]);
    expect(Number(occurrences)).toBe(2);
  });

  it("refuses a recurring campaign without a valid schedule, naming the field", async () => {
    const input = { code: "NO_CRON", name: "无", channel: "IN_APP_COUPON", trigger: { kind: "RECURRING", cron: "every monday" }, target: { segmentIds: [1] }, variants: [{ code: "A", message: "x", couponValue: 1 }], budget: 1 };
    await expect(services.campaigns.create(context, input)).rejects.toMatchObject({ extensions: { code: "BAD_USER_INPUT", field: "input.trigger.cron" } });
  });
});
