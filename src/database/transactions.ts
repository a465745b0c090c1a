// The one way services open a transaction. On SQLite TypeORM shares a single connection, so two transactions
// started at once would interleave on it (the second becoming a savepoint of the first): they are queued here
// instead, which makes every SQLite transaction serializable. On MySQL/MariaDB transactions run in parallel and
// lock rows themselves; one that loses a deadlock is rolled back by the server and run again here.
import { QueryFailedError, type DataSource, type EntityManager } from "typeorm";

const sqliteQueues = new WeakMap<DataSource, Promise<unknown>>();
const deadlockAttempts = 3;

export function isSqlite(dataSource: DataSource): boolean {
  return dataSource.options.type === "better-sqlite3";
}

function isDeadlock(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const code = (error.driverError as { code?: string } | undefined)?.code;
  return code === "ER_LOCK_DEADLOCK";
}

export async function runInTransaction<Result>(dataSource: DataSource, work: (manager: EntityManager) => Promise<Result>): Promise<Result> {
  if (isSqlite(dataSource)) {
    const previous = sqliteQueues.get(dataSource) ?? Promise.resolve();
    const current = previous.catch(() => undefined).then(() => dataSource.transaction(work));
    sqliteQueues.set(dataSource, current.catch(() => undefined));
    return current;
  }
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await dataSource.transaction(work);
    } catch (error) {
      if (!isDeadlock(error) || attempt >= deadlockAttempts) throw error;
    }
  }
}

/**
 * Reads a row for update: a row lock on MySQL/MariaDB, held until the transaction ends. SQLite transactions are
 * already serialized (see above), so a plain read is enough there.
 */
export function lockingRead<Entity extends object>(manager: EntityManager, entity: new () => Entity, alias: string) {
  const query = manager.getRepository(entity).createQueryBuilder(alias);
  return manager.connection.options.type === "better-sqlite3" ? query : query.setLock("pessimistic_write");
}
