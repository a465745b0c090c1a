// Multi-row INSERT through an entity's column metadata: the seed and the scoring run write thousands of rows at a
// time, where one statement per row would be the bottleneck. Values go through the driver's own conversion, so
// dates and booleans land exactly as the entities would write them.
import type { EntityManager } from "typeorm";
import { isSqlite } from "./transactions";

export interface BulkInsertOptions {
  /** REPLACE INTO (both SQLite and MySQL/MariaDB): a row with the same key is replaced. */
  replace?: boolean;
  /** A row whose key (primary or unique) is taken is skipped and the others are written; other errors still fail. */
  ignoreDuplicates?: boolean;
}

export async function insertRows(manager: EntityManager, entity: new () => object, rows: readonly object[], options: BulkInsertOptions = {}): Promise<void> {
  if (rows.length === 0) return;
  const { driver } = manager.connection;
  const metadata = manager.connection.getMetadata(entity);
  // A generated id the rows leave out is the database's to give (rows are alike: the first one decides).
  const columns = metadata.columns.filter((column) => column.isInsert && !column.isVirtualProperty && !(column.isGenerated && column.getEntityValue(rows[0]) === undefined));
  const verb = options.replace ? "REPLACE" : "INSERT";
  const prefix = `${verb} INTO ${driver.escape(metadata.tableName)} (${columns.map((column) => driver.escape(column.databaseName)).join(", ")}) VALUES `;
  const placeholders = `(${columns.map(() => "?").join(", ")})`;
  const suffix = options.ignoreDuplicates ? skipDuplicatesClause(manager, metadata.primaryColumns[0].databaseName) : "";
  const size = Math.max(1, Math.floor(30_000 / columns.length));
  for (let start = 0; start < rows.length; start += size) {
    const chunk = rows.slice(start, start + size);
    const parameters: unknown[] = [];
    for (const row of chunk) {
      for (const column of columns) {
        const value = column.getEntityValue(row);
        if (value === undefined && !column.isNullable) throw new Error(`A ${metadata.tableName} row has no ${column.propertyName}.`);
        parameters.push(value === undefined ? null : driver.preparePersistentValue(value, column));
      }
    }
    await manager.query(prefix + Array.from(chunk, () => placeholders).join(", ") + suffix, parameters);
  }
}

/** Not INSERT IGNORE / INSERT OR IGNORE: those also turn NOT NULL violations and truncation into silence. */
function skipDuplicatesClause(manager: EntityManager, primaryColumn: string): string {
  if (isSqlite(manager.connection)) return " ON CONFLICT DO NOTHING";
  const key = manager.connection.driver.escape(primaryColumn);
  return ` ON DUPLICATE KEY UPDATE ${key} = ${key}`;
}
