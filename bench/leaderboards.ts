// `BENCH_ONLY=leaderboards npm run bench`: leaderboards over a million members on SQLite. Times the refresh that
// builds the boards (first build, then the steady rebuild of the current week and month), then a member's board (own
// rank with neighbours and the top 100) over HTTP for many different members, side by side with its floor: the same
// reads as bare SQL through better-sqlite3, in process and behind a bare node:http server.
import { statSync } from "node:fs";
import http from "node:http";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { isDeepStrictEqual } from "node:util";
import autocannon from "autocannon";
import Sqlite from "better-sqlite3";
import { migrations } from "../migrations";
import { TokenService } from "../src/auth/tokens";
import { ManualClock } from "../src/clock";
import { loadConfig } from "../src/config";
import { openDatabase } from "../src/database/data-source";
import { timeFromDatabase } from "../src/database/raw-values";
import { leaderboardPeriodAt } from "../src/engine/engagement/leaderboards";
import { LeaderboardRefresh, type LeaderboardRefreshSummary } from "../src/services/engagement/leaderboards/leaderboard-refresh";
import { LeaderboardFloor, leaderboardBenchQuery, type FloorScope } from "./leaderboard-floor";
import { copiedBenchDatabase } from "./scoring";
import { secrets, startTarget, type RunningTarget } from "./target-process";

export interface LeaderboardBenchSettings {
  members: number;
  seed: number;
  /** Steady refreshes timed after the first build. */
  refreshRounds: number;
  /** Different members asked for, one request each, per target and scope. */
  requests: number;
  /** Rounds of those requests, alternating which target goes first. */
  rounds: number;
  connections: number;
  loadedSeconds: number;
}

export function leaderboardBenchSettings(environment: NodeJS.ProcessEnv): LeaderboardBenchSettings {
  const number = (name: string, fallback: number) => Number(environment[name] ?? fallback);
  return {
    members: number("BENCH_LEADERBOARD_MEMBERS", number("BENCH_SCORING_MEMBERS", 1_000_000)),
    seed: 1,
    refreshRounds: number("BENCH_LEADERBOARD_REFRESH_ROUNDS", 2),
    requests: number("BENCH_LEADERBOARD_REQUESTS", 2_000),
    rounds: number("BENCH_LEADERBOARD_ROUNDS", 2),
    connections: number("BENCH_CONNECTIONS", 10),
    loadedSeconds: number("BENCH_SECONDS", 8),
  };
}

export interface LatencySummary {
  samples: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface ScopeLatency {
  scope: FloorScope;
  /** The reads alone, in this process (milliseconds). */
  floorInProcess: LatencySummary;
  floorHttp: LatencySummary;
  graphql: LatencySummary;
  /** Per round: graphql's p95. */
  graphqlRoundsP95: number[];
}

export interface LoadedMeasurement {
  requestsPerSecond: number;
  p50: number;
  p99: number;
}

export interface LeaderboardBenchResults {
  members: number;
  databaseGigabytes: number;
  copySeconds: number | null;
  /** Opening the copy, with the migrations it lacked (the ledger's new index among them on a first run). */
  migrateSeconds: number;
  pendingMigrations: number;
  clock: string;
  firstBuild: { seconds: number; summary: LeaderboardRefreshSummary; longestStallMilliseconds: number };
  steady: { seconds: number[]; summaries: LeaderboardRefreshSummary[]; longestStallMilliseconds: number[] };
  entryRows: number;
  sampledMembers: number;
  rankedShare: number;
  statementsPerRequest: number;
  scopes: ScopeLatency[];
  loaded: { graphql: LoadedMeasurement; floorHttp: LoadedMeasurement };
}

async function timed<Result>(work: () => Promise<Result>): Promise<{ seconds: number; result: Result }> {
  const started = process.hrtime.bigint();
  const result = await work();
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, result };
}

function summarise(latencies: number[]): LatencySummary {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (fraction: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))];
  return { samples: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted[sorted.length - 1] };
}

