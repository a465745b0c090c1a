// Full re-evaluation of every member against every segment scheme on SQLite, beside its floor: the same facts
// read with the same query in the same chunks, and the same membership and move rows written, with no evaluation.
// Also the pure engine alone (members per second) and the SQL path (each segment counted by its rule's filter).
import { MoreThan, type DataSource } from "typeorm";
import { systemClock } from "../src/clock";
import { insertRows } from "../src/database/bulk-insert";
import { openDatabase } from "../src/database/data-source";
import { runInTransaction } from "../src/database/transactions";
import { assignSegment, type SegmentRule } from "../src/engine";
import { SegmentMembershipRecord, SegmentMoveRecord, type SegmentMoveReason } from "../src/entities";
import { createEventBus } from "../src/events/event-bus";
import { createServices, type Services } from "../src/services";
import { readMemberFacts, sqlDialectOf } from "../src/services/segments/member-facts";
import { memberFactsFrom } from "../src/services/segments/rule-columns";
import { ruleToSql } from "../src/services/segments/rule-sql";
import { evaluationChunkSize } from "../src/services/segments/segment-service";
import { profileInProcess, type ProfileSummary } from "./cpu-profile";
import { seededBenchDatabase } from "./scoring";

export interface EvaluationBenchSettings {
  members: number;
  seed: number;
  /** Rounds of the periodic re-evaluation (memberships in place, few moves). */
  rounds: number;
  /** Rounds of the first placement (memberships emptied first, every member INITIAL in every scheme). */
  placementRounds: number;
  /** Members whose facts the pure engine evaluates in memory. */
  engineMembers: number;
}

export interface TimedSide {
  seconds: number[];
  /** Moves each timed run wrote (the floor writes the same rows). */
  moves: number[];
}

export interface SegmentCount {
  scheme: string;
  segment: string;
  /** Members in the segment by the stored memberships (the engine's placement). */
  stored: number;
  /** Members the SQL filters put there (the segment's rule and none of the earlier ones). */
  bySql: number;
}

export interface EvaluationBenchResults {
  members: number;
  schemes: number;
  segments: number;
  seedSeconds: number | null;
  /** Opening the database, with the migrations it lacked (a file seeded before segments existed gains their tables). */
  openSeconds: number;
  /** A full scoring run first, when the file had no scores (the built-in schemes follow the scores). */
  scoringSeconds: number | null;
  placement: { run: TimedSide; floor: TimedSide };
  schedule: { run: TimedSide; floor: TimedSide };
  engine: { members: number; membersPerSecond: number };
  sql: { seconds: number; statements: number; counts: SegmentCount[] };
  /** A CPU profile of one more periodic run (untimed: the profiler slows it). */
  profile: ProfileSummary;
}

