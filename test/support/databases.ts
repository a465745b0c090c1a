// The databases a test suite runs on: SQLite always, MySQL/MariaDB too when MYSQL_URL is set.
// Every suite gets a database of its own, so suites can run in parallel.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createConnection } from "mysql2/promise";
import { parseDatabaseUrl, type DatabaseConfig } from "../../src/config";

export interface ScratchDatabase {
  config: DatabaseConfig;
  drop(): Promise<void>;
}

export interface TestDatabaseKind {
  name: "sqlite" | "mysql";
  create(): Promise<ScratchDatabase>;
}

const sqlite: TestDatabaseKind = {
  name: "sqlite",
  async create() {
    const directory = mkdtempSync(path.join(tmpdir(), "loyalty-test-"));
    return {
      config: { type: "sqlite", path: path.join(directory, "test.sqlite") },
      async drop() {
        rmSync(directory, { recursive: true, force: true });
      },
    };
  },
};

function mysql(url: string): TestDatabaseKind {
  const server = parseDatabaseUrl(url, "MYSQL_URL");
  if (server.type !== "mysql") throw new Error("MYSQL_URL must be a mysql:// URL");
  const admin = () => createConnection({ host: server.host, port: server.port, user: server.username, password: server.password });
  return {
    name: "mysql",
    async create() {
      const database = `loyalty_test_${randomBytes(6).toString("hex")}`;
      const connection = await admin();
      await connection.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
      await connection.end();
      return {
        config: { ...server, database },
        async drop() {
          const dropConnection = await admin();
          await dropConnection.query(`DROP DATABASE IF EXISTS \`${database}\``);
          await dropConnection.end();
        },
      };
    },
  };
}

export function testDatabaseKinds(): TestDatabaseKind[] {
  const kinds = [sqlite];
  if (process.env.MYSQL_URL) kinds.push(mysql(process.env.MYSQL_URL));
  return kinds;
}
