import { type MigrationInterface, type QueryRunner, Table } from "typeorm";
import { big, id, integer } from "./column-helpers";
import { businessUtcOffsetMinutes, localDaySql } from "./local-day";

// Programme-wide daily points facts for the POINTS_LIABILITY KPI (docs/kpis.md): the ledger appends each entry's
// amount to kpi_points_changes in its own transaction (insert only, so writers of different members never wait on a
// shared row), a periodic fold moves those rows into one row per local day in kpi_points_daily, and the fold takes
// its lock row in kpi_fold_state so that two folds never count a change twice.

/**
 * Every ledger entry written before this migration, summed per local day of `created_at` into kpi_points_daily in
 * one statement.
 */
export async function backfillPointsDaily(queryRunner: QueryRunner, utcOffsetMinutes = businessUtcOffsetMinutes()): Promise<void> {
  const day = localDaySql(queryRunner, "created_at", utcOffsetMinutes);
  await queryRunner.query(`INSERT INTO kpi_points_daily (day, points) SELECT ${day} AS local_day, SUM(amount) FROM point_entries GROUP BY local_day`);
}

export class KpiPointsFacts1765065600001 implements MigrationInterface {
  name = "KpiPointsFacts1765065600001";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(new Table({ name: "kpi_points_changes", columns: [id, integer("day"), big("points")] }));
    await queryRunner.createTable(new Table({ name: "kpi_points_daily", columns: [{ ...integer("day"), isPrimary: true }, big("points")] }));
    // kpi_fold_state comes from the KPI facts migration just before this one; the points fold has a row of its own.
    await queryRunner.query("INSERT INTO kpi_fold_state (name, folded_at) VALUES ('points', NULL)");
    await backfillPointsDaily(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DELETE FROM kpi_fold_state WHERE name = 'points'");
    await queryRunner.dropTable("kpi_points_daily");
    await queryRunner.dropTable("kpi_points_changes");
  }
}
