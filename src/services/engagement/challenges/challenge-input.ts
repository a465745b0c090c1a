// Checks what staff send to define a challenge and says exactly which field is wrong and how to fix it.
import { challengeGoalKinds, challengeGoalMeasures, type ChallengeGoalKind, type ChallengeGoalMeasure } from "../../../engine/engagement/challenges/challenge-goal";
import { badUserInput } from "../../../errors";
import { validCode } from "../../points/points-input";

export interface ChallengeGoalInput {
  kind: string;
  /** COUNT by default; AMOUNT (fen spent) for ORDER goals only. */
  measure?: string | null;
  target: number;
}

export interface ChallengeRewardInput {
  points?: number | null;
  /** Fen; 0 or absent: no coupon. */
  couponValue?: number | null;
  couponValidDays?: number | null;
  badgeCode?: string | null;
}

export interface NewChallenge {
  code: string;
  titleZh: string;
  titleEn: string;
  descriptionZh?: string | null;
  descriptionEn?: string | null;
  goal: ChallengeGoalInput;
  startsAt: Date;
  endsAt: Date;
  eligibleTierCodes?: string[] | null;
  eligibleSegmentIds?: number[] | null;
  reward: ChallengeRewardInput;
}

/** Only the fields given change. Before the challenge starts anything may; once it has, only texts and its end. */
export interface ChallengeChanges {
  titleZh?: string | null;
  titleEn?: string | null;
  descriptionZh?: string | null;
  descriptionEn?: string | null;
  goal?: ChallengeGoalInput | null;
  startsAt?: Date | null;
  endsAt?: Date | null;
  eligibleTierCodes?: string[] | null;
  eligibleSegmentIds?: number[] | null;
  reward?: ChallengeRewardInput | null;
}

export interface ValidGoal {
  goalKind: ChallengeGoalKind;
  goalMeasure: ChallengeGoalMeasure;
  goalTarget: number;
}

export interface ValidReward {
  rewardPoints: number;
  rewardCouponValue: number;
  rewardCouponValidDays: number;
  /** Checked against the catalogue by the service. */
  badgeCode: string | null;
}

const largestCountTarget = 10_000;
// A million yuan: GraphQL Int holds it.
const largestAmountTarget = 1_000_000 * 100;
const largestRewardPoints = 1_000_000;
const largestCouponValue = 10_000 * 100;

function wholeNumber(value: number | null | undefined, field: string, minimum: number, maximum: number, what: string): number {
  if (value === null || value === undefined || !Number.isSafeInteger(value) || value < minimum || value > maximum) {
    throw badUserInput(`${field} must be a whole number of ${what} from ${minimum} to ${maximum} (got ${String(value)}).`, field);
  }
  return value;
}

export function validChallengeCode(value: string, field: string): string {
  return validCode(value.trim().toUpperCase(), field, 32);
}

export function validTitle(value: string, field: string): string {
  const text = value.trim();
  if (text.length === 0 || text.length > 64) throw badUserInput(`${field} must be 1 to 64 characters.`, field);
  return text;
}

export function validDescription(value: string | null | undefined, field: string): string | null {
  if (value === null || value === undefined) return null;
  const text = value.trim();
  if (text.length > 255) throw badUserInput(`${field} must be at most 255 characters.`, field);
  return text === "" ? null : text;
}

export function validGoal(input: ChallengeGoalInput, field: string): ValidGoal {
  const kind = input.kind as ChallengeGoalKind;
  if (!challengeGoalKinds.includes(kind)) throw badUserInput(`${field}.kind must be one of ${challengeGoalKinds.join(", ")} (got "${input.kind}").`, `${field}.kind`);
  const measure = (input.measure ?? "COUNT") as ChallengeGoalMeasure;
  if (!challengeGoalMeasures.includes(measure)) throw badUserInput(`${field}.measure must be COUNT or AMOUNT (got "${input.measure}").`, `${field}.measure`);
  if (measure === "AMOUNT" && kind !== "ORDER") throw badUserInput(`${field}.measure AMOUNT (fen spent) applies to ORDER goals only; count ${kind} activities with COUNT.`, `${field}.measure`);
  const target = measure === "AMOUNT" ? wholeNumber(input.target, `${field}.target`, 1, largestAmountTarget, "fen") : wholeNumber(input.target, `${field}.target`, 1, largestCountTarget, "activities");
  return { goalKind: kind, goalMeasure: measure, goalTarget: target };
}

export function validWindow(startsAt: Date, endsAt: Date, now: Date, field: string): void {
  if (!(startsAt instanceof Date) || Number.isNaN(startsAt.getTime())) throw badUserInput(`${field}.startsAt must be a date-time.`, `${field}.startsAt`);
  if (!(endsAt instanceof Date) || Number.isNaN(endsAt.getTime())) throw badUserInput(`${field}.endsAt must be a date-time.`, `${field}.endsAt`);
  if (endsAt.getTime() <= startsAt.getTime()) throw badUserInput(`${field}.endsAt must be after ${field}.startsAt: the window is [startsAt, endsAt).`, `${field}.endsAt`);
  if (endsAt.getTime() <= now.getTime()) throw badUserInput(`${field}.endsAt ${endsAt.toISOString()} has passed: a challenge needs a window that is not over.`, `${field}.endsAt`);
}

export function validReward(input: ChallengeRewardInput, field: string): ValidReward {
  const rewardPoints = input.points === null || input.points === undefined ? 0 : wholeNumber(input.points, `${field}.points`, 0, largestRewardPoints, "points");
  const rewardCouponValue = input.couponValue === null || input.couponValue === undefined ? 0 : wholeNumber(input.couponValue, `${field}.couponValue`, 0, largestCouponValue, "fen");
  const rewardCouponValidDays = rewardCouponValue > 0 ? wholeNumber(input.couponValidDays, `${field}.couponValidDays`, 1, 365, "days") : 0;
  const badgeCode = input.badgeCode === null || input.badgeCode === undefined || input.badgeCode.trim() === "" ? null : validChallengeCode(input.badgeCode, `${field}.badgeCode`);
  if (rewardPoints === 0 && rewardCouponValue === 0 && badgeCode === null) {
    throw badUserInput(`${field} needs points, a coupon (couponValue and couponValidDays) or a badgeCode: a challenge rewards its completion.`, field);
  }
  return { rewardPoints, rewardCouponValue, rewardCouponValidDays, badgeCode };
}

export function validTierCodes(codes: string[] | null | undefined): string[] {
  return [...new Set((codes ?? []).map((code) => code.trim().toUpperCase()))];
}

export function validSegmentIds(ids: number[] | null | undefined): number[] {
  return [...new Set(ids ?? [])];
}
