import type { DataSource } from "typeorm";
import { isSqlite } from "./transactions";

// Values of raw SQL rows and parameters, the same on both databases: mysql2 gives Date objects and numbers, better-sqlite3 gives
// "YYYY-MM-DD HH:MM:SS.SSS" strings (UTC, as TypeORM writes them) and numbers; BIGINT may come back as a string.

export function timeFromDatabase(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  const text = String(value);
  return new Date(text.includes("T") ? text : `${text.replace(" ", "T")}Z`);
}

export function numberFromDatabase(value: unknown): number {
  return typeof value === "number" ? value : Number(value);
}

export function optionalNumberFromDatabase(value: unknown): number | null {
  return value === null || value === undefined ? null : numberFromDatabase(value);
}

/** A time as a raw SQL parameter: TypeORM's SQLite text ("YYYY-MM-DD HH:MM:SS.SSS", UTC), which orders as text; a Date for mysql2. */
export function timeToDatabase(dataSource: DataSource, instant: Date): string | Date {
  return isSqlite(dataSource) ? instant.toISOString().replace("T", " ").replace("Z", "") : instant;
}
