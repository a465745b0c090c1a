// The best local hour to send a member a message: the hour they are most often active in, from a histogram of
// their activity by local hour.
import { isQuietHour, nextLocalHour, type QuietHours } from "./quiet-hours";

export interface SendHourSettings {
  /** The hour when the member has no recorded activity (outside the quiet hours), e.g. 10. */
  defaultHour: number;
  /** Hours that may not be chosen. */
  quietHours?: QuietHours;
}

/**
 * The local hour (0-23) with the most activity outside the quiet hours; ties go to the earliest hour. An empty
 * histogram (no entries, or all zero outside the quiet hours) gives the default hour, or, when that is quiet, the
 * hour quiet ends.
 */
export function bestSendHour(activityByHour: readonly number[], settings: SendHourSettings): number {
  if (activityByHour.length !== 0 && activityByHour.length !== 24) throw new RangeError(`activityByHour must have 24 entries, one per local hour (got ${activityByHour.length})`);
  if (activityByHour.some((count) => !(count >= 0 && Number.isFinite(count)))) throw new RangeError("activityByHour must hold counts of 0 or more");
  const { defaultHour, quietHours } = settings;
  if (!Number.isInteger(defaultHour) || defaultHour < 0 || defaultHour > 23) throw new RangeError(`defaultHour must be a whole hour 0-23 (got ${defaultHour})`);
  const allowed = (localHour: number) => quietHours === undefined || !isQuietHour(localHour, quietHours);
  let best = -1;
  let bestCount = 0;
  // Strictly more to replace: the earliest of equal hours stays.
  for (let localHour = 0; localHour < activityByHour.length; localHour += 1) {
    if (activityByHour[localHour] > bestCount && allowed(localHour)) {
      best = localHour;
      bestCount = activityByHour[localHour];
    }
  }
  if (best >= 0) return best;
  return allowed(defaultHour) ? defaultHour : quietHours!.endHour;
}

/** The best hour and the next instant at or after `now` when the member's clock shows it. */
export function nextBestSendTime(activityByHour: readonly number[], utcOffsetMinutes: number, now: Date, settings: SendHourSettings): { hour: number; at: Date } {
  const hour = bestSendHour(activityByHour, settings);
  return { hour, at: nextLocalHour(hour, utcOffsetMinutes, now) };
}
