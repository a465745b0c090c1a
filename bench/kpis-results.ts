// Renders the KPI section of bench/RESULTS.md.
import type { KpiBenchResults, KpiBenchSettings } from "./kpis";

export const kpisSectionMarker = "<!-- kpis benchmark -->";

const targetMilliseconds = 1_000;
const whole = (value: number) => Math.round(value).toLocaleString("en-US");

function milliseconds(value: number): string {
  return value >= 100 ? whole(value) : value.toFixed(1);
}

export function renderKpisResults(results: KpiBenchResults, settings: KpiBenchSettings): string {
  const slow = results.queries.filter((query) => query.milliseconds > targetMilliseconds);
  const scanned = results.queries.filter((query) => query.baselineMilliseconds !== null);
  const rows = results.queries.map((query) => {
    const scan = query.baselineMilliseconds === null ? "" : whole(query.baselineMilliseconds);
    const ratio = query.baselineMilliseconds === null ? "" : `${whole(query.baselineMilliseconds / query.milliseconds)}×`;
    const same = query.sameFigures === null ? "" : query.sameFigures ? "yes" : "**no**";
    return `| ${query.label} | ${query.source} | ${milliseconds(query.milliseconds)} | ${scan} | ${ratio} | ${same} |`;
  });
  return [
    kpisSectionMarker,
    "## KPIs (SQLite)",
    "",
    `${whole(results.members)} demo members (the scoring benchmark's database copied to bench/.data/kpis-${results.members}-seed${settings.seed}.sqlite, ${results.databaseGigabytes.toFixed(1)} GB` +
      `${results.copySeconds === null ? "" : `, copied in ${results.copySeconds.toFixed(0)} s`}), ${whole(results.dailyRows)} daily activity rows; the clock at ${results.clock}, ` +
      `the latest join. ` +
      (results.pendingMigrations > 0 ? `Opening it applied ${results.pendingMigrations} migrations in ${results.migrateSeconds.toFixed(1)} s (the daily points facts filled from the ledger among them). ` : "") +
      (results.rebuildSeconds !== null
        ? `Building the KPI facts from every member's daily rows, as the server does once at start for a database from before them, took ${results.rebuildSeconds.toFixed(0)} s and wrote ${whole(results.factRows)} fact rows. `
        : `The KPI facts (${whole(results.factRows)} rows) were built from the daily rows when the copy was first opened. `) +
      `Each query is the median of ${settings.runs} warm runs through the service (what the GraphQL resolver calls). Target: every KPI query ≤ ${whole(targetMilliseconds)} ms at a million members.`,
    "",
    "The baseline is the first version's reading of the same measures (bench/kpi-scan-baseline.ts): the members' daily rows of the range scanned per period, distinct members counted in SQL. It runs once on the same request, beside the facts, and its figures must equal theirs (the copy's rows all carry the members' groups of today, so the two breakdowns agree).",
    "",
    "| query (12 months by month unless said) | reads | ms | baseline scan, ms | scan ÷ facts | same figures |",
    "|---|---|---:|---:|---:|---|",
    ...rows,
    "",
    slow.length === 0
      ? `Every query answered within ${whole(targetMilliseconds)} ms.`
      : `Over ${whole(targetMilliseconds)} ms: ${slow.map((query) => `${query.label} (${milliseconds(query.milliseconds)} ms, reads ${query.source})`).join("; ")}.`,
    scanned.every((query) => query.sameFigures) ? `The baseline's figures equal the facts' in all ${scanned.length} queries it ran beside.` : "The baseline's figures differ from the facts' in some queries (marked **no**).",
  ].join("\n");
}
