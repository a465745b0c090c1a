import { type MigrationInterface, type QueryRunner, Table, TableForeignKey, TableIndex } from "typeorm";
import { big, flag, id, integer, text, time } from "./column-helpers";

// Leaderboards: boards built by a refresh job (one row per build of a period's standings), their entries with a
// precomputed position and rank per scope, so a top list, a member's rank and their neighbours are index range
// reads; members' choice to show their name. The ledger gains an index by type and time, so a refresh reads only
// the period's EARN entries (covering: member and amount are in it) instead of the whole ledger.

export class Leaderboards1764806400000 implements MigrationInterface {
  name = "Leaderboards1764806400000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: "leaderboard_boards",
        columns: [
          id,
          text("metric", 24),
          text("period_kind", 8),
          text("period_key", 16),
          time("period_start"),
          time("period_end"),
          text("status", 12),
          time("as_of"),
          big("source_watermark"),
          integer("ranked_members"),
          time("created_at"),
          time("retired_at", true),
        ],
        indices: [
          new TableIndex({ name: "idx_leaderboard_boards_period", columnNames: ["metric", "period_kind", "period_key", "status", "id"] }),
          new TableIndex({ name: "idx_leaderboard_boards_status", columnNames: ["status", "retired_at"] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "leaderboard_entries",
        columns: [
          { ...integer("board_id"), isPrimary: true },
          { ...integer("member_id"), isPrimary: true },
          big("score"),
          integer("position_all"),
          integer("rank_all"),
          text("city", 64, true),
          integer("position_city", true),
          integer("rank_city", true),
          integer("tier_id"),
          integer("position_tier"),
          integer("rank_tier"),
        ],
        indices: [
          new TableIndex({ name: "uq_leaderboard_entries_all", columnNames: ["board_id", "position_all"], isUnique: true }),
          new TableIndex({ name: "idx_leaderboard_entries_city", columnNames: ["board_id", "city", "position_city"] }),
          new TableIndex({ name: "idx_leaderboard_entries_tier", columnNames: ["board_id", "tier_id", "position_tier"] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "leaderboard_preferences",
        columns: [{ ...integer("member_id"), isPrimary: true }, flag("name_visible", false), time("updated_at")],
        foreignKeys: [new TableForeignKey({ name: "fk_leaderboard_preferences_member", columnNames: ["member_id"], referencedTableName: "members", referencedColumnNames: ["id"], onDelete: "RESTRICT" })],
      }),
    );
    await queryRunner.createIndex("point_entries", new TableIndex({ name: "idx_point_entries_type_time", columnNames: ["type", "created_at", "member_id", "amount"] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex("point_entries", "idx_point_entries_type_time");
    await queryRunner.dropTable("leaderboard_preferences");
    await queryRunner.dropTable("leaderboard_entries");
    await queryRunner.dropTable("leaderboard_boards");
  }
}
