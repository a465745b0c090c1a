// Reads of the built boards. Every read is an index range: the board by its period, a member's entry by the primary
// key, a top list or a member's neighbours by (board, [city | tier,] position), a scope's size by its last position.
import type { DataSource } from "typeorm";
import { numberFromDatabase } from "../../../database/raw-values";
import type { LeaderboardPeriod, LeaderboardScope } from "../../../engine/engagement/leaderboards";
import { LeaderboardBoardRecord, LeaderboardEntryRecord, type LeaderboardMetric } from "../../../entities";

/** One scope of one board: the whole board, a city's part of it, or a tier's. */
export type BoardScope = { scope: "ALL" } | { scope: "CITY"; city: string } | { scope: "TIER"; tierId: number };

export interface BoardRow {
  memberId: number;
  position: number;
  rank: number;
  score: number;
  city: string | null;
  name: string;
  /** The member opted in to show their name. */
  nameVisible: boolean;
}

const columns: Record<LeaderboardScope, { position: string; rank: string; filter: string }> = {
  ALL: { position: "position_all", rank: "rank_all", filter: "" },
  CITY: { position: "position_city", rank: "rank_city", filter: "AND e.city = ?" },
  TIER: { position: "position_tier", rank: "rank_tier", filter: "AND e.tier_id = ?" },
};

function filterValues(scope: BoardScope): unknown[] {
  if (scope.scope === "CITY") return [scope.city];
  if (scope.scope === "TIER") return [scope.tierId];
  return [];
}

export class LeaderboardReader {
  constructor(private readonly dataSource: DataSource) {}

  /** The board readers use for a period, or null before the first refresh of the period. */
  currentBoard(metric: LeaderboardMetric, period: LeaderboardPeriod): Promise<LeaderboardBoardRecord | null> {
    return this.dataSource.getRepository(LeaderboardBoardRecord).findOne({ where: { metric, periodKind: period.kind, periodKey: period.key, status: "CURRENT" }, order: { id: "DESC" } });
  }

  entryOf(boardId: number, memberId: number): Promise<LeaderboardEntryRecord | null> {
    return this.dataSource.getRepository(LeaderboardEntryRecord).findOneBy({ boardId, memberId });
  }

  /** Members ranked in the scope: the last position in it. */
  async rankedMembers(board: LeaderboardBoardRecord, scope: BoardScope): Promise<number> {
    if (scope.scope === "ALL") return board.rankedMembers;
    const { position, filter } = columns[scope.scope];
    const [{ last }] = await this.dataSource.query(`SELECT COALESCE(MAX(e.${position}), 0) AS last FROM leaderboard_entries e WHERE e.board_id = ? ${filter}`, [board.id, ...filterValues(scope)]);
    return numberFromDatabase(last);
  }

  /** The scope's entries from position `from` to `to`, in order, with each member's name and choice. */
  async rows(boardId: number, scope: BoardScope, from: number, to: number): Promise<BoardRow[]> {
    if (to < from) return [];
    const { position, rank, filter } = columns[scope.scope];
    const rows: { member_id: number | string; position: number | string; standing: number | string; score: number | string; city: string | null; name: string; name_visible: number | boolean | null }[] =
      await this.dataSource.query(
        `SELECT e.member_id, e.${position} AS position, e.${rank} AS standing, e.score, e.city, m.name, p.name_visible
           FROM leaderboard_entries e
           JOIN members m ON m.id = e.member_id
           LEFT JOIN leaderboard_preferences p ON p.member_id = e.member_id
          WHERE e.board_id = ? ${filter} AND e.${position} BETWEEN ? AND ?
          ORDER BY e.${position}`,
        [boardId, ...filterValues(scope), from, to],
      );
    return rows.map((row) => ({
      memberId: numberFromDatabase(row.member_id),
      position: numberFromDatabase(row.position),
      rank: numberFromDatabase(row.standing),
      score: numberFromDatabase(row.score),
      city: row.city,
      name: row.name,
      nameVisible: Boolean(row.name_visible),
    }));
  }
}
