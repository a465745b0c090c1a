// Members, logins, interactions, orders and a refund on known days, written through the real services with the clock at each
// moment, so the daily facts, the ledger and the tier history are what production would have. Used by the KPI
// suites; times sit on both sides of local midnight (UTC+8) on purpose.
import { randomUUID } from "node:crypto";
import type { DataSource } from "typeorm";
import { ManualClock } from "../../src/clock";
import { loadConfig, type Config } from "../../src/config";
import { openDatabase } from "../../src/database/data-source";
import type { JoinChannel } from "../../src/engine";
import { createRandom } from "../../src/engine/random";
import { createEventBus } from "../../src/events/event-bus";
import { createServices, type Services } from "../../src/services";
import type { BehaviourEventInput } from "../../src/services/behaviour/event-input";
import { systemContext } from "../../src/services/service-context";
import type { ScratchDatabase, TestDatabaseKind } from "./databases";

export interface KpiFacts {
  scratch: ScratchDatabase;
  dataSource: DataSource;
  config: Config;
  clock: ManualClock;
  services: Services;
  memberIds: number[];
  /** The test scheme whose segments (EVEN, ODD) hold all members but the last, from a millisecond after they join. */
  schemeId: number;
  close(): Promise<void>;
}

const hour = 3_600_000;
const day = 24 * hour;
const channels: JoinChannel[] = ["OFFLINE_STORE", "ONLINE", "APP", "MINI_PROGRAM"];
const cityTiers = [1, 2, 3, null];

type Action = { at: Date; run: () => Promise<void> };

/** Local midnight of 2026-01-05 at UTC+8, the first join day. */
export const firstJoin = new Date("2026-01-04T16:00:00.000Z");
export const factsEnd = new Date("2026-06-01T00:00:00.000+08:00");
/** When every third member moves to the other segment of the test scheme. */
export const segmentMoveAt = new Date("2026-03-16T12:00:00.000+08:00");

export async function buildKpiFacts(kind: TestDatabaseKind, members = 24): Promise<KpiFacts> {
  const scratch = await kind.create();
  const { dataSource } = await openDatabase(scratch.config, { runMigrations: true });
  // A point is worth 3 fen here, so the liability's price shows in its values.
  const config = { ...loadConfig({ NODE_ENV: "test", POINT_VALUE_FEN: "3" }), database: scratch.config };
  const clock = new ManualClock(new Date(firstJoin.getTime() - day));
  const services = createServices({ dataSource, clock, config, events: createEventBus(), signInCodeSender: { send: async () => undefined } });
  await services.tiers.ensureDefaultLadder();
  const random = createRandom(20261123);
  const memberIds: number[] = [];
  const actions: Action[] = [];
  let eventNumber = 0;
  const record = (memberIndex: number, at: Date, event: Omit<BehaviourEventInput, "source" | "externalId" | "memberId" | "occurredAt">) => {
    eventNumber += 1;
    const externalId = `kpi-${eventNumber}`;
    actions.push({
      at,
      run: async () => {
        const result = await services.behaviourEvents.recordEvents(systemContext("kpi-test"), [{ source: "test", externalId, memberId: memberIds[memberIndex], occurredAt: at, ...event }], { awardPoints: true, rescore: false });
        if (result.accepted !== 1) throw new Error(`event ${externalId} not accepted: ${JSON.stringify(result.results)}`);
      },
    });
    return externalId;
  };
  const joinActions: Date[] = [];
  for (let index = 0; index < members; index += 1) {
    // Joins spread over January to April; every fifth member joins a minute either side of a local midnight.
    const joinDay = random.integer(0, 110);
    const joinAt = new Date(firstJoin.getTime() + joinDay * day + (index % 5 === 0 ? (index % 10 === 0 ? -60_000 : 60_000) : random.integer(1, 23) * hour));
    joinActions.push(joinAt);
    actions.push({
      at: joinAt,
      run: async () => {
        const member = await services.members.create(
          systemContext("kpi-test"),
          { name: `会员${index}`, phone: `1390000${String(index).padStart(4, "0")}`, joinChannel: channels[index % channels.length], cityTier: cityTiers[index % cityTiers.length] },
          randomUUID(),
        );
        memberIds[index] = member.id;
      },
    });
    const activeDays = random.integer(0, 40);
    for (let event = 0; event < activeDays; event += 1) {
      // Some events land a minute before or after 16:00 UTC, local midnight.
      const offset = random.chance(0.2) ? (random.chance(0.5) ? 16 * hour - 60_000 : 16 * hour + 60_000) : random.integer(0, 23) * hour + random.integer(0, 59) * 60_000;
      const at = new Date(joinAt.getTime() + random.integer(0, 140) * day + offset - (joinAt.getTime() % day) + day);
      if (at >= factsEnd) continue;
      if (random.chance(0.6)) record(index, at, { kind: "LOGIN" });
      // Interactions without drawing from the random sequence (so the rest of the facts stay as they were): after
      // every third event so far, whether or not this day had a login, so some interactions have no login beside them.
      if (eventNumber % 3 === 0) record(index, new Date(at.getTime() + 30_000), { kind: eventNumber % 2 === 0 ? "BROWSE" : "LIKE" });
      if (random.chance(0.35)) {
        const orderId = record(index, new Date(at.getTime() + 60_000), { kind: "ORDER", amount: random.integer(1, 40) * 10_000, channel: "APP", storeCode: "S1" });
        if (random.chance(0.1) && at.getTime() + 2 * day < factsEnd.getTime()) record(index, new Date(at.getTime() + 2 * day), { kind: "REFUND", amount: 5_000, orderExternalId: orderId });
      }
    }
  }
  // Every member but the last is placed in EVEN or ODD (by index) a millisecond after joining; every third member
  // moves to the other segment in mid-March, so activity before and after counts in different segments.
  const { schemeId, segmentOf } = await createTestScheme(dataSource, clock.now());
  const segmentFor = (index: number, moved: boolean) => segmentOf.get((index % 2 === 0) !== moved ? "EVEN" : "ODD")!;
  for (let index = 0; index < members - 1; index += 1) {
    const joinAction = joinActions[index];
    actions.push({ at: new Date(joinAction.getTime() + 1), run: () => placeInTestScheme(services, memberIds[index], segmentFor(index, false)) });
    if (index % 3 === 0) actions.push({ at: segmentMoveAt, run: async () => (joinAction < segmentMoveAt ? placeInTestScheme(services, memberIds[index], segmentFor(index, true)) : undefined) });
  }
  actions.sort((first, second) => first.at.getTime() - second.at.getTime());
  for (const action of actions) {
    clock.advance(action.at.getTime() - clock.now().getTime());
    await action.run();
  }
  clock.advance(factsEnd.getTime() - clock.now().getTime());
  return {
    scratch, dataSource, config, clock, services, memberIds, schemeId,
    async close() {
      await dataSource.destroy();
      await scratch.drop();
    },
  };
}

