// Builds the boards: for each metric and period kind, the current period and the one before. A board is written under
// a new id beside the current one (its entries in chunks of their own transactions, so points commands are never held
// up for long) and switched in one short transaction; the board it replaces stays readable for a grace period, so a
// request that looked it up just before the switch still reads it whole, and is deleted by a later refresh.
import type { DataSource } from "typeorm";
import type { Clock } from "../../../clock";
import { insertRows } from "../../../database/bulk-insert";
import { numberFromDatabase } from "../../../database/raw-values";
import { runInTransaction } from "../../../database/transactions";
import { leaderboardPeriodAt, leaderboardPeriodKinds, previousLeaderboardPeriod, rankBoard, type BoardColumns, type LeaderboardPeriod } from "../../../engine/engagement/leaderboards";
import { LeaderboardBoardRecord, LeaderboardEntryRecord } from "../../../entities";
import { LeaderboardReader } from "./leaderboard-reader";
import { pointsEarnedSource, type LeaderboardScoreSource } from "./score-sources";
import { yieldToOtherWork } from "./yield-to-other-work";

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
// Each transaction holds SQLite's write lock for a tenth to a quarter of a second at this size; smaller ones spent
// more time committing (5,000: a month's board of 614,000 members took 17 s instead of 10).
const entriesPerTransaction = 20_000;
const membersPerRead = 5_000;

export class LeaderboardRefresh {
  private readonly reader: LeaderboardReader;

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly settings: LeaderboardRefreshSettings,
    private readonly sources: readonly LeaderboardScoreSource[] = [pointsEarnedSource],
  ) {
    this.reader = new LeaderboardReader(dataSource);
  }

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
          const board = await this.reader.currentBoard(source.metric, period);
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

  private async build(source: LeaderboardScoreSource, period: LeaderboardPeriod, asOf: Date, watermark: number): Promise<number> {
    const board = await runInTransaction(this.dataSource, (manager) =>
      manager.save(LeaderboardBoardRecord, Object.assign(new LeaderboardBoardRecord(), {
        metric: source.metric, periodKind: period.kind, periodKey: period.key, periodStart: period.start, periodEnd: period.end,
        status: "BUILDING", asOf, sourceWatermark: watermark, rankedMembers: 0, createdAt: this.clock.now(), retiredAt: null,
      })),
    );
    const scores = await source.scores(this.dataSource, period);
    const columns = await this.boardColumns(scores);
    const ranked = rankBoard(columns);
    for (let start = 0; start < ranked.order.length; start += entriesPerTransaction) {
      const rows = Array.from(ranked.order.subarray(start, start + entriesPerTransaction), (index) =>
        Object.assign(new LeaderboardEntryRecord(), {
          boardId: board.id,
          memberId: columns.memberIds[index],
          score: columns.scores[index],
          positionAll: ranked.positionAll[index],
          rankAll: ranked.rankAll[index],
          city: columns.cityIndexes[index] < 0 ? null : columns.cities[columns.cityIndexes[index]],
          positionCity: ranked.positionCity[index] || null,
          rankCity: ranked.rankCity[index] || null,
          tierId: columns.tierIds[index],
          positionTier: ranked.positionTier[index],
          rankTier: ranked.rankTier[index],
        }),
      );
      await runInTransaction(this.dataSource, (manager) => insertRows(manager, LeaderboardEntryRecord, rows));
      await yieldToOtherWork();
    }
    await runInTransaction(this.dataSource, async (manager) => {
      const switchedAt = this.clock.now();
      await manager.update(LeaderboardBoardRecord, { metric: source.metric, periodKind: period.kind, periodKey: period.key, status: "CURRENT" }, { status: "RETIRED", retiredAt: switchedAt });
      await manager.update(LeaderboardBoardRecord, { id: board.id }, { status: "CURRENT", rankedMembers: ranked.order.length });
    });
    return ranked.order.length;
  }

  /** The members who scored, in member id order, with their city and tier now; a member who no longer exists scores zero. */
  private async boardColumns(scores: Map<number, number>): Promise<BoardColumns & { cities: string[] }> {
    const memberIds = Int32Array.from([...scores.keys()].filter((memberId) => scores.get(memberId)! > 0)).sort();
    const columns = { memberIds, scores: new Float64Array(memberIds.length), cityIndexes: new Int32Array(memberIds.length).fill(-1), tierIds: new Int32Array(memberIds.length), cities: [] as string[] };
    const cityIndexes = new Map<string, number>();
    for (let start = 0; start < memberIds.length; start += membersPerRead) {
      const chunk = Array.from(memberIds.subarray(start, start + membersPerRead));
      const rows: { id: number | string; city: string | null; tier_id: number | string }[] = await this.dataSource.query(
        `SELECT id, city, tier_id FROM members WHERE id IN (${chunk.map(() => "?").join(", ")})`,
        chunk,
      );
      const indexOf = new Map(chunk.map((memberId, offset) => [memberId, start + offset]));
      for (const row of rows) {
        const memberId = numberFromDatabase(row.id);
        const index = indexOf.get(memberId)!;
        columns.scores[index] = scores.get(memberId)!;
        columns.tierIds[index] = numberFromDatabase(row.tier_id);
        if (row.city !== null) {
          let cityIndex = cityIndexes.get(row.city);
          if (cityIndex === undefined) {
            cityIndex = columns.cities.push(row.city) - 1;
            cityIndexes.set(row.city, cityIndex);
          }
          columns.cityIndexes[index] = cityIndex;
        }
      }
      await yieldToOtherWork();
    }
    return columns;
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
        await yieldToOtherWork();
      }
      await runInTransaction(this.dataSource, (manager) => manager.delete(LeaderboardBoardRecord, { id: board.id }));
    }
    return old.length;
  }
}
