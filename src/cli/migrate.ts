// `npm run migrate` applies pending migrations; `npm run migrate:revert` undoes the latest one.
import { runCommand } from "./run-command";
import { openConfiguredDatabase } from "./open-configured-database";

runCommand(async () => {
  const direction = process.argv[2];
  if (direction !== "up" && direction !== "revert") throw new Error("usage: migrate.js up|revert");
  const { database } = await openConfiguredDatabase({ runMigrations: false });
  const { dataSource } = database;
  try {
    if (direction === "up") {
      const applied = await dataSource.runMigrations({ transaction: "each" });
      process.stdout.write(applied.length === 0 ? "No pending migrations.\n" : applied.map((migration) => `applied ${migration.name}\n`).join(""));
    } else {
      const before = await dataSource.query(`SELECT COUNT(*) AS count FROM migrations`).catch(() => [{ count: 0 }]);
      if (Number(before[0].count) === 0) {
        process.stdout.write("No migration has been applied: nothing to revert.\n");
        return;
      }
      await dataSource.undoLastMigration({ transaction: "each" });
      process.stdout.write("Reverted the latest migration.\n");
    }
  } finally {
    await dataSource.destroy();
  }
});
