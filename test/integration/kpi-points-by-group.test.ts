// POINTS_LIABILITY by a breakdown with members moving every way their groups can move: city tier changes (profile
// updates), tier upgrades (purchases) and downgrades (the tier review), segment moves by hand and by evaluation (one
// member, and whole schemes). Against a reference worked out here from the ledger and the histories (the city tier's
// from the changes this test makes: the database keeps none), by day, week and month; then members' points when moves
// and ledger writes race, and when a move's points cannot follow at once (a crash, a busy account).
import { randomUUID } from "node:crypto";
import type { DataSource } from "typeorm";
import { ManualClock } from "../../src/clock";
import { loadConfig, type Config } from "../../src/config";
import { openDatabase } from "../../src/database/data-source";
import { lockingRead, runInTransaction } from "../../src/database/transactions";
import type { JoinChannel } from "../../src/engine";
import { pointsGroupKeys, pointsGroupsFromText, type KpiBreakdown, type KpiGranularity } from "../../src/engine/analytics";
import { PointAccountRecord, type SegmentMoveRecord } from "../../src/entities";
import { createEventBus } from "../../src/events/event-bus";
import { kpiFactsJob } from "../../src/server/scheduled-jobs";
import { createServices, type Services } from "../../src/services";
import { readPointsByDay } from "../../src/services/analytics/kpi-points-facts";
import { readPointsByGroup } from "../../src/services/analytics/points-by-group";
import { currentGroupsOfMembers } from "../../src/services/analytics/member-kpi-facts";
import { SegmentService } from "../../src/services/segments/segment-service";
import { systemContext, type ServiceContext } from "../../src/services/service-context";
import { testDatabaseKinds, type ScratchDatabase, type TestDatabaseKind } from "../support/databases";
import { sqlTime } from "../support/kpi-facts";

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;
const local = (text: string) => new Date(`${text}+08:00`);
const localDay = (instant: Date) => Math.floor((instant.getTime() + 8 * hour) / day);
const staff: ServiceContext = { identity: { kind: "staff", staffUserId: 1, role: "admin" }, requestId: null };
const asDate = (value: unknown) => (value instanceof Date ? value : new Date(`${String(value).replace(" ", "T")}Z`));
const channels: JoinChannel[] = ["APP", "ONLINE", "OFFLINE_STORE", "MINI_PROGRAM"];
const cityTiers = [1, 2, 3, null];
const start = local("2026-05-01T00:00:00");
const end = local("2026-06-16T00:00:00");

interface Fixture {
  scratch: ScratchDatabase;
  dataSource: DataSource;
  config: Config;
  clock: ManualClock;
  services: Services;
  /** BY_TIER: members above the entry tier (re-evaluated by rule); HAND: members are placed by hand. */
  schemes: { byTier: number; hand: number };
  segments: Map<string, number>;
}

async function createFixture(kind: TestDatabaseKind): Promise<Fixture> {
  const scratch = await kind.create();
  const { dataSource } = await openDatabase(scratch.config, { runMigrations: true });
  // A one-month qualification window without grace or permanence: an upgrade's review comes within the test's range.
  const config = { ...loadConfig({ NODE_ENV: "test", TIER_WINDOW_MONTHS: "1", TIER_GRACE_DAYS: "0", PERMANENT_MEMBER_SPEND_YUAN: "10000000" }), database: scratch.config };
  const clock = new ManualClock(new Date(start.getTime() + 9 * hour));
  const services = createServices({ dataSource, clock, config, events: createEventBus(), signInCodeSender: { send: async () => undefined } });
  await services.tiers.ensureDefaultLadder();
  const scheme = async (code: string, segments: { code: string; rule: unknown }[], catchAll: string) =>
    (
      await services.segmentDefinitions.createScheme(systemContext("test"), {
        code, name: code, nameEn: code,
        segments: segments.map((segment) => ({ code: segment.code, name: segment.code, nameEn: segment.code, rule: segment.rule as never })),
        catchAll: { code: catchAll, name: catchAll, nameEn: catchAll },
      })
    ).scheme.id;
  const byTier = await scheme("BY_TIER", [{ code: "ABOVE_ENTRY", rule: { field: "tierRank", op: "gte", value: 1 } }], "ENTRY");
  // Nobody matches A's rule: members land in B and move to A (and back) by hand.
  const hand = await scheme("HAND", [{ code: "A", rule: { field: "tierRank", op: "lt", value: 0 } }], "B");
  const rows: Record<string, unknown>[] = await dataSource.query("SELECT id, code FROM segments");
  const segments = new Map(rows.map((row) => [String(row.code), Number(row.id)] as [string, number]));
  return { scratch, dataSource, config, clock, services, schemes: { byTier, hand }, segments };
}

