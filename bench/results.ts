// Renders bench/RESULTS.md from the measurements.
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { ProfileSummary } from "./cpu-profile";
import type { TargetMode } from "./target";

export interface Measurement {
  latencyMedianMilliseconds: number;
  latencyP99Milliseconds: number;
  requestsPerSecond: number;
}

export interface LoadLevelResults {
  rounds: Measurement[];
  median: Measurement;
}

export interface TargetResults {
  mode: TargetMode;
  statementsPerRequest: number;
  /** One connection at a time: what a user of an idle server waits. */
  single: LoadLevelResults;
  /** `connections` at once: throughput, and the wait once requests queue. */
  loaded: LoadLevelResults;
}

export interface DatabaseResults {
  label: string;
  serverVersion: string;
  targets: TargetResults[];
  profile: ProfileSummary;
}

export interface BenchSettings {
  members: number;
  connections: number;
  warmupSeconds: number;
  singleSeconds: number;
  loadedSeconds: number;
  rounds: number;
}

const targetNames: Record<TargetMode, string> = {
  floor: "raw-SQL floor (bare http + driver, 1 statement)",
  graphql: "**Loyalty Graph** (Apollo + type-graphql + TypeORM + DataLoader)",
  naive: "naive resolvers (same server, no DataLoader)",
  "leaderboard-floor": "leaderboard floor (bare http + better-sqlite3)",
};

function versionOf(name: string): string {
  try {
    // Read the file: several packages do not export their package.json.
    return (JSON.parse(readFileSync(path.resolve(__dirname, "../../node_modules", name, "package.json"), "utf8")) as { version: string }).version;
  } catch {
    return "?";
  }
}

const fixed = (value: number, digits = 2) => value.toFixed(digits);
const percent = (share: number) => `${(share * 100).toFixed(1)}%`;

function databaseSection(results: DatabaseResults, connections: number): string {
  const byMode = (mode: TargetMode) => results.targets.find((target) => target.mode === mode)!;
  const floor = byMode("floor");
  const graphql = byMode("graphql");
  const naive = byMode("naive");
  const rows = results.targets.map(({ mode, statementsPerRequest, single, loaded }) =>
    [
      targetNames[mode],
      fixed(statementsPerRequest, 2),
      fixed(single.median.latencyMedianMilliseconds),
      fixed(single.median.latencyP99Milliseconds),
      `${fixed(single.median.latencyMedianMilliseconds / floor.single.median.latencyMedianMilliseconds, 2)}×`,
      fixed(loaded.median.latencyMedianMilliseconds),
      fixed(loaded.median.latencyP99Milliseconds),
      Math.round(loaded.median.requestsPerSecond),
      `${fixed(floor.loaded.median.requestsPerSecond / loaded.median.requestsPerSecond, 2)}×`,
    ].join(" | "),
  );
  const rounds = results.targets.flatMap(({ mode, single, loaded }) => [
    `| ${mode}, 1 connection | ${single.rounds.map((entry) => `${fixed(entry.latencyMedianMilliseconds)} ms / ${Math.round(entry.requestsPerSecond)}`).join(" | ")} |`,
    `| ${mode}, ${connections} connections | ${loaded.rounds.map((entry) => `${fixed(entry.latencyMedianMilliseconds)} ms / ${Math.round(entry.requestsPerSecond)}`).join(" | ")} |`,
  ]);
  const latencyRatio = graphql.single.median.latencyMedianMilliseconds / floor.single.median.latencyMedianMilliseconds;
  const loadedRatio = graphql.loaded.median.latencyMedianMilliseconds / floor.loaded.median.latencyMedianMilliseconds;
  const speedUp = graphql.loaded.median.requestsPerSecond / naive.loaded.median.requestsPerSecond;
  const { profile } = results;
  const roundCount = floor.single.rounds.length;
  return [
    `## ${results.label}`,
    "",
    `${results.serverVersion}.`,
    "",
    `| target | SQL statements per request | 1 connection: latency median (ms) | p99 (ms) | median vs floor | ${connections} connections: latency median (ms) | p99 (ms) | requests/s | floor's requests/s ÷ this |`,
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...rows.map((row) => `| ${row} |`),
    "",
    `- Statements: ${fixed(graphql.statementsPerRequest, 2)} per request with DataLoader (the page, then one batched tier look-up), ${fixed(naive.statementsPerRequest, 2)} with naive resolvers.`,
    `- Latency against the floor, one connection: ${fixed(latencyRatio, 2)}× (target: within 3×, ${latencyRatio <= 3 ? "met" : "**not met**"}); under ${connections} connections: ${fixed(loadedRatio, 2)}× (${loadedRatio <= 3 ? "within" : "**beyond**"} 3×).`,
    `- Against naive resolvers under load: ${fixed(speedUp, 2)}× the throughput and ${fixed(naive.loaded.median.latencyMedianMilliseconds / graphql.loaded.median.latencyMedianMilliseconds, 2)}× lower median latency.`,
    "",
    "Each round (median latency / requests per second):",
    "",
    `| target | ${Array.from({ length: roundCount }, (_, index) => `round ${index + 1}`).join(" | ")} |`,
    `|---|${Array.from({ length: roundCount }, () => "---:").join("|")}|`,
    ...rounds,
    "",
    `### Where the Loyalty Graph server's CPU time goes (${results.label})`,
    "",
    `V8 CPU profile of the server process under ${connections} connections (${fixed(profile.totalMilliseconds / 1000, 1)} s of busy CPU after warm-up; self time, idle excluded).`,
    "",
    "| package | share |",
    "|---|---:|",
    ...profile.byPackage.slice(0, 14).map((entry) => `| ${entry.name} | ${percent(entry.share)} |`),
    "",
    "| hottest functions (self time) | where | share |",
    "|---|---|---:|",
    ...profile.topFunctions.map((entry) => `| ${entry.name} | ${entry.where} | ${percent(entry.share)} |`),
    "",
  ].join("\n");
}

