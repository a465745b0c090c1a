// Members per tier at an instant, and how members moved between tiers from one instant to another, from the tier
// history (tier_changes): a member's tier at t is where their last change up to t took them, else where their
// first later change took them from, else the tier they hold now.
import type { DataSource } from "typeorm";
import { numberFromDatabase, optionalNumberFromDatabase, timeToDatabase } from "../../database/raw-values";
import { TierRecord } from "../../entities";
import { badUserInput } from "../../errors";

export interface TierCount {
  tier: TierRecord;
  members: number;
}

export interface TierMigrationCell {
  /** Null: the member joined after `from`. */
  fromTier: TierRecord | null;
  toTier: TierRecord;
  members: number;
}

export class TierAnalytics {
  constructor(private readonly dataSource: DataSource) {}

  /** Members who had joined by `at`, per tier they held at `at`; every tier of the ladder, by rank. */
  async distribution(at: Date): Promise<TierCount[]> {
    const tierAt = this.tierAtSql(at);
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT ${tierAt.sql} AS tier_at, COUNT(*) AS members FROM members m WHERE m.joined_at <= ? GROUP BY tier_at`,
      [...tierAt.parameters, timeToDatabase(this.dataSource, at)],
    );
    const counts = new Map(rows.map((row) => [numberFromDatabase(row.tier_at), numberFromDatabase(row.members)]));
    return (await this.ladder()).map((tier) => ({ tier, members: counts.get(tier.id) ?? 0 }));
  }

  /** Members who had joined by `to`, by tier at `from` (null when they joined later) and tier at `to`: the full matrix. */
  async migration(from: Date, to: Date): Promise<TierMigrationCell[]> {
    if (!(from < to)) throw badUserInput("from must be before to.", "to");
    const tierAtFrom = this.tierAtSql(from);
    const tierAtTo = this.tierAtSql(to);
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT CASE WHEN m.joined_at <= ? THEN ${tierAtFrom.sql} END AS tier_at_from, ${tierAtTo.sql} AS tier_at_to, COUNT(*) AS members
         FROM members m WHERE m.joined_at <= ? GROUP BY tier_at_from, tier_at_to`,
      [timeToDatabase(this.dataSource, from), ...tierAtFrom.parameters, ...tierAtTo.parameters, timeToDatabase(this.dataSource, to)],
    );
    const counts = new Map(rows.map((row) => [`${optionalNumberFromDatabase(row.tier_at_from)}:${numberFromDatabase(row.tier_at_to)}`, numberFromDatabase(row.members)]));
    const ladder = await this.ladder();
    return [null, ...ladder].flatMap((fromTier) =>
      ladder.map((toTier) => ({ fromTier, toTier, members: counts.get(`${fromTier?.id ?? null}:${toTier.id}`) ?? 0 })),
    );
  }

  private ladder(): Promise<TierRecord[]> {
    return this.dataSource.getRepository(TierRecord).find({ order: { rank: "ASC" } });
  }

  /** The tier of member `m` at an instant (aliases must not be members' column names: SQLite groups by those first); a member has a handful of changes, found through (member_id, id). */
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
