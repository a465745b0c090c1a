// The programme-wide daily points facts behind POINTS_LIABILITY without a breakdown: the change rows the ledger
// appends, the fold into days (partial, full, and two at once), the migration's backfill, and the liability read from
// them against plain SQL over point_entries, with entries a minute either side of local midnight (UTC+8).
import { randomUUID } from "node:crypto";
import type { DataSource } from "typeorm";
import { backfillPointsDaily } from "../../migrations/1765065600001-kpi-points-facts";
import { ManualClock } from "../../src/clock";
import { loadConfig } from "../../src/config";
import { openDatabase } from "../../src/database/data-source";
import { runInTransaction } from "../../src/database/transactions";
import { createEventBus } from "../../src/events/event-bus";
import { createServices, type Services } from "../../src/services";
import { foldPointChanges } from "../../src/services/analytics/kpi-points-facts";
import type { ServiceContext } from "../../src/services/service-context";
import { testDatabaseKinds, type ScratchDatabase } from "../support/databases";
import { sqlTime } from "../support/kpi-facts";

const minute = 60_000;
const day = 86_400_000;
const local = (text: string) => new Date(`${text}+08:00`);
const localDayOf = (instant: Date, offsetMinutes = 480) => Math.floor((instant.getTime() + offsetMinutes * minute) / day);
const staff: ServiceContext = { identity: { kind: "staff", staffUserId: 1, role: "admin" }, requestId: null };

