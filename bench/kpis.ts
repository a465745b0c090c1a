// First measurement of the KPI queries on a copy of the scoring benchmark's seeded database (never the cached file
// itself): each query timed once warm, printed as a table. Not yet part of `npm run bench` (docs/kpis.md).
// Usage: KPI_BENCH_FILE=bench/.data/kpis-1000000-seed1.sqlite npx ts-node-transpile-only bench/kpis.ts
import "reflect-metadata";
import { performance } from "node:perf_hooks";
import { ManualClock } from "../src/clock";
import { loadConfig } from "../src/config";
import { openDatabase } from "../src/database/data-source";
import { timeFromDatabase } from "../src/database/raw-values";
import { addLocalMonths } from "../src/engine";
import { type KpiBreakdown, type KpiGranularity, type KpiName } from "../src/engine/analytics";
import { createAnalyticsServices } from "../src/services/analytics";

async function main(): Promise<void> {
  const file = process.env.KPI_BENCH_FILE;
  if (!file || /scoring-\d+-seed\d+\.sqlite$/.test(file)) throw new Error("KPI_BENCH_FILE must name a copy of the scoring benchmark's database, not the cached file");
  const config = { ...loadConfig({ NODE_ENV: "test" }), database: { type: "sqlite" as const, path: file } };
  // The copy is brought up to date (it may predate the KPI facts' tables, which the migrations fill from the ledger).
  const { dataSource } = await openDatabase(config.database, { runMigrations: true });
  const [{ latest }] = await dataSource.query("SELECT MAX(joined_at) AS latest FROM members");
  const now = timeFromDatabase(latest)!;
  const services = createAnalyticsServices(dataSource, new ManualClock(now), config);
  const offset = config.programme.utcOffsetMinutes;
  const yearAgo = addLocalMonths(now, -12, offset);
  const rows: string[] = [];
  const time = async (what: string, run: () => Promise<unknown>) => {
    const started = performance.now();
    await run();
    const milliseconds = performance.now() - started;
    rows.push(`| ${what} | ${milliseconds.toFixed(0)} |`);
    process.stderr.write(`${what}: ${milliseconds.toFixed(0)} ms\n`);
  };
  const series = (kpi: KpiName, granularity: KpiGranularity, breakdown: KpiBreakdown, from = yearAgo) => () => services.kpis.series({ kpi, from, to: now, granularity, breakdown, schemeId: null });
  const kpis: KpiName[] = ["NEW_MEMBERS", "GROWTH_RATE", "ACTIVE_MEMBERS", "STICKINESS", "SPEND", "ORDERS", "AVERAGE_ORDER_VALUE", "SPEND_PER_ACTIVE_MEMBER", "REPURCHASE_RATE", "POINTS_LIABILITY"];
  for (const kpi of kpis) await time(`${kpi}, 12 months by MONTH`, series(kpi, "MONTH", "NONE"));
  await time("ACTIVE_MEMBERS, 12 months by WEEK", series("ACTIVE_MEMBERS", "WEEK", "NONE"));
  await time("ACTIVE_MEMBERS, 90 days by DAY", series("ACTIVE_MEMBERS", "DAY", "NONE", addLocalMonths(now, -3, offset)));
  await time("SPEND, 12 months by MONTH, by CHANNEL", series("SPEND", "MONTH", "CHANNEL"));
  await time("NEW_MEMBERS, 12 months by MONTH, by TIER", series("NEW_MEMBERS", "MONTH", "TIER"));
  await time("tierDistribution(now − 6 months)", () => services.tierAnalytics.distribution(addLocalMonths(now, -6, offset)));
  await time("tierMigration(12 months)", () => services.tierAnalytics.migration(yearAgo, now));
  await time("joinCohorts(12 cohorts, 12 months)", () => services.joinCohorts.cohorts(yearAgo, now, 12));
  process.stdout.write(`| query (${file}) | ms |\n|---|---:|\n${rows.join("\n")}\n`);
  await dataSource.destroy();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