/** A refresh timed whole, with the longest the event loop was held up meanwhile (a server refreshing serves nobody then). */
async function timedRefresh(refresh: LeaderboardRefresh): Promise<{ seconds: number; summary: LeaderboardRefreshSummary; longestStallMilliseconds: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const { seconds, result } = await timed(() => refresh.refresh());
  histogram.disable();
  return { seconds, summary: result, longestStallMilliseconds: histogram.max / 1e6 };
}


/** Members drawn evenly from every member id (ranked or not), a fixed sequence for a given seed. */
function sampleMembers(maximumId: number, count: number, seed: number): number[] {
  let state = seed * 2_654_435_761;
  const next = () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
  return Array.from({ length: count }, () => 1 + Math.floor(next() * maximumId));
}

interface BenchRequest {
  memberId: number;
  headers: Record<string, string>;
  body: string;
}

/** One request at a time over a kept-alive connection, each for another member; milliseconds each. */
async function sequential(url: string, requests: BenchRequest[]): Promise<number[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const target = new URL(url);
  const once = (request: BenchRequest) =>
    new Promise<void>((resolve, reject) => {
      const outgoing = http.request({ agent, host: target.hostname, port: target.port, path: target.pathname, method: "POST", headers: { ...request.headers, "content-length": Buffer.byteLength(request.body) } }, (response) => {
        if (response.statusCode !== 200) reject(new Error(`status ${response.statusCode}`));
        response.resume();
        response.on("end", () => resolve());
      });
      outgoing.on("error", reject);
      outgoing.end(request.body);
    });
  const latencies: number[] = [];
  try {
    for (const request of requests) {
      const started = process.hrtime.bigint();
      await once(request);
      latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  } finally {
    agent.destroy();
  }
  return latencies;
}

async function loaded(url: string, requests: BenchRequest[], connections: number, seconds: number): Promise<LoadedMeasurement> {
  let next = 0;
  const result = await autocannon({
    url,
    method: "POST",
    connections,
    duration: seconds,
    requests: [
      {
        setupRequest: (request) => {
          const chosen = requests[next++ % requests.length];
          return { ...request, headers: chosen.headers, body: chosen.body };
        },
      },
    ],
  });
  if (result.errors > 0 || result.non2xx > 0) throw new Error(`${url}: ${result.errors} errors and ${result.non2xx} non-2xx responses under load`);
  return { requestsPerSecond: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

async function post(url: string, request: BenchRequest): Promise<unknown> {
  const response = await fetch(url, { method: "POST", headers: request.headers, body: request.body });
  return response.json();
}

/** Starts a target with extra environment for its process only. */
async function startWith(mode: "graphql" | "leaderboard-floor", url: string, environment: Record<string, string>): Promise<RunningTarget> {
  const saved = Object.fromEntries(Object.keys(environment).map((name) => [name, process.env[name]]));
  Object.assign(process.env, environment);
  try {
    return await startTarget(mode, url);
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

export async function benchmarkLeaderboards(settings: LeaderboardBenchSettings, log: (line: string) => void): Promise<LeaderboardBenchResults> {
  const { file, copySeconds } = await copiedBenchDatabase("leaderboards", settings.members, settings.seed, log);
  const config = { ...loadConfig({ NODE_ENV: "production", ...secrets, LOG_LEVEL: "silent" }), database: { type: "sqlite" as const, path: file } };
  const probe = new Sqlite(file, { readonly: true });
  const applied = (probe.prepare("SELECT COUNT(*) AS count FROM migrations").get() as { count: number }).count;
  probe.close();
  const pendingMigrations = migrations.length - applied;
  const { seconds: migrateSeconds, result: database } = await timed(() => openDatabase(config.database));
  log(`leaderboards: opened (with any pending migrations) in ${migrateSeconds.toFixed(1)} s`);
  const { dataSource } = database;
  let clock: ManualClock;
  let firstBuild: LeaderboardBenchResults["firstBuild"];
  const steady: LeaderboardBenchResults["steady"] = { seconds: [], summaries: [], longestStallMilliseconds: [] };
  let entryRows: number;
  let maximumMemberId: number;
  try {
    // The seed dated its ledger up to when it ran: the clock stands a minute after its last EARN entry, so the current
    // week and month hold the seed's latest activity whatever the day the benchmark runs.
    const [{ last }] = await dataSource.query("SELECT MAX(created_at) AS last FROM point_entries WHERE type = 'EARN'");
    clock = new ManualClock(new Date(timeFromDatabase(last)!.getTime() + 60_000));
    // Every build timed from nothing: boards of an earlier run are removed first (untimed).
    await dataSource.query("DELETE FROM leaderboard_entries");
    await dataSource.query("DELETE FROM leaderboard_boards");
    // Rebuilt every time (no skipping an unchanged ledger) and replaced boards deleted at the next refresh: the steady cost.
    const refresh = new LeaderboardRefresh(dataSource, clock, { utcOffsetMinutes: config.programme.utcOffsetMinutes, retiredBoardGraceSeconds: 0, rebuildUnchangedAfterSeconds: 0 });
    firstBuild = await timedRefresh(refresh);
    log(`leaderboards: first build ${firstBuild.seconds.toFixed(1)} s (${firstBuild.summary.built.map((built) => `${built.period} ${built.rankedMembers} members ${built.seconds.toFixed(1)} s`).join("; ")}), longest stall ${firstBuild.longestStallMilliseconds.toFixed(0)} ms`);
    for (let round = 0; round < settings.refreshRounds; round += 1) {
      clock.advance(1_000);
      const timedRound = await timedRefresh(refresh);
      steady.seconds.push(timedRound.seconds);
      steady.summaries.push(timedRound.summary);
      steady.longestStallMilliseconds.push(timedRound.longestStallMilliseconds);
      log(`leaderboards: steady refresh ${round + 1}: ${timedRound.seconds.toFixed(1)} s (${timedRound.summary.built.map((built) => `${built.period} ${built.seconds.toFixed(1)} s`).join("; ")}; removed ${timedRound.summary.removedBoards} boards), longest stall ${timedRound.longestStallMilliseconds.toFixed(0)} ms`);
    }
    // The last round's replaced boards go too, so the readers below see one board per period.
    clock.advance(1_000);
    await refresh.refresh();
    entryRows = Number((await dataSource.query("SELECT COUNT(*) AS count FROM leaderboard_entries"))[0].count);
    maximumMemberId = Number((await dataSource.query("SELECT MAX(id) AS id FROM members"))[0].id);
    await dataSource.query("PRAGMA wal_checkpoint(TRUNCATE)");
  } finally {
    await dataSource.destroy();
  }

  const periodKey = leaderboardPeriodAt("MONTH", clock.now(), config.programme.utcOffsetMinutes).key;
  const members = sampleMembers(maximumMemberId, settings.requests, settings.seed);
  const tokens = new TokenService(secrets.JWT_SECRET, { member: 24 * 3600, staff: 3600 });
  const requestsFor = async (scope: FloorScope) => ({
    graphql: await Promise.all(
      members.map(async (memberId) => ({
        memberId,
        headers: { "content-type": "application/json", authorization: `Bearer ${(await tokens.issue({ kind: "member", memberId }, clock.now())).token}` },
        body: JSON.stringify({ query: leaderboardBenchQuery, variables: { scope } }),
      })),
    ),
    floor: members.map((memberId) => ({ memberId, headers: { "content-type": "application/json", "x-member-id": String(memberId), "x-scope": scope }, body: "{}" })),
  });

  // The reads alone, in this process: the floor's floor.
  const floor = new LeaderboardFloor(file, periodKey);
  const inProcess = new Map<FloorScope, number[]>();
  let ranked = 0;
  try {
    for (const scope of ["ALL", "CITY"] as const) {
      const latencies: number[] = [];
      for (const memberId of members) {
        const started = process.hrtime.bigint();
        const answer = floor.answer(memberId, scope) as { data: { leaderboard: { me: { rank: number | null } } } };
        latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
        if (scope === "ALL" && answer.data.leaderboard.me.rank !== null) ranked += 1;
      }
      inProcess.set(scope, latencies);
    }
  } finally {
    floor.close();
  }

  const environment = { BENCH_CLOCK_AT: clock.now().toISOString(), BENCH_LEADERBOARD_PERIOD: periodKey, LEADERBOARD_REFRESH_SECONDS: "0", LOG_LEVEL: "info" };
  const graphql = await startWith("graphql", `sqlite:${file}`, environment);
  const floorHttp = await startWith("leaderboard-floor", `sqlite:${file}`, environment);
  try {
    const scopes: ScopeLatency[] = [];
    let statementsPerRequest = 0;
    let allRequests: Awaited<ReturnType<typeof requestsFor>> | null = null;
    for (const scope of ["ALL", "CITY"] as const) {
      const requests = await requestsFor(scope);
      if (scope === "ALL") allRequests = requests;
      // The floor must answer exactly what the API answers, or the comparison means nothing.
      for (let index = 0; index < 20; index += 1) {
        const [api, bare] = await Promise.all([post(graphql.url, requests.graphql[index]), post(floorHttp.url, requests.floor[index])]);
        if (!isDeepStrictEqual(api, bare)) throw new Error(`member ${members[index]}, ${scope}: the floor answers differently from graphql:\n${JSON.stringify(api).slice(0, 600)}\n${JSON.stringify(bare).slice(0, 600)}`);
      }
      if (scope === "ALL") {
        const before = await graphql.statements();
        await sequential(graphql.url, requests.graphql.slice(0, 100));
        statementsPerRequest = ((await graphql.statements()) - before) / 100;
      }
      const samples = { graphql: [] as number[], floorHttp: [] as number[], graphqlRoundsP95: [] as number[] };
      for (let round = 0; round < settings.rounds; round += 1) {
        const sides = [
          async () => {
            const latencies = await sequential(graphql.url, requests.graphql);
            samples.graphql.push(...latencies);
            samples.graphqlRoundsP95.push(summarise(latencies).p95);
          },
          async () => samples.floorHttp.push(...(await sequential(floorHttp.url, requests.floor))),
        ];
        // Alternated, so drift (page cache, other load) falls on both sides alike.
        for (const side of round % 2 === 0 ? sides : [...sides].reverse()) await side();
        log(`leaderboards: ${scope} round ${round + 1}: graphql p95 ${samples.graphqlRoundsP95[round].toFixed(1)} ms`);
      }
      scopes.push({ scope, floorInProcess: summarise(inProcess.get(scope)!), floorHttp: summarise(samples.floorHttp), graphql: summarise(samples.graphql), graphqlRoundsP95: samples.graphqlRoundsP95 });
    }
    const loadedGraphql = await loaded(graphql.url, allRequests!.graphql, settings.connections, settings.loadedSeconds);
    const loadedFloor = await loaded(floorHttp.url, allRequests!.floor, settings.connections, settings.loadedSeconds);
    log(`leaderboards: ${settings.connections} connections: graphql ${Math.round(loadedGraphql.requestsPerSecond)} req/s, floor ${Math.round(loadedFloor.requestsPerSecond)} req/s`);
    return {
      members: settings.members,
      databaseGigabytes: statSync(file).size / 1e9,
      copySeconds,
      migrateSeconds,
      pendingMigrations,
      clock: clock.now().toISOString(),
      firstBuild,
      steady,
      entryRows,
      sampledMembers: members.length,
      rankedShare: ranked / members.length,
      statementsPerRequest,
      scopes,
      loaded: { graphql: loadedGraphql, floorHttp: loadedFloor },
    };
  } finally {
    await graphql.stop();
    await floorHttp.stop();
  }
}
