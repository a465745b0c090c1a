// The one way services open a transaction. On SQLite TypeORM shares a single connection, so two transactions
// started at once would interleave on it (the second becoming a savepoint of the first): they are queued here
// instead, which makes every SQLite transaction serializable. Another process writing the same file (a cron job,
// a second server) can still make a transaction fail with SQLITE_BUSY: it is rolled back and run again here.
// On MySQL/MariaDB transactions run in parallel and lock rows themselves; one that loses a deadlock is rolled back
// by the server and run again here.
import { QueryFailedError, type DataSource, type EntityManager } from "typeorm";

const sqliteQueues = new WeakMap<DataSource, Promise<unknown>>();
const attempts = 5;

export function isSqlite(dataSource: DataSource): boolean {
  return dataSource.options.type === "better-sqlite3";
}

/** Failures where the database rolled the whole transaction back and running it again is safe and may succeed. */
function isRetryable(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const code = (error.driverError as { code?: string } | undefined)?.code ?? "";
  return code === "ER_LOCK_DEADLOCK" || code.startsWith("SQLITE_BUSY");
}

async function withRetries<Result>(run: () => Promise<Result>): Promise<Result> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await run();
    } catch (error) {
      if (!isRetryable(error) || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 * attempt * Math.random()));
    }
  }
}

export async function runInTransaction<Result>(dataSource: DataSource, work: (manager: EntityManager) => Promise<Result>): Promise<Result> {
  if (isSqlite(dataSource)) {
    const previous = sqliteQueues.get(dataSource) ?? Promise.resolve();
    const current = previous.catch(() => undefined).then(() => withRetries(() => dataSource.transaction(work)));
    sqliteQueues.set(dataSource, current.catch(() => undefined));
    return current;
  }
  return withRetries(() => dataSource.transaction(work));
}

/**
 * Runs reads that must not see a transaction half done, outside any transaction. On SQLite every statement shares
 * the one connection, so a read issued while a transaction is open (a fold of the KPI facts between its insert of the
 * sums and its delete of the changes) would see that transaction's uncommitted rows: the reads are queued behind
 * transactions, as transactions are. On MySQL/MariaDB a statement sees committed rows only, and they run at once
 * (reads that need one snapshot across statements take a transaction instead).
 */
export async function readAfterTransactions<Result>(dataSource: DataSource, work: () => Promise<Result>): Promise<Result> {
  if (!isSqlite(dataSource)) return work();
  const previous = sqliteQueues.get(dataSource) ?? Promise.resolve();
  const current = previous.catch(() => undefined).then(work);
  sqliteQueues.set(dataSource, current.catch(() => undefined));
  return current;
}

/**
 * Reads a row for update: a row lock on MySQL/MariaDB, held until the transaction ends. SQLite transactions are
 * already serialized (see above), so a plain read is enough there.
 */
export function lockingRead<Entity extends object>(manager: EntityManager, entity: new () => Entity, alias: string) {
  const query = manager.getRepository(entity).createQueryBuilder(alias);
  return manager.connection.options.type === "better-sqlite3" ? query : query.setLock("pessimistic_write");
}
