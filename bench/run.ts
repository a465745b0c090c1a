// `npm run bench`: the members page over HTTP, side by side with the raw-SQL floor and naive resolvers,
// on SQLite and (with MYSQL_URL set) on MariaDB/MySQL. Writes bench/RESULTS.md.
import "reflect-metadata";
import { isDeepStrictEqual } from "node:util";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { TokenService } from "../src/auth/tokens";
import { systemClock } from "../src/clock";
import { loadConfig } from "../src/config";
import { openDatabase } from "../src/database/data-source";
import { PersonalDataCipher } from "../src/privacy/personal-data-cipher";
import { seedDemoData } from "../src/seed/demo-data";
import { AuditService } from "../src/services/audit-service";
import { systemContext } from "../src/services/service-context";
import { StaffService } from "../src/services/staff-service";
import { benchmarkCampaigns, campaignBenchSettings } from "./campaigns";
import { campaignsSectionMarker, renderCampaignsResults } from "./campaigns-results";
import { benchmarkCoalition, coalitionBenchSettings, type CoalitionDatabaseResults } from "./coalition";
import { coalitionSectionMarker, renderCoalitionResults } from "./coalition-results";
import { summariseProfile, type ProfileSummary } from "./cpu-profile";
import { benchDatabases, type BenchDatabase } from "./databases";
import { benchmarkLeaderboards, leaderboardBenchSettings } from "./leaderboards";
import { leaderboardsSectionMarker, renderLeaderboardsResults } from "./leaderboards-results";
import { benchmarkKpis, kpiBenchSettings } from "./kpis";
import { kpisSectionMarker, renderKpisResults } from "./kpis-results";
import { membersPageQuery } from "./members-page";
import { benchmarkPoints, type PointsBenchResults, type PointsBenchSettings } from "./points";
import { pointsSectionMarker, renderPointsResults } from "./points-results";
import { benchmarkScoring, type ScoringBenchSettings } from "./scoring";
import { renderScoringResults, scoringSectionMarker } from "./scoring-results";
import { benchmarkSegments, segmentBenchSettings } from "./segments";
import { renderSegmentsResults, segmentsSectionMarker } from "./segments-results";
import { sequentialLatency } from "./sequential-latency";
import { renderResults, type DatabaseResults, type Measurement, type TargetResults } from "./results";
import type { TargetMode } from "./target";
import { secrets, startTarget, type RunningTarget } from "./target-process";

const settings = {
  members: Number(process.env.BENCH_MEMBERS ?? 10_000),
  connections: Number(process.env.BENCH_CONNECTIONS ?? 10),
  warmupSeconds: Number(process.env.BENCH_WARMUP_SECONDS ?? 3),
  /** One connection: the latency of a request on an idle server. */
  singleSeconds: Number(process.env.BENCH_SINGLE_SECONDS ?? 5),
  /** Many connections: throughput, and latency once requests queue. */
  loadedSeconds: Number(process.env.BENCH_SECONDS ?? 8),
  rounds: Number(process.env.BENCH_ROUNDS ?? 3),
};

const modes: TargetMode[] = ["floor", "graphql", "naive"];

/** The benchmarked HTTP request, the same for every target and every way of sending it. */
function membersPageRequest(token: string): { headers: Record<string, string>; body: string } {
  return { headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify({ query: membersPageQuery }) };
}

async function post(url: string, token: string): Promise<unknown> {
  const response = await fetch(url, { method: "POST", ...membersPageRequest(token) });
  return response.json();
}

async function load(target: RunningTarget, token: string, seconds: number, connections: number): Promise<Measurement> {
  const result = await autocannon({
    url: target.url,
    method: "POST",
    ...membersPageRequest(token),
    connections,
    duration: seconds,
  });
  if (result.errors > 0 || result.non2xx > 0) throw new Error(`${target.mode}: ${result.errors} errors and ${result.non2xx} non-2xx responses under load`);
  return { latencyMedianMilliseconds: result.latency.p50, latencyP99Milliseconds: result.latency.p99, requestsPerSecond: result.requests.average };
}

