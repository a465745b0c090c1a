// Members per tier at an instant, and how members moved between tiers from one instant to another (docs/kpis.md,
// "Tiers"). A member's tier at t is where their last change up to t took them, else the tier they joined in.
//
// The members of each tier at the start of a local day are the tier population's daily sums of the days before
// (tier-population.ts), a few thousand rows; the day's own joins and changes up to the instant are added from the
// members and the tier history of that day. The migration matrix needs each member's own history only for the members
// whose tier changed between the two instants: everyone else stayed where the population says they were.
import type { DataSource, EntityManager } from "typeorm";
import { numberFromDatabase, optionalNumberFromDatabase, timeToDatabase } from "../../database/raw-values";
import { isSqlite, runInTransaction } from "../../database/transactions";
import { localDayNumber, startOfLocalDayNumber } from "../../engine";
import { TierRecord } from "../../entities";
import { badUserInput } from "../../errors";
import { readTotalsBefore } from "./kpi-daily-sums";
import { tierMembersMeasure } from "./tier-population";

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

/** The changes that move a member between tiers (a permanent status granted at the tier held moves nobody). */
const moves = "c.from_tier_id IS NOT NULL AND c.from_tier_id <> c.to_tier_id";

export class TierAnalytics {
  constructor(
    private readonly dataSource: DataSource,
    private readonly utcOffsetMinutes: number,
  ) {}

  /** Members who had joined by `at`, per tier they held at `at`; every tier of the ladder, by rank. */
  async distribution(at: Date): Promise<TierCount[]> {
    const counts = await runInTransaction(this.dataSource, (manager) => this.membersByTierAt(manager, at));
    return (await this.ladder()).map((tier) => ({ tier, members: counts.get(tier.id) ?? 0 }));
  }

  /** Members who had joined by `to`, by tier at `from` (null when they joined later) and tier at `to`: the full matrix. */
  async migration(from: Date, to: Date): Promise<TierMigrationCell[]> {
    if (!(from < to)) throw badUserInput("from must be before to.", "to");
    // One transaction, so every read sees the same changes (one snapshot on MariaDB, queued behind writers on
    // SQLite): the cells are differences of the reads, and a change committed between two of them would show as a
    // negative cell.
    const { atFrom, atTo, moved } = await runInTransaction(this.dataSource, async (manager) => ({
      atFrom: await this.membersByTierAt(manager, from),
      atTo: await this.membersByTierAt(manager, to),
      moved: await this.movedBetween(manager, from, to),
    }));
    const ladder = await this.ladder();
    const cells = new Map<string, number>();
    const cellKey = (fromTierId: number | null, toTierId: number) => `${fromTierId}:${toTierId}`;
    const add = (fromTierId: number | null, toTierId: number, members: number) => cells.set(cellKey(fromTierId, toTierId), (cells.get(cellKey(fromTierId, toTierId)) ?? 0) + members);
    // Members who had joined by `from` and changed tier: their own first and last change of the range. The rest of
    // a tier's members at `from` stayed in it.
    const stayed = new Map(atFrom);
    for (const row of moved.filter((row) => row.fromTierId !== null)) {
      add(row.fromTierId, row.toTierId, row.members);
      stayed.set(row.fromTierId!, (stayed.get(row.fromTierId!) ?? 0) - row.members);
    }
    for (const [tierId, members] of stayed) add(tierId, tierId, members);
    // Whoever is in a tier at `to` and not in a row above joined in between.
    const fromTiers = [...new Set([...atFrom.keys(), ...moved.map((row) => row.fromTierId).filter((id): id is number => id !== null)])];
    for (const [tierId, members] of atTo) add(null, tierId, members - fromTiers.reduce((sum, fromTierId) => sum + (cells.get(cellKey(fromTierId, tierId)) ?? 0), 0));
    return [null, ...ladder].flatMap((fromTier) => ladder.map((toTier) => ({ fromTier, toTier, members: cells.get(cellKey(fromTier?.id ?? null, toTier.id)) ?? 0 })));
  }

  private ladder(): Promise<TierRecord[]> {
    return this.dataSource.getRepository(TierRecord).find({ order: { rank: "ASC" } });
  }

