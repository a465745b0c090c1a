// Opens the database of DATABASE_URL for a command-line tool, with the migrations applied.
import { loadConfig, type Config } from "../config";
import { openDatabase, type Database } from "../database/data-source";

export async function openConfiguredDatabase(options: { runMigrations?: boolean } = {}): Promise<{ config: Config; database: Database }> {
  const config = loadConfig(process.env);
  const database = await openDatabase(config.database, { runMigrations: options.runMigrations ?? true });
  return { config, database };
}
