import type { MigrationInterface, QueryRunner } from "typeorm";
import { businessUtcOffsetMinutes, localDaySql } from "./local-day";

// NEW_MEMBERS and GROWTH_RATE by SEGMENT from daily sums (docs/kpis.md, "Growth by segment"): measure
// 'segment_joins' of kpi_daily_sums counts, per segment (`schemeId:segmentId`) and local join day, the members in the
// segment now. Segment moves keep it (src/services/analytics/segment-joins.ts); this fills it from the memberships
// written before, in one statement.

export async function backfillSegmentJoins(queryRunner: QueryRunner, utcOffsetMinutes = businessUtcOffsetMinutes()): Promise<void> {
  const joinDay = localDaySql(queryRunner, "m.joined_at", utcOffsetMinutes);
  const key = queryRunner.connection.options.type === "better-sqlite3" ? "s.scheme_id || ':' || s.segment_id" : "CONCAT(s.scheme_id, ':', s.segment_id)";
  await queryRunner.query(
    `INSERT INTO kpi_daily_sums (measure, group_key, day, amount)
     SELECT 'segment_joins', ${key} AS group_key, ${joinDay} AS join_day, COUNT(*)
       FROM segment_memberships s JOIN members m ON m.id = s.member_id
      GROUP BY group_key, join_day`,
  );
}

export class SegmentJoins1765497600000 implements MigrationInterface {
  name = "SegmentJoins1765497600000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await backfillSegmentJoins(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DELETE FROM kpi_daily_sums WHERE measure = 'segment_joins'");
    await queryRunner.query("DELETE FROM kpi_daily_changes WHERE measure = 'segment_joins'");
  }
}
