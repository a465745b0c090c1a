// Work to start once the transaction a change was written in has committed, and never if it rolls back: an outbox
// row written inside a transaction is processed by another transaction, which can only see the row after the
// commit. The work is started, not awaited: on SQLite the next transaction queues behind the one committing (see
// transactions.ts), and awaiting it there would wait for itself. Callers keep a sweep for what a crash leaves behind,
// and their work must be harmless to run twice (a rollback that fails before TypeORM announces it leaves the work
// registered on SQLite's one reused runner, to run after the next commit).
import type { DataSource, EntityManager, EntitySubscriberInterface, QueryRunner } from "typeorm";

type Work = () => void;

const pending = new WeakMap<QueryRunner, Work[]>();
const installed = new WeakSet<DataSource>();

/** Hears TypeORM's transaction events for one data source and runs or drops the work registered on each. */
class AfterCommitSubscriber implements EntitySubscriberInterface {
  afterTransactionCommit({ queryRunner }: { queryRunner: QueryRunner }): void {
    // A released savepoint also "commits": only the outermost commit ends the transaction.
    if (queryRunner.isTransactionActive) return;
    const work = pending.get(queryRunner);
    pending.delete(queryRunner);
    for (const item of work ?? []) item();
  }

  afterTransactionRollback({ queryRunner }: { queryRunner: QueryRunner }): void {
    if (queryRunner.isTransactionActive) return;
    pending.delete(queryRunner);
  }
}

/**
 * Runs `work` after the transaction of `manager` commits (at once when `manager` is not in a transaction). `work`
 * must not throw: it starts background work and reports its own failures.
 */
export function afterCommit(manager: EntityManager, work: Work): void {
  const queryRunner = manager.queryRunner;
  if (!queryRunner || !queryRunner.isTransactionActive) {
    work();
    return;
  }
  const dataSource = manager.connection;
  if (!installed.has(dataSource)) {
    installed.add(dataSource);
    // Subscribers are read at every broadcast, so one added after the data source opened is heard from now on.
    dataSource.subscribers.push(new AfterCommitSubscriber());
  }
  pending.set(queryRunner, [...(pending.get(queryRunner) ?? []), work]);
}
