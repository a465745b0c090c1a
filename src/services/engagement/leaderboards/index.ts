// Leaderboards (docs/engagement-leaderboards.md): the refresh job that builds the boards, and the reads members and staff make.
import type { DataSource } from "typeorm";
import type { Clock } from "../../../clock";
import type { AuditService } from "../../audit-service";
import { defaultLeaderboardRefreshSettings, LeaderboardRefresh } from "./leaderboard-refresh";
import { LeaderboardService } from "./leaderboard-service";

export function createLeaderboardServices(dataSource: DataSource, clock: Clock, audit: AuditService, utcOffsetMinutes: number) {
  return {
    leaderboards: new LeaderboardService(dataSource, clock, audit, utcOffsetMinutes),
    leaderboardRefresh: new LeaderboardRefresh(dataSource, clock, { ...defaultLeaderboardRefreshSettings, utcOffsetMinutes }),
  };
}
