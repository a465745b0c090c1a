import { type MigrationInterface, type QueryRunner, Table, TableForeignKey } from "typeorm";
import { id, integer, text, time } from "./column-helpers";

// Daily check-ins: one row per member per local day (the primary key is what makes a double tap harmless), with
// the streak it made and the points it earned; and the versioned rule staff set (points a day, streak bonuses).

export class CheckIns1764633600000 implements MigrationInterface {
  name = "CheckIns1764633600000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: "check_ins",
        columns: [{ ...integer("member_id"), isPrimary: true }, { ...integer("local_day"), isPrimary: true }, integer("streak"), integer("points"), integer("bonus_points"), time("checked_in_at")],
        foreignKeys: [new TableForeignKey({ name: "fk_check_ins_member", columnNames: ["member_id"], referencedTableName: "members", referencedColumnNames: ["id"], onDelete: "RESTRICT" })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "check_in_rules",
        columns: [id, integer("base_points"), { name: "milestones", type: "text" }, text("created_by", 64), time("created_at")],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable("check_in_rules");
    await queryRunner.dropTable("check_ins");
  }
}
