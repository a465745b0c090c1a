import { type MigrationInterface, type QueryRunner, Table, TableForeignKey, TableIndex } from "typeorm";
import { flag, id, integer, text, time } from "./column-helpers";

// Outbound webhooks: the endpoints operators register, and the outbox of deliveries to them (written in the
// transaction of the change they report, sent later by the dispatcher, retried until delivered or given up).

export class Webhooks1764201600000 implements MigrationInterface {
  name = "Webhooks1764201600000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: "webhook_endpoints",
        columns: [
          id,
          text("url", 2048),
          text("description", 200),
          text("event_types", 255),
          integer("scheme_id", true),
          text("secret_encrypted", 255),
          flag("active", true),
          text("created_by", 64),
          time("created_at"),
          time("updated_at"),
        ],
        foreignKeys: [new TableForeignKey({ name: "fk_webhook_endpoints_scheme", columnNames: ["scheme_id"], referencedTableName: "segment_schemes", referencedColumnNames: ["id"], onDelete: "RESTRICT" })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "webhook_deliveries",
        columns: [
          id,
          integer("endpoint_id"),
          text("event_type", 32),
          text("event_id", 64),
          { name: "payload", type: "text" },
          text("status", 16),
          integer("attempts"),
          time("next_attempt_at"),
          time("last_attempt_at", true),
          integer("last_response_status", true),
          text("last_error", 255, true),
          time("delivered_at", true),
          time("created_at"),
        ],
        uniques: [{ name: "uq_webhook_deliveries_endpoint_event", columnNames: ["endpoint_id", "event_id"] }],
        indices: [
          new TableIndex({ name: "idx_webhook_deliveries_due", columnNames: ["status", "next_attempt_at"] }),
          new TableIndex({ name: "idx_webhook_deliveries_endpoint", columnNames: ["endpoint_id", "id"] }),
        ],
        foreignKeys: [new TableForeignKey({ name: "fk_webhook_deliveries_endpoint", columnNames: ["endpoint_id"], referencedTableName: "webhook_endpoints", referencedColumnNames: ["id"], onDelete: "RESTRICT" })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ["webhook_deliveries", "webhook_endpoints"]) await queryRunner.dropTable(table);
  }
}
