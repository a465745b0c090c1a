// Referrals in the API: a member's code and the friends it brought (names masked, no reasons), and staff's view of
// every referral with the guard that rejected it, the rewards paid, and the top referrers.
import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { maskName, referralRejectionReasons, type ReferralRejectionReason } from "../engine/engagement/referrals";
import { ambassadorSources, referralRewardRoles, referralStatuses, type AmbassadorSource, type MemberRecord, type ReferralRecord, type ReferralRewardRecord, type ReferralRewardRole, type ReferralStatus } from "../entities";
import { connectionTypes } from "./connection";
import { enumObject } from "./enums";

export const ReferralStatusEnum = enumObject(referralStatuses);
export const ReferralRejectionReasonEnum = enumObject(referralRejectionReasons);
export const ReferralRewardRoleEnum = enumObject(referralRewardRoles);
export const AmbassadorSourceEnum = enumObject(ambassadorSources);

registerEnumType(ReferralStatusEnum, {
  name: "ReferralStatus",
  description: "PENDING: signed up, waiting for the friend's first order. QUALIFIED: the first order was made and both were rewarded. REJECTED: the sign-up did not pass the programme's checks and rewards nobody.",
});
registerEnumType(ReferralRejectionReasonEnum, {
  name: "ReferralRejectionReason",
  description: "Which check rejected a sign-up (staff only): the code's owner, a device already seen with the referrer or their recent friends, a phone number next to theirs, or too many sign-ups with the code.",
});
registerEnumType(ReferralRewardRoleEnum, { name: "ReferralRewardRole", description: "Who a referral reward is for." });
registerEnumType(AmbassadorSourceEnum, { name: "AmbassadorSource", description: "AUTOMATIC: the qualified-referrals threshold flagged the member. STAFF: set by hand, which the threshold never overrides." });

@ObjectType({ simpleResolvers: true, description: "A friend who signed up with the member's code, as the member sees it." })
export class MemberReferral {
  id: number;

  @Field({ description: "The friend's name masked to its first character, e.g. 王**." })
  friendName: string;

  @Field(() => ReferralStatusEnum)
  status: ReferralStatus;

  @Field(() => Date)
  signedUpAt: Date;

  @Field(() => Date, { nullable: true })
  qualifiedAt: Date | null;

  static from(referral: ReferralRecord, friend: MemberRecord | undefined): MemberReferral {
    return Object.assign(new MemberReferral(), {
      id: referral.id,
      friendName: maskName(friend?.name ?? ""),
      status: referral.status,
      signedUpAt: referral.signedUpAt,
      qualifiedAt: referral.qualifiedAt,
    });
  }
}

@ObjectType()
export class MemberReferralConnection extends connectionTypes(MemberReferral, "MemberReferral") {}

@ObjectType({ description: "The member's referral code (made the first time it is asked for, then kept) and what it brought." })
export class ReferralSummary {
  memberId: number;

  @Field({ description: "8 characters; typing is forgiving (case, spaces and hyphens, O for 0, I and L for 1)." })
  code: string;

  @Field(() => String, { nullable: true, description: "A link to share, when the programme has one." })
  shareUrl: string | null;

  @Field(() => Int, { description: "Friends who signed up with the code." })
  referredCount: number;

  @Field(() => Int, { description: "Of those, friends who made their first order." })
  qualifiedCount: number;

  @Field(() => Int, { description: "Points earned for friends' first orders." })
  rewardsEarned: number;

  @Field({ description: "Flagged a brand ambassador (品牌大使) for operators, by the threshold or by hand." })
  ambassador: boolean;
}

@ObjectType({ simpleResolvers: true, description: "A reward a qualified referral owes, paid into the points ledger just after the friend's order." })
export class ReferralReward {
  @Field(() => ReferralRewardRoleEnum)
  role: ReferralRewardRole;

  @Field(() => Int)
  points: number;

  @Field(() => Date, { nullable: true, description: "Null for a moment after the order, until the payment commits." })
  paidAt: Date | null;

  static fromRecord(record: ReferralRewardRecord): ReferralReward {
    return Object.assign(new ReferralReward(), { role: record.role, points: record.points, paidAt: record.paidAt });
  }
}

@ObjectType({ description: "A referral as staff see it. The referrer and friend are members, read under staff's own permissions." })
export class Referral {
  record: ReferralRecord;

  @Field(() => ID)
  id: string;

  @Field(() => ReferralStatusEnum)
  status: ReferralStatus;

  @Field(() => ReferralRejectionReasonEnum, { nullable: true, description: "The check that rejected it; kept after a hand approval." })
  reason: ReferralRejectionReason | null;

  @Field(() => Date)
  signedUpAt: Date;

  @Field(() => Date, { nullable: true })
  qualifiedAt: Date | null;

  @Field(() => String, { nullable: true, description: "The staff member who approved it by hand (staff:<id>)." })
  approvedBy: string | null;

  @Field(() => Date, { nullable: true })
  approvedAt: Date | null;

  static fromRecord(record: ReferralRecord): Referral {
    return Object.assign(new Referral(), {
      record,
      id: String(record.id),
      status: record.status,
      reason: record.reason,
      signedUpAt: record.signedUpAt,
      qualifiedAt: record.qualifiedAt,
      approvedBy: record.approvedBy,
      approvedAt: record.approvedAt,
    });
  }
}

@ObjectType()
export class ReferralConnection extends connectionTypes(Referral, "Referral") {}

@ObjectType({ description: "A referrer as operators see them: qualified referrals and the ambassador flag." })
export class ReferralAmbassador {
  memberId: number;

  @Field(() => Int, { description: "Qualified referrals in the period asked for (all time after setReferralAmbassador)." })
  qualifiedCount: number;

  @Field()
  ambassador: boolean;

  @Field(() => AmbassadorSourceEnum, { nullable: true, description: "Who set the flag last; null: nobody yet." })
  ambassadorSource: AmbassadorSource | null;
}
