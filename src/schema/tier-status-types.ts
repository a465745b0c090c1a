import { Field, ID, InputType, Int, ObjectType } from "type-graphql";
import type { TierChangeReason } from "../entities";
import { BenefitSourceEnum, TierChangeReasonEnum } from "./enums";
import { Tier } from "./tier-type";

@ObjectType({ simpleResolvers: true, description: "How far the member is from the next tier (升级进度)." })
export class TierProgress {
  @Field(() => Tier, { nullable: true, description: "Null at the top of the ladder." })
  nextTier: Tier | null;

  @Field(() => Int, { description: "Fen still to spend within the window to reach the next tier; 0 at the top." })
  spendNeeded: number;

  @Field(() => Int, { description: "Net spend (after refunds) in the window, fen." })
  windowSpend: number;

  @Field(() => Date)
  windowStart: Date;

  @Field(() => Date, { description: "The window ends now: it rolls forward every day." })
  windowEnd: Date;

  @Field(() => Date, { nullable: true, description: "When the current tier is reviewed; a downgrade can happen only after this plus the grace period." })
  reviewAt: Date | null;

  @Field({ description: "永久会员: the tier held when cumulative spend reached the threshold is kept for good." })
  permanent: boolean;
}

@ObjectType({ simpleResolvers: true, description: "One change in the member's tier history." })
export class TierChange {
  @Field(() => Tier, { nullable: true })
  fromTier: Tier | null;

  @Field(() => Tier)
  toTier: Tier;

  @Field(() => TierChangeReasonEnum)
  reason: TierChangeReason;

  @Field()
  detail: string;

  @Field(() => Int, { description: "The spend (fen) that decided it." })
  qualifyingSpend: number;

  @Field(() => Date)
  at: Date;
}

@ObjectType({ simpleResolvers: true, description: "A benefit (权益) the member holds: base from the tier, or granted to them." })
export class MemberBenefit {
  @Field({ description: "Benefit code, e.g. BIRTHDAY_GIFT, FREE_SHIPPING." })
  code: string;

  @Field(() => BenefitSourceEnum)
  source: "TIER" | "GRANTED";

  @Field(() => Date, { nullable: true })
  validFrom: Date | null;

  @Field(() => Date, { nullable: true, description: "Null: as long as the tier (or without end)." })
  validUntil: Date | null;

  @Field(() => String, { nullable: true })
  reason: string | null;
}

@InputType()
export class GrantBenefitInput {
  @Field(() => ID)
  memberId: string;

  @Field()
  code: string;

  @Field()
  reason: string;

  @Field(() => Date, { nullable: true, description: "Leave out for no end." })
  validUntil?: Date | null;
}