/** The moves one run wrote, columnar (five million objects would weigh on the floor's garbage collector). */
interface CapturedMoves {
  length: number;
  memberIds: Int32Array;
  schemeIds: Int32Array;
  /** -1 for none (the member entered the scheme). */
  fromSegmentIds: Int32Array;
  toSegmentIds: Int32Array;
  reasons: SegmentMoveReason[];
  /** A run stamps all its moves with its own now. */
  movedAt: Date;
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

async function lastMoveId(dataSource: DataSource): Promise<number> {
  const [{ id }] = await dataSource.query("SELECT COALESCE(MAX(id), 0) AS id FROM segment_moves");
  return Number(id);
}

/** The moves with ids above `afterId`, in id order, which is member order within a run. */
async function captureMoves(dataSource: DataSource, afterId: number): Promise<CapturedMoves> {
  const [{ count }] = await dataSource.query("SELECT COUNT(*) AS count FROM segment_moves WHERE id > ?", [afterId]);
  const length = Number(count);
  const captured: CapturedMoves = {
    length, memberIds: new Int32Array(length), schemeIds: new Int32Array(length), fromSegmentIds: new Int32Array(length), toSegmentIds: new Int32Array(length), reasons: [], movedAt: new Date(0),
  };
  const reasons = new Map<string, SegmentMoveReason>();
  let index = 0;
  for (let after = afterId; index < length; ) {
    const rows: { id: number; member_id: number; scheme_id: number; from_segment_id: number | null; to_segment_id: number; reason: SegmentMoveReason; moved_at: string }[] = await dataSource.query(
      "SELECT id, member_id, scheme_id, from_segment_id, to_segment_id, reason, moved_at FROM segment_moves WHERE id > ? ORDER BY id LIMIT 50000",
      [after],
    );
    if (rows.length === 0) break;
    for (const row of rows) {
      captured.memberIds[index] = row.member_id;
      captured.schemeIds[index] = row.scheme_id;
      captured.fromSegmentIds[index] = row.from_segment_id ?? -1;
      captured.toSegmentIds[index] = row.to_segment_id;
      // One string per reason, not per row.
      if (!reasons.has(row.reason)) reasons.set(row.reason, row.reason);
      captured.reasons.push(reasons.get(row.reason)!);
      index += 1;
    }
    after = rows[rows.length - 1].id;
  }
  if (length > 0) {
    captured.movedAt = (await dataSource.getRepository(SegmentMoveRecord).findOneOrFail({ where: { id: MoreThan(afterId) }, order: { id: "ASC" } })).movedAt;
  }
  return captured;
}

/**
 * The floor: what a full evaluation reads and writes, without evaluating. Every member's facts are read with the run's
 * own query in the run's chunks; per chunk, in one transaction, the membership rows the measured run wrote for those
 * members go back with the same REPLACE and its move rows with the same INSERT. Not done: reading the current
 * memberships, assigning segments, comparing, publishing; that is what the ratio shows.
 */
async function floorRun(dataSource: DataSource, moves: CapturedMoves): Promise<void> {
  let afterMemberId = 0;
  let next = 0;
  for (;;) {
    const facts = await readMemberFacts(dataSource.manager, afterMemberId, evaluationChunkSize);
    if (facts.length === 0) return;
    afterMemberId = facts[facts.length - 1].memberId;
    const memberships: SegmentMembershipRecord[] = [];
    const rows: Omit<SegmentMoveRecord, "id">[] = [];
    for (; next < moves.length && moves.memberIds[next] <= afterMemberId; next += 1) {
      memberships.push({ memberId: moves.memberIds[next], schemeId: moves.schemeIds[next], segmentId: moves.toSegmentIds[next], enteredAt: moves.movedAt, pinned: false });
      const from = moves.fromSegmentIds[next];
      rows.push({ memberId: moves.memberIds[next], schemeId: moves.schemeIds[next], fromSegmentId: from === -1 ? null : from, toSegmentId: moves.toSegmentIds[next], reason: moves.reasons[next], movedAt: moves.movedAt });
    }
    await runInTransaction(dataSource, async (manager) => {
      await insertRows(manager, SegmentMembershipRecord, memberships, { replace: true });
      if (rows.length > 0) await manager.insert(SegmentMoveRecord, rows);
    });
  }
}

async function readEveryMembersFacts(dataSource: DataSource): Promise<void> {
  for (let afterMemberId = 0; ; ) {
    const facts = await readMemberFacts(dataSource.manager, afterMemberId, evaluationChunkSize);
    if (facts.length === 0) return;
    afterMemberId = facts[facts.length - 1].memberId;
  }
}

/** Empties memberships and moves (untimed): the next run places every member as if for the first time. */
async function clearMemberships(dataSource: DataSource): Promise<void> {
  await dataSource.query("DELETE FROM segment_memberships");
  await dataSource.query("DELETE FROM segment_moves");
}

/** The engine alone: each member of `members` (facts in memory) assigned a segment in every scheme. */
async function engineMembersPerSecond(dataSource: DataSource, services: Services, members: number): Promise<{ members: number; membersPerSecond: number }> {
  const facts: Awaited<ReturnType<typeof readMemberFacts>> = [];
  while (facts.length < members) {
    const chunk = await readMemberFacts(dataSource.manager, facts.at(-1)?.memberId ?? 0, Math.min(10_000, members - facts.length));
    if (chunk.length === 0) break;
    facts.push(...chunk);
  }
  const schemes = await services.segments.schemes();
  const now = systemClock.now();
  const started = process.hrtime.bigint();
  let checksum = 0;
  for (const member of facts) for (const scheme of schemes) checksum += assignSegment(scheme.segments, member, now);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (checksum < 0) throw new Error("unreachable: keeps the evaluation from being optimised away");
  return { members: facts.length, membersPerSecond: facts.length / seconds };
}

/**
 * The SQL path: each segment's members counted in the database by its rule's filter and none of the earlier
 * segments' rules (a member belongs to the first segment that matches), the catch-all by none at all. Compared with
 * the stored memberships, which the engine placed.
 */
async function sqlCounts(dataSource: DataSource, services: Services): Promise<EvaluationBenchResults["sql"]> {
  const schemes = await services.segments.schemes();
  const records = await services.segmentReader.segmentsOf(schemes.map((scheme) => scheme.id));
  const codes = new Map(records.map((record) => [record.id, record.code]));
  const stored = new Map<number, number>(
    ((await dataSource.query("SELECT segment_id, COUNT(*) AS members FROM segment_memberships GROUP BY segment_id")) as { segment_id: number; members: number }[]).map((row) => [Number(row.segment_id), Number(row.members)]),
  );
  const dialect = sqlDialectOf(dataSource);
  const now = systemClock.now();
  const counts: SegmentCount[] = [];
  let statements = 0;
  const seconds = await timed(async () => {
    for (const scheme of schemes) {
      const earlier: SegmentRule[] = [];
      for (const segment of scheme.segments) {
        const noEarlier: SegmentRule | null = earlier.length === 0 ? null : { not: { any: [...earlier] } };
        const rule: SegmentRule | null = segment.rule === null ? noEarlier : noEarlier === null ? segment.rule : { all: [segment.rule, noEarlier] };
        const filter = rule === null ? { where: "1 = 1", parameters: [] } : ruleToSql(rule, now, dialect);
        const [{ members }] = await dataSource.query(`SELECT COUNT(*) AS members FROM ${memberFactsFrom} WHERE ${filter.where}`, filter.parameters);
        statements += 1;
        counts.push({ scheme: scheme.code, segment: codes.get(segment.id) ?? String(segment.id), stored: stored.get(segment.id) ?? 0, bySql: Number(members) });
        if (segment.rule !== null) earlier.push(segment.rule);
      }
    }
  });
  return { seconds, statements, counts };
}

export async function benchmarkSegmentEvaluation(settings: EvaluationBenchSettings, log: (line: string) => void): Promise<EvaluationBenchResults> {
  const { config, seedSeconds } = await seededBenchDatabase(settings.members, settings.seed, (line) => log(`segments: ${line}`));
  let database!: Awaited<ReturnType<typeof openDatabase>>;
  const openSeconds = await timed(async () => (database = await openDatabase(config.database)));
  const { dataSource } = database;
  try {
    const services = createServices({ dataSource, clock: systemClock, config, events: createEventBus(), signInCodeSender: { send: async () => undefined } });
    await services.segments.ensureBuiltInSchemes();
    const [{ scored }] = await dataSource.query("SELECT COUNT(*) AS scored FROM member_scores");
    const scoringSeconds = Number(scored) === 0 ? await timed(() => services.scoring.runFull("COMMAND_LINE", "bench")) : null;
    if (scoringSeconds !== null) log(`segments: scored every member first in ${scoringSeconds.toFixed(1)} s`);
    const progress = ({ members }: { members: number }) => {
      if (members % 200_000 === 0) log(`segments:   ${members.toLocaleString("en-US")} members`);
    };
    // Warms the page cache for the facts, so the first timed side does not pay for reading them from disk alone.
    await readEveryMembersFacts(dataSource);

    const placement = { run: { seconds: [], moves: [] } as TimedSide, floor: { seconds: [], moves: [] } as TimedSide };
    for (let round = 0; round < settings.placementRounds; round += 1) {
      await clearMemberships(dataSource);
      let result = { members: 0, moves: 0 };
      placement.run.seconds.push(await timed(async () => (result = await services.segments.evaluateAll("SCHEDULE", { onProgress: progress }))));
      placement.run.moves.push(result.moves);
      const moves = await captureMoves(dataSource, 0);
      await clearMemberships(dataSource);
      placement.floor.seconds.push(await timed(() => floorRun(dataSource, moves)));
      placement.floor.moves.push(moves.length);
      log(`segments: first placement ${round + 1}: run ${placement.run.seconds[round].toFixed(1)} s (${result.moves.toLocaleString("en-US")} moves), floor ${placement.floor.seconds[round].toFixed(1)} s`);
    }
    if (settings.placementRounds === 0) {
      const [{ placed }] = await dataSource.query("SELECT COUNT(*) AS placed FROM segment_memberships");
      if (Number(placed) === 0) await services.segments.evaluateAll("SCHEDULE");
    }

    // The periodic re-evaluation with every membership in place. One untimed run first: it also gives the floor rows.
    let mark = await lastMoveId(dataSource);
    await services.segments.evaluateAll("SCHEDULE");
    let latest = await captureMoves(dataSource, mark);
    const schedule = { run: { seconds: [], moves: [] } as TimedSide, floor: { seconds: [], moves: [] } as TimedSide };
    const runOnce = async () => {
      mark = await lastMoveId(dataSource);
      let result = { members: 0, moves: 0 };
      schedule.run.seconds.push(await timed(async () => (result = await services.segments.evaluateAll("SCHEDULE"))));
      schedule.run.moves.push(result.moves);
      latest = await captureMoves(dataSource, mark);
    };
    const floorOnce = async () => {
      const before = await lastMoveId(dataSource);
      schedule.floor.seconds.push(await timed(() => floorRun(dataSource, latest)));
      schedule.floor.moves.push(latest.length);
      // The floor's move rows repeat the run's: removed, so the history stays true.
      await dataSource.query("DELETE FROM segment_moves WHERE id > ?", [before]);
    };
    // Alternated, so drift of the machine (page cache, other load) falls on both sides alike.
    for (let round = 0; round < settings.rounds; round += 1) {
      if (round % 2 === 0) {
        await runOnce();
        await floorOnce();
      } else {
        await floorOnce();
        await runOnce();
      }
      log(`segments: re-evaluation ${round + 1}: run ${schedule.run.seconds[round].toFixed(1)} s (${schedule.run.moves[round]} moves), floor ${schedule.floor.seconds[round].toFixed(1)} s`);
    }

    const profile = await profileInProcess(() => services.segments.evaluateAll("SCHEDULE"));
    const engine = await engineMembersPerSecond(dataSource, services, Math.min(settings.engineMembers, settings.members));
    log(`segments: engine alone ${Math.round(engine.membersPerSecond).toLocaleString("en-US")} members/s`);
    const sql = await sqlCounts(dataSource, services);
    log(`segments: SQL path ${sql.seconds.toFixed(1)} s for ${sql.statements} counts`);
    const schemes = await services.segments.schemes();
    return {
      members: settings.members,
      schemes: schemes.length,
      segments: schemes.reduce((total, scheme) => total + scheme.segments.length, 0),
      seedSeconds,
      openSeconds,
      scoringSeconds,
      placement,
      schedule,
      engine,
      sql,
      profile,
    };
  } finally {
    await dataSource.destroy();
  }
}
