// Multi-row INSERT through an entity's column metadata: the seed and the scoring run write thousands of rows at a
// time, where one statement per row would be the bottleneck. Values go through the driver's own conversion, so
// dates and booleans land exactly as the entities would write them.
import type { EntityManager } from "typeorm";

export interface BulkInsertOptions {
  /** REPLACE INTO (both SQLite and MySQL/MariaDB): a row with the same key is replaced. */
  replace?: boolean;
}

export async function insertRows(manager: EntityManager, entity: new () => object, rows: readonly object[], options: BulkInsertOptions = {}): Promise<void> {
  if (rows.length === 0) return;
  const { driver } = manager.connection;
  const metadata = manager.connection.getMetadata(entity);
  const columns = metadata.columns.filter((column) => column.isInsert && !column.isVirtualProperty);
  const verb = options.replace ? "REPLACE" : "INSERT";
  const prefix = `${verb} INTO ${driver.escape(metadata.tableName)} (${columns.map((column) => driver.escape(column.databaseName)).join(", ")}) VALUES `;
  const placeholders = `(${columns.map(() => "?").join(", ")})`;
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
    await manager.query(prefix + Array.from(chunk, () => placeholders).join(", "), parameters);
  }
}
