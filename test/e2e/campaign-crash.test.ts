// Exactly-once delivery across a crash: a real child process runs a campaign, is killed with SIGKILL in the middle,
// and a second one finishes it. Every member ends with one send, one coupon, one points entry and one webhook
// delivery: nothing repeated, nothing lost.
import type { DataSource } from "typeorm";
import { systemClock } from "../../src/clock";
import { loadConfig } from "../../src/config";
import { openDatabase } from "../../src/database/data-source";
import { createEventBus } from "../../src/events/event-bus";
import { PersonalDataCipher } from "../../src/privacy/personal-data-cipher";
import { seedDemoData } from "../../src/seed/demo-data";
import { createServices } from "../../src/services";
import type { ServiceContext } from "../../src/services/service-context";
import { databaseUrlOf, runCommandToEnd, startCommand } from "../support/cli";
import { testDatabaseKinds, type ScratchDatabase } from "../support/databases";

const members = 1_500;
const admin: ServiceContext = { identity: { kind: "staff", staffUserId: 1, role: "admin" }, requestId: null };

describe.each(testDatabaseKinds())("a campaign run killed and restarted on $name", (kind) => {
  let scratch: ScratchDatabase;
  let dataSource: DataSource;
  let campaignId: number;

  beforeAll(async () => {
    scratch = await kind.create();
    ({ dataSource } = await openDatabase(scratch.config, { runMigrations: true }));
    const config = { ...loadConfig({ NODE_ENV: "test" }), database: scratch.config };
    await seedDemoData(dataSource, { members, seed: 23, clock: systemClock, cipher: new PersonalDataCipher(config.personalDataKey), withDemoStaff: false });
    const services = createServices({ dataSource, clock: systemClock, config, events: createEventBus(), signInCodeSender: { send: async () => undefined } });
    await services.segments.ensureBuiltInSchemes();
    await services.segmentEvaluations.run("COMMAND_LINE", "test");
    await services.webhooks.createEndpoint(admin, { url: "http://127.0.0.1:9/never-called", eventTypes: ["CAMPAIGN_MESSAGE"], schemeId: null });
    const activity: number[] = (await dataSource.query("SELECT g.id AS id FROM segments g JOIN segment_schemes s ON s.id = g.scheme_id WHERE s.code = 'ACTIVITY'")).map((row: { id: number }) => Number(row.id));
    // An in-app coupon: no consent, cap or quiet hours stand between the run and every member, whatever the hour.
    const campaign = await services.campaigns.create(admin, {
      code: "CRASH",
      name: "断电测试",
      channel: "IN_APP_COUPON",
      trigger: { kind: "ONE_SHOT" },
      target: { segmentIds: activity },
      variants: [{ code: "A", message: "{{name}}: {{couponCode}}", rewardPoints: 5, couponValue: 100 }],
      budget: 10_000_000,
    });
    campaignId = campaign.id;
    await services.campaigns.act(admin, campaignId, "SCHEDULE");
  }, 120_000);

  afterAll(async () => {
    await dataSource?.destroy();
    await scratch?.drop();
  });

  const count = async (sql: string) => Number((await dataSource.query(sql, [campaignId]))[0].n);

  it("delivers each send exactly once", async () => {
    const environment = { DATABASE_URL: databaseUrlOf(scratch.config), CAMPAIGN_BATCH_SIZE: "10", LOG_LEVEL: "silent" };
    const first = startCommand("run-jobs.ts", ["campaigns"], environment);
    // Killed once some sends are made, well before all of them.
    const deadline = Date.now() + 60_000;
    while ((await count("SELECT COUNT(*) AS n FROM campaign_sends WHERE campaign_id = ? AND status = 'SENT'")) < 100) {
      if (Date.now() > deadline || first.child.exitCode !== null) throw new Error(`the first run never got going: ${first.stderr()}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    first.child.kill("SIGKILL");
    await first.exited;
    const sentAtCrash = await count("SELECT COUNT(*) AS n FROM campaign_sends WHERE campaign_id = ? AND status = 'SENT'");
    expect(sentAtCrash).toBeLessThan(members);

    const second = await runCommandToEnd("run-jobs.ts", ["campaigns"], environment);
    expect(second.code).toBe(0);

    expect(await count("SELECT COUNT(*) AS n FROM campaign_sends WHERE campaign_id = ?")).toBe(members);
    expect(await count("SELECT COUNT(*) AS n FROM campaign_sends WHERE campaign_id = ? AND status = 'SENT'")).toBe(members);
    expect(await count("SELECT COUNT(DISTINCT member_id) AS n FROM campaign_sends WHERE campaign_id = ?")).toBe(members);
    expect(await count("SELECT COUNT(*) AS n FROM coupons WHERE campaign_id = ?")).toBe(members);
    expect(await count("SELECT COUNT(DISTINCT member_id) AS n FROM coupons WHERE campaign_id = ?")).toBe(members);
    expect(await count("SELECT COUNT(*) AS n FROM point_entries WHERE source = 'CAMPAIGN' AND reason = 'campaign CRASH' AND ? > 0")).toBe(members);
    expect(await count("SELECT COUNT(DISTINCT event_id) AS n FROM webhook_deliveries WHERE event_type = 'CAMPAIGN_MESSAGE' AND ? > 0")).toBe(members);
    expect(await count("SELECT COUNT(*) AS n FROM webhook_deliveries WHERE event_type = 'CAMPAIGN_MESSAGE' AND ? > 0")).toBe(members);
    const [campaign] = await dataSource.query("SELECT state, spent FROM campaigns WHERE id = ?", [campaignId]);
    expect({ state: campaign.state, spent: Number(campaign.spent) }).toEqual({ state: "COMPLETED", spent: members * 105 });
  }, 120_000);
});
