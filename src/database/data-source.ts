import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DataSource, type DataSourceOptions } from "typeorm";
import type { DatabaseConfig } from "../config";
import { entities } from "../entities";
import { migrations } from "../../migrations";
import { QueryCounter } from "./query-counter";

export interface Database {
  dataSource: DataSource;
  queryCounter: QueryCounter;
}

export function dataSourceOptions(config: DatabaseConfig, queryCounter: QueryCounter): DataSourceOptions {
  const common = {
    entities,
    migrations,
    migrationsRun: false,
    synchronize: false,
    logger: queryCounter,
    // The counter needs every statement; it prints nothing.
    logging: ["query"] as ("query")[],
  };
  if (config.type === "sqlite") {
    return {
      ...common,
      type: "better-sqlite3",
      database: config.path,
      // WAL lets readers proceed while one writer commits.
      prepareDatabase: (database: { pragma(source: string): unknown }) => {
        database.pragma("journal_mode = WAL");
        database.pragma("busy_timeout = 5000");
      },
    };
  }
  return {
    ...common,
    type: "mysql",
    host: config.host,
    port: config.port,
    username: config.username,
    password: config.password,
    database: config.database,
    charset: "utf8mb4_unicode_ci",
    // Times are UTC everywhere: the driver must not shift them to the server's zone.
    timezone: "Z",
    supportBigNumbers: true,
    bigNumberStrings: false,
    // mysql2 otherwise captures a stack trace for every query in case it fails: ~8% of the CPU of a points
    // command in the profile. Failed queries still report their SQL and error code.
    trace: false,
    extra: { connectionLimit: 10 },
  };
}

export async function openDatabase(config: DatabaseConfig, options: { runMigrations?: boolean } = {}): Promise<Database> {
  if (config.type === "sqlite" && config.path !== ":memory:") {
    mkdirSync(dirname(config.path), { recursive: true });
  }
  const queryCounter = new QueryCounter();
  const dataSource = new DataSource(dataSourceOptions(config, queryCounter));
  await dataSource.initialize();
  if (options.runMigrations ?? true) {
    await dataSource.runMigrations({ transaction: "each" });
  }
  return { dataSource, queryCounter };
}
