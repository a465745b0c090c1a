// Renders the leaderboards section of bench/RESULTS.md.
import type { LatencySummary, LeaderboardBenchResults, LeaderboardBenchSettings, LoadedMeasurement } from "./leaderboards";

export const leaderboardsSectionMarker = "<!-- leaderboards benchmark -->";

const targetP95Milliseconds = 50;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const whole = (value: number) => Math.round(value).toLocaleString("en-US");
const seconds = (value: number) => value.toFixed(1);
const milliseconds = (value: number) => value.toFixed(2);

function latencyRow(label: string, latency: LatencySummary, floor: LatencySummary): string {
  return `| ${label} | ${whole(latency.samples)} | ${milliseconds(latency.p50)} | ${milliseconds(latency.p95)} | ${milliseconds(latency.p99)} | ${milliseconds(latency.max)} | ${(latency.p95 / floor.p95).toFixed(1)}× |`;
}

function loadedRow(label: string, measured: LoadedMeasurement): string {
  return `| ${label} | ${whole(measured.requestsPerSecond)} | ${measured.p50} | ${measured.p99} |`;
}

export function renderLeaderboardsResults(results: LeaderboardBenchResults, settings: LeaderboardBenchSettings): string {
  const main = results.scopes.find((scope) => scope.scope === "ALL")!;
  const met = results.scopes.every((scope) => scope.graphql.p95 <= targetP95Milliseconds);
  const steadySeconds = median(results.steady.seconds);
  const boards = (summary: LeaderboardBenchResults["firstBuild"]["summary"]) => summary.built.map((built) => `${built.period} ${whole(built.rankedMembers)} members in ${seconds(built.seconds)} s`).join(", ");
  return [
    leaderboardsSectionMarker,
    "## Leaderboards (SQLite)",
    "",
    `${whole(results.members)} demo members (the scoring benchmark's database copied to bench/.data/leaderboards-${results.members}-seed${settings.seed}.sqlite, ${results.databaseGigabytes.toFixed(1)} GB` +
      `${results.copySeconds === null ? "" : `, copied in ${seconds(results.copySeconds)} s`}; ` +
      (results.pendingMigrations > 0
        ? `opened in ${seconds(results.migrateSeconds)} s applying the ${results.pendingMigrations} migrations it lacked, the ledger's (type, created_at, member_id, amount) index among them). `
        : `its migrations, the ledger's (type, created_at, member_id, amount) index among them, were applied when the copy was first opened). `) +
      `The clock stands at ${results.clock}, a minute after the seed's last EARN entry, so the current week and month hold its latest activity. Target: the member's board (own rank and top 100) with p95 ≤ ${targetP95Milliseconds} ms.`,
    "",
    "### Refresh",
    "",
    `- **First build** of the four boards (current and previous week and month) from empty: ${seconds(results.firstBuild.seconds)} s (${boards(results.firstBuild.summary)}); the longest the event loop was held up: ${whole(results.firstBuild.longestStallMilliseconds)} ms.`,
    `- **Steady refresh** (the current week and month rebuilt, the previous ones final and kept, the boards they replace deleted): median ${seconds(steadySeconds)} s over ${results.steady.seconds.length} rounds (${results.steady.seconds.map(seconds).join(", ")} s; ${results.steady.summaries.map(boards).join("; ")}); longest stalls ${results.steady.longestStallMilliseconds.map(whole).join(", ")} ms.`,
    `- ${whole(results.entryRows)} entry rows across the four boards afterwards.`,
    "",
    "### A member's board",
    "",
    `\`leaderboard(period: MONTH, scope) { periodLabel refreshedAt rankedMembers top(first: 100) { rank score displayName nameMasked isMe } me { rank score neighbours(count: 2) { … } } }\` ` +
      `for ${whole(results.sampledMembers)} members drawn evenly from all member ids (${(results.rankedShare * 100).toFixed(0)}% of them ranked this month), one request each, one at a time on a kept-alive connection, ` +
      `${settings.rounds} rounds alternating which target goes first, samples pooled. Each member's own token. The floor answers byte-for-byte the same JSON (checked on 20 members per scope) from the same reads as bare SQL through better-sqlite3 ` +
      `(board, own entry, top 100 joined with names and opt-ins, neighbours by position; the city's size on CITY boards), in process and behind a bare \`node:http\` handler in its own process. ` +
      `The GraphQL server issues ${results.statementsPerRequest.toFixed(1)} SQL statements a request.`,
    "",
    "| scope | side | requests | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) | p95 ÷ bare reads |",
    "|---|---|---:|---:|---:|---:|---:|---:|",
    ...results.scopes.flatMap((scope) => [
      latencyRow(`${scope.scope} | bare reads in process`, scope.floorInProcess, scope.floorInProcess),
      latencyRow(`${scope.scope} | floor over HTTP`, scope.floorHttp, scope.floorInProcess),
      latencyRow(`${scope.scope} | **GraphQL server**`, scope.graphql, scope.floorInProcess),
    ]),
    "",
    `Target ${met ? "met" : "**not met**"}: p95 ${results.scopes.map((scope) => `${milliseconds(scope.graphql.p95)} ms (${scope.scope}; rounds ${scope.graphqlRoundsP95.map(milliseconds).join(", ")})`).join(", ")} against ${targetP95Milliseconds} ms.`,
    "",
    `Under load (${settings.connections} connections for ${settings.loadedSeconds} s, ALL scope, the members in turn; autocannon's millisecond histogram):`,
    "",
    "| side | requests/s | p50 (ms) | p99 (ms) |",
    "|---|---:|---:|---:|",
    loadedRow("floor over HTTP", results.loaded.floorHttp),
    loadedRow("**GraphQL server**", results.loaded.graphql),
    "",
    `- The GraphQL server's p95 is ${(main.graphql.p95 / main.floorHttp.p95).toFixed(1)}× the bare HTTP floor's on the ALL board: the reads are index range reads either way; the rest is the API's usual cost per request (express, Apollo, type-graphql, the JWT check, TypeORM).`,
    "",
  ].join("\n");
}
