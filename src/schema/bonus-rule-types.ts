import { Field, ID, InputType, Int, ObjectType } from "type-graphql";
import type { BonusRuleRecord } from "../entities";
import type { SalesChannel } from "../engine";
import { SalesChannelEnum } from "./enums";

@ObjectType({ simpleResolvers: true, description: "Extra points (加倍积分) for purchases in a category, through a channel or in a period; every condition set must match." })
export class BonusRule {
  @Field(() => ID, { description: "The rule's number; bonus rules are configuration, not graph nodes." })
  id: string;

  @Field()
  code: string;

  @Field()
  name: string;

  @Field()
  nameEnglish: string;

  @Field(() => String, { nullable: true })
  category: string | null;

  @Field(() => SalesChannelEnum, { nullable: true })
  channel: SalesChannel | null;

  @Field(() => Int, { description: "200 adds as many points again as the base rate gives (double points)." })
  multiplierPercent: number;

  @Field(() => Date, { nullable: true })
  startsAt: Date | null;

  @Field(() => Date, { nullable: true, description: "Exclusive." })
  endsAt: Date | null;

  @Field()
  active: boolean;

  static fromRecord(record: BonusRuleRecord): BonusRule {
    return Object.assign(new BonusRule(), {
      id: String(record.id),
      code: record.code,
      name: record.nameZh,
      nameEnglish: record.nameEn,
      category: record.category,
      channel: record.channel as SalesChannel | null,
      multiplierPercent: record.multiplierPercent,
      startsAt: record.startsAt,
      endsAt: record.endsAt,
      active: record.active,
    });
  }
}

@InputType()
export class CreateBonusRuleInput {
  @Field()
  code: string;

  @Field()
  nameZh: string;

  @Field()
  nameEn: string;

  @Field(() => String, { nullable: true })
  category?: string | null;

  @Field(() => SalesChannelEnum, { nullable: true })
  channel?: SalesChannel | null;

  @Field(() => Int)
  multiplierPercent: number;

  @Field(() => Date, { nullable: true })
  startsAt?: Date | null;

  @Field(() => Date, { nullable: true })
  endsAt?: Date | null;
}
