// Tier distribution and migration as the first version of issue 10 read them, kept as the benchmark's baseline:
// every member's tier at an instant looked up in the tier history (their last change up to it, else where their
// first later change took them from, else their tier now). The service reads the daily tier population and the
// changes of the range instead (src/services/analytics/tier-analytics.ts); the benchmark runs both on the same
// instants, side by side, and checks they give the same figures.
import type { DataSource } from "typeorm";
import { numberFromDatabase, optionalNumberFromDatabase, timeToDatabase } from "../src/database/raw-values";

export class TierHistoryBaseline {
  constructor(private readonly dataSource: DataSource) {}

  /** Members who had joined by `at`, by tier id at `at`. */
  async distribution(at: Date): Promise<Map<number, number>> {
    const tierAt = this.tierAtSql(at);
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT ${tierAt.sql} AS tier_at, COUNT(*) AS members FROM members m WHERE m.joined_at <= ? GROUP BY tier_at`,
      [...tierAt.parameters, timeToDatabase(this.dataSource, at)],
    );
    return new Map(rows.map((row) => [numberFromDatabase(row.tier_at), numberFromDatabase(row.members)]));
  }

  /** Members who had joined by `to`, by "tier id at from (null: joined later):tier id at to". */
  async migration(from: Date, to: Date): Promise<Map<string, number>> {
    const tierAtFrom = this.tierAtSql(from);
    const tierAtTo = this.tierAtSql(to);
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT CASE WHEN m.joined_at <= ? THEN ${tierAtFrom.sql} END AS tier_at_from, ${tierAtTo.sql} AS tier_at_to, COUNT(*) AS members
         FROM members m WHERE m.joined_at <= ? GROUP BY tier_at_from, tier_at_to`,
      [timeToDatabase(this.dataSource, from), ...tierAtFrom.parameters, ...tierAtTo.parameters, timeToDatabase(this.dataSource, to)],
    );
    return new Map(rows.map((row) => [`${optionalNumberFromDatabase(row.tier_at_from)}:${numberFromDatabase(row.tier_at_to)}`, numberFromDatabase(row.members)]));
  }

  private tierAtSql(at: Date): { sql: string; parameters: unknown[] } {
    const instant = timeToDatabase(this.dataSource, at);
    return {
      sql: `COALESCE(
        (SELECT c.to_tier_id FROM tier_changes c WHERE c.member_id = m.id AND c.created_at <= ? ORDER BY c.created_at DESC, c.id DESC LIMIT 1),
        (SELECT c.from_tier_id FROM tier_changes c WHERE c.member_id = m.id AND c.created_at > ? ORDER BY c.created_at, c.id LIMIT 1),
        m.tier_id)`,
      parameters: [instant, instant],
    };
  }
}
