// The fold shared by the append-only sums of the KPIs (docs/kpis.md): writers insert rows of changes, never update a
// shared counter row, and a periodic fold adds the committed changes into a table with one row per key. Readers sum
// both tables in one statement, so they are exact whether or not a fold has run.
import type { EntityManager } from "typeorm";
import { numberFromDatabase, timeToDatabase } from "../../database/raw-values";
import { isSqlite } from "../../database/transactions";

/** A pair of tables: `changes` (an `id` plus the key and value columns) folded into `sums` (primary key: the keys). */
export interface AppendedSumsTables {
  /** The row of kpi_fold_state whose lock two folds of these tables take in turn. */
  lockName: string;
  changes: string;
  sums: string;
  keyColumns: readonly string[];
  valueColumns: readonly string[];
}

export interface FoldOptions {
  /** The most change rows one call reads (oldest first); the rest wait for the next call. */
  limit?: number;
  /** Written to kpi_fold_state.folded_at when given: when the fold last ran. */
  now?: Date;
}

/** Rows a statement writes or deletes at once: well under SQLite's and MariaDB's limits on parameters. */
const rowsPerStatement = 500;

/**
 * Folds committed change rows into the sums, inside the caller's transaction, which this must start (its first
 * statement): the lock row is read first, so on MariaDB the transaction's snapshot begins after a concurrent fold has
 * committed and does not show rows that fold deleted. Deletes exactly the ids it read, never a range: on MariaDB a
 * change inserted by a transaction still open may have a smaller id than those read, and it must stay for the next
 * fold. Returns how many change rows were folded.
 *
 * The lock: a locking read (FOR UPDATE) of the tables' kpi_fold_state row on MariaDB; a plain read on SQLite, whose
 * transactions are serialized (src/database/transactions.ts).
 */
export async function foldAppendedChanges(manager: EntityManager, tables: AppendedSumsTables, { limit = 50_000, now }: FoldOptions = {}): Promise<number> {
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`A fold needs a positive whole limit (got ${limit})`);
  const sqlite = isSqlite(manager.connection);
  const locked: unknown[] = await manager.query(`SELECT name FROM kpi_fold_state WHERE name = ?${sqlite ? "" : " FOR UPDATE"}`, [tables.lockName]);
  if (locked.length === 0) throw new Error(`kpi_fold_state has no '${tables.lockName}' row: run the migrations`);
  if (now) await manager.query("UPDATE kpi_fold_state SET folded_at = ? WHERE name = ?", [timeToDatabase(manager.connection, now), tables.lockName]);
  const { keyColumns, valueColumns } = tables;
  const rows: Record<string, unknown>[] = await manager.query(`SELECT id, ${[...keyColumns, ...valueColumns].join(", ")} FROM ${tables.changes} ORDER BY id LIMIT ${limit}`);
  if (rows.length === 0) return 0;

  const sums = new Map<string, { keys: unknown[]; values: number[] }>();
  for (const row of rows) {
    const keys = keyColumns.map((column) => row[column]);
    const mapKey = JSON.stringify(keys.map(String));
    const sum = sums.get(mapKey) ?? { keys, values: valueColumns.map(() => 0) };
    valueColumns.forEach((column, index) => (sum.values[index] += numberFromDatabase(row[column] ?? 0)));
    sums.set(mapKey, sum);
  }
  const increments = sqlite
    ? `ON CONFLICT (${keyColumns.join(", ")}) DO UPDATE SET ${valueColumns.map((column) => `${column} = ${column} + excluded.${column}`).join(", ")}`
    : `ON DUPLICATE KEY UPDATE ${valueColumns.map((column) => `${column} = ${column} + VALUES(${column})`).join(", ")}`;
  const rowPlaceholders = `(${[...keyColumns, ...valueColumns].map(() => "?").join(", ")})`;
  const summed = [...sums.values()];
  for (let start = 0; start < summed.length; start += rowsPerStatement) {
    const chunk = summed.slice(start, start + rowsPerStatement);
    await manager.query(
      `INSERT INTO ${tables.sums} (${[...keyColumns, ...valueColumns].join(", ")}) VALUES ${chunk.map(() => rowPlaceholders).join(", ")} ${increments}`,
      chunk.flatMap((sum) => [...sum.keys, ...sum.values]),
    );
  }

  // Equality on the primary key takes record locks only on MariaDB, no gap locks that would stop writers appending.
  const ids = rows.map((row) => numberFromDatabase(row.id));
  let deleted = 0;
  for (let start = 0; start < ids.length; start += rowsPerStatement) {
    const chunk = ids.slice(start, start + rowsPerStatement);
    const result = await manager.createQueryBuilder().delete().from(tables.changes).where("id IN (:...ids)", { ids: chunk }).execute();
    deleted += result.affected ?? 0;
  }
  // Fewer deleted than read: another fold removed some after this transaction's snapshot began (the lock was not
  // its first statement). Counting them again would double them: give up, and the caller's transaction rolls back.
  if (deleted !== ids.length) throw new Error(`A fold of ${tables.changes} read ${ids.length} changes but deleted ${deleted}: it must be the first statement of its transaction`);
  return rows.length;
}