export function renderResults(databases: DatabaseResults[], settings: BenchSettings, mysqlSkipped: boolean): string {
  const cpus = os.cpus();
  return [
    "# Benchmark results",
    "",
    "Generated by `npm run bench` (bench/run.ts); do not edit by hand. How to read it and what the figures mean: `docs/benchmarks.md`.",
    "",
    "**Operation**: the admin console's first page, `members(first: 20) { edges { cursor node { id name phone city joinChannel joinedAt tier { id code name } } } pageInfo { ... } }`,",
    `as an analyst (masked phones, nothing decrypted), over HTTP POST with autocannon. Per target: ${settings.warmupSeconds} s warm-up, then ${settings.rounds} rounds in rotating order,`,
    `each ${settings.singleSeconds} s with 1 connection (latency of an idle server) and ${settings.loadedSeconds} s with ${settings.connections} connections (throughput; latency once requests queue).`,
    `Tables show the median of the rounds. ${settings.members.toLocaleString("en-US")} demo members. SQL statements are counted over 50 sequential requests.`,
    "Each server runs in its own process (production mode, request logs on); the load generator runs in the parent. The floor's JSON is checked to equal the API's before measuring.",
    "",
    `**Machine**: ${cpus.length} × ${cpus[0]?.model.trim() ?? "unknown CPU"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}; Node ${process.version}.`,
    `**Versions**: graphql ${versionOf("graphql")}, @apollo/server ${versionOf("@apollo/server")}, type-graphql ${versionOf("type-graphql")}, typeorm ${versionOf("typeorm")}, dataloader ${versionOf("dataloader")}, better-sqlite3 ${versionOf("better-sqlite3")}, mysql2 ${versionOf("mysql2")}, autocannon ${versionOf("autocannon")}.`,
    `**Run**: ${new Date().toISOString()}.`,
    "",
    ...(mysqlSkipped ? ["MySQL/MariaDB: not measured in this run (set MYSQL_URL; `eval \"$(bash scripts/services.sh start)\"` starts MariaDB).", ""] : []),
    ...databases.map((database) => databaseSection(database, settings.connections)),
  ].join("\n");
}
