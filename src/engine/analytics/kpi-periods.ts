// The periods a KPI series is cut into, in the programme's time zone: local days, ISO weeks (Monday first) and
// local months. A series covers every whole period that overlaps [from, to), so no point is a partial period.
import { localDayNumber, startOfLocalDayNumber } from "../activity/daily-windows";
import { localDateOfDay } from "./local-dates";

export const kpiGranularities = ["DAY", "WEEK", "MONTH"] as const;
export type KpiGranularity = (typeof kpiGranularities)[number];

export interface KpiPeriod {
  /** Position in the series, from 0. */
  index: number;
  start: Date;
  /** The first instant after the period. */
  end: Date;
  /** Local day numbers: the daily facts of days firstDay ≤ day < endDay fall in the period. */
  firstDay: number;
  endDay: number;
  /** 2026-03-01, 2026-W09 or 2026-03. */
  label: string;
}

const millisecondsPerDay = 86_400_000;

/** Day 0 (1970-01-01) was a Thursday: this is 0 on Mondays. */
function daysSinceMonday(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}

function monthFirstDay(year: number, month: number): number {
  return Date.UTC(year, month, 1) / millisecondsPerDay;
}

/** The first local day of the period of this granularity holding local day `day` (weeks start on Monday). */
export function factPeriodFirstDay(day: number, granularity: KpiGranularity): number {
  if (granularity === "DAY") return day;
  if (granularity === "WEEK") return day - daysSinceMonday(day);
  const date = calendarDate(day);
  return monthFirstDay(date.getUTCFullYear(), date.getUTCMonth());
}

/** The first local day after the period starting on `firstDay`. */
export function factPeriodEndDay(firstDay: number, granularity: KpiGranularity): number {
  if (granularity === "DAY") return firstDay + 1;
  if (granularity === "WEEK") return firstDay + 7;
  const date = calendarDate(firstDay);
  return monthFirstDay(date.getUTCFullYear(), date.getUTCMonth() + 1);
}

export function factPreviousPeriodFirstDay(firstDay: number, granularity: KpiGranularity): number {
  return factPeriodFirstDay(firstDay - 1, granularity);
}

/** The calendar date of a local day number, as UTC fields of a Date. */
function calendarDate(day: number): Date {
  return new Date(day * millisecondsPerDay);
}

/** ISO 8601 week label of the week starting on Monday `monday`: the week belongs to the year of its Thursday. */
export function isoWeekLabel(monday: number): string {
  const thursday = calendarDate(monday + 3);
  const year = thursday.getUTCFullYear();
  const firstOfYear = Math.floor(Date.UTC(year, 0, 1) / millisecondsPerDay);
  const week = Math.floor((monday + 3 - firstOfYear) / 7) + 1;
  return `${year}-W${String(week).padStart(2, "0")}`;
}

/** The start of the period (of this granularity) that holds `instant`. */
export function periodStartOf(instant: Date, granularity: KpiGranularity, utcOffsetMinutes: number): Date {
  return startOfLocalDayNumber(factPeriodFirstDay(localDayNumber(instant, utcOffsetMinutes), granularity), utcOffsetMinutes);
}

/** The start of the period after the one starting at `start`. */
export function nextPeriodStart(start: Date, granularity: KpiGranularity, utcOffsetMinutes: number): Date {
  return startOfLocalDayNumber(factPeriodEndDay(localDayNumber(start, utcOffsetMinutes), granularity), utcOffsetMinutes);
}

function periodLabel(start: Date, granularity: KpiGranularity, utcOffsetMinutes: number): string {
  const day = localDayNumber(start, utcOffsetMinutes);
  if (granularity === "DAY") return localDateOfDay(day);
  if (granularity === "WEEK") return isoWeekLabel(day);
  return localDateOfDay(day).slice(0, 7);
}

/**
 * The whole periods overlapping [from, to), at most `maximum` of them; null when there would be more (the caller
 * says what to narrow). `from` must be before `to`.
 */
export function kpiPeriods(from: Date, to: Date, granularity: KpiGranularity, utcOffsetMinutes: number, maximum: number): KpiPeriod[] | null {
  const periods: KpiPeriod[] = [];
  for (let start = periodStartOf(from, granularity, utcOffsetMinutes); start < to; ) {
    if (periods.length === maximum) return null;
    const end = nextPeriodStart(start, granularity, utcOffsetMinutes);
    periods.push({
      index: periods.length,
      start,
      end,
      firstDay: localDayNumber(start, utcOffsetMinutes),
      endDay: localDayNumber(end, utcOffsetMinutes),
      label: periodLabel(start, granularity, utcOffsetMinutes),
    });
    start = end;
  }
  return periods;
}

/** The period a local day falls in, by binary search over the periods' days; -1 outside the series. */
export function periodIndexOfDay(periods: readonly KpiPeriod[], day: number): number {
  let low = 0;
  let high = periods.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (day < periods[middle].firstDay) high = middle - 1;
    else if (day >= periods[middle].endDay) low = middle + 1;
    else return middle;
  }
  return -1;
}

/** The period just before `first` (index -1): retention compares each period with the one before it. */
export function periodBefore(first: KpiPeriod, granularity: KpiGranularity, utcOffsetMinutes: number): KpiPeriod {
  const start = periodStartOf(new Date(first.start.getTime() - 1), granularity, utcOffsetMinutes);
  return { index: -1, start, end: first.start, firstDay: localDayNumber(start, utcOffsetMinutes), endDay: first.firstDay, label: periodLabel(start, granularity, utcOffsetMinutes) };
}
