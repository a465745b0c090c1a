import { type MigrationInterface, type QueryRunner, Table, TableColumn, TableForeignKey, TableIndex } from "typeorm";
import { big, flag, id, integer, text, time } from "./column-helpers";

// The points ledger, lots, orders, rewards, bonus rules, tier history and granted benefits.

const memberForeignKey = (table: string) =>
  new TableForeignKey({ name: `fk_${table}_member`, columnNames: ["member_id"], referencedTableName: "members", referencedColumnNames: ["id"], onDelete: "RESTRICT" });

export class PointsAndTiers1763942400000 implements MigrationInterface {
  name = "PointsAndTiers1763942400000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns("members", [
      new TableColumn(time("tier_review_at", true)),
      new TableColumn(time("permanent_since", true)),
      new TableColumn(integer("permanent_tier_id", true)),
    ]);

    await queryRunner.createTable(
      new Table({
        name: "point_accounts",
        columns: [
          { ...integer("member_id"), isPrimary: true },
          big("balance"),
          big("debt"),
          big("lifetime_earned"),
          time("updated_at"),
        ],
        foreignKeys: [memberForeignKey("point_accounts")],
      }),
    );
    // Every existing member gets an empty account, so commands only ever lock an existing row.
    await queryRunner.query("INSERT INTO point_accounts (member_id, balance, debt, lifetime_earned, updated_at) SELECT id, 0, 0, 0, created_at FROM members");

    await queryRunner.createTable(
      new Table({
        name: "point_entries",
        columns: [
          id,
          integer("member_id"),
          text("type", 16),
          big("amount"),
          big("debt_change"),
          big("balance_after"),
          text("reason", 255),
          text("source", 16),
          text("source_ref", 64, true),
          text("store_code", 32, true),
          integer("partner_id", true),
          text("actor_type", 16),
          text("actor_id", 32, true),
          time("created_at"),
        ],
        indices: [
          new TableIndex({ name: "idx_point_entries_member", columnNames: ["member_id", "id"] }),
          new TableIndex({ name: "idx_point_entries_member_type", columnNames: ["member_id", "type", "id"] }),
          new TableIndex({ name: "idx_point_entries_member_time", columnNames: ["member_id", "created_at"] }),
        ],
        foreignKeys: [memberForeignKey("point_entries")],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: "orders",
        columns: [
          id,
          integer("member_id"),
          text("external_id", 64),
          text("store_code", 32),
          integer("partner_id", true),
          text("channel", 16),
          text("category", 32),
          big("amount"),
          { ...big("refunded_amount"), default: 0 },
          big("points_earned"),
          { ...big("points_clawed_back"), default: 0 },
          time("placed_at"),
          time("created_at"),
        ],
        uniques: [{ name: "uq_orders_external_id", columnNames: ["external_id"] }],
        indices: [new TableIndex({ name: "idx_orders_member_placed", columnNames: ["member_id", "placed_at"] })],
        foreignKeys: [memberForeignKey("orders")],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: "point_lots",
        columns: [id, integer("member_id"), integer("entry_id"), integer("order_id", true), big("points"), big("remaining"), time("earned_at"), time("expires_at")],
        indices: [
          new TableIndex({ name: "idx_point_lots_member_expiry", columnNames: ["member_id", "expires_at"] }),
          new TableIndex({ name: "idx_point_lots_expiry", columnNames: ["expires_at"] }),
          new TableIndex({ name: "idx_point_lots_order", columnNames: ["order_id"] }),
        ],
        foreignKeys: [
          memberForeignKey("point_lots"),
          new TableForeignKey({ name: "fk_point_lots_entry", columnNames: ["entry_id"], referencedTableName: "point_entries", referencedColumnNames: ["id"], onDelete: "RESTRICT" }),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: "rewards",
        columns: [
          id,
          text("code", 32),
          text("name_zh", 64),
          text("name_en", 64),
          text("kind", 16),
          integer("points_cost"),
          integer("stock", true),
          text("benefit_code", 64, true),
          integer("benefit_valid_days", true),
          flag("active", true),
          integer("partner_id", true),
          time("created_at"),
          time("updated_at"),
        ],
        uniques: [{ name: "uq_rewards_code", columnNames: ["code"] }],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: "reward_redemptions",
        columns: [id, integer("reward_id"), integer("member_id"), integer("entry_id"), integer("points"), text("store_code", 32, true), integer("partner_id", true), time("created_at")],
        indices: [new TableIndex({ name: "idx_reward_redemptions_member", columnNames: ["member_id", "id"] })],
        foreignKeys: [
          memberForeignKey("reward_redemptions"),
          new TableForeignKey({ name: "fk_reward_redemptions_reward", columnNames: ["reward_id"], referencedTableName: "rewards", referencedColumnNames: ["id"], onDelete: "RESTRICT" }),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: "bonus_rules",
        columns: [
          id,
          text("code", 32),
          text("name_zh", 64),
          text("name_en", 64),
          text("category", 32, true),
          text("channel", 16, true),
          integer("multiplier_percent"),
          time("starts_at", true),
          time("ends_at", true),
          flag("active", true),
          time("created_at"),
        ],
        uniques: [{ name: "uq_bonus_rules_code", columnNames: ["code"] }],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: "tier_changes",
        columns: [id, integer("member_id"), integer("from_tier_id", true), integer("to_tier_id"), text("reason", 16), text("detail", 255), big("qualifying_spend"), time("created_at")],
        indices: [new TableIndex({ name: "idx_tier_changes_member", columnNames: ["member_id", "id"] })],
        foreignKeys: [memberForeignKey("tier_changes")],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: "member_benefits",
        columns: [id, integer("member_id"), text("code", 64), text("reason", 255), time("valid_from"), time("valid_until", true), text("granted_by", 48), time("created_at")],
        indices: [new TableIndex({ name: "idx_member_benefits_member", columnNames: ["member_id", "valid_from"] })],
        foreignKeys: [memberForeignKey("member_benefits")],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ["member_benefits", "tier_changes", "bonus_rules", "reward_redemptions", "rewards", "point_lots", "orders", "point_entries", "point_accounts"]) {
      await queryRunner.dropTable(table);
    }
    await queryRunner.dropColumns("members", ["tier_review_at", "permanent_since", "permanent_tier_id"]);
  }
}
