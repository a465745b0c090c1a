import { type MigrationInterface, type QueryRunner, TableColumn } from "typeorm";
import { flag } from "./column-helpers";

// A member placed in a segment by hand stays there (pinned) until the placement is released: re-evaluations leave
// pinned memberships alone.

export class ManualSegmentPlacements1764374400000 implements MigrationInterface {
  name = "ManualSegmentPlacements1764374400000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn("segment_memberships", new TableColumn(flag("pinned", false)));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn("segment_memberships", "pinned");
  }
}
