// The KPI facts under concurrency and across restarts: a member's app events and their purchases recorded at the
// same moment (on MariaDB in parallel transactions, one of them whose snapshot began before the other's row was
// written) keep the facts equal to a rebuild from the daily rows; the migration's and an interrupted rebuild's mark makes the server rebuild
// at start; and a series whose periods have no activity still reports the retention of the period before.
import { randomUUID } from "node:crypto";
import type { DataSource } from "typeorm";
import { ManualClock } from "../../src/clock";
import { loadConfig, type Config } from "../../src/config";
import { openDatabase } from "../../src/database/data-source";
import { runInTransaction } from "../../src/database/transactions";
import { noEventDetails } from "../../src/entities";
import { createEventBus } from "../../src/events/event-bus";
import { createServices, type Services } from "../../src/services";
import { foldAllFactChanges } from "../../src/services/analytics/kpi-fact-store";
import { ensureKpiFacts, rebuildKpiFacts } from "../../src/services/analytics/kpi-facts-rebuild";
import { systemContext, type ServiceContext } from "../../src/services/service-context";
import { testDatabaseKinds, type ScratchDatabase } from "../support/databases";

const local = (text: string) => new Date(`${text}+08:00`);
const staff: ServiceContext = { identity: { kind: "staff", staffUserId: 1, role: "admin" }, requestId: null };
const counters = "logins + interactions + orders + ABS(spend) + login_days + login_members + active_members + order_members + repeat_members + retained";

