// Counts the SQL statements TypeORM sends, so tests and benchmarks can prove loaders batch.
import { AbstractLogger, type LogLevel, type LogMessage, type QueryRunner } from "typeorm";

export class QueryCounter extends AbstractLogger {
  private count = 0;

  get statements(): number {
    return this.count;
  }

  override logQuery(): void {
    this.count += 1;
  }

  protected writeLog(_level: LogLevel, _message: LogMessage | LogMessage[], _queryRunner?: QueryRunner): void {
    // Counting only: statements are not printed.
  }
}
