import { Field, InputType, ObjectType } from "type-graphql";
import type { StaffUserRecord } from "../entities";
import { StaffRoleEnum } from "./enums";
import { toGlobalId } from "./global-id";
import { Node } from "./node";

@ObjectType({ implements: Node, description: "An employee using the admin console." })
export class StaffUser extends Node {
  @Field()
  email: string;

  @Field()
  displayName: string;

  @Field(() => StaffRoleEnum)
  role: string;

  @Field()
  active: boolean;

  static fromRecord(record: StaffUserRecord): StaffUser {
    return Object.assign(new StaffUser(), {
      id: toGlobalId("StaffUser", record.id),
      email: record.email,
      displayName: record.displayName,
      role: record.role.toUpperCase(),
      active: record.active,
    });
  }
}

@InputType()
export class CreateStaffUserInput {
  @Field()
  email: string;

  @Field()
  displayName: string;

  @Field(() => StaffRoleEnum)
  role: string;

  @Field(() => String, { nullable: true, description: "At least 12 characters; leave out for accounts that get tokens from ops." })
  password?: string | null;
}
