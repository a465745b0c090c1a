// Daily sums of the KPIs by group (migrations/1765238400001-kpi-daily-sums.ts): for a measure (e.g. 'tier_members',
// the members per tier), the change of each group on each local day. Writers append changes in their own
// transactions; the kpi-facts job folds them into one row per (measure, group, day); readers sum both. A stock at the
// start of a day (members in a tier, points held) is the sum of its group's changes over the days before it.
import type { EntityManager } from "typeorm";
import { numberFromDatabase } from "../../database/raw-values";
import { foldAppendedChanges, type AppendedSumsTables, type FoldOptions } from "./appended-sums";

type Queryable = Pick<EntityManager, "query">;

export interface DailyChange {
  measure: string;
  groupKey: string;
  /** The local day (days since 1970-01-01 in the programme's time zone: localDayNumber). */
  day: number;
  amount: number;
}

export interface DailySum {
  day: number;
  groupKey: string;
  amount: number;
}

const dailyTables: AppendedSumsTables = { lockName: "daily", changes: "kpi_daily_changes", sums: "kpi_daily_sums", keyColumns: ["measure", "group_key", "day"], valueColumns: ["amount"] };

/**
 * Appends changes in the caller's transaction, insert only: writers of different members never wait on a shared
 * row on MariaDB. Changes of the same measure, group and day are added together first; zeros are left out.
 */
export async function appendDailyChanges(manager: Queryable, changes: readonly DailyChange[]): Promise<void> {
  const summed = new Map<string, DailyChange>();
  for (const change of changes) {
    const key = JSON.stringify([change.measure, change.groupKey, change.day]);
    const sum = summed.get(key);
    summed.set(key, sum ? { ...sum, amount: sum.amount + change.amount } : { ...change });
  }
  const rows = [...summed.values()].filter((change) => change.amount !== 0);
  for (let start = 0; start < rows.length; start += 500) {
    const chunk = rows.slice(start, start + 500);
    await manager.query(
      `INSERT INTO kpi_daily_changes (measure, group_key, day, amount) VALUES ${chunk.map(() => "(?, ?, ?, ?)").join(", ")}`,
      chunk.flatMap((change) => [change.measure, change.groupKey, change.day, change.amount]),
    );
  }
}

/** Folds committed changes into kpi_daily_sums; must be the first statement of the caller's transaction (foldAppendedChanges). */
export function foldDailyChanges(manager: EntityManager, options: FoldOptions = {}): Promise<number> {
  return foldAppendedChanges(manager, dailyTables, options);
}

/**
 * A measure's change per day and group on the days before `endDay`: the folded rows and the changes not folded yet,
 * in one statement, so a fold committing meanwhile can neither hide a change nor show it twice. Ordered by day.
 */
export async function readDailySums(manager: Queryable, measure: string, endDay: number): Promise<DailySum[]> {
  const rows: Record<string, unknown>[] = await manager.query(
    `SELECT sums.day AS day, sums.group_key AS group_key, SUM(sums.amount) AS amount
       FROM (SELECT day, group_key, amount FROM kpi_daily_sums WHERE measure = ? AND day < ?
             UNION ALL
             SELECT day, group_key, amount FROM kpi_daily_changes WHERE measure = ? AND day < ?) sums
      GROUP BY sums.day, sums.group_key
      ORDER BY sums.day, sums.group_key`,
    [measure, endDay, measure, endDay],
  );
  return rows.map((row) => ({ day: numberFromDatabase(row.day), groupKey: String(row.group_key), amount: numberFromDatabase(row.amount ?? 0) }));
}

/** The sums of a measure's groups over every day before `endDay`: a stock at the start of that day, per group. */
export async function readTotalsBefore(manager: Queryable, measure: string, endDay: number): Promise<Map<string, number>> {
  const totals = new Map<string, number>();
  for (const sum of await readDailySums(manager, measure, endDay)) totals.set(sum.groupKey, (totals.get(sum.groupKey) ?? 0) + sum.amount);
  return totals;
}
