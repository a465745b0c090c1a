import { type MigrationInterface, type QueryRunner, Table } from "typeorm";
import { integer, text, time } from "./column-helpers";

// A member code spends once: the hash of each code a partner spent points or a benefit with is kept, so the same
// code cannot authorise a second spend (a code shown to earn points cannot be replayed to empty the balance).

export class MemberCodeUses1764640800000 implements MigrationInterface {
  name = "MemberCodeUses1764640800000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(new Table({ name: "member_code_uses", columns: [{ ...text("code_hash", 64), isPrimary: true }, integer("member_id"), integer("partner_id"), time("used_at")] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable("member_code_uses");
  }
}
