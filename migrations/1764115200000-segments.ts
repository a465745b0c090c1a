import { type MigrationInterface, type QueryRunner, Table, TableForeignKey, TableIndex } from "typeorm";
import { flag, id, integer, text, time } from "./column-helpers";

// Segment schemes (ordered segments with a catch-all), ad-hoc segments, each member's segment per scheme, and
// the history of moves between segments.

export class Segments1764115200000 implements MigrationInterface {
  name = "Segments1764115200000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: "segment_schemes",
        columns: [id, text("code", 32), text("name", 64), text("name_en", 64), flag("built_in", false), time("created_at"), time("updated_at")],
        indices: [new TableIndex({ name: "uq_segment_schemes_code", columnNames: ["code"], isUnique: true })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "segments",
        columns: [
          id,
          integer("scheme_id", true),
          text("code", 32),
          text("name", 64),
          text("name_en", 64),
          integer("position"),
          { name: "rule", type: "text" },
          flag("catch_all", false),
          time("created_at"),
          time("updated_at"),
        ],
        indices: [new TableIndex({ name: "uq_segments_scheme_code", columnNames: ["scheme_id", "code"], isUnique: true })],
        foreignKeys: [new TableForeignKey({ name: "fk_segments_scheme", columnNames: ["scheme_id"], referencedTableName: "segment_schemes", referencedColumnNames: ["id"], onDelete: "RESTRICT" })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "segment_memberships",
        columns: [
          { ...integer("member_id"), isPrimary: true },
          { ...integer("scheme_id"), isPrimary: true },
          integer("segment_id"),
          time("entered_at"),
        ],
        indices: [new TableIndex({ name: "idx_segment_memberships_segment", columnNames: ["segment_id", "member_id"] })],
        foreignKeys: [
          new TableForeignKey({ name: "fk_segment_memberships_member", columnNames: ["member_id"], referencedTableName: "members", referencedColumnNames: ["id"], onDelete: "RESTRICT" }),
          new TableForeignKey({ name: "fk_segment_memberships_segment", columnNames: ["segment_id"], referencedTableName: "segments", referencedColumnNames: ["id"], onDelete: "RESTRICT" }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "segment_moves",
        columns: [id, integer("member_id"), integer("scheme_id"), integer("from_segment_id", true), integer("to_segment_id"), text("reason", 16), time("moved_at")],
        indices: [
          new TableIndex({ name: "idx_segment_moves_member", columnNames: ["member_id", "id"] }),
          new TableIndex({ name: "idx_segment_moves_scheme", columnNames: ["scheme_id", "id"] }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ["segment_moves", "segment_memberships", "segments", "segment_schemes"]) await queryRunner.dropTable(table);
  }
}
