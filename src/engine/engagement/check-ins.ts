// Daily check-in (签到): a streak of consecutive local days, points each day and a bonus when the streak reaches a
// milestone. Pure: days are the programme's local day numbers, passed in.

export interface CheckInRule {
  /** Points for every check-in. */
  basePoints: number;
  /** Bonus points on the day the streak reaches each length, e.g. 7 days: 20, 30 days: 100. */
  milestones: readonly CheckInMilestone[];
}

export interface CheckInMilestone {
  streakDays: number;
  bonusPoints: number;
}

export const defaultCheckInRule: CheckInRule = { basePoints: 5, milestones: [{ streakDays: 7, bonusPoints: 20 }, { streakDays: 30, bonusPoints: 100 }] };

/** The streak a check-in on `today` makes: one more than yesterday's, or a new streak of 1 after a missed day. */
export function streakOnCheckIn(previous: { day: number; streak: number } | null, today: number): number {
  return previous && previous.day === today - 1 ? previous.streak + 1 : 1;
}

/** The streak as the member sees it today: still alive if the last check-in was today or yesterday. */
export function currentStreak(last: { day: number; streak: number } | null, today: number): number {
  return last && last.day >= today - 1 ? last.streak : 0;
}

export function checkInAward(streak: number, rule: CheckInRule): { points: number; bonusPoints: number } {
  const bonusPoints = rule.milestones.filter((milestone) => milestone.streakDays === streak).reduce((sum, milestone) => sum + milestone.bonusPoints, 0);
  return { points: rule.basePoints, bonusPoints };
}

/** The next milestone a streak can reach, and the check-ins it still takes; null past the last one. */
export function nextMilestone(streak: number, rule: CheckInRule): (CheckInMilestone & { checkInsToGo: number }) | null {
  const next = [...rule.milestones].sort((a, b) => a.streakDays - b.streakDays).find((milestone) => milestone.streakDays > streak);
  return next ? { ...next, checkInsToGo: next.streakDays - streak } : null;
}

/** Why a rule cannot be used, naming the field; null when it is sound. */
export function checkInRuleProblem(rule: CheckInRule): { field: string; message: string } | null {
  if (!Number.isInteger(rule.basePoints) || rule.basePoints < 1 || rule.basePoints > 10_000) return { field: "basePoints", message: "basePoints must be a whole number from 1 to 10000." };
  if (rule.milestones.length > 20) return { field: "milestones", message: "milestones may list at most 20 streak lengths." };
  const seen = new Set<number>();
  for (const [index, milestone] of rule.milestones.entries()) {
    const field = `milestones[${index}]`;
    if (!Number.isInteger(milestone.streakDays) || milestone.streakDays < 2 || milestone.streakDays > 366) return { field: `${field}.streakDays`, message: "A milestone's streakDays must be a whole number from 2 to 366." };
    if (!Number.isInteger(milestone.bonusPoints) || milestone.bonusPoints < 1 || milestone.bonusPoints > 100_000) return { field: `${field}.bonusPoints`, message: "A milestone's bonusPoints must be a whole number from 1 to 100000." };
    if (seen.has(milestone.streakDays)) return { field: `${field}.streakDays`, message: `Two milestones have the same streak length ${milestone.streakDays}.` };
    seen.add(milestone.streakDays);
  }
  return null;
}
