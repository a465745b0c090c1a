// Builds the boards: for each metric and period kind, the current period and the one before. A board is written under
// a new id beside the current one (its entries in chunks of their own transactions, so points commands are never held
// up for long) and switched in one short transaction; the board it replaces stays readable for a grace period, so a
// request that looked it up just before the switch still reads it whole, and is deleted by a later refresh.
import type { DataSource } from "typeorm";
import type { Clock } from "../../../clock";
import { insertRows } from "../../../database/bulk-insert";
import { numberFromDatabase } from "../../../database/raw-values";
import { runInTransaction } from "../../../database/transactions";
import { leaderboardPeriodAt, leaderboardPeriodKinds, previousLeaderboardPeriod, rankMembers, type LeaderboardPeriod, type RankedMember, type ScoredMember } from "../../../engine/engagement/leaderboards";
import { LeaderboardBoardRecord, LeaderboardEntryRecord } from "../../../entities";
import { pointsEarnedSource, type LeaderboardScoreSource } from "./score-sources";

export interface LeaderboardRefreshSettings {
  utcOffsetMinutes: number;
  /** How long a replaced board stays readable before a refresh deletes it. */
  retiredBoardGraceSeconds: number;
  /** A board whose source has not changed is still rebuilt this often (members' cities and tiers move without points). */
  rebuildUnchangedAfterSeconds: number;
}

export const defaultLeaderboardRefreshSettings: Omit<LeaderboardRefreshSettings, "utcOffsetMinutes"> = { retiredBoardGraceSeconds: 60, rebuildUnchangedAfterSeconds: 3600 };

export interface BoardBuilt {
  metric: string;
  period: string;
  rankedMembers: number;
  seconds: number;
}

export interface LeaderboardRefreshSummary {
  built: BoardBuilt[];
  /** Boards left as they were: final (built after their period ended), unchanged, or refreshed recently by another process. */
  kept: string[];
  removedBoards: number;
}

/** An abandoned build (its process stopped) is removed once it is this old. */
const abandonedBuildSeconds = 3600;
const entriesPerTransaction = 5_000;
const membersPerRead = 1_000;

