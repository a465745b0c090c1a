// Renders the points section of bench/RESULTS.md.
import type { PointsBenchResults, PointsBenchSettings, PointsMeasurement } from "./points";

/** The points section starts here, so a run of one benchmark can keep the other's figures. */
export const pointsSectionMarker = "<!-- points benchmark -->";

const target = 1_000;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function medianOf(rounds: PointsMeasurement[]): PointsMeasurement {
  return {
    operationsPerSecond: median(rounds.map((round) => round.operationsPerSecond)),
    committedPerSecond: median(rounds.map((round) => round.committedPerSecond)),
    latencyMedianMilliseconds: median(rounds.map((round) => round.latencyMedianMilliseconds)),
    latencyP99Milliseconds: median(rounds.map((round) => round.latencyP99Milliseconds)),
    refused: median(rounds.map((round) => round.refused)),
  };
}

function section(results: PointsBenchResults, settings: PointsBenchSettings): string {
  const api = medianOf(results.api);
  const inProcess = medianOf(results.inProcess);
  const row = (name: string, measured: PointsMeasurement) =>
    `| ${name} | ${Math.round(measured.operationsPerSecond)} | ${Math.round(measured.committedPerSecond)} | ${measured.latencyMedianMilliseconds.toFixed(1)} | ${measured.latencyP99Milliseconds.toFixed(1)} | ${(inProcess.operationsPerSecond / measured.operationsPerSecond).toFixed(2)}× |`;
  const { ledger } = results;
  const verified = ledger.differences.length === 0 && ledger.membersWithoutAccount === 0;
  return [
    `### ${results.label}`,
    "",
    `${results.serverVersion}.`,
    "",
    `| side | operations/s | committed/s | latency median (ms) | p99 (ms) | in-process ops/s ÷ this |`,
    "|---|---:|---:|---:|---:|---:|",
    row("in-process services (baseline: no HTTP, no GraphQL)", inProcess),
    row(`**GraphQL API** (${settings.connections} clients over HTTP)`, api),
    "",
    `- GraphQL API: ${Math.round(api.operationsPerSecond)} points operations per second (target ≥ ${target}: ${api.operationsPerSecond >= target ? "met" : "**not met**"}).`,
    `- Ledger after the run: ${ledger.accountsChecked} accounts checked, ${ledger.differences.length} differences, ${ledger.membersWithoutAccount} members without account: ${verified ? "**verifies** (no overspend: no balance below zero or apart from its entries)" : "**DOES NOT VERIFY**"}.`,
    `- Rounds (API / in-process ops/s): ${results.api.map((round, index) => `${Math.round(round.operationsPerSecond)} / ${Math.round(results.inProcess[index]?.operationsPerSecond ?? 0)}`).join("; ")}.`,
    "",
  ].join("\n");
}

export function renderPointsResults(results: PointsBenchResults[], settings: PointsBenchSettings): string {
  return [
    pointsSectionMarker,
    "## Points operations",
    "",
    `**Operation**: half \`earnPoints\` for a purchase (order row, points by the earning rules, lot, tier check), half \`redeemPoints\` of 100 points (first-expiring lots),`,
    `each with a fresh idempotencyKey, on random members among ${settings.members.toLocaleString("en-US")} who start with ${results[0]?.startingBalance ?? 0} points; as an operator over HTTP POST with autocannon, ${settings.connections} connections.`,
    `The baseline runs the same commands on the same services in the load generator's process with ${settings.connections} concurrent callers. ${settings.warmupSeconds} s warm-up each, then ${settings.rounds} rounds of ${settings.seconds} s, alternating which side goes first; medians shown. The server process runs only during its own rounds (warmed up each time).`,
    "Operations include redemptions refused with INSUFFICIENT_POINTS (they lock, check and roll back like any other); committed counts only those that wrote.",
    "",
    ...results.map((result) => section(result, settings)),
  ].join("\n");
}
