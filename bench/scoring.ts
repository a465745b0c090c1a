// Full rescoring of a large population on SQLite beside its floor: the same aggregates read and the same score
// and snapshot rows written by plain SQL, with no scoring. Also the pure engine alone, in members per second.
// The seeded database is kept in bench/.data between runs (seeding a million members takes minutes).
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import { MoreThan, type DataSource } from "typeorm";
import Sqlite from "better-sqlite3";
import { systemClock } from "../src/clock";
import { loadConfig, type Config } from "../src/config";
import { insertRows } from "../src/database/bulk-insert";
import { openDatabase } from "../src/database/data-source";
import { runInTransaction } from "../src/database/transactions";
import { computeBreakpoints, rawFigures, scoreMember } from "../src/engine";
import type { MemberActivity } from "../src/engine/scoring/types";
import { MemberScoreRecord } from "../src/entities";
import { createEventBus } from "../src/events/event-bus";
import { PersonalDataCipher } from "../src/privacy/personal-data-cipher";
import { seedDemoData } from "../src/seed/demo-data";
import { createServices } from "../src/services";
import { readActivityChunk } from "../src/services/scoring/activity-reader";
import type { ScoringService } from "../src/services/scoring/scoring-service";
import { secrets } from "./target-process";

export interface ScoringBenchSettings {
  members: number;
  rounds: number;
  seed: number;
}

export interface ScoringBenchResults {
  members: number;
  seedSeconds: number | null;
  databaseMegabytes: number;
  eventRows: number;
  windowRefreshSeconds: number;
  floorSeconds: number[];
  fullRunSeconds: number[];
  engineMembersPerSecond: number;
  segments: { segment: string; members: number }[];
  lifecycle: { stage: string; members: number }[];
}

const chunkSize = 5_000;

/**
 * The floor: everything a full run does except scoring. It reads every member's aggregates with the run's own query
 * and writes, chunk by chunk, the very score rows the last full run wrote (loaded beforehand, untimed), then the
 * snapshots. What a full run takes beyond this is the engine: raw figures, breakpoints, clusters, scores.
 */
async function floorRun(dataSource: DataSource, scoring: ScoringService, rowsByChunk: MemberScoreRecord[][], now: Date): Promise<void> {
  let afterMemberId = 0;
  for (let index = 0; ; index += 1) {
    const chunk = await readActivityChunk(dataSource.manager, afterMemberId, chunkSize);
    if (chunk.length === 0) break;
    afterMemberId = chunk[chunk.length - 1].memberId;
    const rows = rowsByChunk[index] ?? [];
    await runInTransaction(dataSource, (manager) => insertRows(manager, MemberScoreRecord, rows, { replace: true }));
  }
  await scoring.writeSnapshots(now);
}

/** The current score rows, in the chunks the full run writes them in. */
async function currentScoreRows(dataSource: DataSource): Promise<MemberScoreRecord[][]> {
  const chunks: MemberScoreRecord[][] = [];
  let afterMemberId = 0;
  for (;;) {
    const rows = await dataSource.getRepository(MemberScoreRecord).find({ where: { memberId: MoreThan(afterMemberId) }, order: { memberId: "ASC" }, take: chunkSize });
    if (rows.length === 0) return chunks;
    afterMemberId = rows[rows.length - 1].memberId;
    chunks.push(rows);
  }
}

