// The leaderboard floor: the member's board answered with the fewest bare SQL reads through better-sqlite3 (the board,
// the member's entry, the top list with names, the neighbours), serialised by hand; no GraphQL, no ORM, no auth. The
// member comes in a header. Used in process (the reads alone) and behind a bare node:http server (bench/target.ts).
import http from "node:http";
import Sqlite from "better-sqlite3";
import { maskLeaderboardName } from "../src/engine/engagement/leaderboards";

export type FloorScope = "ALL" | "CITY";

/** The benchmarked query: the member's own rank with two neighbours each side, and the top 100. */
export const leaderboardBenchQuery = `query ($scope: LeaderboardScope!) {
  leaderboard(period: MONTH, scope: $scope) {
    periodLabel refreshedAt rankedMembers
    top(first: 100) { rank score displayName nameMasked isMe }
    me { rank score neighbours(count: 2) { above { rank score displayName isMe } below { rank score displayName isMe } } }
  }
}`;

const neighbourCount = 2;
const topCount = 100;

interface Row {
  member_id: number;
  position: number;
  standing: number;
  score: number;
  name: string;
  name_visible: number | null;
}

function isoTime(value: string): string {
  return new Date(`${value.replace(" ", "T")}Z`).toISOString();
}

export class LeaderboardFloor {
  private readonly connection: Sqlite.Database;
  private readonly board: Sqlite.Statement;
  private readonly entry: Sqlite.Statement;
  private readonly member: Sqlite.Statement;
  private readonly rows: Record<FloorScope, Sqlite.Statement>;
  private readonly cityCount: Sqlite.Statement;

  constructor(file: string, private readonly periodKey: string) {
    this.connection = new Sqlite(file, { readonly: true });
    this.board = this.connection.prepare("SELECT id, as_of, ranked_members FROM leaderboard_boards WHERE metric = 'POINTS_EARNED' AND period_kind = 'MONTH' AND period_key = ? AND status = 'CURRENT' ORDER BY id DESC LIMIT 1");
    this.entry = this.connection.prepare("SELECT score, city, position_all, rank_all, position_city, rank_city FROM leaderboard_entries WHERE board_id = ? AND member_id = ?");
    this.member = this.connection.prepare("SELECT city FROM members WHERE id = ?");
    const rows = (position: string, rank: string, filter: string) =>
      this.connection.prepare(
        `SELECT e.member_id, e.${position} AS position, e.${rank} AS standing, e.score, m.name, p.name_visible FROM leaderboard_entries e JOIN members m ON m.id = e.member_id
          LEFT JOIN leaderboard_preferences p ON p.member_id = e.member_id WHERE e.board_id = ? ${filter} AND e.${position} BETWEEN ? AND ? ORDER BY e.${position}`,
      );
    this.rows = { ALL: rows("position_all", "rank_all", ""), CITY: rows("position_city", "rank_city", "AND e.city = ?") };
    this.cityCount = this.connection.prepare("SELECT COALESCE(MAX(position_city), 0) AS last FROM leaderboard_entries WHERE board_id = ? AND city = ?");
  }

  /** The same JSON the GraphQL server answers for leaderboardBenchQuery. */
  answer(memberId: number, scope: FloorScope): object {
    const board = this.board.get(this.periodKey) as { id: number; as_of: string; ranked_members: number } | undefined;
    if (!board) throw new Error(`no current board for ${this.periodKey}`);
    const entry = this.entry.get(board.id, memberId) as { score: number; city: string | null; position_all: number; rank_all: number; position_city: number | null; rank_city: number | null } | undefined;
    const city = scope === "CITY" ? (entry ? entry.city : (this.member.get(memberId) as { city: string | null }).city) : null;
    const scoped = scope === "ALL" || city !== null;
    const filter = scope === "CITY" ? [city] : [];
    const rankedMembers = scope === "ALL" ? board.ranked_members : city === null ? 0 : (this.cityCount.get(board.id, city) as { last: number }).last;
    const read = (from: number, to: number) => (scoped ? (this.rows[scope].all(board.id, ...filter, from, to) as Row[]) : []);
    const view = (row: Row) => {
      const isMe = row.member_id === memberId;
      const shown = isMe || Boolean(row.name_visible);
      return { rank: row.standing, score: row.score, displayName: shown ? row.name : maskLeaderboardName(row.name), nameMasked: !shown, isMe };
    };
    const position = entry ? (scope === "ALL" ? entry.position_all : entry.position_city) : null;
    const rank = entry ? (scope === "ALL" ? entry.rank_all : entry.rank_city) : null;
    const around = position ?? rankedMembers + 1;
    const near = read(Math.max(1, around - neighbourCount), around + neighbourCount);
    const neighbour = (row: Row) => {
      const { nameMasked: _, ...shown } = view(row);
      return shown;
    };
    return {
      data: {
        leaderboard: {
          periodLabel: this.periodKey,
          refreshedAt: isoTime(board.as_of),
          rankedMembers,
          top: read(1, topCount).map(view),
          me: {
            rank: position === null ? null : rank,
            score: position === null ? 0 : entry!.score,
            neighbours: { above: near.filter((row) => row.position < around).map(neighbour), below: near.filter((row) => row.position > around).map(neighbour) },
          },
        },
      },
    };
  }

  close(): void {
    this.connection.close();
  }
}

export interface LeaderboardFloorServer {
  server: http.Server;
  statements(): number;
  close(): Promise<void>;
}

/** The floor behind a bare HTTP handler: `x-member-id` and `x-scope` say whose board. */
export function createLeaderboardFloorServer(file: string, periodKey: string): LeaderboardFloorServer {
  const floor = new LeaderboardFloor(file, periodKey);
  let requests = 0;
  const server = http.createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      requests += 1;
      try {
        const body = JSON.stringify(floor.answer(Number(request.headers["x-member-id"]), request.headers["x-scope"] === "CITY" ? "CITY" : "ALL"));
        response.writeHead(200, { "content-type": "application/json" });
        response.end(body);
      } catch (error) {
        response.writeHead(500);
        response.end(String(error));
      }
    });
  });
  return {
    server,
    statements: () => requests,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      floor.close();
    },
  };
}
