import { Field, Int, ObjectType } from "type-graphql";
import type { ReferralStatus } from "../entities";
import { Member } from "./member-type";
import { ReferralStatusEnum } from "./referral-types";
import { StaffUser } from "./staff-user-type";

@ObjectType()
export class SignInCodeRequest {
  @Field(() => Date)
  expiresAt: Date;

  @Field(() => Int, { description: "Seconds before another code may be requested for this phone." })
  resendAfterSeconds: number;
}

@ObjectType({ description: "A signed-in member: send the token as `Authorization: Bearer <token>`." })
export class MemberSession {
  @Field()
  token: string;

  @Field(() => Date)
  expiresAt: Date;

  @Field(() => Member)
  member: Member;

  @Field({ description: "True when this sign-in created the membership." })
  isNewMember: boolean;

  @Field(() => ReferralStatusEnum, { nullable: true, description: "A new member's referral: PENDING until their first order, or REJECTED when it cannot earn rewards; null without a referral code." })
  referralStatus: ReferralStatus | null;
}

@ObjectType({ description: "A signed-in staff user: send the token as `Authorization: Bearer <token>`." })
export class StaffSession {
  @Field()
  token: string;

  @Field(() => Date)
  expiresAt: Date;

  @Field(() => StaffUser)
  staffUser: StaffUser;
}
