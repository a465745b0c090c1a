// Tier distribution and migration while the tier population is being written and folded: a read never sees a fold
// half done (SQLite shares one connection between a fold's transaction and other requests' reads), the matrix's
// reads see one state of the tier history even when a change commits between them, and joins, upgrades and folds
// at once leave the population equal to the tier history.
import type { DataSource, EntityManager } from "typeorm";
import { TierHistoryBaseline } from "../../bench/tier-history-baseline";
import { runInTransaction } from "../../src/database/transactions";
import { foldDailyChanges } from "../../src/services/analytics/kpi-daily-sums";
import { systemContext } from "../../src/services/service-context";
import { testDatabaseKinds } from "../support/databases";
import { startTestApplication, type TestApplication } from "../support/test-application";

describe.each(testDatabaseKinds())("tier analytics under writes and folds on $name", (kind) => {
  let test: TestApplication;
  let dataSource: DataSource;

  beforeAll(async () => {
    test = await startTestApplication(kind);
    dataSource = test.application.database.dataSource;
  });

  afterAll(async () => {
    await test?.close();
  });

  const moveClockTo = (instant: string) => test.clock.advance(new Date(instant).getTime() - test.clock.now().getTime());
  const analytics = () => test.application.services.tierAnalytics;
  const distribution = async (at: Date) => Object.fromEntries((await analytics().distribution(at)).filter((count) => count.members !== 0).map((count) => [String(count.tier.id), count.members]));
  const migration = async (from: Date, to: Date) =>
    Object.fromEntries((await analytics().migration(from, to)).filter((cell) => cell.members !== 0).map((cell) => [`${cell.fromTier?.id ?? null}:${cell.toTier.id}`, cell.members]));
  /** An order large enough to upgrade the member at once (tier qualification runs in the order's transaction). */
  const bigOrder = (memberId: number, externalId: string, amount = 5_000_000) =>
    test.application.services.behaviourEvents.recordEvents(
      systemContext("tier-analytics-test"),
      [{ source: "test", externalId, memberId, occurredAt: test.clock.now(), kind: "ORDER", amount, channel: "APP", storeCode: "S1" }],
      { awardPoints: true, rescore: false },
    );
  const foldAll = async () => {
    while ((await runInTransaction(dataSource, (manager) => foldDailyChanges(manager))) > 0);
  };

  it("never reads a fold half done: a read started between the fold's insert of the sums and its delete of the changes counts each member once", async () => {
    moveClockTo("2026-12-06T02:00:00Z");
    for (let index = 0; index < 3; index += 1) await test.createMember();
    const later = new Date("2026-12-20T00:00:00Z");
    const settled = await distribution(later);
    let during: Promise<Record<string, number>> | undefined;
    await runInTransaction(dataSource, async (manager) => {
      const query = manager.query.bind(manager);
      // Another request's read, started at the await after the fold has added the changes into the sums and before it deletes them.
      (manager as { query: EntityManager["query"] }).query = async (sql: string, parameters?: unknown[]) => {
        const result = await query(sql, parameters);
        if (sql.startsWith("INSERT INTO kpi_daily_sums")) during = distribution(later);
        return result;
      };
      expect(await foldDailyChanges(manager)).toBeGreaterThan(0);
    });
    expect(during).toBeDefined();
    expect(await during).toEqual(settled);
  });

  it("reads one state of the tier history for the matrix, even when a change commits between its reads", async () => {
    moveClockTo("2026-12-05T02:00:00Z");
    const member = await test.createMember();
    moveClockTo("2026-12-05T03:00:00Z");
    const from = new Date("2026-12-05T02:30:00Z");
    const to = new Date("2026-12-05T06:00:00Z");
    const before = await migration(from, to);
    const service = analytics() as unknown as { movedBetween: (manager: EntityManager, from: Date, to: Date) => Promise<unknown> };
    const original = service.movedBetween.bind(service);
    let upgrade: Promise<unknown> | undefined;
    service.movedBetween = async (manager, rangeFrom, rangeTo) => {
      // The upgrade commits at 03:00, inside (from, to], after the populations were read. On SQLite it waits for
      // the read's transaction; on MariaDB it commits at once, outside the read's snapshot.
      upgrade = bigOrder(member.id, "tier-race");
      if (kind.name !== "sqlite") await upgrade;
      return original(manager, rangeFrom, rangeTo);
    };
    let racing: Record<string, number>;
    try {
      racing = await migration(from, to);
    } finally {
      service.movedBetween = original;
    }
    await upgrade;
    const after = await migration(from, to);
    expect(after).not.toEqual(before);
    expect(racing).toEqual(before);
  });

  it("keeps the population equal to the tier history through joins, upgrades and folds at once", async () => {
    moveClockTo("2026-12-07T02:00:00Z");
    const members = await Promise.all(Array.from({ length: 12 }, () => test.createMember()));
    const work: Promise<unknown>[] = [];
    members.forEach((member, index) => work.push(bigOrder(member.id, `tier-concurrent-${index}`, 400_000 * (1 + (index % 5)))));
    for (let index = 0; index < 6; index += 1) work.push(runInTransaction(dataSource, (manager) => foldDailyChanges(manager, { limit: 3 })));
    for (let index = 0; index < 6; index += 1) work.push(test.createMember());
    await Promise.all(work);
    const baseline = new TierHistoryBaseline(dataSource);
    const later = new Date("2026-12-20T00:00:00Z");
    const expected = Object.fromEntries([...(await baseline.distribution(later))].filter(([, members]) => members !== 0).map(([tierId, members]) => [String(tierId), members]));
    expect(Object.keys(expected).length).toBeGreaterThan(1);
    expect(await distribution(later)).toEqual(expected);
    await foldAll();
    expect(await distribution(later)).toEqual(expected);
  });
});
