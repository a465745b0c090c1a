// The members of each tier by day (docs/kpis.md, "Tiers"): +1 in the entry tier on the day a member joins, -1 in the
// old tier and +1 in the new one on the day of a tier change, appended to the daily sums in the transaction that
// creates the member or records the change. The members of a tier at the start of a day are the sums of its days
// before.
import type { EntityManager } from "typeorm";
import { localDayNumber } from "../../engine";
import { appendDailyChanges, type DailyChange } from "./kpi-daily-sums";

export const tierMembersMeasure = "tier_members";

export interface TierJoin {
  tierId: number;
  at: Date;
}

export interface TierMove {
  fromTierId: number | null;
  toTierId: number;
  at: Date;
}

/**
 * The daily changes of members joining and moving tier. A change that keeps the tier (permanent status granted at
 * the tier held) moves nobody; nor does one without the tier it left, which the services never write (the readers
 * and the migration's backfill skip it the same way).
 */
export function tierPopulationChanges(joins: readonly TierJoin[], moves: readonly TierMove[], utcOffsetMinutes: number): DailyChange[] {
  const change = (tierId: number, at: Date, amount: number): DailyChange => ({ measure: tierMembersMeasure, groupKey: String(tierId), day: localDayNumber(at, utcOffsetMinutes), amount });
  return [
    ...joins.map((join) => change(join.tierId, join.at, 1)),
    ...moves.flatMap((move) => (move.fromTierId === null || move.fromTierId === move.toTierId ? [] : [change(move.fromTierId, move.at, -1), change(move.toTierId, move.at, 1)])),
  ];
}

/** Appends a member's join or tier change to the tier population, in the transaction that writes it. */
export class TierPopulationRecorder {
  constructor(private readonly utcOffsetMinutes: number) {}

  joined(manager: EntityManager, join: TierJoin): Promise<void> {
    return appendDailyChanges(manager, tierPopulationChanges([join], [], this.utcOffsetMinutes));
  }

  moved(manager: EntityManager, move: TierMove): Promise<void> {
    return appendDailyChanges(manager, tierPopulationChanges([], [move], this.utcOffsetMinutes));
  }
}
