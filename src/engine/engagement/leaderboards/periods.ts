// Leaderboard periods in the programme's time zone: ISO weeks from Monday 00:00 local, and local calendar months.
// A period is [start, end): a point entry made at local midnight on Monday belongs to the new week.

export const leaderboardPeriodKinds = ["WEEK", "MONTH"] as const;
export type LeaderboardPeriodKind = (typeof leaderboardPeriodKinds)[number];

export interface LeaderboardPeriod {
  kind: LeaderboardPeriodKind;
  /** "2026-W48" (ISO week-numbering year and week) or "2026-11": the board's stable name. */
  key: string;
  start: Date;
  end: Date;
}

const minute = 60_000;
const day = 86_400_000;

/** The period of `kind` that contains `instant`. */
export function leaderboardPeriodAt(kind: LeaderboardPeriodKind, instant: Date, utcOffsetMinutes: number): LeaderboardPeriod {
  const shift = utcOffsetMinutes * minute;
  // A UTC date whose fields are the local calendar's.
  const local = new Date(instant.getTime() + shift);
  const year = local.getUTCFullYear();
  const month = local.getUTCMonth();
  if (kind === "MONTH") {
    return {
      kind,
      key: `${year}-${String(month + 1).padStart(2, "0")}`,
      start: new Date(Date.UTC(year, month, 1) - shift),
      end: new Date(Date.UTC(year, month + 1, 1) - shift),
    };
  }
  const daysSinceMonday = (local.getUTCDay() + 6) % 7;
  const monday = Date.UTC(year, month, local.getUTCDate() - daysSinceMonday);
  // ISO 8601: a week belongs to the year of its Thursday; week 1 is the week with the year's first Thursday.
  const thursday = new Date(monday + 3 * day);
  const weekYear = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(weekYear, 0, 1)) / (7 * day)) + 1;
  return { kind, key: `${weekYear}-W${String(week).padStart(2, "0")}`, start: new Date(monday - shift), end: new Date(monday + 7 * day - shift) };
}

/** The period just before `period`. */
export function previousLeaderboardPeriod(period: LeaderboardPeriod, utcOffsetMinutes: number): LeaderboardPeriod {
  return leaderboardPeriodAt(period.kind, new Date(period.start.getTime() - 1), utcOffsetMinutes);
}

/** Consecutive slices of at most a day covering [start, end): a long period is summed a day at a time. */
export function daySlices(start: Date, end: Date): { start: Date; end: Date }[] {
  const slices: { start: Date; end: Date }[] = [];
  for (let from = start.getTime(); from < end.getTime(); from += day) slices.push({ start: new Date(from), end: new Date(Math.min(from + day, end.getTime())) });
  return slices;
}
