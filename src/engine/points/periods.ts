// The periods members see their earned points for ("this month"), in the business time zone.
import { addDays, startOfLocalDay, startOfLocalMonth, startOfLocalYear } from "../calendar";

export const pointsPeriods = ["TODAY", "THIS_MONTH", "THIS_YEAR", "LAST_30_DAYS"] as const;
export type PointsPeriod = (typeof pointsPeriods)[number];

/** The start of the period containing `now` (the period ends at `now`). */
export function periodStart(period: PointsPeriod, now: Date, utcOffsetMinutes: number): Date {
  switch (period) {
    case "TODAY":
      return startOfLocalDay(now, utcOffsetMinutes);
    case "THIS_MONTH":
      return startOfLocalMonth(now, utcOffsetMinutes);
    case "THIS_YEAR":
      return startOfLocalYear(now, utcOffsetMinutes);
    case "LAST_30_DAYS":
      return addDays(now, -30);
  }
}