/** Counted on sequential requests, not under load, where requests cut off at the end would blur the count. */
async function statementsPerRequest(target: RunningTarget, token: string): Promise<number> {
  const requests = 50;
  const before = await target.statements();
  for (let index = 0; index < requests; index += 1) await post(target.url, token);
  return ((await target.statements()) - before) / requests;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

async function profileGraphqlServer(database: BenchDatabase, token: string): Promise<ProfileSummary> {
  const directory = mkdtempSync(path.join(os.tmpdir(), "loyalty-profile-"));
  const target = await startTarget("graphql", database.url);
  try {
    await load(target, token, settings.warmupSeconds, settings.connections);
    const file = path.join(directory, "graphql.cpuprofile");
    await target.ask({ type: "start-profile" }, "profiling");
    await load(target, token, settings.loadedSeconds, settings.connections);
    await target.ask({ type: "stop-profile", file }, "profile-written");
    return summariseProfile(file);
  } finally {
    await target.stop();
    rmSync(directory, { recursive: true, force: true });
  }
}

function medianOf(measured: Measurement[]): Measurement {
  return {
    latencyMedianMilliseconds: median(measured.map((entry) => entry.latencyMedianMilliseconds)),
    latencyP99Milliseconds: median(measured.map((entry) => entry.latencyP99Milliseconds)),
    requestsPerSecond: median(measured.map((entry) => entry.requestsPerSecond)),
  };
}

async function prepare(database: BenchDatabase): Promise<string> {
  process.stderr.write(`\n${database.label}: seeding ${settings.members} members\n`);
  const { dataSource } = await openDatabase(database.config);
  try {
    await seedDemoData(dataSource, { members: settings.members, seed: 1, clock: systemClock, cipher: new PersonalDataCipher(secrets.PERSONAL_DATA_KEY) });
    const tokens = new TokenService(secrets.JWT_SECRET, { member: 3600, staff: 3600 });
    // An analyst: members:read without pii:read, so phones are masked and nothing is decrypted.
    const analyst = await new StaffService(dataSource, systemClock, new AuditService(systemClock), tokens).findOrCreateForRole(systemContext("bench"), "analyst");
    return (await tokens.issue({ kind: "staff", staffUserId: analyst.id, role: "analyst" }, new Date())).token;
  } finally {
    await dataSource.destroy();
  }
}

async function benchmark(database: BenchDatabase): Promise<DatabaseResults> {
  const token = await prepare(database);
  const targets: RunningTarget[] = [];
  try {
    for (const mode of modes) targets.push(await startTarget(mode, database.url));
    // The floor must serve exactly what the API serves, or the comparison means nothing.
    const answers = await Promise.all(targets.map((target) => post(target.url, token)));
    for (const [index, answer] of answers.entries()) {
      if (!isDeepStrictEqual(answer, answers[1])) throw new Error(`${targets[index].mode} answers differently from graphql:\n${JSON.stringify(answer).slice(0, 400)}\n${JSON.stringify(answers[1]).slice(0, 400)}`);
    }
    const statements = new Map<TargetMode, number>();
    for (const target of targets) {
      statements.set(target.mode, await statementsPerRequest(target, token));
      await load(target, token, settings.warmupSeconds, settings.connections);
    }

    const single = new Map<TargetMode, Measurement[]>(modes.map((mode) => [mode, []]));
    const loaded = new Map<TargetMode, Measurement[]>(modes.map((mode) => [mode, []]));
    for (let round = 0; round < settings.rounds; round += 1) {
      // Rotate the order so drift (thermal, page cache, background work) does not favour one target.
      const order = targets.map((_, index) => targets[(index + round) % targets.length]);
      for (const target of order) {
        const { headers, body } = membersPageRequest(token);
        const alone = await sequentialLatency(target.url, headers, body, settings.singleSeconds);
        const busy = await load(target, token, settings.loadedSeconds, settings.connections);
        single.get(target.mode)!.push(alone);
        loaded.get(target.mode)!.push(busy);
        process.stderr.write(`  round ${round + 1} ${target.mode.padEnd(7)} 1 connection: p50 ${alone.latencyMedianMilliseconds} ms; ${settings.connections} connections: p50 ${busy.latencyMedianMilliseconds} ms, ${Math.round(busy.requestsPerSecond)} req/s\n`);
      }
    }
    const results: TargetResults[] = modes.map((mode) => ({
      mode,
      statementsPerRequest: statements.get(mode)!,
      single: { rounds: single.get(mode)!, median: medianOf(single.get(mode)!) },
      loaded: { rounds: loaded.get(mode)!, median: medianOf(loaded.get(mode)!) },
    }));
    for (const target of targets.splice(0)) await target.stop();
    process.stderr.write(`  profiling the graphql server\n`);
    const profile = await profileGraphqlServer(database, token);
    return { label: database.label, serverVersion: database.serverVersion, targets: results, profile };
  } finally {
    for (const target of targets) await target.stop();
  }
}

const pointsSettings: PointsBenchSettings = {
  members: Number(process.env.BENCH_POINTS_MEMBERS ?? 2_000),
  connections: Number(process.env.BENCH_POINTS_CONNECTIONS ?? 50),
  warmupSeconds: settings.warmupSeconds,
  seconds: settings.loadedSeconds,
  rounds: settings.rounds,
};

const scoringSettings: ScoringBenchSettings = {
  members: Number(process.env.BENCH_SCORING_MEMBERS ?? 1_000_000),
  rounds: Number(process.env.BENCH_SCORING_ROUNDS ?? 3),
  seed: 1,
};

const segmentSettings = segmentBenchSettings(process.env);

const campaignSettings = campaignBenchSettings(process.env);

const coalitionSettings = coalitionBenchSettings(process.env);
const leaderboardSettings = leaderboardBenchSettings(process.env);
const kpiSettings = kpiBenchSettings(process.env);

const sectionMarkers = { points: pointsSectionMarker, scoring: scoringSectionMarker, segments: segmentsSectionMarker, campaigns: campaignsSectionMarker, coalition: coalitionSectionMarker, leaderboards: leaderboardsSectionMarker, kpis: kpisSectionMarker };

/** Splits RESULTS.md into its sections (the members page first, then each from its marker), so a run of one benchmark keeps the others' figures. */
function previousSections(text: string): { members: string } & Record<keyof typeof sectionMarkers, string> {
  const starts = Object.entries(sectionMarkers).map(([name, marker]) => ({ name, at: text.indexOf(marker) }));
  const found = starts.filter((start) => start.at >= 0).sort((a, b) => a.at - b.at);
  const section = (name: string) => {
    const index = found.findIndex((start) => start.name === name);
    return index < 0 ? "" : text.slice(found[index].at, found[index + 1]?.at ?? text.length);
  };
  return { members: text.slice(0, found[0]?.at ?? text.length), points: section("points"), scoring: section("scoring"), segments: section("segments"), campaigns: section("campaigns"), coalition: section("coalition"), leaderboards: section("leaderboards"), kpis: section("kpis") };
}

/** BENCH_ONLY=members, points, scoring, segments, campaigns, coalition, leaderboards or kpis runs one benchmark and keeps the others' figures from the existing file. */
async function main(): Promise<void> {
  // Fails early on a bad environment, as the server would.
  loadConfig({ ...process.env, ...secrets, NODE_ENV: "production" });
  const only = process.env.BENCH_ONLY;
  const databases = await benchDatabases(process.env.MYSQL_URL);
  const results: DatabaseResults[] = [];
  const pointsResults: PointsBenchResults[] = [];
  const coalitionResults: CoalitionDatabaseResults[] = [];
  const runs = (name: string) => only === undefined || only === name;
  try {
    for (const database of databases) {
      if (runs("members")) results.push(await benchmark(database));
      if (runs("points")) pointsResults.push(await benchmarkPoints(database, pointsSettings, (line) => process.stderr.write(`${line}\n`)));
      if (runs("coalition")) coalitionResults.push(await benchmarkCoalition(database, coalitionSettings, (line) => process.stderr.write(`${line}\n`)));
    }
  } finally {
    for (const database of databases) await database.drop();
  }
  const scoringResults = runs("scoring") ? await benchmarkScoring(scoringSettings, (line) => process.stderr.write(`${line}\n`)) : null;
  const segmentResults = runs("segments") ? await benchmarkSegments(segmentSettings, (line) => process.stderr.write(`${line}\n`)) : null;
  const campaignResults = runs("campaigns") ? await benchmarkCampaigns(campaignSettings, process.env.MYSQL_URL, (line) => process.stderr.write(`${line}\n`)) : null;
  const leaderboardResults = runs("leaderboards") ? await benchmarkLeaderboards(leaderboardSettings, (line) => process.stderr.write(`${line}\n`)) : null;
  const kpiResults = runs("kpis") ? await benchmarkKpis(kpiSettings, (line) => process.stderr.write(`${line}\n`)) : null;
  const file = path.resolve(__dirname, "../../bench/RESULTS.md");
  const previous = previousSections(existsSync(file) ? readFileSync(file, "utf8") : "");
  const membersPart = runs("members") ? renderResults(results, settings, !process.env.MYSQL_URL) : previous.members;
  const pointsPart = runs("points") ? renderPointsResults(pointsResults, pointsSettings) : previous.points;
  const scoringPart = scoringResults ? renderScoringResults(scoringResults, scoringSettings) : previous.scoring;
  const segmentsPart = segmentResults ? renderSegmentsResults(segmentResults, segmentSettings) : previous.segments;
  const campaignsPart = campaignResults ? renderCampaignsResults(campaignResults, campaignSettings) : previous.campaigns;
  const coalitionPart = runs("coalition") ? renderCoalitionResults(coalitionResults, coalitionSettings) : previous.coalition;
  const leaderboardsPart = leaderboardResults ? renderLeaderboardsResults(leaderboardResults, leaderboardSettings) : previous.leaderboards;
  const kpisPart = kpiResults ? renderKpisResults(kpiResults, kpiSettings) : previous.kpis;
  writeFileSync(file, [membersPart, pointsPart, scoringPart, segmentsPart, campaignsPart, coalitionPart, leaderboardsPart, kpisPart].map((part) => part.trim()).filter((part) => part !== "").join("\n\n") + "\n");
  process.stderr.write(`\nWrote ${file}\n`);
  if (kpiResults?.queries.some((query) => query.sameFigures === false)) throw new Error("kpis: the baseline's figures differ from the KPI facts'");
  for (const result of pointsResults) {
    if (result.ledger.differences.length > 0) throw new Error(`${result.label}: the ledger does not verify after the points benchmark`);
  }
  for (const result of coalitionResults) {
    if (result.settlement.problems.length > 0) throw new Error(`${result.label}: the settlement does not verify after the coalition benchmark: ${result.settlement.problems.slice(0, 3).join("; ")}`);
    if (result.ledger.differences.length > 0 || result.ledger.membersWithoutAccount > 0) throw new Error(`${result.label}: the ledger does not verify after the coalition benchmark`);
    if (result.tillOperations !== result.tillLines) throw new Error(`${result.label}: ${result.tillOperations} till operations left ${result.tillLines} settlement lines`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
