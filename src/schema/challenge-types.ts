// Challenges in the graph: the definition staff edit, and a challenge as one member sees it (progress, eligibility).
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { challengeGoalKinds, challengeGoalMeasures, type BadgeRecord, type ChallengeRecord } from "../entities";
import { shownProgress } from "../engine/engagement/challenges/challenge-goal";
import type { MemberChallengeView } from "../services/engagement/challenges/challenge-reader";
import { Badge } from "./badge-types";
import { enumObject } from "./enums";

export const ChallengeGoalKindEnum = enumObject(challengeGoalKinds);
export const ChallengeGoalMeasureEnum = enumObject(challengeGoalMeasures);
registerEnumType(ChallengeGoalKindEnum, {
  name: "ChallengeGoalKind",
  description: "What a challenge counts: orders, reviews, shares, logins, daily check-ins (签到), or friends who signed up with the member's code and made a first order.",
});
registerEnumType(ChallengeGoalMeasureEnum, { name: "ChallengeGoalMeasure", description: "COUNT: each activity counts 1. AMOUNT: the fen each order paid (ORDER goals only)." });

@ObjectType({ simpleResolvers: true })
export class ChallengeGoal {
  @Field(() => ChallengeGoalKindEnum)
  kind: string;

  @Field(() => ChallengeGoalMeasureEnum)
  measure: string;

  @Field(() => Int, { description: "Activities, or fen for AMOUNT." })
  target: number;
}

@ObjectType({ simpleResolvers: true, description: "What completing the challenge gives, once." })
export class ChallengeReward {
  @Field(() => Int)
  points: number;

  @Field(() => Int, { description: "A coupon's value in fen; 0: no coupon." })
  couponValue: number;

  @Field(() => Int, { description: "How long the coupon is valid from completion; 0 without a coupon." })
  couponValidDays: number;

  @Field(() => Badge, { nullable: true })
  badge: Badge | null;
}

@ObjectType({ simpleResolvers: true, description: "Members who made progress and members who completed." })
export class ChallengeFigures {
  @Field(() => Int)
  participants: number;

  @Field(() => Int)
  completions: number;
}

@ObjectType({ simpleResolvers: true, description: "A goal over a window [startsAt, endsAt) with a reward on completion, for eligible members." })
export class Challenge {
  record: ChallengeRecord;

  @Field(() => ID)
  id: string;

  @Field()
  code: string;

  @Field({ description: "Shown to members, in Chinese." })
  title: string;

  @Field()
  titleEnglish: string;

  @Field(() => String, { nullable: true })
  description: string | null;

  @Field(() => String, { nullable: true })
  descriptionEnglish: string | null;

  @Field(() => ChallengeGoal)
  goal: ChallengeGoal;

  @Field(() => Date)
  startsAt: Date;

  @Field(() => Date, { description: "Exclusive. Activities that happened before it still count when reported within a day after it." })
  endsAt: Date;

  @Field(() => [String], { description: "Tier codes that may take part; empty: every tier." })
  eligibleTierCodes: string[];

  @Field(() => [ID], { description: "Scheme segments a member must be in one of; empty: no segment condition." })
  eligibleSegmentIds: string[];

  @Field(() => ChallengeReward)
  reward: ChallengeReward;

  @Field({ description: "Only active challenges count activities and are shown to members." })
  active: boolean;

  /** `badges` holds the reward badges of the challenges being shown. */
  static fromRecord(record: ChallengeRecord, badges: ReadonlyMap<number, BadgeRecord>): Challenge {
    const badge = record.rewardBadgeId === null ? undefined : badges.get(record.rewardBadgeId);
    return Object.assign(new Challenge(), {
      record,
      id: String(record.id),
      code: record.code,
      title: record.titleZh,
      titleEnglish: record.titleEn,
      description: record.descriptionZh,
      descriptionEnglish: record.descriptionEn,
      goal: { kind: record.goalKind, measure: record.goalMeasure, target: record.goalTarget },
      startsAt: record.startsAt,
      endsAt: record.endsAt,
      eligibleTierCodes: record.eligibleTierCodes,
      eligibleSegmentIds: record.eligibleSegmentIds.map(String),
      reward: { points: record.rewardPoints, couponValue: record.rewardCouponValue, couponValidDays: record.rewardCouponValidDays, badge: badge ? Badge.fromRecord(badge) : null },
      active: record.active,
    });
  }
}

