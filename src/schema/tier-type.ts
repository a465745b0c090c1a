import { Field, Float, Int, ObjectType } from "type-graphql";
import type { TierRecord } from "../entities";
import { toGlobalId } from "./global-id";
import { Node } from "./node";

@ObjectType({ implements: Node, simpleResolvers: true, description: "A rung of the tier ladder (会员等级): 普通 Regular, 银卡 Silver, 金卡 Gold, 钻石 Diamond by default." })
export class Tier extends Node {
  @Field({ description: "Stable code, e.g. GOLD." })
  code: string;

  @Field({ description: "Name shown to members, in Chinese (e.g. 金卡)." })
  name: string;

  @Field({ description: "Name in English (e.g. Gold)." })
  nameEnglish: string;

  @Field(() => Int, { description: "0 for the entry tier; higher is better." })
  rank: number;

  @Field(() => Int, { description: "Qualifying spend in the rolling window, in minor units (fen)." })
  qualifyingSpend: number;

  @Field(() => Float, { description: "Points multiplier, e.g. 1.5 earns one and a half times the base rate." })
  pointsMultiplier: number;

  @Field(() => [String], { description: "Codes of the base benefits every member of the tier holds." })
  baseBenefits: string[];

  static fromRecord(record: TierRecord): Tier {
    return Object.assign(new Tier(), {
      id: toGlobalId("Tier", record.id),
      code: record.code,
      name: record.nameZh,
      nameEnglish: record.nameEn,
      rank: record.rank,
      qualifyingSpend: record.qualifyingSpend,
      pointsMultiplier: record.pointsMultiplierPercent / 100,
      baseBenefits: record.baseBenefits,
    });
  }
}
