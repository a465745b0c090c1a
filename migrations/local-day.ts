import type { QueryRunner } from "typeorm";

// The programme's local day in migrations that backfill KPI facts: migrations import nothing from the application,
// so the offset is read here as src/config.ts reads it, and the day expression is src/services/analytics/kpi-sql.ts's
// localDaySql written out.

/**
 * The business time zone's offset (BUSINESS_UTC_OFFSET_MINUTES, default 480, China). The server runs its migrations
 * after loading the config, so a bad value has stopped it already; a command-line run is checked here with the
 * config's bounds.
 */
export function businessUtcOffsetMinutes(): number {
  const raw = process.env.BUSINESS_UTC_OFFSET_MINUTES;
  if (raw === undefined || raw === "") return 480;
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw.trim()) || value < -720 || value > 840) throw new Error(`BUSINESS_UTC_OFFSET_MINUTES must be an integer from -720 to 840 (got "${raw}")`);
  return value;
}

/** SQL for the local day number (days since 1970-01-01 in the business time zone) of a datetime column. */
export function localDaySql(queryRunner: QueryRunner, column: string, utcOffsetMinutes: number): string {
  const offset = Math.trunc(utcOffsetMinutes);
  return queryRunner.connection.options.type === "better-sqlite3"
    ? `((CAST(strftime('%s', ${column}) AS INTEGER) + ${offset * 60} + 86400000000) / 86400 - 1000000)`
    : `DATEDIFF(${column} + INTERVAL ${offset} MINUTE, '1970-01-01')`;
}
