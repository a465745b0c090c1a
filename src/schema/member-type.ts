import { Field, Int, ObjectType } from "type-graphql";
import type { MemberRecord } from "../entities";
import type { EducationLevel, Gender, IncomeLevel, JoinChannel, Occupation } from "../engine";
import { connectionTypes } from "./connection";
import { EducationLevelEnum, GenderEnum, IncomeLevelEnum, JoinChannelEnum, OccupationEnum } from "./enums";
import { toGlobalId } from "./global-id";
import { Node } from "./node";
import type { MemberFilter } from "../services/member-service";

@ObjectType({ simpleResolvers: true, description: "Which channels the member agreed to be contacted on, and when that last changed." })
export class MemberConsent {
  @Field()
  sms: boolean;

  @Field()
  appPush: boolean;

  @Field()
  email: boolean;

  @Field({ description: "WeChat template and service messages." })
  wechat: boolean;

  @Field(() => Date, { nullable: true })
  updatedAt: Date | null;
}

@ObjectType({
  implements: Node,
  // Personal fields are field resolvers that check access themselves; the plain fields need no wrapper (see connection.ts).
  simpleResolvers: true,
  description:
    "A member of the programme. Personal fields (phone, email, birthday) are masked, e.g. 138****5678, for everyone but the member and staff allowed to read personal data.",
})
export class Member extends Node {
  /** The table row behind the API object: personal fields are resolved from it, never exposed whole. */
  record: MemberRecord;

  @Field()
  name: string;

  @Field(() => GenderEnum)
  gender: Gender;

  @Field(() => EducationLevelEnum, { nullable: true })
  education: EducationLevel | null;

  @Field(() => OccupationEnum, { nullable: true })
  occupation: Occupation | null;

  @Field(() => IncomeLevelEnum, { nullable: true })
  incomeLevel: IncomeLevel | null;

  @Field(() => String, { nullable: true })
  city: string | null;

  @Field(() => Int, { nullable: true, description: "1, 2 or 3 (一线, 二线, 三线 and below)." })
  cityTier: number | null;

  @Field(() => String, { nullable: true, description: "Region, e.g. 华东." })
  region: string | null;

  @Field(() => JoinChannelEnum)
  joinChannel: JoinChannel;

  @Field(() => Date)
  joinedAt: Date;

  static fromRecord(record: MemberRecord): Member {
    return Object.assign(new Member(), {
      record,
      id: toGlobalId("Member", record.id),
      name: record.name,
      gender: record.gender,
      education: record.education,
      occupation: record.occupation,
      incomeLevel: record.incomeLevel,
      city: record.city,
      cityTier: record.cityTier,
      region: record.region,
      joinChannel: record.joinChannel,
      joinedAt: record.joinedAt,
    });
  }
}

@ObjectType({ simpleResolvers: true })
export class MemberConnection extends connectionTypes(Member, "Member") {
  /** The filter of this page, kept so `totalCount` can count on demand. */
  filter: MemberFilter;
}
