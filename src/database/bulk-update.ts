// Multi-row UPDATE by primary key: rows of one entity, each with its own values, in one statement per few hundred
// rows, where `manager.save` would read the rows back and then send one UPDATE per row. The new values are a table
// joined on the key (SQLite: `UPDATE ... FROM (VALUES ...)`; MySQL/MariaDB: `UPDATE ... JOIN (SELECT ... UNION ALL
// ...)`), so each row is found by its key; a `CASE id WHEN ... END` per column would compare every row with every
// id (7 s for 100,000 rows in batches of 500). Values go through the driver's own conversion, as in insertRows.
import type { EntityManager } from "typeorm";
import { isSqlite } from "./transactions";

export async function updateRowsById<Entity extends object>(manager: EntityManager, entity: new () => Entity, rows: readonly Entity[], properties: readonly (keyof Entity & string)[]): Promise<void> {
  if (rows.length === 0 || properties.length === 0) return;
  const { driver } = manager.connection;
  const metadata = manager.connection.getMetadata(entity);
  if (metadata.primaryColumns.length !== 1) throw new Error(`updateRowsById needs a single-column primary key (${metadata.tableName} has ${metadata.primaryColumns.length}).`);
  const key = metadata.primaryColumns[0];
  const columns = properties.map((property) => {
    const column = metadata.findColumnWithPropertyName(property);
    if (!column) throw new Error(`${metadata.tableName} has no column for ${property}.`);
    return column;
  });
  const table = driver.escape(metadata.tableName);
  const keyName = driver.escape(key.databaseName);
  const names = columns.map((column) => driver.escape(column.databaseName));
  const sqlite = isSqlite(manager.connection);
  const size = Math.max(1, Math.floor(30_000 / (columns.length + 1)));
  for (let start = 0; start < rows.length; start += size) {
    const chunk = rows.slice(start, start + size);
    const parameters: unknown[] = [];
    for (const row of chunk) {
      parameters.push(driver.preparePersistentValue(key.getEntityValue(row), key));
      for (const column of columns) {
        const value = column.getEntityValue(row);
        parameters.push(driver.preparePersistentValue(value === undefined ? null : value, column));
      }
    }
    const placeholders = columns.map(() => ", ?").join("");
    if (sqlite) {
      // VALUES names its columns column1, column2, ...: the key first.
      const values = Array.from(chunk, () => `(?${placeholders})`).join(", ");
      const assignments = names.map((name, index) => `${name} = v.column${index + 2}`).join(", ");
      await manager.query(`UPDATE ${table} SET ${assignments} FROM (VALUES ${values}) AS v WHERE ${table}.${keyName} = v.column1`, parameters);
    } else {
      const first = `SELECT ? AS k${columns.map((_, index) => `, ? AS c${index}`).join("")}`;
      const rest = Array.from(chunk.slice(1), () => ` UNION ALL SELECT ?${placeholders}`).join("");
      const assignments = names.map((name, index) => `t.${name} = v.c${index}`).join(", ");
      await manager.query(`UPDATE ${table} AS t JOIN (${first}${rest}) AS v ON t.${keyName} = v.k SET ${assignments}`, parameters);
    }
  }
}
