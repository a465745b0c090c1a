import { Field, Int, ObjectType } from "type-graphql";
import { Member } from "./member-type";
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
