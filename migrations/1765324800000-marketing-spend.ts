import { type MigrationInterface, type QueryRunner, Table, TableCheck, TableForeignKey, TableIndex } from "typeorm";
import { big, id, integer, text, time } from "./column-helpers";

// Marketing spend recorded by staff outside campaigns (media buying, agency fees, in-store promotion), for the
// acquisition cost (docs/kpis.md). `day` is the local day number of the date it was spent (days since 1970-01-01, as
// the KPI facts' days), so a period's spend is a range of days; `channel` the join channel it was spent for, null
// for all channels. A cancelled record stays, with who cancelled it and when, and counts no more.

export class MarketingSpend1765324800000 implements MigrationInterface {
  name = "MarketingSpend1765324800000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: "marketing_spend",
        columns: [
          id,
          integer("day"),
          text("channel", 16, true),
          big("amount"),
          text("description", 255),
          integer("recorded_by"),
          text("idempotency_key", 128),
          time("created_at"),
          time("cancelled_at", true),
          integer("cancelled_by", true),
        ],
        checks: [new TableCheck({ name: "chk_marketing_spend_amount", expression: "amount > 0" })],
        indices: [
          new TableIndex({ name: "uq_marketing_spend_key", columnNames: ["recorded_by", "idempotency_key"], isUnique: true }),
          new TableIndex({ name: "idx_marketing_spend_day", columnNames: ["day", "id"] }),
        ],
        foreignKeys: [
          new TableForeignKey({ name: "fk_marketing_spend_recorded_by", columnNames: ["recorded_by"], referencedTableName: "staff_users", referencedColumnNames: ["id"], onDelete: "RESTRICT" }),
          new TableForeignKey({ name: "fk_marketing_spend_cancelled_by", columnNames: ["cancelled_by"], referencedTableName: "staff_users", referencedColumnNames: ["id"], onDelete: "RESTRICT" }),
        ],
      }),
    );
    // TypeORM writes a table's checks on SQLite only; MariaDB (10.2+) and MySQL (8.0.16+) enforce this one too.
    if (queryRunner.connection.options.type !== "better-sqlite3") {
      await queryRunner.query("ALTER TABLE marketing_spend ADD CONSTRAINT chk_marketing_spend_amount CHECK (amount > 0)");
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable("marketing_spend");
  }
}
