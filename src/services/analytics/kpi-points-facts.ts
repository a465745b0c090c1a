// Programme-wide daily points facts (migrations/1765065600001-kpi-points-facts.ts): what every ledger write appends,
// the fold that sums the appended changes into one row per local day, and the read of outstanding points by day.
import type { EntityManager } from "typeorm";
import { numberFromDatabase, timeToDatabase } from "../../database/raw-values";
import { isSqlite } from "../../database/transactions";

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

export interface FoldOptions {
  /** The most change rows one call reads (oldest first); the rest wait for the next call. */
  limit?: number;
  /** Written to kpi_fold_state.folded_at when given: when the fold last ran. */
  now?: Date;
}

/**
 * Folds committed rows of kpi_points_changes into kpi_points_daily, inside the caller's transaction, which this must
 * start (its first statement): the lock row is read first, so on MariaDB the transaction's snapshot begins after a
 * concurrent fold has committed and does not show rows that fold deleted. Deletes exactly the ids it read, never a
 * range: on MariaDB a change inserted by a transaction still open may have a smaller id than those read, and it
 * must stay for the next fold. Returns how many change rows were folded.
 *
 * The lock: a locking read (FOR UPDATE) of kpi_fold_state's 'points' row on MariaDB, the same as lockingRead does
 * for entities; a plain read on SQLite, whose transactions are serialized (src/database/transactions.ts). Raw SQL
 * rather than an entity: nothing else reads the table.
 */
export async function foldPointChanges(manager: EntityManager, { limit = 50_000, now }: FoldOptions = {}): Promise<number> {
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`foldPointChanges needs a positive whole limit (got ${limit})`);
  const sqlite = isSqlite(manager.connection);
  const locked: unknown[] = await manager.query(`SELECT name FROM kpi_fold_state WHERE name = ?${sqlite ? "" : " FOR UPDATE"}`, ["points"]);
  if (locked.length === 0) throw new Error("kpi_fold_state has no 'points' row: run the migrations");
  if (now) await manager.query("UPDATE kpi_fold_state SET folded_at = ? WHERE name = ?", [timeToDatabase(manager.connection, now), "points"]);
  const rows: Record<string, unknown>[] = await manager.query(`SELECT id, day, points FROM kpi_points_changes ORDER BY id LIMIT ${limit}`);
  if (rows.length === 0) return 0;
  const byDay = new Map<number, number>();
  for (const row of rows) {
    const day = numberFromDatabase(row.day);
    byDay.set(day, (byDay.get(day) ?? 0) + numberFromDatabase(row.points));
  }
  const days = [...byDay];
  const increment = sqlite ? "ON CONFLICT (day) DO UPDATE SET points = points + excluded.points" : "ON DUPLICATE KEY UPDATE points = points + VALUES(points)";
  for (let start = 0; start < days.length; start += 500) {
    const chunk = days.slice(start, start + 500);
    await manager.query(`INSERT INTO kpi_points_daily (day, points) VALUES ${chunk.map(() => "(?, ?)").join(", ")} ${increment}`, chunk.flat());
  }
  // Ids as parameters, a thousand a statement: well under SQLite's 32,766 bound values. Equality on the primary key
  // takes record locks only on MariaDB, no gap locks that would stop the ledger appending meanwhile.
  const ids = rows.map((row) => numberFromDatabase(row.id));
  let deleted = 0;
  for (let start = 0; start < ids.length; start += 1000) {
    const chunk = ids.slice(start, start + 1000);
    const result = await manager.createQueryBuilder().delete().from("kpi_points_changes").where("id IN (:...ids)", { ids: chunk }).execute();
    deleted += result.affected ?? 0;
  }
  // Fewer deleted than read: another fold removed some after this transaction's snapshot began (the lock was not
  // its first statement). Counting them again would double them: give up, and the caller's transaction rolls back.
  if (deleted !== ids.length) throw new Error(`foldPointChanges read ${ids.length} points changes but deleted ${deleted}: it must be the first statement of its transaction`);
  return rows.length;
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
