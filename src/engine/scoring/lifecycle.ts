// The lifecycle stage: where a member is between joining and leaving, from their last activity and its trend.
import { wholeDaysBetween } from "./elapsed-days";
import type { LifecycleStage, MemberActivity, ScoringSettings } from "./types";

/** The latest order or login; the joining day for a member who has done neither. */
export function lastActivityAt(activity: MemberActivity): Date {
  const moments = [activity.lastOrderAt, activity.lastLoginAt].filter((moment): moment is Date => moment !== null);
  if (moments.length === 0) return activity.joinedAt;
  return new Date(Math.max(...moments.map((moment) => moment.getTime())));
}

/**
 * In order: new (joined at most newMemberDays ago, whatever they did since), churned and dormant (idle for at least
 * churnedDays / dormantDays), declining (orders and logins in the last 90 days below decliningRatio of the 90
 * before), else active.
 */
export function lifecycleStage(activity: MemberActivity, now: Date, settings: ScoringSettings): LifecycleStage {
  if (wholeDaysBetween(activity.joinedAt, now) <= settings.newMemberDays) return "NEW";
  const idleDays = wholeDaysBetween(lastActivityAt(activity), now);
  if (idleDays >= settings.churnedDays) return "CHURNED";
  if (idleDays >= settings.dormantDays) return "DORMANT";
  const previous = activity.ordersPrevious90 + activity.loginsPrevious90;
  const recent = activity.orders90 + activity.logins90;
  if (previous > 0 && recent < settings.decliningRatio * previous) return "DECLINING";
  return "ACTIVE";
}
