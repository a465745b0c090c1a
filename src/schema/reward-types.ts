import { Field, InputType, Int, ObjectType } from "type-graphql";
import type { RewardKind, RewardRecord } from "../entities";
import { RewardKindEnum } from "./enums";
import { toGlobalId } from "./global-id";
import { Node } from "./node";

@ObjectType({ implements: Node, simpleResolvers: true, description: "An item of the rewards catalogue (积分商城) members redeem points for." })
export class Reward extends Node {
  @Field()
  code: string;

  @Field({ description: "Name shown to members, in Chinese." })
  name: string;

  @Field()
  nameEnglish: string;

  @Field(() => RewardKindEnum)
  kind: RewardKind;

  @Field(() => Int)
  pointsCost: number;

  @Field(() => Int, { nullable: true, description: "Units left; null means unlimited." })
  stock: number | null;

  @Field({ description: "False once withdrawn from the catalogue." })
  active: boolean;

  static fromRecord(record: RewardRecord): Reward {
    return Object.assign(new Reward(), {
      id: toGlobalId("Reward", record.id),
      code: record.code,
      name: record.nameZh,
      nameEnglish: record.nameEn,
      kind: record.kind,
      pointsCost: record.pointsCost,
      stock: record.stock,
      active: record.active,
    });
  }
}

@InputType()
export class CreateRewardInput {
  @Field()
  code: string;

  @Field()
  nameZh: string;

  @Field()
  nameEn: string;

  @Field(() => RewardKindEnum)
  kind: RewardKind;

  @Field(() => Int)
  pointsCost: number;

  @Field(() => Int, { nullable: true, description: "Units available; leave out for unlimited." })
  stock?: number | null;

  @Field(() => String, { nullable: true, description: "BENEFIT rewards: the benefit code the member is granted." })
  benefitCode?: string | null;

  @Field(() => Int, { nullable: true, description: "BENEFIT rewards: for how many days." })
  benefitValidDays?: number | null;
}

@InputType({ description: "Only the fields given change." })
export class UpdateRewardInput {
  @Field(() => Int, { nullable: true })
  pointsCost?: number | null;

  @Field(() => Int, { nullable: true, description: "Units left; an explicit null makes the reward unlimited." })
  stock?: number | null;

  @Field(() => Boolean, { nullable: true, description: "False withdraws the reward from the catalogue." })
  active?: boolean | null;
}
