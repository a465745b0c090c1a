// What a challenge counts and when an activity counts towards it: pure decisions over the challenge's terms, the
// activity and the time it is recorded. The service locks, stores and rewards; these say what to do.

export const challengeGoalKinds = ["ORDER", "REVIEW", "SHARE", "LOGIN", "CHECK_IN", "REFERRAL_QUALIFIED"] as const;
export type ChallengeGoalKind = (typeof challengeGoalKinds)[number];

/** COUNT: each activity adds 1. AMOUNT: each order adds its paid fen (orders only). */
export const challengeGoalMeasures = ["COUNT", "AMOUNT"] as const;
export type ChallengeGoalMeasure = (typeof challengeGoalMeasures)[number];

/**
 * Activities are often reported late (a till syncing after closing time): one that happened inside the window
 * still counts when it is recorded up to this long after the window ended. After that the results are final.
 */
export const lateReportGraceMilliseconds = 24 * 3_600_000;

export interface ChallengeWindow {
  startsAt: Date;
  /** Exclusive. */
  endsAt: Date;
}

export interface ChallengeGoal {
  kind: ChallengeGoalKind;
  measure: ChallengeGoalMeasure;
  /** Activities, or fen. */
  target: number;
}

export interface CountableActivity {
  kind: string;
  occurredAt: Date;
  /** Fen for orders; null otherwise. */
  amount: number | null;
}

/** Whether the activity happened inside the window [startsAt, endsAt) and was recorded in time (see the grace). */
export function inWindow(window: ChallengeWindow, occurredAt: Date, recordedAt: Date): boolean {
  const at = occurredAt.getTime();
  return at >= window.startsAt.getTime() && at < window.endsAt.getTime() && recordedAt.getTime() < window.endsAt.getTime() + lateReportGraceMilliseconds;
}

/** What the activity adds to the progress: 1 for a count, the order's fen for an amount; 0 when it does not apply. */
export function contribution(goal: ChallengeGoal, activity: CountableActivity): number {
  if (activity.kind !== goal.kind) return 0;
  if (goal.measure === "COUNT") return 1;
  return activity.amount !== null && activity.amount > 0 ? activity.amount : 0;
}

export interface ProgressStep {
  progress: number;
  /** True on the one step that reaches the target. */
  completes: boolean;
}

/** The progress after adding `added` to `progress` of a challenge not yet completed. */
export function advance(goal: ChallengeGoal, progress: number, added: number): ProgressStep {
  const next = progress + added;
  return { progress: next, completes: progress < goal.target && next >= goal.target };
}

/** A member's progress as shown: at most the target, and the share done in whole per cent. */
export function shownProgress(goal: ChallengeGoal, progress: number): { progress: number; percent: number } {
  const capped = Math.min(progress, goal.target);
  return { progress: capped, percent: Math.floor((capped * 100) / goal.target) };
}
