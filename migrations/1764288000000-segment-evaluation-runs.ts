import { type MigrationInterface, type QueryRunner, Table, TableIndex } from "typeorm";
import { id, integer, text, time } from "./column-helpers";

// Full re-evaluations of segment membership (scheduled, on demand, after a rule change) with their progress. The
// schedule slot is unique, so that several server processes firing the same cron occurrence run it once.

export class SegmentEvaluationRuns1764288000000 implements MigrationInterface {
  name = "SegmentEvaluationRuns1764288000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: "segment_evaluation_runs",
        columns: [
          id,
          text("status", 16),
          text("trigger_kind", 16),
          integer("scheme_id", true),
          text("schedule_slot", 32, true),
          text("actor", 64, true),
          integer("members_total"),
          integer("members_done"),
          integer("moves"),
          text("error", 512, true),
          time("started_at"),
          time("finished_at", true),
        ],
        indices: [
          new TableIndex({ name: "idx_segment_evaluation_runs_status", columnNames: ["status", "id"] }),
          new TableIndex({ name: "uq_segment_evaluation_runs_slot", columnNames: ["schedule_slot"], isUnique: true }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable("segment_evaluation_runs");
  }
}