  /** Members who had joined by `at`, per tier id at `at`: the population at the start of its local day, then the day's own joins and changes up to `at`. */
  private async membersByTierAt(manager: EntityManager, at: Date): Promise<Map<number, number>> {
    const day = localDayNumber(at, this.utcOffsetMinutes);
    const dayStart = startOfLocalDayNumber(day, this.utcOffsetMinutes);
    const counts = new Map<number, number>();
    const add = (tierId: number, members: number) => counts.set(tierId, (counts.get(tierId) ?? 0) + members);
    for (const [tierId, members] of await readTotalsBefore(manager, tierMembersMeasure, day)) add(Number(tierId), members);
    const range = [timeToDatabase(this.dataSource, dayStart), timeToDatabase(this.dataSource, at)];
    const joins: Record<string, unknown>[] = await manager.query(
      `SELECT COALESCE((SELECT c.from_tier_id FROM tier_changes c WHERE c.member_id = m.id ORDER BY c.created_at, c.id LIMIT 1), m.tier_id) AS entry_tier_id, COUNT(*) AS members
         FROM members m WHERE m.joined_at >= ? AND m.joined_at <= ? GROUP BY entry_tier_id`,
      range,
    );
    for (const row of joins) add(numberFromDatabase(row.entry_tier_id), numberFromDatabase(row.members));
    const changes: Record<string, unknown>[] = await manager.query(
      `SELECT c.from_tier_id, c.to_tier_id, COUNT(*) AS members FROM tier_changes c WHERE c.created_at >= ? AND c.created_at <= ? AND ${moves} GROUP BY c.from_tier_id, c.to_tier_id`,
      range,
    );
    for (const row of changes) {
      add(numberFromDatabase(row.from_tier_id), -numberFromDatabase(row.members));
      add(numberFromDatabase(row.to_tier_id), numberFromDatabase(row.members));
    }
    for (const [tierId, members] of counts) if (members === 0) counts.delete(tierId);
    return counts;
  }

  /**
   * Members whose tier changed in (from, to], by the tier their first change of the range took them from (null when
   * they joined after `from`) and the tier their last one took them to. Each member's first and last change are the
   * least and greatest of "time, id, tier" texts (ids padded, so the texts sort as the changes do); whether they had
   * joined by `from`, from the join time each change carries. All read from the index on the changes' time alone.
   */
  private async movedBetween(manager: EntityManager, from: Date, to: Date): Promise<{ fromTierId: number | null; toTierId: number; members: number }[]> {
    const sqlite = isSqlite(this.dataSource);
    const ordered = (tierColumn: string) => (sqlite ? `c.created_at || printf('%012d', c.id) || '#' || ${tierColumn}` : `CONCAT(c.created_at, LPAD(c.id, 12, '0'), '#', ${tierColumn})`);
    const tierOf = (text: string) => (sqlite ? `CAST(substr(${text}, instr(${text}, '#') + 1) AS INTEGER)` : `CAST(SUBSTRING_INDEX(${text}, '#', -1) AS UNSIGNED)`);
    const rows: Record<string, unknown>[] = await manager.query(
      `SELECT CASE WHEN p.member_joined_at <= ? THEN ${tierOf("p.first_change")} END AS from_tier_id, ${tierOf("p.last_change")} AS to_tier_id, COUNT(*) AS members
         FROM (SELECT c.member_id, MIN(${ordered("c.from_tier_id")}) AS first_change, MAX(${ordered("c.to_tier_id")}) AS last_change, MAX(c.member_joined_at) AS member_joined_at
                 FROM tier_changes c WHERE c.created_at > ? AND c.created_at <= ? AND ${moves} GROUP BY c.member_id) p
        GROUP BY from_tier_id, to_tier_id`,
      [timeToDatabase(this.dataSource, from), timeToDatabase(this.dataSource, from), timeToDatabase(this.dataSource, to)],
    );
    return rows.map((row) => ({ fromTierId: optionalNumberFromDatabase(row.from_tier_id), toTierId: numberFromDatabase(row.to_tier_id), members: numberFromDatabase(row.members) }));
  }
}
