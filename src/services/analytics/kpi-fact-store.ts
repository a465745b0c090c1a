// The programme-wide KPI facts in the database (docs/kpis.md): the differences events append to
// `kpi_fact_changes`, the fold that adds them into `kpi_facts`, and the one statement that reads both.
import type { DataSource, EntityManager } from "typeorm";
import { isSqlite, runInTransaction } from "../../database/transactions";
import { numberFromDatabase } from "../../database/raw-values";
import { foldAppendedChanges, type AppendedSumsTables } from "./appended-sums";
import { kpiCounterNames, type KpiCounterName, type KpiCounters, type KpiFact, type KpiGranularity } from "../../engine/analytics";

const keyColumns = ["granularity", "period_first_day", "scheme_id", "channel", "city_tier", "tier_id", "segment_id"] as const;

export const counterColumns: Record<KpiCounterName, string> = {
  logins: "logins",
  interactions: "interactions",
  orders: "orders",
  spend: "spend",
  loginDays: "login_days",
  loginMembers: "login_members",
  activeMembers: "active_members",
  orderMembers: "order_members",
  repeatMembers: "repeat_members",
  retained: "retained",
};

const columns = [...keyColumns, ...kpiCounterNames.map((name) => counterColumns[name])];
/** Rows a statement writes at once: well under SQLite's and MySQL's limits on parameters. */
const rowsPerStatement = 500;

function rowValues(fact: KpiFact): unknown[] {
  const { key, counters } = fact;
  return [key.granularity, key.periodFirstDay, key.schemeId, key.channel, key.cityTier, key.tierId, key.segmentId, ...kpiCounterNames.map((name) => counters[name])];
}

function placeholders(rows: number): string {
  const row = `(${columns.map(() => "?").join(", ")})`;
  return Array.from({ length: rows }, () => row).join(", ");
}

/** Appends an event's differences: insert only, so no two events wait on the same counters. */
export async function appendFactChanges(manager: EntityManager, facts: readonly KpiFact[]): Promise<void> {
  for (let start = 0; start < facts.length; start += rowsPerStatement) {
    const chunk = facts.slice(start, start + rowsPerStatement);
    await manager.query(`INSERT INTO kpi_fact_changes (${columns.join(", ")}) VALUES ${placeholders(chunk.length)}`, chunk.flatMap(rowValues));
  }
}

/** Adds facts into `kpi_facts`, creating the rows that are not there yet. */
export async function addToFactTable(manager: EntityManager, facts: readonly KpiFact[]): Promise<void> {
  const counters = kpiCounterNames.map((name) => counterColumns[name]);
  const increments = isSqlite(manager.connection)
    ? `ON CONFLICT (${keyColumns.join(", ")}) DO UPDATE SET ${counters.map((column) => `${column} = ${column} + excluded.${column}`).join(", ")}`
    : `ON DUPLICATE KEY UPDATE ${counters.map((column) => `${column} = ${column} + VALUES(${column})`).join(", ")}`;
  for (let start = 0; start < facts.length; start += rowsPerStatement) {
    const chunk = facts.slice(start, start + rowsPerStatement);
    await manager.query(`INSERT INTO kpi_facts (${columns.join(", ")}) VALUES ${placeholders(chunk.length)} ${increments}`, chunk.flatMap(rowValues));
  }
}

const factTables: AppendedSumsTables = { lockName: "activity", changes: "kpi_fact_changes", sums: "kpi_facts", keyColumns, valueColumns: kpiCounterNames.map((name) => counterColumns[name]) };

/**
 * Folds up to `limit` appended changes into the facts in one transaction and returns how many it folded
 * (foldAppendedChanges: the lock of the 'activity' row first, so two folds, or a fold and a rebuild, take turns;
 * exactly the ids read deleted, so a change still uncommitted on MariaDB waits for the next fold).
 */
export function foldFactChanges(dataSource: DataSource, now: Date, limit = 50_000): Promise<number> {
  return runInTransaction(dataSource, (manager) => foldAppendedChanges(manager, factTables, { limit, now }));
}

/**
 * Takes the activity fold's lock (a locking read of its kpi_fold_state row on MariaDB; SQLite transactions are
 * serialized). It must be the transaction's first statement, so the snapshot its reads see begins after the fold
 * or rebuild it waited for has committed.
 */
export async function lockFold(manager: EntityManager): Promise<void> {
  await manager.query(`SELECT name FROM kpi_fold_state WHERE name = 'activity'${isSqlite(manager.connection) ? "" : " FOR UPDATE"}`);
}

/** Folds until nothing is left; returns how many changes it folded. */
export async function foldAllFactChanges(dataSource: DataSource, now: Date): Promise<number> {
  let folded = 0;
  for (;;) {
    const count = await foldFactChanges(dataSource, now);
    folded += count;
    if (count === 0) return folded;
  }
}

export interface FactQuery {
  granularity: KpiGranularity;
  /** Periods whose first day is in [fromDay, toDay). */
  fromDay: number;
  toDay: number;
  /** The schemes whose rows to read (0: programme-wide). */
  schemeIds: readonly number[];
  /** The column the rows are grouped by besides the period and scheme ("'ALL'" for none). */
  groupColumn: string;
  counters: readonly KpiCounterName[];
}

export interface FactSums {
  periodFirstDay: number;
  schemeId: number;
  group: unknown;
  counters: Partial<KpiCounters>;
}

/**
 * Sums the facts and the changes not folded yet, per period, scheme and group, in one statement: a fold moves rows
 * between the two tables in one transaction, so one statement never counts a change twice or misses it.
 */
export async function readFactSums(dataSource: DataSource, query: FactQuery): Promise<FactSums[]> {
  const selected = query.counters.map((name) => counterColumns[name]);
  const inner = (table: string) =>
    `SELECT period_first_day, scheme_id, ${query.groupColumn} AS group_value, ${selected.join(", ")} FROM ${table}
      WHERE granularity = ? AND period_first_day >= ? AND period_first_day < ? AND scheme_id IN (${query.schemeIds.map(() => "?").join(", ")})`;
  const parameters = [query.granularity, query.fromDay, query.toDay, ...query.schemeIds];
  const rows: Record<string, unknown>[] = await dataSource.query(
    `SELECT period_first_day, scheme_id, group_value, ${selected.map((column) => `SUM(${column}) AS ${column}`).join(", ")}
       FROM (${inner("kpi_facts")} UNION ALL ${inner("kpi_fact_changes")}) f
      GROUP BY period_first_day, scheme_id, group_value`,
    [...parameters, ...parameters],
  );
  return rows.map((row) => ({
    periodFirstDay: numberFromDatabase(row.period_first_day),
    schemeId: numberFromDatabase(row.scheme_id),
    group: row.group_value,
    counters: Object.fromEntries(query.counters.map((name) => [name, numberFromDatabase(row[counterColumns[name]] ?? 0)])),
  }));
}
