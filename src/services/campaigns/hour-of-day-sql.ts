// The local hour (0-23) of a stored time, in SQL, for a fixed UTC offset: SQLite keeps times as text, MySQL as
// DATETIME, so each has its own expression.
import type { EntityManager } from "typeorm";

export function hourOfDaySql(manager: EntityManager, column: string, utcOffsetMinutes: number): string {
  const offset = Math.trunc(utcOffsetMinutes);
  return manager.connection.options.type === "better-sqlite3"
    ? `CAST(strftime('%H', ${column}, '${offset >= 0 ? "+" : ""}${offset} minutes') AS INTEGER)`
    : `HOUR(DATE_ADD(${column}, INTERVAL ${offset} MINUTE))`;
}
