import { type MigrationInterface, type QueryRunner, Table, TableIndex } from "typeorm";
import { big, id, integer, text } from "./column-helpers";
import { businessUtcOffsetMinutes, localDaySql } from "./local-day";

// Daily sums of KPI measures by group (docs/kpis.md, src/services/analytics/kpi-daily-sums.ts): writers append
// (measure, group, day, amount) rows to kpi_daily_changes in their own transactions, the kpi-facts job folds them
// into one row per measure, group and day in kpi_daily_sums under kpi_fold_state's 'daily' row. The first measure is
// 'tier_members': +1 in the entry tier on the day a member joins, -1/+1 on the day of each tier change, so the
// members of each tier at the start of a day are the sums of the days before it (tierDistribution, tierMigration).
// The index on tier_changes by time lets tierMigration read the changes of its range alone.

/**
 * The tier population of the members and tier changes already written: a member's entry tier is where their first
 * change took them from (their tier now when they never changed), as tierDistribution read it before. Changes that
 * keep the tier (a permanent status granted at the tier held) change no population.
 */
export async function backfillTierMembers(queryRunner: QueryRunner, utcOffsetMinutes = businessUtcOffsetMinutes()): Promise<void> {
  const joinDay = localDaySql(queryRunner, "m.joined_at", utcOffsetMinutes);
  const changeDay = localDaySql(queryRunner, "c.created_at", utcOffsetMinutes);
  const entryTier = "COALESCE((SELECT f.from_tier_id FROM tier_changes f WHERE f.member_id = m.id ORDER BY f.created_at, f.id LIMIT 1), m.tier_id)";
  const moved = "c.from_tier_id IS NOT NULL AND c.from_tier_id <> c.to_tier_id";
  await queryRunner.query(
    `INSERT INTO kpi_daily_sums (measure, group_key, day, amount)
     SELECT 'tier_members', changes.tier_id, changes.day, SUM(changes.members)
       FROM (SELECT ${entryTier} AS tier_id, ${joinDay} AS day, 1 AS members FROM members m
             UNION ALL
             SELECT c.to_tier_id, ${changeDay}, 1 FROM tier_changes c WHERE ${moved}
             UNION ALL
             SELECT c.from_tier_id, ${changeDay}, -1 FROM tier_changes c WHERE ${moved}) changes
      GROUP BY changes.tier_id, changes.day
     HAVING SUM(changes.members) <> 0`,
  );
}

export class KpiDailySums1765238400001 implements MigrationInterface {
  name = "KpiDailySums1765238400001";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(new Table({ name: "kpi_daily_changes", columns: [id, text("measure", 32), text("group_key", 64), integer("day"), big("amount")] }));
    await queryRunner.createTable(
      new Table({
        name: "kpi_daily_sums",
        columns: [{ ...text("measure", 32), isPrimary: true }, { ...text("group_key", 64), isPrimary: true }, { ...integer("day"), isPrimary: true }, big("amount")],
      }),
    );
    await queryRunner.query("INSERT INTO kpi_fold_state (name, folded_at) VALUES ('daily', NULL)");
    await queryRunner.createIndex("tier_changes", new TableIndex({ name: "idx_tier_changes_time", columnNames: ["created_at", "member_id", "id", "from_tier_id", "to_tier_id"] }));
    await backfillTierMembers(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex("tier_changes", "idx_tier_changes_time");
    await queryRunner.query("DELETE FROM kpi_fold_state WHERE name = 'daily'");
    await queryRunner.dropTable("kpi_daily_sums");
    await queryRunner.dropTable("kpi_daily_changes");
  }
}