@ObjectType({ simpleResolvers: true, description: "A challenge as the member sees it: their progress, whether it is completed, and whether they may take part." })
export class MemberChallenge {
  @Field(() => Challenge)
  challenge: Challenge;

  @Field(() => Int, { description: "Counted so far (fen for AMOUNT goals), at most the target." })
  progress: number;

  @Field(() => Int)
  target: number;

  @Field(() => Int, { description: "Progress in whole per cent, 0-100." })
  percent: number;

  @Field()
  completed: boolean;

  @Field(() => Date, { nullable: true })
  completedAt: Date | null;

  @Field(() => Boolean, { nullable: true, description: "Whether the member may take part now (tier, segments); null in a member's history (member.challenges)." })
  eligible: boolean | null;

  @Field(() => String, { nullable: true, description: "Why not, in a sentence the app can show." })
  ineligibleReason: string | null;

  static fromView(view: MemberChallengeView, badges: ReadonlyMap<number, BadgeRecord>): MemberChallenge {
    const goal = { kind: view.challenge.goalKind, measure: view.challenge.goalMeasure, target: view.challenge.goalTarget };
    const shown = shownProgress(goal, view.progress?.progress ?? 0);
    return Object.assign(new MemberChallenge(), {
      challenge: Challenge.fromRecord(view.challenge, badges),
      progress: shown.progress,
      target: goal.target,
      percent: shown.percent,
      completed: view.progress?.completedAt != null,
      completedAt: view.progress?.completedAt ?? null,
      eligible: view.eligibility === null ? null : view.eligibility.eligible,
      ineligibleReason: view.eligibility && !view.eligibility.eligible ? view.eligibility.message : null,
    });
  }
}

@InputType()
export class ChallengeGoalInput {
  @Field(() => ChallengeGoalKindEnum)
  kind: string;

  @Field(() => ChallengeGoalMeasureEnum, { defaultValue: "COUNT" })
  measure: string;

  @Field(() => Int, { description: "Activities, or fen for AMOUNT." })
  target: number;
}

@InputType({ description: "At least one of points, a coupon (couponValue with couponValidDays) or a badge." })
export class ChallengeRewardInput {
  @Field(() => Int, { nullable: true })
  points?: number | null;

  @Field(() => Int, { nullable: true, description: "Fen." })
  couponValue?: number | null;

  @Field(() => Int, { nullable: true })
  couponValidDays?: number | null;

  @Field(() => String, { nullable: true, description: "A badge of the catalogue (badges), e.g. one made for this challenge." })
  badgeCode?: string | null;
}

@InputType()
export class CreateChallengeInput {
  @Field({ description: "Letters, digits, _ . : - (up to 32); stored in capitals." })
  code: string;

  @Field()
  titleZh: string;

  @Field()
  titleEn: string;

  @Field(() => String, { nullable: true })
  descriptionZh?: string | null;

  @Field(() => String, { nullable: true })
  descriptionEn?: string | null;

  @Field(() => ChallengeGoalInput)
  goal: ChallengeGoalInput;

  @Field(() => Date)
  startsAt: Date;

  @Field(() => Date, { description: "Exclusive." })
  endsAt: Date;

  @Field(() => [String], { nullable: true })
  eligibleTierCodes?: string[] | null;

  @Field(() => [ID], { nullable: true, description: "Segments of a scheme (their membership is kept current)." })
  eligibleSegmentIds?: string[] | null;

  @Field(() => ChallengeRewardInput)
  reward: ChallengeRewardInput;
}

@InputType({ description: "Only the fields given change. Once the challenge has started, only the texts and endsAt may." })
export class UpdateChallengeInput {
  @Field(() => String, { nullable: true })
  titleZh?: string | null;

  @Field(() => String, { nullable: true })
  titleEn?: string | null;

  @Field(() => String, { nullable: true })
  descriptionZh?: string | null;

  @Field(() => String, { nullable: true })
  descriptionEn?: string | null;

  @Field(() => ChallengeGoalInput, { nullable: true })
  goal?: ChallengeGoalInput | null;

  @Field(() => Date, { nullable: true })
  startsAt?: Date | null;

  @Field(() => Date, { nullable: true })
  endsAt?: Date | null;

  @Field(() => [String], { nullable: true })
  eligibleTierCodes?: string[] | null;

  @Field(() => [ID], { nullable: true })
  eligibleSegmentIds?: string[] | null;

  @Field(() => ChallengeRewardInput, { nullable: true })
  reward?: ChallengeRewardInput | null;
}