/** A scheme of two segments (EVEN, ODD) written directly; members are placed as they join (placeInTestScheme). */
async function createTestScheme(dataSource: DataSource, now: Date): Promise<{ schemeId: number; segmentOf: Map<string, number> }> {
  await dataSource.query("INSERT INTO segment_schemes (code, name, name_en, built_in, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)", ["KPI_TEST", "测试", "Test", 0, ...[now, now].map((value) => sqlTime(dataSource, value))]);
  const [{ id: schemeId }] = await dataSource.query("SELECT id FROM segment_schemes WHERE code = ?", ["KPI_TEST"]);
  for (const [position, code] of ["EVEN", "ODD"].entries()) {
    await dataSource.query("INSERT INTO segments (scheme_id, code, name, name_en, position, rule, catch_all, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", [schemeId, code, code, code, position, "{}", position === 1 ? 1 : 0, sqlTime(dataSource, now), sqlTime(dataSource, now)]);
  }
  const segments: { id: number; code: string }[] = await dataSource.query("SELECT id, code FROM segments WHERE scheme_id = ?", [schemeId]);
  return { schemeId: Number(schemeId), segmentOf: new Map(segments.map((segment) => [segment.code, Number(segment.id)])) };
}

/**
 * Puts a member in a segment of the scheme now, by hand (the scheme has no rules): the membership, the move the segment
 * history keeps, and the member's points following them, as the segment services write them.
 */
async function placeInTestScheme(services: Services, memberId: number, segmentId: number): Promise<void> {
  await services.segmentPlacements.placeManually(systemContext("kpi-test"), memberId, segmentId);
}

/** A time as the tables hold it: TypeORM's UTC text on SQLite, a Date for mysql2. */
export function sqlTime(dataSource: DataSource, instant: Date): string | Date {
  return dataSource.options.type === "mysql" ? instant : instant.toISOString().replace("T", " ").replace("Z", "");
}

/** An instant from a local time of the fixture's time zone (UTC+8), e.g. "2026-03-01T00:00:00". */
export const local = (text: string) => new Date(`${text}+08:00`);

/** The local day number (days since 1970-01-01 at UTC+8) of an instant, worked out here, not by the code under test. */
export const localDay = (instant: Date) => Math.floor((instant.getTime() + 8 * hour) / day);

export interface ReferencePeriod {
  label: string;
  start: Date;
  end: Date;
  /** The start of the period before (which ends at `start`): retention and churn compare with it. */
  previousStart: Date;
}

/**
 * The fixture's periods written out by hand (local midnights at UTC+8), not by the code under test: January to May by
 * month, ISO weeks 2 to 22, and `days.count` days from `days.first`.
 */
export function referencePeriods(granularity: "DAY" | "WEEK" | "MONTH", days = { first: "2026-02-24", count: 12 }): ReferencePeriod[] {
  if (granularity === "MONTH") {
    const months = ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"];
    const previous = ["2025-12", ...months];
    return months.slice(0, -1).map((month, index) => ({
      label: month, start: local(`${month}-01T00:00:00`), end: local(`${months[index + 1]}-01T00:00:00`), previousStart: local(`${previous[index]}-01T00:00:00`),
    }));
  }
  if (granularity === "WEEK") {
    // 2026-01-05 is the Monday of ISO week 2; 2026-06-01 the Monday of week 23.
    return Array.from({ length: 21 }, (_, index) => {
      const start = new Date(local("2026-01-05T00:00:00").getTime() + index * 7 * day);
      return { label: `2026-W${String(index + 2).padStart(2, "0")}`, start, end: new Date(start.getTime() + 7 * day), previousStart: new Date(start.getTime() - 7 * day) };
    });
  }
  return Array.from({ length: days.count }, (_, index) => {
    const start = new Date(local(`${days.first}T00:00:00`).getTime() + index * day);
    return { label: new Date(start.getTime() + 8 * hour).toISOString().slice(0, 10), start, end: new Date(start.getTime() + day), previousStart: new Date(start.getTime() - day) };
  });
}
