// Counts what members do towards their challenges, inside the transaction that records the activity (the engagement
// hub hands it over): an activity counts once per challenge (its reference is stored under the progress row's
// lock), for eligible members only, if it happened in the window; the step that reaches the target completes the
// challenge once and rewards it in the same transaction (points through the outbox, see challenge-rewards.ts).
import type { EntityManager } from "typeorm";
import type { Clock } from "../../../clock";
import { insertRows } from "../../../database/bulk-insert";
import { memberStanding } from "../../eligibility-conditions";
import { lockingRead } from "../../../database/transactions";
import { challengeEligibility } from "../../../engine/engagement/challenges/challenge-eligibility";
import { advance, challengeGoalKinds, contribution, inWindow, lateReportGraceMilliseconds, type ChallengeGoalKind } from "../../../engine/engagement/challenges/challenge-goal";
import { ChallengeActivityRecord, ChallengeProgressRecord, ChallengeRecord } from "../../../entities";
import type { EngagementActivity } from "../engagement-hub";
import type { ChallengeRewards } from "./challenge-rewards";

export class ChallengeProgress {
  constructor(
    private readonly clock: Clock,
    private readonly rewards: ChallengeRewards,
  ) {}

  /** The engagement hub's listener. */
  async onActivity(manager: EntityManager, activity: EngagementActivity): Promise<void> {
    if (!(challengeGoalKinds as readonly string[]).includes(activity.kind)) return;
    const now = this.clock.now();
    const challenges = (await this.runningFor(manager, activity.kind as ChallengeGoalKind, activity.occurredAt, now)).filter(
      (challenge) => inWindow(challenge, activity.occurredAt, now) && contribution(goalOf(challenge), activity) > 0,
    );
    if (challenges.length === 0) return;
    const standing = await memberStanding(manager, activity.memberId);
    // Id order: two activities of one member lock their progress rows in the same order.
    for (const challenge of challenges) {
      if (!challengeEligibility(challenge, standing).eligible) continue;
      await this.count(manager, challenge, activity, now);
    }
  }

  /** Active challenges counting this kind whose window holds `occurredAt` (the grace for late reports checked after). */
  private runningFor(manager: EntityManager, kind: ChallengeGoalKind, occurredAt: Date, now: Date): Promise<ChallengeRecord[]> {
    return manager
      .getRepository(ChallengeRecord)
      .createQueryBuilder("challenge")
      .where("challenge.goalKind = :kind AND challenge.active = :active AND challenge.endsAt > :occurredAt AND challenge.endsAt > :closedBefore AND challenge.startsAt <= :occurredAt", {
        kind,
        active: true,
        occurredAt,
        closedBefore: new Date(now.getTime() - lateReportGraceMilliseconds),
      })
      .orderBy("challenge.id", "ASC")
      .getMany();
  }

  private async count(manager: EntityManager, challenge: ChallengeRecord, activity: EngagementActivity, now: Date): Promise<void> {
    const key = { challengeId: challenge.id, memberId: activity.memberId };
    const reference = activity.reference.slice(0, 128);
    // The member's first activity for the challenge makes the row; a twin doing the same at once is skipped.
    await insertRows(manager, ChallengeProgressRecord, [{ ...key, progress: 0, startedAt: now, completedAt: null, updatedAt: now }], { ignoreDuplicates: true });
    const progress = await lockingRead(manager, ChallengeProgressRecord, "progress").where("progress.challengeId = :challengeId AND progress.memberId = :memberId", key).getOneOrFail();
    // Completed: the rest of the window changes nothing.
    if (progress.completedAt !== null) return;
    // Under the progress lock, so the check and the insert cannot interleave with a twin of this activity. A locking
    // read: on MariaDB a plain one would see the transaction's snapshot, taken before a twin committed its row.
    const counted = await lockingRead(manager, ChallengeActivityRecord, "counted")
      .where("counted.challengeId = :challengeId AND counted.memberId = :memberId AND counted.reference = :reference", { ...key, reference })
      .getExists();
    if (counted) return;
    const added = contribution(goalOf(challenge), activity);
    await manager.insert(ChallengeActivityRecord, { ...key, reference, amount: added, occurredAt: activity.occurredAt, countedAt: now });
    const step = advance(goalOf(challenge), progress.progress, added);
    await manager.update(ChallengeProgressRecord, key, { progress: step.progress, updatedAt: now, ...(step.completes ? { completedAt: now } : {}) });
    if (step.completes) await this.rewards.onCompletion(manager, challenge, activity.memberId, now);
  }
}

export function goalOf(challenge: ChallengeRecord) {
  return { kind: challenge.goalKind, measure: challenge.goalMeasure, target: challenge.goalTarget };
}
