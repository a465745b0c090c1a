// Quiet hours: local hours in which no message is sent (e.g. 22:00 to 08:00). Local time is the member's (or the
// programme's) fixed UTC offset in minutes, as in calendar.ts; China has no daylight saving time.

const hour = 3_600_000;
const day = 86_400_000;
const minute = 60_000;

export interface QuietHours {
  /** The local hour quiet begins, 0-23 (22 = from 22:00). */
  startHour: number;
  /** The local hour quiet ends, 0-23, not itself quiet (8 = until 08:00). Equal to startHour: no quiet hours. */
  endHour: number;
}

export function quietHoursProblem(quietHours: QuietHours): string | null {
  for (const [name, value] of [["startHour", quietHours.startHour], ["endHour", quietHours.endHour]] as const) {
    if (!Number.isInteger(value) || value < 0 || value > 23) return `${name} must be a whole hour 0-23 (got ${value})`;
  }
  return null;
}

function checked(quietHours: QuietHours): QuietHours {
  const problem = quietHoursProblem(quietHours);
  if (problem !== null) throw new RangeError(problem);
  return quietHours;
}

/** Milliseconds since local midnight. */
function localTimeOfDay(instant: Date, utcOffsetMinutes: number): number {
  const local = instant.getTime() + utcOffsetMinutes * minute;
  return ((local % day) + day) % day;
}

/** Whether a local whole hour (0-23) falls in the quiet hours; a window past midnight (22 → 8) wraps. */
export function isQuietHour(localHour: number, quietHours: QuietHours): boolean {
  const { startHour, endHour } = checked(quietHours);
  if (startHour === endHour) return false;
  return startHour < endHour ? localHour >= startHour && localHour < endHour : localHour >= startHour || localHour < endHour;
}

export type QuietHoursDecision = { quiet: false } | { quiet: true; /** The next instant the local clock shows endHour:00. */ nextAllowedAt: Date };

export function quietHoursDecision(quietHours: QuietHours, utcOffsetMinutes: number, now: Date): QuietHoursDecision {
  const timeOfDay = localTimeOfDay(now, utcOffsetMinutes);
  // Quiet boundaries are whole hours, so the hour now is in decides.
  if (!isQuietHour(Math.floor(timeOfDay / hour), quietHours)) return { quiet: false };
  const endToday = now.getTime() - timeOfDay + quietHours.endHour * hour;
  return { quiet: true, nextAllowedAt: new Date(endToday > now.getTime() ? endToday : endToday + day) };
}

/** `now` when it is not quiet, else the end of the quiet hours. */
export function nextAllowedInstant(quietHours: QuietHours, utcOffsetMinutes: number, now: Date): Date {
  const decision = quietHoursDecision(quietHours, utcOffsetMinutes, now);
  return decision.quiet ? decision.nextAllowedAt : now;
}

/** The next instant at or after `now` when the local clock shows localHour:00. */
export function nextLocalHour(localHour: number, utcOffsetMinutes: number, now: Date): Date {
  if (!Number.isInteger(localHour) || localHour < 0 || localHour > 23) throw new RangeError(`localHour must be a whole hour 0-23 (got ${localHour})`);
  const today = now.getTime() - localTimeOfDay(now, utcOffsetMinutes) + localHour * hour;
  return new Date(today >= now.getTime() ? today : today + day);
}
