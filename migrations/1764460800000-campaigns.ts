import { type MigrationInterface, type QueryRunner, Table, TableForeignKey, TableIndex } from "typeorm";
import { big, id, integer, text, time } from "./column-helpers";

// Campaigns: a target, a trigger, a message and/or reward per variant, a budget and a state. Each member's variant
// (or control) is recorded once; each send is one row, unique per (campaign, step, member), which is what makes
// delivery exactly-once across crashes: a send is enqueued once and delivered in the transaction that marks it.
// Coupons are the in-app reward with a code and validity.

export class Campaigns1764460800000 implements MigrationInterface {
  name = "Campaigns1764460800000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: "campaigns",
        columns: [
          id,
          text("code", 32),
          text("name", 64),
          text("state", 16),
          text("channel", 16),
          text("trigger_kind", 24),
          { name: "trigger_settings", type: "text" },
          { name: "target", type: "text" },
          { name: "variants", type: "text" },
          integer("control_percent"),
          text("send_time", 16),
          time("starts_at", true),
          time("ends_at", true),
          big("budget"),
          big("spent"),
          integer("conversion_window_days"),
          time("audience_enqueued_at", true),
          text("created_by", 64, true),
          time("created_at"),
          time("updated_at"),
        ],
        indices: [
          new TableIndex({ name: "uq_campaigns_code", columnNames: ["code"], isUnique: true }),
          new TableIndex({ name: "idx_campaigns_state", columnNames: ["state", "id"] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "campaign_assignments",
        columns: [{ ...integer("campaign_id"), isPrimary: true }, { ...integer("member_id"), isPrimary: true }, text("variant", 16), time("assigned_at")],
        foreignKeys: [
          new TableForeignKey({ name: "fk_campaign_assignments_campaign", columnNames: ["campaign_id"], referencedTableName: "campaigns", referencedColumnNames: ["id"], onDelete: "RESTRICT" }),
          new TableForeignKey({ name: "fk_campaign_assignments_member", columnNames: ["member_id"], referencedTableName: "members", referencedColumnNames: ["id"], onDelete: "RESTRICT" }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "campaign_sends",
        columns: [
          id,
          integer("campaign_id"),
          integer("step"),
          integer("member_id"),
          text("variant", 16),
          text("channel", 16),
          text("status", 16),
          text("skip_reason", 32, true),
          time("due_at"),
          { name: "message", type: "text", isNullable: true },
          big("cost"),
          integer("coupon_id", true),
          time("sent_at", true),
          time("created_at"),
        ],
        indices: [
          new TableIndex({ name: "uq_campaign_sends_once", columnNames: ["campaign_id", "step", "member_id"], isUnique: true }),
          new TableIndex({ name: "idx_campaign_sends_due", columnNames: ["status", "due_at", "id"] }),
          new TableIndex({ name: "idx_campaign_sends_member", columnNames: ["member_id", "sent_at"] }),
        ],
        foreignKeys: [
          new TableForeignKey({ name: "fk_campaign_sends_campaign", columnNames: ["campaign_id"], referencedTableName: "campaigns", referencedColumnNames: ["id"], onDelete: "RESTRICT" }),
          new TableForeignKey({ name: "fk_campaign_sends_member", columnNames: ["member_id"], referencedTableName: "members", referencedColumnNames: ["id"], onDelete: "RESTRICT" }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "coupons",
        columns: [id, text("code", 24), integer("campaign_id"), integer("member_id"), big("value"), time("valid_from"), time("valid_until"), time("redeemed_at", true), time("created_at")],
        indices: [
          new TableIndex({ name: "uq_coupons_code", columnNames: ["code"], isUnique: true }),
          new TableIndex({ name: "idx_coupons_member", columnNames: ["member_id", "id"] }),
        ],
        foreignKeys: [
          new TableForeignKey({ name: "fk_coupons_campaign", columnNames: ["campaign_id"], referencedTableName: "campaigns", referencedColumnNames: ["id"], onDelete: "RESTRICT" }),
          new TableForeignKey({ name: "fk_coupons_member", columnNames: ["member_id"], referencedTableName: "members", referencedColumnNames: ["id"], onDelete: "RESTRICT" }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable("coupons");
    await queryRunner.dropTable("campaign_sends");
    await queryRunner.dropTable("campaign_assignments");
    await queryRunner.dropTable("campaigns");
  }
}
