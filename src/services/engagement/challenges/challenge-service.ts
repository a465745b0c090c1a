// Staff define challenges, change them and switch them on and off; every change is audited. A challenge is created
// inactive and counts nothing until activated. Once it has started, its goal, window start, eligibility and rewards
// are what members were shown and stay fixed: a different offer is a new challenge.
import type { DataSource, EntityManager } from "typeorm";
import { checkEligibilityConditions } from "../../eligibility-conditions";
import { describeActor } from "../../../auth/identity";
import type { Clock } from "../../../clock";
import { lockingRead, runInTransaction } from "../../../database/transactions";
import { BadgeRecord, ChallengeRecord } from "../../../entities";
import { badUserInput, conflict, notFound } from "../../../errors";
import type { AuditService } from "../../audit-service";
import { isUniqueViolation } from "../../idempotency-service";
import type { ServiceContext } from "../../service-context";
import {
  validChallengeCode,
  validDescription,
  validGoal,
  validReward,
  validSegmentIds,
  validTierCodes,
  validTitle,
  validWindow,
  type ChallengeChanges,
  type NewChallenge,
  type ValidReward,
} from "./challenge-input";

export class ChallengeService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  async create(context: ServiceContext, input: NewChallenge): Promise<ChallengeRecord> {
    const now = this.clock.now();
    const code = validChallengeCode(input.code, "input.code");
    const goal = validGoal(input.goal, "input.goal");
    validWindow(input.startsAt, input.endsAt, now, "input");
    const reward = validReward(input.reward, "input.reward");
    const eligibleTierCodes = validTierCodes(input.eligibleTierCodes);
    const eligibleSegmentIds = validSegmentIds(input.eligibleSegmentIds);
    const actor = describeActor(context.identity);
    try {
      return await runInTransaction(this.dataSource, async (manager) => {
        await checkEligibilityConditions(manager, eligibleTierCodes, eligibleSegmentIds, "a challenge");
        const record = manager.create(ChallengeRecord, {
          code,
          titleZh: validTitle(input.titleZh, "input.titleZh"),
          titleEn: validTitle(input.titleEn, "input.titleEn"),
          descriptionZh: validDescription(input.descriptionZh, "input.descriptionZh"),
          descriptionEn: validDescription(input.descriptionEn, "input.descriptionEn"),
          ...goal,
          startsAt: input.startsAt,
          endsAt: input.endsAt,
          eligibleTierCodes,
          eligibleSegmentIds,
          ...(await rewardColumns(manager, reward)),
          active: false,
          createdBy: `${actor.actorType}:${actor.actorId ?? ""}`.slice(0, 64),
          createdAt: now,
          updatedAt: now,
        });
        await manager.save(ChallengeRecord, record);
        await this.audit.record(manager, context, { action: "challenge.create", targetType: "challenge", targetId: record.id, details: { code, ...goal, startsAt: input.startsAt.toISOString(), endsAt: input.endsAt.toISOString() } });
        return record;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`A challenge with code ${code} already exists: choose another code.`);
      throw error;
    }
  }

