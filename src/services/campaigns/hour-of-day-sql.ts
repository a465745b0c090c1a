// The local hour (0-23) of a stored time, in SQL, for a fixed UTC offset: SQLite keeps times as text, MySQL as
// DATETIME, so each has its own expression.
import type { EntityManager } from "typeorm";
import { isSqlite } from "../../database/transactions";

export function hourOfDaySql(manager: EntityManager, column: string, utcOffsetMinutes: number): string {
  const offset = Math.trunc(utcOffsetMinutes);
  return isSqlite(manager.connection)
    ? `CAST(strftime('%H', ${column}, '${offset >= 0 ? "+" : ""}${offset} minutes') AS INTEGER)`
    : `HOUR(DATE_ADD(${column}, INTERVAL ${offset} MINUTE))`;
}
