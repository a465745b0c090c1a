// Programme-wide daily points facts (migrations/1765065600001-kpi-points-facts.ts): what every ledger write appends,
// the fold that sums the appended changes into one row per local day, and the read of outstanding points by day.
import type { EntityManager } from "typeorm";
import { numberFromDatabase } from "../../database/raw-values";
import { foldAppendedChanges, type AppendedSumsTables, type FoldOptions } from "./appended-sums";

type Queryable = Pick<EntityManager, "query" | "connection">;

/**
 * Appends one change of the programme's points on a local day, in the transaction of the ledger entry it mirrors.
 * An insert of a fresh row, never an update of a shared one: concurrent ledger writes of different members take no
 * lock on anything the others touch (on MariaDB a single-row insert takes the next auto-increment value and lets go
 * of the counter at once; the fold's deletes lock only the rows they delete).
 */
export async function recordPointChange(manager: Queryable, day: number, points: number): Promise<void> {
  if (points === 0) return;
  await manager.query("INSERT INTO kpi_points_changes (day, points) VALUES (?, ?)", [day, points]);
}

/** Several days' changes in one statement (the demo seed, which writes ledgers in bulk). */
export async function recordPointChanges(manager: Queryable, changes: ReadonlyMap<number, number>): Promise<void> {
  const rows = [...changes].filter(([, points]) => points !== 0);
  for (let start = 0; start < rows.length; start += 500) {
    const chunk = rows.slice(start, start + 500);
    await manager.query(`INSERT INTO kpi_points_changes (day, points) VALUES ${chunk.map(() => "(?, ?)").join(", ")}`, chunk.flat());
  }
}

const pointsTables: AppendedSumsTables = { lockName: "points", changes: "kpi_points_changes", sums: "kpi_points_daily", keyColumns: ["day"], valueColumns: ["points"] };

/**
 * Folds committed rows of kpi_points_changes into kpi_points_daily (one row per local day), inside the caller's
 * transaction, which this must start (foldAppendedChanges: the lock of kpi_fold_state's 'points' row first, exactly
 * the ids read deleted). Returns how many change rows were folded.
 */
export function foldPointChanges(manager: EntityManager, options: FoldOptions = {}): Promise<number> {
  return foldAppendedChanges(manager, pointsTables, options);
}

/**
 * The programme's points change per local day before `endDay`: the folded days and the changes not folded yet, in
 * one statement, so a fold committing meanwhile can neither hide a change nor show it twice. A few hundred rows.
 */
export async function readPointsByDay(manager: Queryable, endDay: number): Promise<{ day: number; points: number }[]> {
  const rows: Record<string, unknown>[] = await manager.query(
    `SELECT facts.day AS day, SUM(facts.points) AS points
       FROM (SELECT day, points FROM kpi_points_daily WHERE day < ?
             UNION ALL
             SELECT day, points FROM kpi_points_changes WHERE day < ?) facts
      GROUP BY facts.day
      ORDER BY facts.day`,
    [endDay, endDay],
  );
  return rows.map((row) => ({ day: numberFromDatabase(row.day), points: numberFromDatabase(row.points ?? 0) }));
}
