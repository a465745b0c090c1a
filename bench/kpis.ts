// The KPI benchmark (BENCH_ONLY=kpis): every KPI query of the admin console on the scoring benchmark's seeded
// database (1,000,000 members with a year and more of events by default), copied once to
// bench/.data/kpis-<members>-seed<seed>.sqlite. Opening the copy applies the migrations it lacks and builds the KPI
// facts from the daily rows (the server does the same at start); both are timed. It records 400 days of marketing
// spend outside campaigns once, for the acquisition cost. Each query is timed warm, the
// median of a few runs; the first version's scans of the daily rows (bench/kpi-scan-baseline.ts) run beside the
// activity KPIs on the same request, and their figures must equal the facts'.
import { statSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { isDeepStrictEqual } from "node:util";
import Sqlite from "better-sqlite3";
import { migrations } from "../migrations";
import { ManualClock } from "../src/clock";
import { loadConfig } from "../src/config";
import { openDatabase } from "../src/database/data-source";
import type { DataSource } from "typeorm";
import { numberFromDatabase, timeFromDatabase, timeToDatabase } from "../src/database/raw-values";
import { addLocalMonths, joinChannels } from "../src/engine";
import { localDayNumber } from "../src/engine/activity/daily-windows";
import { kpiPeriods, measuresOfKpi, periodBefore, type KpiBreakdown, type KpiGranularity, type KpiMeasureName, type KpiName } from "../src/engine/analytics";
import { createAnalyticsServices } from "../src/services/analytics";
import { ensureKpiFacts } from "../src/services/analytics/kpi-facts-rebuild";
import { KpiMeasureReader, type MeasureRequest, type MeasuresByGroup } from "../src/services/analytics/kpi-measures";
import { KpiScanBaseline } from "./kpi-scan-baseline";
import { TierHistoryBaseline } from "./tier-history-baseline";
import { copiedBenchDatabase } from "./scoring";
import { secrets } from "./target-process";

export interface KpiBenchSettings {
  members: number;
  seed: number;
  /** Warm runs of each query; the median is reported. */
  runs: number;
  /** "some": the scans beside a few activity KPIs (each takes up to a minute and a half at a million members); "all"; "none". */
  baseline: "some" | "all" | "none";
}

export function kpiBenchSettings(environment: NodeJS.ProcessEnv): KpiBenchSettings {
  const number = (name: string, fallback: number) => Number(environment[name] ?? fallback);
  const baseline = environment.BENCH_KPI_BASELINE ?? "some";
  if (baseline !== "some" && baseline !== "all" && baseline !== "none") throw new Error("BENCH_KPI_BASELINE must be some, all or none");
  return { members: number("BENCH_KPI_MEMBERS", number("BENCH_SCORING_MEMBERS", 1_000_000)), seed: 1, runs: number("BENCH_KPI_RUNS", 5), baseline };
}

export interface KpiQueryResult {
  label: string;
  /** What the query reads: the KPI facts, the daily points facts, members, the ledger... */
  source: string;
  milliseconds: number;
  /** The first version's scan of the daily rows on the same request, once; null when not run. */
  baselineMilliseconds: number | null;
  /** The scan's figures equal the facts' (null when the scan did not run). */
  sameFigures: boolean | null;
}

export interface KpiBenchResults {
  members: number;
  databaseGigabytes: number;
  copySeconds: number | null;
  migrateSeconds: number;
  pendingMigrations: number;
  /** Building the facts from every member's daily rows; null when an earlier run built them. */
  rebuildSeconds: number | null;
  dailyRows: number;
  factRows: number;
  clock: string;
  queries: KpiQueryResult[];
}

async function timed<Result>(work: () => Promise<Result>): Promise<{ seconds: number; result: Result }> {
  const started = performance.now();
  const result = await work();
  return { seconds: (performance.now() - started) / 1000, result };
}

function median(values: number[]): number {
  const sorted = [...values].sort((first, second) => first - second);
  return sorted[Math.floor(sorted.length / 2)];
}


/** The activity measures both readers give: the figures compared. */
const comparedMeasures = new Set<KpiMeasureName>(["membersWithLogin", "loginMemberDays", "membersWithLoginOrOrder", "spendFen", "orders", "logins", "interactions", "membersWithOrder", "membersWithRepeatOrder", "activeBefore", "retained", "lost"]);

function comparable(measures: MeasuresByGroup, names: KpiMeasureName[]): Record<string, number[][]> {
  const entries = [...measures].map(([group, series]) => [group, series.map((point) => names.map((name) => point[name]))] as const);
  // A group whose figures are all zero is the same as a group left out.
  return Object.fromEntries(entries.filter(([, series]) => series.some((point) => point.some((value) => value !== 0))).sort(([first], [second]) => first.localeCompare(second)));
}

/**
 * A year of marketing spend recorded outside campaigns, as a programme would have it (once per copy): every day some
 * for all channels, every Monday some for each channel. ACQUISITION_COST then reads it beside the campaign sends.
 */
async function recordBenchMarketingSpend(dataSource: DataSource, now: Date, offset: number): Promise<void> {
  const [{ n }] = await dataSource.query("SELECT COUNT(*) AS n FROM marketing_spend");
  if (numberFromDatabase(n) > 0) return;
  const createdAt = timeToDatabase(dataSource, now);
  await dataSource.query("INSERT INTO staff_users (email, display_name, role, password_hash, active, created_at) VALUES ('kpi-bench@bench.loyalty', 'KPI bench', 'operator', NULL, 1, ?)", [createdAt]);
  const [{ id: staffId }] = await dataSource.query("SELECT id FROM staff_users WHERE email = 'kpi-bench@bench.loyalty'");
  const today = localDayNumber(now, offset);
  const rows: unknown[][] = [];
  for (let day = today - 400; day <= today; day += 1) {
    rows.push([day, null, 50_000 + (day % 7) * 1_001, "brand media", staffId, `bench-${day}-all`, createdAt]);
    if ((day + 3) % 7 === 0) for (const channel of joinChannels) rows.push([day, channel, 20_000 + (day % 13) * 17, `${channel} media`, staffId, `bench-${day}-${channel}`, createdAt]);
  }
  for (let index = 0; index < rows.length; index += 200) {
    const batch = rows.slice(index, index + 200);
    await dataSource.query(
      `INSERT INTO marketing_spend (day, channel, amount, description, recorded_by, idempotency_key, created_at) VALUES ${batch.map(() => "(?, ?, ?, ?, ?, ?, ?)").join(", ")}`,
      batch.flat(),
    );
  }
}

export async function benchmarkKpis(settings: KpiBenchSettings, log: (line: string) => void): Promise<KpiBenchResults> {
  const { file, copySeconds } = await copiedBenchDatabase("kpis", settings.members, settings.seed, log);
  const config = { ...loadConfig({ ...secrets, NODE_ENV: "production", LOG_LEVEL: "silent" }), database: { type: "sqlite" as const, path: file } };
  const before = new Sqlite(file, { readonly: true });
  const applied = before.prepare("SELECT COUNT(*) AS n FROM migrations").get() as { n: number };
  before.close();
  const pendingMigrations = migrations.length - applied.n;
  log(`kpis: opening ${file} (${pendingMigrations} migrations to apply)`);
  const { seconds: migrateSeconds, result: database } = await timed(() => openDatabase(config.database));
  const { dataSource } = database;
  const offset = config.programme.utcOffsetMinutes;
  try {
    const { seconds, result: rebuilt } = await timed(() => ensureKpiFacts(dataSource, offset, (members) => { if (members % 100_000 === 0) log(`kpis: facts of ${members.toLocaleString("en-US")} members built`); }));
    const [{ latest }] = await dataSource.query("SELECT MAX(joined_at) AS latest FROM members");
    const now = timeFromDatabase(latest)!;
    const services = createAnalyticsServices(dataSource, new ManualClock(now), config);
    const reader = new KpiMeasureReader(dataSource, offset);
    const baseline = new KpiScanBaseline(dataSource);
    const yearAgo = addLocalMonths(now, -12, offset);
    const [scheme] = await dataSource.query("SELECT id FROM segment_schemes ORDER BY id LIMIT 1");
    await recordBenchMarketingSpend(dataSource, now, offset);
    const queries: KpiQueryResult[] = [];

    const measure = async (label: string, source: string, run: () => Promise<unknown>, scan?: () => Promise<{ milliseconds: number; same: boolean }>) => {
      await run();
      const runs: number[] = [];
      for (let index = 0; index < settings.runs; index += 1) runs.push((await timed(run)).seconds * 1000);
      const scanned = scan ? await scan() : null;
      const result = { label, source, milliseconds: median(runs), baselineMilliseconds: scanned?.milliseconds ?? null, sameFigures: scanned?.same ?? null };
      queries.push(result);
      log(`kpis: ${label}: ${result.milliseconds.toFixed(1)} ms${scanned ? `, scan ${scanned.milliseconds.toFixed(0)} ms, same figures: ${scanned.same}` : ""}`);
    };
    const series = (kpi: KpiName, granularity: KpiGranularity, breakdown: KpiBreakdown, from: Date, withScan: boolean) => {
      const schemeId = breakdown === "SEGMENT" ? numberFromDatabase(scheme.id) : null;
      const periods = kpiPeriods(from, now, granularity, offset, 400)!;
      const request: MeasureRequest = { granularity, periods, periodBefore: periodBefore(periods[0], granularity, offset), breakdown, schemeId, measures: measuresOfKpi[kpi] };
      const names = measuresOfKpi[kpi].filter((name) => comparedMeasures.has(name));
      const scan = withScan && settings.baseline !== "none" && names.length > 0
        ? async () => {
            const { seconds, result: scanned } = await timed(() => baseline.read({ ...request, measures: names }));
            return { milliseconds: seconds * 1000, same: isDeepStrictEqual(comparable(scanned, names), comparable(await reader.read({ ...request, measures: names }), names)) };
          }
        : undefined;
      return { run: () => services.kpis.series({ kpi, from, to: now, granularity, breakdown, schemeId }), scan };
    };
    const some = settings.baseline === "all";
    const threeMonthsAgo = addLocalMonths(now, -3, offset);
    const kpiQueries: [KpiName, KpiGranularity, KpiBreakdown, Date, boolean, string][] = [
      ["ACTIVE_MEMBERS", "MONTH", "NONE", yearAgo, true, "KPI facts"],
      ["STICKINESS", "MONTH", "NONE", yearAgo, some, "KPI facts"],
      ["SPEND", "MONTH", "NONE", yearAgo, true, "KPI facts"],
      ["ORDERS", "MONTH", "NONE", yearAgo, some, "KPI facts"],
      ["AVERAGE_ORDER_VALUE", "MONTH", "NONE", yearAgo, some, "KPI facts"],
      ["SPEND_PER_ACTIVE_MEMBER", "MONTH", "NONE", yearAgo, some, "KPI facts"],
      ["REPURCHASE_RATE", "MONTH", "NONE", yearAgo, true, "KPI facts"],
      ["LOGIN_FREQUENCY", "MONTH", "NONE", yearAgo, some, "KPI facts"],
      ["INTERACTIONS_PER_MEMBER", "MONTH", "NONE", yearAgo, some, "KPI facts"],
      ["RETENTION_RATE", "MONTH", "NONE", yearAgo, true, "KPI facts"],
      ["CHURN_RATE", "MONTH", "NONE", yearAgo, some, "KPI facts"],
      ["ACTIVE_MEMBERS", "WEEK", "NONE", yearAgo, some, "KPI facts"],
      ["ACTIVE_MEMBERS", "DAY", "NONE", threeMonthsAgo, true, "KPI facts"],
      ["SPEND", "MONTH", "CHANNEL", yearAgo, true, "KPI facts"],
      ["SPEND", "MONTH", "TIER", yearAgo, some, "KPI facts"],
      ["ACTIVE_MEMBERS", "MONTH", "CITY_TIER", yearAgo, some, "KPI facts"],
      ["RETENTION_RATE", "MONTH", "SEGMENT", yearAgo, some, "KPI facts"],
      ["NEW_MEMBERS", "MONTH", "NONE", yearAgo, false, "members (joined_at index)"],
      ["GROWTH_RATE", "MONTH", "NONE", yearAgo, false, "members (joined_at index)"],
      ["NEW_MEMBERS", "MONTH", "TIER", yearAgo, false, "members"],
      ["NEW_MEMBERS", "MONTH", "SEGMENT", yearAgo, false, "segments' joins by join day (daily sums), members"],
      ["GROWTH_RATE", "MONTH", "SEGMENT", yearAgo, false, "segments' joins by join day (daily sums), members"],
      ["SPEND_PER_MEMBER", "MONTH", "NONE", yearAgo, false, "KPI facts, members (joined_at index)"],
      ["SPEND_PER_MEMBER", "MONTH", "CHANNEL", yearAgo, false, "KPI facts, members (joined_at index)"],
      ["POINTS_LIABILITY", "MONTH", "NONE", yearAgo, false, "daily points facts"],
      ["POINTS_LIABILITY", "MONTH", "CHANNEL", yearAgo, false, "points by group (daily sums)"],
      ["POINTS_LIABILITY", "MONTH", "CITY_TIER", yearAgo, false, "points by group (daily sums)"],
      ["POINTS_LIABILITY", "MONTH", "TIER", yearAgo, false, "points by group (daily sums)"],
      ["POINTS_LIABILITY", "MONTH", "SEGMENT", yearAgo, false, "points by group (daily sums)"],
      ["POINTS_LIABILITY", "DAY", "SEGMENT", threeMonthsAgo, false, "points by group (daily sums)"],
      ["ACQUISITION_COST", "MONTH", "NONE", yearAgo, false, "campaign sends, recorded spend, members"],
      ["ACQUISITION_COST", "MONTH", "CHANNEL", yearAgo, false, "campaign sends, recorded spend, members"],
    ];
    for (const [kpi, granularity, breakdown, from, withScan, source] of kpiQueries) {
      const label = `${kpi}, ${granularity === "DAY" ? "90 days by DAY" : `12 months by ${granularity}`}${breakdown === "NONE" ? "" : `, by ${breakdown}`}`;
      const { run, scan } = series(kpi, granularity, breakdown, from, withScan);
      await measure(label, source, run, scan);
    }
    await measure("joinCohorts (12 cohorts × 12 months)", "KPI facts (join months), members", () => services.joinCohorts.cohorts(yearAgo, now, 12));
    // The tier queries beside the first version's lookups in the tier history, on the same instants.
    const tiers = new TierHistoryBaseline(dataSource);
    const sixMonthsAgo = addLocalMonths(now, -6, offset);
    const nonZero = <Key>(counts: Map<Key, number>) => new Map([...counts].filter(([, members]) => members !== 0).sort(([first], [second]) => String(first).localeCompare(String(second))));
    const tierScan = <Result>(baselineRun: () => Promise<Result>, same: (baselineResult: Result) => Promise<boolean>) =>
      settings.baseline === "none" ? undefined : async () => {
        const { seconds, result } = await timed(baselineRun);
        return { milliseconds: seconds * 1000, same: await same(result) };
      };
    await measure("tierDistribution (6 months ago)", "daily tier population, the day's joins and changes", () => services.tierAnalytics.distribution(sixMonthsAgo),
      tierScan(() => tiers.distribution(sixMonthsAgo), async (expected) => isDeepStrictEqual(nonZero(new Map((await services.tierAnalytics.distribution(sixMonthsAgo)).map((count) => [count.tier.id, count.members]))), nonZero(expected))));
    await measure("tierMigration (12 months)", "daily tier population, the changes of the range", () => services.tierAnalytics.migration(yearAgo, now),
      tierScan(() => tiers.migration(yearAgo, now), async (expected) => isDeepStrictEqual(nonZero(new Map((await services.tierAnalytics.migration(yearAgo, now)).map((cell) => [`${cell.fromTier?.id ?? null}:${cell.toTier.id}`, cell.members]))), nonZero(expected))));
    await measure("clvDistribution (10 buckets)", "latest scores", () => services.clvDistribution.distribution(10));
    await measure("campaignRollup (12 months by MONTH)", "campaign sends, assignments, orders", () => services.campaignRollup.rollup({ from: yearAgo, to: now, granularity: "MONTH", byCampaign: false }));
    const [daily] = await dataSource.query("SELECT COUNT(*) AS n FROM member_daily_activity");
    const [facts] = await dataSource.query("SELECT COUNT(*) AS n FROM kpi_facts");
    return {
      members: settings.members,
      databaseGigabytes: statSync(file).size / 1e9,
      copySeconds,
      migrateSeconds,
      pendingMigrations,
      rebuildSeconds: rebuilt ? seconds : null,
      dailyRows: numberFromDatabase(daily.n),
      factRows: numberFromDatabase(facts.n),
      clock: now.toISOString(),
      queries,
    };
  } finally {
    await dataSource.destroy();
  }
}
