// Members by segment and local join day (docs/kpis.md, "Growth by segment"): NEW_MEMBERS and GROWTH_RATE by SEGMENT
// count members by the segment they are in now and the day they joined. A measure of the daily sums keyed by join
// day: when a member moves segment, -1 in the old segment and +1 in the new one on the day they joined, appended in
// the transaction that writes the move. So the members of a segment who joined in a period are the sums of its days,
// a few thousand rows, instead of a look-up of every member who joined.
import type { EntityManager } from "typeorm";
import { numberFromDatabase, timeFromDatabase } from "../../database/raw-values";
import { localDayNumber } from "../../engine";
import { appendDailyChanges, type DailyChange } from "./kpi-daily-sums";

export const segmentJoinsMeasure = "segment_joins";

export interface SegmentMembershipMove {
  memberId: number;
  schemeId: number;
  fromSegmentId: number | null;
  toSegmentId: number;
}

/** The group key of a segment: `schemeId:segmentId`. */
export function segmentJoinsKey(schemeId: number, segmentId: number): string {
  return `${schemeId}:${segmentId}`;
}

/** In the transaction that writes segment moves: each moved member leaves their old segment and enters the new one on their join day. */
export async function recordSegmentJoinMoves(manager: EntityManager, moves: readonly SegmentMembershipMove[], utcOffsetMinutes: number): Promise<void> {
  if (moves.length === 0) return;
  const memberIds = [...new Set(moves.map((move) => move.memberId))];
  const joinDays = new Map<number, number>();
  for (let start = 0; start < memberIds.length; start += 500) {
    const chunk = memberIds.slice(start, start + 500);
    const rows: Record<string, unknown>[] = await manager.query(`SELECT id, joined_at FROM members WHERE id IN (${chunk.map(() => "?").join(", ")})`, chunk);
    for (const row of rows) joinDays.set(numberFromDatabase(row.id), localDayNumber(timeFromDatabase(row.joined_at)!, utcOffsetMinutes));
  }
  const changes: DailyChange[] = moves.flatMap((move) => {
    const day = joinDays.get(move.memberId);
    if (day === undefined) throw new Error(`Segment move of member ${move.memberId}, who does not exist`);
    const change = (segmentId: number, amount: number): DailyChange => ({ measure: segmentJoinsMeasure, groupKey: segmentJoinsKey(move.schemeId, segmentId), day, amount });
    return [...(move.fromSegmentId === null ? [] : [change(move.fromSegmentId, -1)]), change(move.toSegmentId, 1)];
  });
  await appendDailyChanges(manager, changes);
}
