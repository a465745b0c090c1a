// Scratch databases for a benchmark run: an SQLite file, and a fresh database on the MYSQL_URL server.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Sqlite from "better-sqlite3";
import { createConnection } from "mysql2/promise";
import { parseDatabaseUrl, type DatabaseConfig } from "../src/config";

export interface BenchDatabase {
  label: string;
  serverVersion: string;
  url: string;
  config: DatabaseConfig;
  drop(): Promise<void>;
}

function sqliteDatabase(): BenchDatabase {
  const directory = mkdtempSync(path.join(os.tmpdir(), "loyalty-bench-"));
  const file = path.join(directory, "bench.sqlite");
  const probe = new Sqlite(":memory:");
  const version = (probe.prepare("SELECT sqlite_version() AS version").get() as { version: string }).version;
  probe.close();
  return {
    label: "SQLite",
    serverVersion: `SQLite ${version} (better-sqlite3, WAL)`,
    url: `sqlite:${file}`,
    config: { type: "sqlite", path: file },
    drop: async () => rmSync(directory, { recursive: true, force: true }),
  };
}

/** A fresh database on the MYSQL_URL server; or `name`, kept if it exists (a benchmark's cached population). */
export async function mysqlDatabase(serverUrl: string, name?: string): Promise<BenchDatabase> {
  const server = parseDatabaseUrl(serverUrl, "MYSQL_URL");
  if (server.type !== "mysql") throw new Error("MYSQL_URL must be a mysql:// URL");
  const database = name ?? `loyalty_bench_${randomBytes(4).toString("hex")}`;
  const admin = () => createConnection({ host: server.host, port: server.port, user: server.username, password: server.password });
  const connection = await admin();
  const [rows] = await connection.query("SELECT VERSION() AS version");
  await connection.query(`CREATE DATABASE ${name === undefined ? "" : "IF NOT EXISTS "}\`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await connection.end();
  const version = (rows as { version: string }[])[0].version;
  const credentials = `${encodeURIComponent(server.username)}:${encodeURIComponent(server.password)}`;
  return {
    label: /mariadb/i.test(version) ? "MariaDB" : "MySQL",
    serverVersion: `${/mariadb/i.test(version) ? "MariaDB" : "MySQL"} ${version} on 127.0.0.1 (mysql2)`,
    url: `mysql://${credentials}@${server.host}:${server.port}/${database}`,
    config: { ...server, database },
    async drop() {
      const dropConnection = await admin();
      await dropConnection.query(`DROP DATABASE IF EXISTS \`${database}\``);
      await dropConnection.end();
    },
  };
}

export async function benchDatabases(mysqlUrl: string | undefined): Promise<BenchDatabase[]> {
  return mysqlUrl ? [sqliteDatabase(), await mysqlDatabase(mysqlUrl)] : [sqliteDatabase()];
}
