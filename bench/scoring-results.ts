// Renders the scoring section of bench/RESULTS.md.
import type { ScoringBenchResults, ScoringBenchSettings } from "./scoring";

export const scoringSectionMarker = "<!-- scoring benchmark -->";

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function renderScoringResults(results: ScoringBenchResults, settings: ScoringBenchSettings): string {
  const floor = median(results.floorSeconds);
  const full = median(results.fullRunSeconds);
  const ratio = full / floor;
  const met = ratio <= 1.5 && full <= 60;
  const members = results.members.toLocaleString("en-US");
  return [
    scoringSectionMarker,
    "## Full rescoring (SQLite)",
    "",
    `${members} demo members with a year of behaviour (${results.eventRows.toLocaleString("en-US")} events; database ${Math.round(results.databaseMegabytes).toLocaleString("en-US")} MB), ` +
      `seed ${settings.seed}${results.seedSeconds === null ? " (seeded by an earlier run and kept in bench/.data)" : `, seeded in ${results.seedSeconds.toFixed(0)} s`}. ` +
      `Medians of ${settings.rounds} alternated rounds. Target: a full run within 1.5× the floor and 60 s.`,
    "",
    "| side | seconds (median) | rounds | ÷ floor |",
    "|---|---:|---|---:|",
    `| floor: the same aggregates read, the same score rows (the last run's, precomputed) and snapshots written, no scoring | ${floor.toFixed(1)} | ${results.floorSeconds.map((value) => value.toFixed(1)).join(", ")} | 1.00× |`,
    `| **full rescoring** (breakpoints, clusters, scores, snapshots) | ${full.toFixed(1)} | ${results.fullRunSeconds.map((value) => value.toFixed(1)).join(", ")} | ${ratio.toFixed(2)}× |`,
    "",
    `Target ${met ? "met" : "**not met**"}: ${full.toFixed(1)} s, ${ratio.toFixed(2)}× the floor.`,
    "",
    `- The pure engine alone (raw figures, breakpoints, scores; no I/O, no clusters): ${Math.round(results.engineMembersPerSecond).toLocaleString("en-US")} members/s.`,
    `- The daily refresh of every member's windows before the first run of a day: ${results.windowRefreshSeconds.toFixed(1)} s here (the seed writes windows as of today, so usually ~0).`,
    `- RFM segments: ${results.segments.map((row) => `${row.segment} ${row.members.toLocaleString("en-US")}`).join(", ")}.`,
    `- Lifecycle stages: ${results.lifecycle.map((row) => `${row.stage} ${row.members.toLocaleString("en-US")}`).join(", ")}.`,
    "",
  ].join("\n");
}
