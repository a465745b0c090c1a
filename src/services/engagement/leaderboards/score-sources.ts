// What a board ranks by, read for one period. Points earned is built in; a challenge-progress metric would be one more
// LeaderboardScoreSource (its own metric name, its own read of the challenges' progress table) handed to the refresh.
import type { DataSource } from "typeorm";
import { numberFromDatabase, timeToDatabase } from "../../../database/raw-values";
import { daySlices, type LeaderboardPeriod } from "../../../engine/engagement/leaderboards";
import type { LeaderboardMetric } from "../../../entities";
import { yieldToOtherWork } from "./yield-to-other-work";

export interface LeaderboardScoreSource {
  metric: LeaderboardMetric;
  /** Each member's score in the period; members left out score zero. Reads in steps, so other work runs in between. */
  scores(dataSource: DataSource, period: LeaderboardPeriod): Promise<Map<number, number>>;
  /** Changes whenever a score may have: a refresh that finds it as the board was built keeps the board. */
  watermark(dataSource: DataSource): Promise<number>;
}


/**
 * Points earned in the period, net of refunds made in it: the EARN entries made in the period, less what CLAWBACK
 * entries made in the period took back (buying to the top and refunding before the period ends does not count; a
 * refund never reaches into a period already over). ADJUST entries (staff corrections) do not count. Read a day at a
 * time along the ledger's (type, created_at, member_id, amount) index, which holds all an EARN sum needs.
 */
export const pointsEarnedSource: LeaderboardScoreSource = {
  metric: "POINTS_EARNED",

  async watermark(dataSource) {
    const [{ id }] = await dataSource.query("SELECT COALESCE(MAX(id), 0) AS id FROM point_entries");
    return numberFromDatabase(id);
  },

  async scores(dataSource, period) {
    const scores = new Map<number, number>();
    const add = (rows: { member_id: number | string; points: number | string }[]) => {
      for (const row of rows) {
        const memberId = numberFromDatabase(row.member_id);
        scores.set(memberId, (scores.get(memberId) ?? 0) + numberFromDatabase(row.points));
      }
    };
    const time = (instant: Date) => timeToDatabase(dataSource, instant);
    for (const slice of daySlices(period.start, period.end)) {
      const range = [time(slice.start), time(slice.end)];
      add(await dataSource.query("SELECT member_id, SUM(amount) AS points FROM point_entries WHERE type = 'EARN' AND created_at >= ? AND created_at < ? GROUP BY member_id", range));
      await yieldToOtherWork();
      // A claw-back's amount is what left the balance and its debt change what became debt: together, what was taken back.
      add(await dataSource.query("SELECT member_id, SUM(amount - debt_change) AS points FROM point_entries WHERE type = 'CLAWBACK' AND created_at >= ? AND created_at < ? GROUP BY member_id", range));
      await yieldToOtherWork();
    }
    return scores;
  },
};