/** The engine alone over activities already in memory: raw figures, breakpoints, scores. */
function engineMembersPerSecond(activities: MemberActivity[], now: Date): number {
  const settings = loadConfig({ NODE_ENV: "production", ...secrets }).scoring;
  const started = process.hrtime.bigint();
  const raws = activities.map((activity) => rawFigures(activity, now, settings));
  const breakpoints = computeBreakpoints(raws);
  let checksum = 0;
  for (let index = 0; index < activities.length; index += 1) checksum += scoreMember(activities[index], raws[index], breakpoints, now, settings, null).activity;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (checksum < 0) throw new Error("unreachable: keeps the scoring from being optimised away");
  return activities.length / seconds;
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

export interface SeededBenchDatabase {
  file: string;
  config: Config;
  /** Null when an earlier run seeded the file and it was reused. */
  seedSeconds: number | null;
}

/**
 * The demo database of `members` members (seed `seed`) kept in bench/.data, seeded first when missing: seeding a
 * million members takes about ten minutes, so the scoring and segment benchmarks share one file per size.
 */
export async function seededBenchDatabase(members: number, seed: number, log: (line: string) => void): Promise<SeededBenchDatabase> {
  const directory = path.resolve(__dirname, "../../bench/.data");
  mkdirSync(directory, { recursive: true });
  const file = path.join(directory, `scoring-${members}-seed${seed}.sqlite`);
  const config = { ...loadConfig({ NODE_ENV: "production", ...secrets, LOG_LEVEL: "silent" }), database: { type: "sqlite" as const, path: file } };
  if (existsSync(file)) return { file, config, seedSeconds: null };
  log(`seeding ${members.toLocaleString("en-US")} members with a year of events into ${file}`);
  const database = await openDatabase(config.database);
  let seedSeconds: number;
  try {
    seedSeconds = await timed(() =>
      seedDemoData(database.dataSource, {
        members, seed, clock: systemClock, cipher: new PersonalDataCipher(config.personalDataKey), withDemoStaff: false, batchSize: 2_000,
        onProgress: (done, total) => done % 100_000 < 2_000 && log(`seeded ${done.toLocaleString("en-US")} / ${total.toLocaleString("en-US")}`),
      }),
    );
  } catch (error) {
    await database.dataSource.destroy();
    rmSync(file, { force: true });
    throw error;
  }
  await database.dataSource.destroy();
  log(`seeded in ${seedSeconds.toFixed(1)} s`);
  return { file, config, seedSeconds };
}

/**
 * The scoring benchmark's database copied once (SQLite's online backup) to bench/.data/<name>-<members>-seed<seed>.sqlite,
 * for a benchmark that changes what it reads (migrations, facts, boards): never the cached file itself.
 */
export async function copiedBenchDatabase(name: string, members: number, seed: number, log: (line: string) => void): Promise<{ file: string; copySeconds: number | null }> {
  const source = await seededBenchDatabase(members, seed, (line) => log(`${name}: ${line}`));
  const file = path.join(path.dirname(source.file), `${name}-${members}-seed${seed}.sqlite`);
  if (existsSync(file)) return { file, copySeconds: null };
  log(`${name}: copying ${source.file} to ${file}`);
  const partial = `${file}.partial`;
  rmSync(partial, { force: true });
  const copySeconds = await timed(async () => {
    const copy = new Sqlite(source.file, { readonly: true });
    try {
      await copy.backup(partial);
    } finally {
      copy.close();
    }
  });
  renameSync(partial, file);
  return { file, copySeconds };
}

export async function benchmarkScoring(settings: ScoringBenchSettings, log: (line: string) => void): Promise<ScoringBenchResults> {
  const { config, seedSeconds } = await seededBenchDatabase(settings.members, settings.seed, (line) => log(`scoring: ${line}`));
  const database = await openDatabase(config.database);
  const { dataSource } = database;
  try {
    const services = createServices({ dataSource, clock: systemClock, config, events: createEventBus(), signInCodeSender: { send: async () => undefined } });
    const windowRefreshSeconds = await timed(() => services.activity.refreshWindows(dataSource, systemClock.now()));
    log(`scoring: windows refreshed in ${windowRefreshSeconds.toFixed(1)} s`);
    // One untimed run, so the floor has the rows a run writes.
    await services.scoring.runFull("COMMAND_LINE", "bench");
    const rowsByChunk = await currentScoreRows(dataSource);
    const floorSeconds: number[] = [];
    const fullRunSeconds: number[] = [];
    // Alternated, so drift of the machine (cache, other load) falls on both sides alike.
    for (let round = 0; round < settings.rounds; round += 1) {
      floorSeconds.push(await timed(() => floorRun(dataSource, services.scoring, rowsByChunk, systemClock.now())));
      fullRunSeconds.push(await timed(() => services.scoring.runFull("COMMAND_LINE", "bench")));
      log(`scoring: round ${round + 1}: floor ${floorSeconds[round].toFixed(1)} s, full run ${fullRunSeconds[round].toFixed(1)} s`);
    }
    const sample = await readActivityChunk(dataSource.manager, 0, 200_000);
    const engine = engineMembersPerSecond(sample, systemClock.now());
    const count = async (sql: string) => (await dataSource.query(sql)) as { key: string; members: number | string }[];
    const [{ events }] = await dataSource.query("SELECT COUNT(*) AS events FROM behaviour_events");
    const [{ size }] = await dataSource.query("SELECT page_count * page_size AS size FROM pragma_page_count(), pragma_page_size()");
    return {
      members: settings.members,
      seedSeconds,
      databaseMegabytes: Number(size) / 1e6,
      eventRows: Number(events),
      windowRefreshSeconds,
      floorSeconds,
      fullRunSeconds,
      engineMembersPerSecond: engine,
      segments: (await count("SELECT rfm_segment AS key, COUNT(*) AS members FROM member_scores GROUP BY rfm_segment ORDER BY COUNT(*) DESC")).map((row) => ({ segment: row.key, members: Number(row.members) })),
      lifecycle: (await count("SELECT lifecycle_stage AS key, COUNT(*) AS members FROM member_scores GROUP BY lifecycle_stage ORDER BY COUNT(*) DESC")).map((row) => ({ stage: row.key, members: Number(row.members) })),
    };
  } finally {
    await dataSource.destroy();
  }
}