describe.each(testDatabaseKinds())("points by group on $name", (kind) => {
  let fixture: Fixture;
  const memberIds: number[] = [];
  /** Each member's city tier changes as this test makes them: the database keeps no history of them. */
  const cityChanges = new Map<number, { at: number; cityTier: number }[]>();
  const initialCity = new Map<number, number | null>();
  let orderNumber = 0;

  beforeAll(async () => {
    fixture = await createFixture(kind);
  }, 120_000);

  afterAll(async () => {
    await fixture?.dataSource.destroy();
    await fixture?.scratch.drop();
  });

  const at = (instant: Date) => fixture.clock.advance(instant.getTime() - fixture.clock.now().getTime());
  /** Background rescoring (after purchases and profile changes) re-evaluates the member's segments: wait for it. */
  const settle = () => fixture.services.scoring.idle();

  async function purchase(memberId: number, amount: number): Promise<void> {
    orderNumber += 1;
    await fixture.services.points.earn(staff, { memberId, purchase: { orderId: `G-${orderNumber}`, amount, category: "FOOD", channel: "APP", storeCode: "S-1" } }, randomUUID());
  }
  const award = (memberId: number, points: number) => fixture.services.points.earn(staff, { memberId, points, source: "CAMPAIGN", reason: "Group test" }, randomUUID());
  const redeem = (memberId: number, points: number) => fixture.services.points.redeem(staff, { memberId, points, reason: "Group test" }, randomUUID()).catch(() => undefined);
  async function moveCity(memberId: number, cityTier: number): Promise<void> {
    await fixture.services.members.updateProfile(staff, memberId, { cityTier });
    cityChanges.set(memberId, [...(cityChanges.get(memberId) ?? []), { at: fixture.clock.now().getTime(), cityTier }]);
  }
  const placeByHand = (memberId: number, code: "A" | "B") => fixture.services.segmentPlacements.placeManually(staff, memberId, fixture.segments.get(code)!);

  /**
   * Points held at `periodEnd` by the members in each group then: balances from the entries before it, groups from the
   * histories (tier changes, segment moves of the scheme, this test's city tier changes), the last change before the
   * instant, else where the first change came from, else the group now. Groups holding nothing are left out.
   */
  async function referenceHoldings(breakdown: KpiBreakdown, schemeId: number | null, periodEnd: Date, cityTiersNow = false): Promise<Map<string, number>> {
    const { dataSource } = fixture;
    const query = (sql: string, parameters: unknown[] = []): Promise<Record<string, unknown>[]> => dataSource.query(sql, parameters);
    const balances = await query("SELECT member_id, SUM(amount) AS points FROM point_entries WHERE created_at < ? GROUP BY member_id", [sqlTime(dataSource, periodEnd)]);
    const members = new Map((await query("SELECT m.id, m.join_channel, m.city_tier, t.code AS tier FROM members m JOIN tiers t ON t.id = m.tier_id")).map((row) => [Number(row.id), row]));
    const history = breakdown === "TIER"
      ? (await query("SELECT c.member_id, c.created_at AS happened_at, f.code AS from_group, t.code AS to_group FROM tier_changes c JOIN tiers f ON f.id = c.from_tier_id JOIN tiers t ON t.id = c.to_tier_id ORDER BY c.created_at, c.id"))
      : breakdown === "SEGMENT"
        ? await query("SELECT v.member_id, v.moved_at AS happened_at, f.code AS from_group, t.code AS to_group FROM segment_moves v LEFT JOIN segments f ON f.id = v.from_segment_id JOIN segments t ON t.id = v.to_segment_id WHERE v.scheme_id = ? ORDER BY v.moved_at, v.id", [schemeId])
        : [];
    const placed = new Map((await query("SELECT s.member_id, g.code FROM segment_memberships s JOIN segments g ON g.id = s.segment_id WHERE s.scheme_id = ?", [schemeId ?? 0])).map((row) => [Number(row.member_id), String(row.code)]));
    const groupAt = (memberId: number): string => {
      const member = members.get(memberId)!;
      if (breakdown === "CHANNEL") return String(member.join_channel);
      if (breakdown === "CITY_TIER" && cityTiersNow) return member.city_tier === null ? "UNKNOWN" : String(member.city_tier);
      if (breakdown === "CITY_TIER") {
        const changes = (cityChanges.get(memberId) ?? []).filter((change) => change.at < periodEnd.getTime());
        const cityTier = changes.length > 0 ? changes[changes.length - 1].cityTier : initialCity.get(memberId)!;
        return cityTier === null ? "UNKNOWN" : String(cityTier);
      }
      const own = history.filter((row) => Number(row.member_id) === memberId);
      const before = own.filter((row) => asDate(row.happened_at).getTime() < periodEnd.getTime());
      const value = before.length > 0 ? before[before.length - 1].to_group : own.length > 0 ? own[0].from_group : breakdown === "TIER" ? member.tier : (placed.get(memberId) ?? null);
      return value === null || value === undefined ? "UNPLACED" : String(value);
    };
    const held = new Map<string, number>();
    for (const row of balances) held.set(groupAt(Number(row.member_id)), (held.get(groupAt(Number(row.member_id))) ?? 0) + Number(row.points));
    return new Map([...held].filter(([, points]) => points !== 0));
  }

  async function expectSeriesToMatchReference(granularity: KpiGranularity, breakdown: KpiBreakdown, schemeId: number | null = null, cityTiersNow = false): Promise<number> {
    const points = await fixture.services.kpis.series({ kpi: "POINTS_LIABILITY", granularity, breakdown, from: start, to: end, schemeId });
    const periodEnds = [...new Set(points.map((point) => point.periodEnd.getTime()))];
    expect(periodEnds.length).toBeGreaterThan(0);
    let nonZero = 0;
    for (const periodEnd of periodEnds) {
      const expected = await referenceHoldings(breakdown, schemeId, new Date(periodEnd), cityTiersNow);
      const actual = new Map(points.filter((point) => point.periodEnd.getTime() === periodEnd && point.figures[0].value !== 0).map((point) => [point.group, point.figures[0].value]));
      expect({ granularity, breakdown, periodEnd: new Date(periodEnd).toISOString(), held: Object.fromEntries(actual) }).toEqual({ granularity, breakdown, periodEnd: new Date(periodEnd).toISOString(), held: Object.fromEntries(expected) });
      nonZero += expected.size;
    }
    return nonZero;
  }

  it("matches balances and groups worked out from the histories, every day, week and month, as members change city tier, tier and segment", async () => {
    for (let index = 0; index < 8; index += 1) {
      const member = await fixture.services.members.create(staff, { name: `分组${index}`, phone: `1350000${String(index).padStart(4, "0")}`, joinChannel: channels[index % 4], cityTier: cityTiers[index % 4] }, randomUUID());
      memberIds.push(member.id);
      initialCity.set(member.id, cityTiers[index % 4]);
    }
    // Placed in both schemes at once (the rule scheme's ENTRY, the hand scheme's B).
    await fixture.services.segmentEvaluations.run("MANUAL", "test");
    for (let dayIndex = 0; dayIndex < 46; dayIndex += 1) {
      const dayStart = start.getTime() + dayIndex * day;
      // A minute after local midnight, at noon, a minute before the next midnight.
      for (const [slot, offset] of [minute, 12 * hour, day - minute].entries()) {
        at(new Date(dayStart + offset));
        for (const [position, memberId] of memberIds.entries()) {
          const step = (dayIndex * 3 + slot + position) % 11;
          if (step === 0) await award(memberId, 100 + position * 10);
          if (step === 3 && dayIndex % 4 === position % 4) await purchase(memberId, 350_000 + position * 90_000);
          if (step === 5) await redeem(memberId, 40);
          if (step === 7 && (dayIndex + position) % 6 === 0) await moveCity(memberId, 1 + ((dayIndex + position) % 3));
          if (step === 9 && (dayIndex + position) % 5 === 0) await placeByHand(memberId, (dayIndex + position) % 2 === 0 ? "A" : "B");
          await settle();
        }
        // Whole schemes now and then: the rule scheme moves everyone whose tier crossed its line (the tier review
        // job downgrades after the one-month window).
        if (slot === 1 && dayIndex % 3 === 0) {
          await fixture.services.tierQualification.reviewDue();
          await settle();
          await fixture.services.segmentEvaluations.run("MANUAL", "test");
        }
      }
    }
    at(end);
    const count = async (sql: string) => Number((await fixture.dataSource.query(sql))[0].n);
    expect(await count("SELECT COUNT(*) AS n FROM tier_changes WHERE reason = 'UPGRADE'")).toBeGreaterThan(5);
    expect(await count("SELECT COUNT(*) AS n FROM tier_changes WHERE reason = 'DOWNGRADE'")).toBeGreaterThan(0);
    expect(await count(`SELECT COUNT(*) AS n FROM segment_moves WHERE scheme_id = ${fixture.schemes.byTier} AND reason <> 'INITIAL'`)).toBeGreaterThan(5);
    expect(await count(`SELECT COUNT(*) AS n FROM segment_moves WHERE scheme_id = ${fixture.schemes.hand} AND reason = 'MANUAL'`)).toBeGreaterThan(5);
    expect([...cityChanges.values()].flat().length).toBeGreaterThan(5);
    // Every move's points followed it at once.
    expect(await count("SELECT COUNT(*) AS n FROM kpi_points_regroups")).toBe(0);

    for (const granularity of ["DAY", "WEEK", "MONTH"] as const) {
      for (const breakdown of ["CHANNEL", "CITY_TIER", "TIER"] as const) expect(await expectSeriesToMatchReference(granularity, breakdown)).toBeGreaterThan(0);
      expect(await expectSeriesToMatchReference(granularity, "SEGMENT", fixture.schemes.byTier)).toBeGreaterThan(0);
      expect(await expectSeriesToMatchReference(granularity, "SEGMENT", fixture.schemes.hand)).toBeGreaterThan(0);
    }
  }, 300_000);

  it("backfills the same from the ledger and the histories, except the city tier, which has no history: every entry counts in the member's city tier now", async () => {
    // Undo the migration (and those after it) and run them again.
    for (;;) {
      const [latest] = await fixture.dataSource.query("SELECT name FROM migrations ORDER BY id DESC LIMIT 1");
      await fixture.dataSource.undoLastMigration({ transaction: "each" });
      if (latest.name === "KpiPointsByGroup1765411200000") break;
    }
    await fixture.dataSource.runMigrations({ transaction: "each" });
    for (const granularity of ["DAY", "WEEK", "MONTH"] as const) {
      for (const breakdown of ["CHANNEL", "TIER"] as const) await expectSeriesToMatchReference(granularity, breakdown);
      await expectSeriesToMatchReference(granularity, "CITY_TIER", null, true);
      await expectSeriesToMatchReference(granularity, "SEGMENT", fixture.schemes.byTier);
      await expectSeriesToMatchReference(granularity, "SEGMENT", fixture.schemes.hand);
    }
    // Not what the live sums said: members changed city tier in the range.
    await expect(expectSeriesToMatchReference("DAY", "CITY_TIER")).rejects.toThrow();
  }, 120_000);

  /** Where every member's points sit (the account) is where they are (their groups now), and each group holds exactly their balances. */
  async function expectPointsWhereMembersAre(): Promise<void> {
    const { dataSource } = fixture;
    const accounts: Record<string, unknown>[] = await dataSource.query("SELECT member_id, balance, kpi_groups FROM point_accounts ORDER BY member_id");
    const now = await currentGroupsOfMembers(dataSource.manager, accounts.map((row) => Number(row.member_id)), 480);
    const expected = new Map<string, number>();
    for (const account of accounts) {
      const keys = pointsGroupKeys(pointsGroupsFromText(String(account.kpi_groups)));
      expect([Number(account.member_id), keys]).toEqual([Number(account.member_id), pointsGroupKeys(now.get(Number(account.member_id))!.groups)]);
      for (const key of keys) expected.set(key, (expected.get(key) ?? 0) + Number(account.balance));
    }
    const farFuture = localDay(end) + 1_000;
    const held = new Map<string, number>();
    for (const sum of await readPointsByGroup(dataSource.manager, farFuture)) held.set(sum.groupKey, (held.get(sum.groupKey) ?? 0) + sum.amount);
    expect(Object.fromEntries([...held].filter(([, points]) => points !== 0).sort())).toEqual(Object.fromEntries([...expected].filter(([, points]) => points !== 0).sort()));
    // Day by day, the channels (every member is in one) changed as the programme's points did.
    const channelsByDay = new Map<number, number>();
    for (const sum of await readPointsByGroup(dataSource.manager, farFuture)) if (sum.groupKey.startsWith("channel:")) channelsByDay.set(sum.day, (channelsByDay.get(sum.day) ?? 0) + sum.amount);
    const programme = await readPointsByDay(dataSource.manager, farFuture);
    expect(Object.fromEntries([...channelsByDay].filter(([, points]) => points !== 0))).toEqual(Object.fromEntries(programme.filter((row) => row.points !== 0).map((row) => [row.day, row.points])));
    expect(await dataSource.query("SELECT COUNT(*) AS n FROM kpi_points_regroups")).toEqual([{ n: 0 }]);
  }

  const runJob = async () => (await kpiFactsJob(fixture.dataSource, fixture.clock, fixture.config.programme.utcOffsetMinutes).run()) as { regrouped: number };

  it("moves the points of a member whose move they could not follow at once (a crash just after the move commits) in the kpi-facts job", async () => {
    at(local("2026-06-16T10:00:00"));
    const memberId = memberIds[1];
    // A segment service that never regroups after its moves commit, as if the process had stopped there.
    const crashed = new SegmentService(fixture.dataSource, fixture.clock, createEventBus(), fixture.config.programme.utcOffsetMinutes);
    await placeByHand(memberId, "A");
    await award(memberId, 500);
    // Unpinned, the member goes back to B at their next evaluation (nobody matches A's rule).
    await fixture.dataSource.query("UPDATE segment_memberships SET pinned = 0 WHERE member_id = ? AND scheme_id = ?", [memberId, fixture.schemes.hand]);
    expect(await crashed.evaluateMembers([memberId], "EVENT", { schemeId: fixture.schemes.hand })).toBe(1);
    expect(await fixture.dataSource.query("SELECT member_id FROM kpi_points_regroups")).toEqual([{ member_id: memberId }]);
    const [{ kpi_groups: waiting }] = await fixture.dataSource.query("SELECT kpi_groups FROM point_accounts WHERE member_id = ?", [memberId]);
    expect(pointsGroupKeys(pointsGroupsFromText(String(waiting)))).toContain(`segment:${fixture.schemes.hand}:${fixture.segments.get("A")}`);
    const result = await runJob();
    expect(result.regrouped).toBe(1);
    await expectPointsWhereMembersAre();
  });

  // On MariaDB only: SQLite runs one transaction at a time, so neither interleaving can happen there.
  (kind.name === "sqlite" ? it.skip : it)("carries an entry written while a move was being committed to the new segment, once", async () => {
    at(local("2026-06-16T11:00:00"));
    const memberId = memberIds[2];
    const [{ segment_id: from }] = await fixture.dataSource.query("SELECT segment_id FROM segment_memberships WHERE member_id = ? AND scheme_id = ?", [memberId, fixture.schemes.hand]);
    const to = Number(from) === fixture.segments.get("A") ? fixture.segments.get("B")! : fixture.segments.get("A")!;
    const moves: Omit<SegmentMoveRecord, "id">[] = [{ memberId, schemeId: fixture.schemes.hand, fromSegmentId: Number(from), toSegmentId: to, reason: "MANUAL", movedAt: fixture.clock.now() }];
    // The move as the segment services write it, and, before it commits, a ledger entry of the member in another
    // transaction: it sees the account's groups, where the old segment still is.
    await runInTransaction(fixture.dataSource, async (manager) => {
      await manager.query("SELECT segment_id FROM segment_memberships WHERE member_id = ? AND scheme_id = ? FOR UPDATE", [memberId, fixture.schemes.hand]);
      await manager.query("UPDATE segment_memberships SET segment_id = ? WHERE member_id = ? AND scheme_id = ?", [to, memberId, fixture.schemes.hand]);
      await fixture.services.segments.recordMoves(manager, moves);
      await award(memberId, 777);
    });
    const [{ kpi_groups: waiting }] = await fixture.dataSource.query("SELECT kpi_groups FROM point_accounts WHERE member_id = ?", [memberId]);
    expect(pointsGroupKeys(pointsGroupsFromText(String(waiting)))).toContain(`segment:${fixture.schemes.hand}:${Number(from)}`);
    await fixture.services.segments.committed(moves);
    await expectPointsWhereMembersAre();
  });

  (kind.name === "sqlite" ? it.skip : it)("leaves a member whose account another transaction holds for the next regroup, which moves their points", async () => {
    at(local("2026-06-16T12:00:00"));
    const memberId = memberIds[3];
    let release = () => undefined as void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked = () => undefined as void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holder = runInTransaction(fixture.dataSource, async (manager) => {
      await lockingRead(manager, PointAccountRecord, "account").where("account.memberId = :memberId", { memberId }).getOne();
      locked();
      await held;
    });
    await isLocked;
    try {
      const [{ segment_id: current }] = await fixture.dataSource.query("SELECT segment_id FROM segment_memberships WHERE member_id = ? AND scheme_id = ?", [memberId, fixture.schemes.hand]);
      await placeByHand(memberId, Number(current) === fixture.segments.get("A") ? "B" : "A");
      // The regroup after the move skipped the busy account: the member waits, their points where they were.
      expect(await fixture.dataSource.query("SELECT member_id FROM kpi_points_regroups")).toEqual([{ member_id: memberId }]);
      // Another member waiting beside them (their move's regroup never ran) is regrouped in the same batch, without
      // waiting for the busy account.
      const other = memberIds[4];
      await placeByHand(other, "A");
      await fixture.dataSource.query("UPDATE segment_memberships SET pinned = 0 WHERE member_id = ? AND scheme_id = ?", [other, fixture.schemes.hand]);
      expect(await new SegmentService(fixture.dataSource, fixture.clock, createEventBus(), fixture.config.programme.utcOffsetMinutes).evaluateMembers([other], "EVENT", { schemeId: fixture.schemes.hand })).toBe(1);
      expect((await runJob()).regrouped).toBe(1);
      expect(await fixture.dataSource.query("SELECT member_id FROM kpi_points_regroups")).toEqual([{ member_id: memberId }]);
    } finally {
      release();
      await holder;
    }
    expect((await runJob()).regrouped).toBe(1);
    await expectPointsWhereMembersAre();
  });

  it("loses and doubles no point when ledger writes, purchases that change tiers, city tier changes, segment moves, evaluations and regroups race", async () => {
    at(local("2026-06-17T23:59:59"));
    const { services } = fixture;
    const work = memberIds.flatMap((memberId, position) => [
      ...Array.from({ length: 5 }, (_, index) => award(memberId, 10 + index + position)),
      purchase(memberId, 400_000 + position * 50_000),
      purchase(memberId, 800_000),
      redeem(memberId, 25),
      redeem(memberId, 15),
      moveCity(memberId, 1 + (position % 3)),
      moveCity(memberId, 1 + ((position + 1) % 3)),
      placeByHand(memberId, position % 2 === 0 ? "A" : "B"),
      placeByHand(memberId, position % 2 === 0 ? "B" : "A"),
      services.segments.evaluateMembers([memberId], "EVENT"),
    ]);
    const evaluations = [services.segmentEvaluations.run("MANUAL", "race"), services.segments.evaluateAll("SCHEDULE")];
    const jobs = Array.from({ length: 3 }, () => runJob());
    await Promise.all([...work, ...evaluations, ...jobs]);
    await settle();
    // What the regroups after the moves skipped (accounts busy at that moment), the job moves.
    while ((await runJob()).regrouped > 0);
    await settle();
    while ((await runJob()).regrouped > 0);
    await expectPointsWhereMembersAre();
  }, 120_000);
});