export class LeaderboardRefresh {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly settings: LeaderboardRefreshSettings,
    private readonly sources: readonly LeaderboardScoreSource[] = [pointsEarnedSource],
  ) {}

  /**
   * Rebuilds every board that may have changed. `skipYoungerThanSeconds`: a board built that recently is kept (the
   * server's timer passes half its interval, so processes sharing a database do not each rebuild every board).
   */
  async refresh(options: { skipYoungerThanSeconds?: number } = {}): Promise<LeaderboardRefreshSummary> {
    const now = this.clock.now();
    const summary: LeaderboardRefreshSummary = { built: [], kept: [], removedBoards: await this.removeOldBoards(now) };
    for (const source of this.sources) {
      // Read before the scores: an entry written while they are read moves it on, and the next refresh rebuilds.
      const watermark = await source.watermark(this.dataSource);
      for (const kind of leaderboardPeriodKinds) {
        const current = leaderboardPeriodAt(kind, now, this.settings.utcOffsetMinutes);
        for (const period of [current, previousLeaderboardPeriod(current, this.settings.utcOffsetMinutes)]) {
          const name = `${source.metric} ${period.key}`;
          const board = await this.currentBoard(source.metric, period);
          if (board && !this.needsBuild(board, period, now, watermark, options.skipYoungerThanSeconds ?? 0)) {
            summary.kept.push(name);
            continue;
          }
          const started = process.hrtime.bigint();
          const rankedMembers = await this.build(source, period, now, watermark);
          summary.built.push({ metric: source.metric, period: period.key, rankedMembers, seconds: Number(process.hrtime.bigint() - started) / 1e9 });
        }
      }
    }
    return summary;
  }

  private needsBuild(board: LeaderboardBoardRecord, period: LeaderboardPeriod, now: Date, watermark: number, skipYoungerThanSeconds: number): boolean {
    // Built after its period ended: the standings are final (entries are dated when they are made, never back-dated).
    if (board.asOf.getTime() >= period.end.getTime()) return false;
    const age = now.getTime() - board.asOf.getTime();
    if (age < skipYoungerThanSeconds * 1000) return false;
    return board.sourceWatermark !== watermark || age >= this.settings.rebuildUnchangedAfterSeconds * 1000 || now.getTime() >= period.end.getTime();
  }

  private currentBoard(metric: string, period: LeaderboardPeriod): Promise<LeaderboardBoardRecord | null> {
    return this.dataSource.getRepository(LeaderboardBoardRecord).findOne({
      where: { metric: metric as LeaderboardBoardRecord["metric"], periodKind: period.kind, periodKey: period.key, status: "CURRENT" },
      order: { id: "DESC" },
    });
  }

  private async build(source: LeaderboardScoreSource, period: LeaderboardPeriod, asOf: Date, watermark: number): Promise<number> {
    const board = await runInTransaction(this.dataSource, (manager) =>
      manager.save(LeaderboardBoardRecord, Object.assign(new LeaderboardBoardRecord(), {
        metric: source.metric, periodKind: period.kind, periodKey: period.key, periodStart: period.start, periodEnd: period.end,
        status: "BUILDING", asOf, sourceWatermark: watermark, rankedMembers: 0, createdAt: this.clock.now(), retiredAt: null,
      })),
    );
    const scores = await source.scores(this.dataSource, period);
    const ranked = rankMembers(await this.withCityAndTier(scores));
    for (let start = 0; start < ranked.length; start += entriesPerTransaction) {
      const rows = ranked.slice(start, start + entriesPerTransaction).map((member) => entryRow(board.id, member));
      await runInTransaction(this.dataSource, (manager) => insertRows(manager, LeaderboardEntryRecord, rows));
    }
    await runInTransaction(this.dataSource, async (manager) => {
      const switchedAt = this.clock.now();
      await manager.update(LeaderboardBoardRecord, { metric: source.metric, periodKind: period.kind, periodKey: period.key, status: "CURRENT" }, { status: "RETIRED", retiredAt: switchedAt });
      await manager.update(LeaderboardBoardRecord, { id: board.id }, { status: "CURRENT", rankedMembers: ranked.length });
    });
    return ranked.length;
  }

  /** Each scored member's city and tier now; a member who no longer exists is left out. */
  private async withCityAndTier(scores: Map<number, number>): Promise<ScoredMember[]> {
    const memberIds = [...scores.keys()].filter((memberId) => scores.get(memberId)! > 0).sort((a, b) => a - b);
    const scored: ScoredMember[] = [];
    for (let start = 0; start < memberIds.length; start += membersPerRead) {
      const chunk = memberIds.slice(start, start + membersPerRead);
      const rows: { id: number | string; city: string | null; tier_id: number | string }[] = await this.dataSource.query(
        `SELECT id, city, tier_id FROM members WHERE id IN (${chunk.map(() => "?").join(", ")})`,
        chunk,
      );
      for (const row of rows) {
        const memberId = numberFromDatabase(row.id);
        scored.push({ memberId, score: scores.get(memberId)!, city: row.city, tierId: numberFromDatabase(row.tier_id) });
      }
    }
    return scored;
  }

  /** Deletes boards replaced longer ago than the grace period and builds abandoned for an hour; a chunk per transaction. */
  private async removeOldBoards(now: Date): Promise<number> {
    const boards = this.dataSource.getRepository(LeaderboardBoardRecord);
    const retiredBefore = new Date(now.getTime() - this.settings.retiredBoardGraceSeconds * 1000);
    const abandonedBefore = new Date(now.getTime() - abandonedBuildSeconds * 1000);
    const old = (await boards.find({ where: [{ status: "RETIRED" }, { status: "BUILDING" }] })).filter((board) =>
      board.status === "RETIRED" ? board.retiredAt!.getTime() <= retiredBefore.getTime() : board.createdAt.getTime() <= abandonedBefore.getTime(),
    );
    for (const board of old) {
      const [{ last }] = await this.dataSource.query("SELECT COALESCE(MAX(position_all), 0) AS last FROM leaderboard_entries WHERE board_id = ?", [board.id]);
      for (let from = 0; from < numberFromDatabase(last); from += entriesPerTransaction) {
        await runInTransaction(this.dataSource, (manager) =>
          manager.query("DELETE FROM leaderboard_entries WHERE board_id = ? AND position_all > ? AND position_all <= ?", [board.id, from, from + entriesPerTransaction]),
        );
      }
      await runInTransaction(this.dataSource, (manager) => manager.delete(LeaderboardBoardRecord, { id: board.id }));
    }
    return old.length;
  }
}

function entryRow(boardId: number, member: RankedMember): LeaderboardEntryRecord {
  return Object.assign(new LeaderboardEntryRecord(), {
    boardId,
    memberId: member.memberId,
    score: member.score,
    positionAll: member.inAll.position,
    rankAll: member.inAll.rank,
    city: member.city,
    positionCity: member.inCity?.position ?? null,
    rankCity: member.inCity?.rank ?? null,
    tierId: member.tierId,
    positionTier: member.inTier.position,
    rankTier: member.inTier.rank,
  });
}