describe.each(testDatabaseKinds())("KPI facts under concurrency on $name", (kind) => {
  let scratch: ScratchDatabase;
  let dataSource: DataSource;
  let services: Services;
  let config: Config;
  let clock: ManualClock;
  const memberIds: number[] = [];

  beforeAll(async () => {
    scratch = await kind.create();
    ({ dataSource } = await openDatabase(scratch.config, { runMigrations: true }));
    config = { ...loadConfig({ NODE_ENV: "test" }), database: scratch.config };
    clock = new ManualClock(local("2026-03-31T23:50:00"));
    services = createServices({ dataSource, clock, config, events: createEventBus(), signInCodeSender: { send: async () => undefined } });
    await services.tiers.ensureDefaultLadder();
    for (let index = 0; index < 12; index += 1) {
      const member = await services.members.create(staff, { name: `并发${index}`, phone: `1360000${String(index).padStart(4, "0")}`, joinChannel: index % 2 === 0 ? "APP" : "ONLINE" }, randomUUID());
      memberIds.push(member.id);
    }
  }, 60_000);

  afterAll(async () => {
    await dataSource?.destroy();
    await scratch?.drop();
  });

  const factRows = (): Promise<Record<string, unknown>[]> =>
    dataSource.query(`SELECT * FROM kpi_facts WHERE ${counters} <> 0 ORDER BY granularity, period_first_day, scheme_id, channel, city_tier, tier_id, segment_id`);

  /** Folds what events appended, then checks the facts are those a rebuild computes from the daily rows. */
  async function expectFactsToEqualRebuild(): Promise<Record<string, unknown>[]> {
    await foldAllFactChanges(dataSource, clock.now());
    const kept = await factRows();
    await rebuildKpiFacts(dataSource, config.programme.utcOffsetMinutes);
    expect(await factRows()).toEqual(kept);
    return kept;
  }

  it("keeps each member counted once when their logins and purchases are recorded at the same time", async () => {
    let orderNumber = 0;
    // Each round is every member's first activity of a new local day (and, in the first round, of April and a week).
    for (const moment of ["2026-04-01T00:01:00", "2026-04-02T09:00:00", "2026-04-06T00:00:30"]) {
      clock.advance(local(moment).getTime() - clock.now().getTime());
      await Promise.all(
        memberIds.flatMap((memberId) => {
          orderNumber += 1;
          const orderId = `RACE-${orderNumber}`;
          return [
            services.behaviourEvents.recordEvents(systemContext("race"), [{ source: "app", externalId: `login-${orderId}`, memberId, occurredAt: clock.now(), kind: "LOGIN" }], { awardPoints: true, rescore: false }),
            services.points.earn(staff, { memberId, purchase: { orderId, amount: 30_000, category: "FOOD", channel: "APP", storeCode: "S-1" } }, randomUUID()),
            services.behaviourEvents.recordEvents(systemContext("race"), [{ source: "app", externalId: `browse-${orderId}`, memberId, occurredAt: clock.now(), kind: "BROWSE" }], { awardPoints: true, rescore: false }),
          ];
        }),
      );
    }
    const kept = await expectFactsToEqualRebuild();
    // April: every member active once, each with three orders.
    const april = kept.filter((row) => row.granularity === "MONTH" && Number(row.scheme_id) === 0 && Number(row.period_first_day) === Date.UTC(2026, 3, 1) / 86_400_000);
    const sum = (name: string) => april.reduce((total, row) => total + Number(row[name]), 0);
    expect([sum("active_members"), sum("login_members"), sum("repeat_members"), sum("orders")]).toEqual([memberIds.length, memberIds.length, memberIds.length, 3 * memberIds.length]);
    const series = await services.kpis.series({ kpi: "ACTIVE_MEMBERS", granularity: "DAY", breakdown: "NONE", from: local("2026-04-01T00:00:00"), to: local("2026-04-03T00:00:00"), schemeId: null });
    expect(series.map((point) => point.value)).toEqual([memberIds.length, memberIds.length]);
  }, 120_000);

  // Deterministic on MariaDB: the transaction's snapshot begins before another transaction records the member's first
  // activity of the day, then this one takes the member's lock and records theirs. SQLite runs one transaction at a
  // time, so the interleaving cannot happen there.
  (kind.name === "sqlite" ? it.skip : it)("counts a member's row written after the transaction's snapshot began once", async () => {
    clock.advance(local("2026-04-07T10:00:00").getTime() - clock.now().getTime());
    const memberId = memberIds[0];
    await runInTransaction(dataSource, async (manager) => {
      await manager.query("SELECT COUNT(*) AS n FROM point_lots WHERE member_id = ?", [memberId]);
      await services.behaviourEvents.recordEvents(systemContext("race"), [{ source: "app", externalId: "snapshot-login", memberId, occurredAt: clock.now(), kind: "LOGIN" }], { awardPoints: true, rescore: false });
      const now = clock.now();
      await services.activity.record(
        manager,
        { ...noEventDetails, memberId, source: "test", externalId: "snapshot-order", kind: "ORDER", occurredAt: now, receivedAt: now, amount: 5_000, channel: "APP", storeCode: "S-1" },
        [{ day: services.activity.dayOf(now), orders: 1, spend: 5_000 }],
        { orderAt: now },
        now,
      );
    });
    const kept = await expectFactsToEqualRebuild();
    const day = kept.filter((row) => row.granularity === "DAY" && Number(row.scheme_id) === 0 && Number(row.period_first_day) === services.activity.dayOf(clock.now()));
    expect(day.reduce((total, row) => total + Number(row.active_members), 0)).toBe(1);
  });

  it("reports the retention of a period's actives even when the series' own periods have no activity", async () => {
    // May has not begun on the clock: April's actives are all lost so far, by channel too.
    const churn = await services.kpis.series({ kpi: "CHURN_RATE", granularity: "MONTH", breakdown: "CHANNEL", from: local("2026-05-01T00:00:00"), to: local("2026-06-01T00:00:00"), schemeId: null });
    expect(churn.map((point) => [point.group, point.value, point.figures.find((figure) => figure.name === "activeBefore")!.value]).sort()).toEqual([
      ["APP", 1, memberIds.length / 2],
      ["ONLINE", 1, memberIds.length / 2],
    ]);
  });

  it("rebuilds at start when the migration or an interrupted rebuild left its mark, and not otherwise", async () => {
    const kept = await factRows();
    expect(await ensureKpiFacts(dataSource, config.programme.utcOffsetMinutes)).toBe(false);
    // An interrupted rebuild: its mark stays, and the facts are whatever it found.
    await dataSource.query("INSERT INTO kpi_fold_state (name, folded_at) VALUES ('rebuild', NULL)");
    await dataSource.query("UPDATE kpi_facts SET active_members = active_members + 5");
    expect(await ensureKpiFacts(dataSource, config.programme.utcOffsetMinutes)).toBe(true);
    expect(await factRows()).toEqual(kept);
    expect(await dataSource.query("SELECT name FROM kpi_fold_state WHERE name = 'rebuild'")).toEqual([]);
    expect(await ensureKpiFacts(dataSource, config.programme.utcOffsetMinutes)).toBe(false);
  });
});
