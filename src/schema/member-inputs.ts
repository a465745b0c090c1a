import { Field, InputType, Int } from "type-graphql";
import type { EducationLevel, Gender, IncomeLevel, JoinChannel, Occupation } from "../engine";
import { EducationLevelEnum, GenderEnum, IncomeLevelEnum, JoinChannelEnum, OccupationEnum } from "./enums";

@InputType({ description: "Narrows a member list; every condition given must hold." })
export class MemberFilterInput {
  @Field(() => [String], { nullable: true, description: "Tier codes, e.g. [GOLD, DIAMOND]." })
  tierCodes?: string[];

  @Field(() => [JoinChannelEnum], { nullable: true })
  joinChannels?: JoinChannel[];

  @Field(() => Date, { nullable: true, description: "Joined at or after this moment." })
  joinedFrom?: Date;

  @Field(() => Date, { nullable: true, description: "Joined before this moment (exclusive)." })
  joinedBefore?: Date;

  @Field(() => String, { nullable: true, description: "Part of the member's name, e.g. 王." })
  nameContains?: string;
}

@InputType({ description: "Profile fields to change; fields left out stay as they are, null clears a field." })
export class MemberProfileInput {
  @Field(() => String, { nullable: true })
  name?: string;

  @Field(() => String, { nullable: true })
  email?: string | null;

  @Field(() => String, { nullable: true, description: "YYYY-MM-DD." })
  birthday?: string | null;

  @Field(() => GenderEnum, { nullable: true })
  gender?: Gender;

  @Field(() => EducationLevelEnum, { nullable: true })
  education?: EducationLevel | null;

  @Field(() => OccupationEnum, { nullable: true })
  occupation?: Occupation | null;

  @Field(() => IncomeLevelEnum, { nullable: true })
  incomeLevel?: IncomeLevel | null;

  @Field(() => String, { nullable: true })
  city?: string | null;

  @Field(() => Int, { nullable: true })
  cityTier?: number | null;

  @Field(() => String, { nullable: true })
  region?: string | null;
}

@InputType({ description: "Consent per channel; channels left out stay as they are." })
export class MemberConsentInput {
  @Field(() => Boolean, { nullable: true })
  sms?: boolean;

  @Field(() => Boolean, { nullable: true })
  appPush?: boolean;

  @Field(() => Boolean, { nullable: true })
  email?: boolean;

  @Field(() => Boolean, { nullable: true })
  wechat?: boolean;
}

@InputType({ description: "A member registered by staff, e.g. at a store counter." })
export class CreateMemberInput extends MemberProfileInput {
  @Field(() => String)
  declare name: string;

  @Field({ description: "Mainland mobile number, e.g. 13812345678 or +86 138 1234 5678." })
  phone: string;

  @Field(() => JoinChannelEnum)
  joinChannel: JoinChannel;

  @Field(() => MemberConsentInput, { nullable: true })
  consent?: MemberConsentInput;
}

@InputType()
export class SignInWithCodeInput {
  @Field()
  phone: string;

  @Field({ description: "The 6-digit code sent to the phone." })
  code: string;

  @Field(() => JoinChannelEnum, { nullable: true, description: "Where a new member is joining; MINI_PROGRAM when left out." })
  joinChannel?: JoinChannel;

  @Field(() => MemberProfileInput, { nullable: true, description: "Profile of a new member; ignored for an existing one." })
  profile?: MemberProfileInput;

  @Field(() => String, { nullable: true, description: "A friend's referral code (邀请码) a new member joins with; ignored for an existing one. An unknown code is BAD_USER_INPUT and the sign-in code stays usable." })
  referralCode?: string | null;

  @Field(() => String, { nullable: true, description: "The app's device id (8-128 characters); only a keyed hash is kept, to protect referrals from fake sign-ups." })
  deviceId?: string | null;
}