  async update(context: ServiceContext, id: number, changes: ChallengeChanges): Promise<ChallengeRecord> {
    return runInTransaction(this.dataSource, async (manager) => {
      const now = this.clock.now();
      const challenge = await lockingRead(manager, ChallengeRecord, "challenge").where("challenge.id = :id", { id }).getOne();
      if (!challenge) throw notFound("No challenge has this id: list them with challengeDefinitions.");
      const fixedOnceStarted = (["goal", "startsAt", "eligibleTierCodes", "eligibleSegmentIds", "reward"] as const).filter((field) => changes[field] !== undefined && changes[field] !== null);
      if (fixedOnceStarted.length > 0 && challenge.startsAt.getTime() <= now.getTime()) {
        throw conflict(`The challenge ${challenge.code} has started: its ${fixedOnceStarted.join(", ")} are what members were shown and cannot change. Change the texts or endsAt, or create a new challenge.`);
      }
      if (changes.titleZh !== null && changes.titleZh !== undefined) challenge.titleZh = validTitle(changes.titleZh, "input.titleZh");
      if (changes.titleEn !== null && changes.titleEn !== undefined) challenge.titleEn = validTitle(changes.titleEn, "input.titleEn");
      if (changes.descriptionZh !== undefined) challenge.descriptionZh = validDescription(changes.descriptionZh, "input.descriptionZh");
      if (changes.descriptionEn !== undefined) challenge.descriptionEn = validDescription(changes.descriptionEn, "input.descriptionEn");
      if (changes.goal) Object.assign(challenge, validGoal(changes.goal, "input.goal"));
      if (changes.startsAt) challenge.startsAt = changes.startsAt;
      if (changes.endsAt) challenge.endsAt = changes.endsAt;
      if (changes.startsAt || changes.endsAt) validWindow(challenge.startsAt, challenge.endsAt, now, "input");
      if (changes.eligibleTierCodes) challenge.eligibleTierCodes = validTierCodes(changes.eligibleTierCodes);
      if (changes.eligibleSegmentIds) challenge.eligibleSegmentIds = validSegmentIds(changes.eligibleSegmentIds);
      await checkEligibilityConditions(manager, challenge.eligibleTierCodes, challenge.eligibleSegmentIds, "a challenge");
      if (changes.reward) Object.assign(challenge, await rewardColumns(manager, validReward(changes.reward, "input.reward")));
      challenge.updatedAt = now;
      await manager.save(ChallengeRecord, challenge);
      await this.audit.record(manager, context, { action: "challenge.update", targetType: "challenge", targetId: id, details: { changed: Object.keys(changes).filter((field) => changes[field as keyof ChallengeChanges] !== undefined), endsAt: challenge.endsAt.toISOString() } });
      return challenge;
    });
  }

  /** Active challenges count activities and are shown to members; inactive ones keep their progress, frozen. */
  async setActive(context: ServiceContext, id: number, active: boolean): Promise<ChallengeRecord> {
    return runInTransaction(this.dataSource, async (manager) => {
      const challenge = await lockingRead(manager, ChallengeRecord, "challenge").where("challenge.id = :id", { id }).getOne();
      if (!challenge) throw notFound("No challenge has this id: list them with challengeDefinitions.");
      const now = this.clock.now();
      if (active && challenge.endsAt.getTime() <= now.getTime()) throw conflict(`The challenge ${challenge.code} ended at ${challenge.endsAt.toISOString()}: extend endsAt first, or create a new challenge.`);
      if (challenge.active === active) return challenge;
      challenge.active = active;
      challenge.updatedAt = now;
      await manager.save(ChallengeRecord, challenge);
      await this.audit.record(manager, context, { action: active ? "challenge.activate" : "challenge.deactivate", targetType: "challenge", targetId: id, details: { code: challenge.code } });
      return challenge;
    });
  }
}

async function rewardColumns(manager: EntityManager, reward: ValidReward): Promise<Pick<ChallengeRecord, "rewardPoints" | "rewardCouponValue" | "rewardCouponValidDays" | "rewardBadgeId">> {
  let rewardBadgeId: number | null = null;
  if (reward.badgeCode !== null) {
    const badge = await manager.findOneBy(BadgeRecord, { code: reward.badgeCode });
    if (!badge) throw badUserInput(`input.reward.badgeCode ${reward.badgeCode} is not in the badges catalogue: create the badge first (createBadge) or pick one from badges.`, "input.reward.badgeCode");
    rewardBadgeId = badge.id;
  }
  return { rewardPoints: reward.rewardPoints, rewardCouponValue: reward.rewardCouponValue, rewardCouponValidDays: reward.rewardCouponValidDays, rewardBadgeId };
}