describe.each(testDatabaseKinds())("daily points facts on $name", (kind) => {
  let scratch: ScratchDatabase;
  let dataSource: DataSource;
  let services: Services;
  let clock: ManualClock;
  const memberIds: number[] = [];
  let orderNumber = 0;

  beforeAll(async () => {
    scratch = await kind.create();
    ({ dataSource } = await openDatabase(scratch.config, { runMigrations: true }));
    const config = { ...loadConfig({ NODE_ENV: "test", POINT_VALUE_FEN: "2" }), database: scratch.config };
    clock = new ManualClock(local("2026-02-27T09:00:00"));
    services = createServices({ dataSource, clock, config, events: createEventBus(), signInCodeSender: { send: async () => undefined } });
    await services.tiers.ensureDefaultLadder();
    for (let index = 0; index < 4; index += 1) {
      const member = await services.members.create(staff, { name: `积分${index}`, phone: `1370000${String(index).padStart(4, "0")}`, joinChannel: "APP" }, randomUUID());
      memberIds.push(member.id);
    }
  }, 60_000);

  afterAll(async () => {
    await dataSource?.destroy();
    await scratch?.drop();
  });

  const at = (instant: Date) => clock.advance(instant.getTime() - clock.now().getTime());

  /**
   * Earns, purchases, a refund (claw-back), redemptions and adjustments of every member on the local days from
   * `firstDay` on, each day a minute before and a minute after local midnight and at noon. The clock only moves on.
   */
  async function writeEntries(firstDay: string, days: number): Promise<void> {
    const start = local(`${firstDay}T00:00:00`).getTime();
    for (let dayIndex = 0; dayIndex < days; dayIndex += 1) {
      for (const offset of [-minute, 12 * 3_600_000, day - minute]) {
        at(new Date(start + dayIndex * day + offset));
        for (const [position, memberId] of memberIds.entries()) {
          const step = (dayIndex + position) % 4;
          if (step === 0) await services.points.earn(staff, { memberId, points: 100 + position, source: "CAMPAIGN", reason: "Facts test" }, randomUUID());
          if (step === 1) {
            orderNumber += 1;
            const orderId = `F-${orderNumber}`;
            await services.points.earn(staff, { memberId, purchase: { orderId, amount: 25_000 + position * 100, category: "FOOD", channel: "APP", storeCode: "S-1" } }, randomUUID());
            if (orderNumber % 3 === 0) await services.points.refund(staff, { orderId, amount: 10_000 }, randomUUID());
          }
          if (step === 2) await services.points.adjust(staff, { memberId, points: -7, reason: "Facts test" }, randomUUID()).catch(() => undefined);
          if (step === 3) await services.points.redeem(staff, { memberId, points: 30, reason: "Facts test" }, randomUUID()).catch(() => undefined);
        }
      }
    }
  }

  /** The ledger's entry amounts per local day, computed here from created_at. */
  async function ledgerByDay(offsetMinutes = 480): Promise<Map<number, number>> {
    const entries: { created_at: unknown; amount: unknown }[] = await dataSource.query("SELECT created_at, amount FROM point_entries");
    const byDay = new Map<number, number>();
    for (const entry of entries) {
      const createdAt = entry.created_at instanceof Date ? entry.created_at : new Date(`${String(entry.created_at).replace(" ", "T")}Z`);
      const key = localDayOf(createdAt, offsetMinutes);
      byDay.set(key, (byDay.get(key) ?? 0) + Number(entry.amount));
    }
    return new Map([...byDay].filter(([, points]) => points !== 0).sort(([first], [second]) => first - second));
  }

  async function tableByDay(table: "kpi_points_daily" | "kpi_points_changes"): Promise<Map<number, number>> {
    const rows: { day: unknown; points: unknown }[] = await dataSource.query(`SELECT day, SUM(points) AS points FROM ${table} GROUP BY day ORDER BY day`);
    return new Map(rows.map((row) => [Number(row.day), Number(row.points)] as [number, number]).filter(([, points]) => points !== 0));
  }

  async function count(table: string): Promise<number> {
    const [row] = await dataSource.query(`SELECT COUNT(*) AS n FROM ${table}`);
    return Number(row.n);
  }

  const fold = (limit?: number) => runInTransaction(dataSource, (manager) => foldPointChanges(manager, { limit, now: clock.now() }));

  /** POINTS_LIABILITY by day and by month without a breakdown, each period against SUM(amount) before its end. */
  async function expectLiabilityToMatchLedger(): Promise<void> {
    const series = [
      { granularity: "DAY" as const, from: local("2026-02-26T00:00:00"), to: local("2026-03-12T00:00:00") },
      { granularity: "MONTH" as const, from: local("2026-01-01T00:00:00"), to: local("2026-05-01T00:00:00") },
    ];
    for (const { granularity, from, to } of series) {
      const points = await services.kpis.series({ kpi: "POINTS_LIABILITY", granularity, breakdown: "NONE", from, to, schemeId: null });
      expect(points.length).toBeGreaterThan(3);
      for (const point of points) {
        const [row] = await dataSource.query("SELECT COALESCE(SUM(amount), 0) AS points FROM point_entries WHERE created_at < ?", [sqlTime(dataSource, point.periodEnd)]);
        const outstanding = point.figures.find((figure) => figure.name === "outstandingPoints")?.value;
        expect({ period: point.periodLabel, outstanding }).toEqual({ period: point.periodLabel, outstanding: Number(row.points) });
        expect(point.value).toBe(Number(row.points) * 2);
      }
    }
  }

  it("appends a change on the entry's local day with every ledger entry, in its transaction", async () => {
    await writeEntries("2026-03-01", 4);
    const [entries] = await dataSource.query("SELECT COUNT(*) AS n FROM point_entries WHERE amount <> 0");
    expect(Number(entries.n)).toBeGreaterThan(30);
    expect(await count("kpi_points_changes")).toBe(Number(entries.n));
    expect(await count("kpi_points_daily")).toBe(0);
    const expected = await ledgerByDay();
    // Entries a minute either side of a local midnight land on two days: the last day of February has some.
    expect([...expected.keys()]).toContain(localDayOf(local("2026-02-28T23:59:00")));
    expect(await tableByDay("kpi_points_changes")).toEqual(expected);
  });

  it("gives the liability from the facts before a fold, after a partial fold and after a full fold", async () => {
    await expectLiabilityToMatchLedger();

    const before = await count("kpi_points_changes");
    expect(await fold(5)).toBe(5);
    expect(await count("kpi_points_changes")).toBe(before - 5);
    expect(await count("kpi_points_daily")).toBeGreaterThan(0);
    await expectLiabilityToMatchLedger();

    expect(await fold(17)).toBe(17);
    await expectLiabilityToMatchLedger();

    let folded = 0;
    for (let batch = await fold(); batch > 0; batch = await fold()) folded += batch;
    expect(folded).toBe(before - 22);
    expect(await count("kpi_points_changes")).toBe(0);
    expect(await tableByDay("kpi_points_daily")).toEqual(await ledgerByDay());
    await expectLiabilityToMatchLedger();
    const [state] = await dataSource.query("SELECT folded_at FROM kpi_fold_state WHERE name = 'points'");
    expect(state.folded_at).not.toBeNull();

    // New entries on a day already folded (a minute before 5 March) and on later ones sit beside the folded sums
    // until the next fold.
    await writeEntries("2026-03-05", 2);
    expect(await count("kpi_points_changes")).toBeGreaterThan(0);
    await expectLiabilityToMatchLedger();
    expect(await fold(4)).toBe(4);
    await expectLiabilityToMatchLedger();
    while ((await fold()) > 0);
    expect(await tableByDay("kpi_points_daily")).toEqual(await ledgerByDay());
    await expectLiabilityToMatchLedger();
  }, 60_000);

  it("backfills the days from the ledger written before the migration", async () => {
    // Undo the migration (and those after it), leaving entries its tables never saw, and run them again.
    for (;;) {
      const [latest] = await dataSource.query("SELECT name FROM migrations ORDER BY id DESC LIMIT 1");
      await dataSource.undoLastMigration({ transaction: "each" });
      if (latest.name === "KpiPointsFacts1765065600001") break;
    }
    const queryRunner = dataSource.createQueryRunner();
    try {
      expect(await queryRunner.hasTable("kpi_points_daily")).toBe(false);
    } finally {
      await queryRunner.release();
    }
    await dataSource.runMigrations({ transaction: "each" });
    expect(await count("kpi_points_changes")).toBe(0);
    expect(await tableByDay("kpi_points_daily")).toEqual(await ledgerByDay());
    expect(await dataSource.query("SELECT name FROM kpi_fold_state ORDER BY name")).toEqual([{ name: "activity" }, { name: "daily" }, { name: "points" }]);
    await expectLiabilityToMatchLedger();

    // The day expressions with another offset (India, +5:30), against the days counted here.
    const runner = dataSource.createQueryRunner();
    try {
      await runner.query("DELETE FROM kpi_points_daily");
      await backfillPointsDaily(runner, 330);
      expect(await tableByDay("kpi_points_daily")).toEqual(await ledgerByDay(330));
      await runner.query("DELETE FROM kpi_points_daily");
      await backfillPointsDaily(runner, 480);
    } finally {
      await runner.release();
    }
    expect(await tableByDay("kpi_points_daily")).toEqual(await ledgerByDay());
  }, 60_000);

  it("folds each change exactly once when folds run at once, and while the ledger is written", async () => {
    at(local("2026-03-08T23:58:00"));
    // Members' commands in parallel (on MariaDB each in its own transaction; SQLite queues them).
    const earn = (memberId: number, points: number) => services.points.earn(staff, { memberId, points, source: "CAMPAIGN", reason: "Race" }, randomUUID());
    await Promise.all(memberIds.flatMap((memberId, position) => Array.from({ length: 10 }, (_, index) => earn(memberId, 10 + position + index))));
    const waiting = await count("kpi_points_changes");
    expect(waiting).toBe(40);
    const results = await Promise.all([fold(), fold(), fold(15), fold(7)]);
    expect(results.reduce((sum, folded) => sum + folded, 0)).toBe(waiting);
    expect(await count("kpi_points_changes")).toBe(0);
    expect(await tableByDay("kpi_points_daily")).toEqual(await ledgerByDay());

    // Folds racing writes across local midnight: every change is folded once, by one fold or the last.
    at(local("2026-03-09T23:59:50"));
    const writes = memberIds.flatMap((memberId, position) => Array.from({ length: 8 }, (_, index) => earn(memberId, 5 + position * 8 + index)));
    const folds = Array.from({ length: 6 }, (_, index) => fold(3 + index));
    const moveClock = new Promise<void>((resolve) => setTimeout(() => resolve(at(local("2026-03-10T00:00:10"))), 5));
    const later = moveClock.then(() => Promise.all(memberIds.map((memberId) => earn(memberId, 1_000))));
    await Promise.all([...writes, ...folds, later]);
    while ((await fold()) > 0);
    expect(await count("kpi_points_changes")).toBe(0);
    expect(await tableByDay("kpi_points_daily")).toEqual(await ledgerByDay());
    await expectLiabilityToMatchLedger();
  }, 60_000);
});
