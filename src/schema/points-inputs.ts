import { Field, ID, InputType, Int } from "type-graphql";
import type { PointSource } from "../entities";
import type { SalesChannel } from "../engine";
import { PointsSourceEnum, SalesChannelEnum } from "./enums";

@InputType({ description: "A paid purchase: earns points by the earning rules and counts as qualifying spend for tiers." })
export class PurchaseInput {
  @Field({ description: "The order number in the selling system; each order earns once." })
  orderId: string;

  @Field(() => Int, { description: "Amount paid, in fen (1 yuan = 100)." })
  amount: number;

  @Field({ description: "Product category code, e.g. BEAUTY; bonus rules may target one." })
  category: string;

  @Field(() => SalesChannelEnum)
  channel: SalesChannel;

  @Field()
  storeCode: string;

  @Field(() => Date, { nullable: true, description: "When it was paid; defaults to now." })
  placedAt?: Date | null;
}

@InputType({ description: "Either purchase, or points with source and reason (campaign, check-in, referral...)." })
export class EarnPointsInput {
  @Field(() => ID)
  memberId: string;

  @Field(() => PurchaseInput, { nullable: true })
  purchase?: PurchaseInput | null;

  @Field(() => Int, { nullable: true })
  points?: number | null;

  @Field(() => PointsSourceEnum, { nullable: true })
  source?: PointSource | null;

  @Field(() => String, { nullable: true })
  reason?: string | null;

  @Field(() => String, { nullable: true })
  storeCode?: string | null;
}

@InputType()
export class RedeemPointsInput {
  @Field(() => ID, { nullable: true, description: "Staff name the member; a signed-in member redeems their own points and leaves it out." })
  memberId?: string | null;

  @Field(() => Int)
  points: number;

  @Field({ description: "What the points pay for, shown in the member's history." })
  reason: string;

  @Field(() => String, { nullable: true, description: "The store redeeming; any store of the coalition may." })
  storeCode?: string | null;
}

@InputType()
export class AdjustPointsInput {
  @Field(() => ID)
  memberId: string;

  @Field(() => Int, { description: "Positive adds, negative removes (never below zero)." })
  points: number;

  @Field({ description: "Required: why, for the member's history and the audit trail." })
  reason: string;
}

@InputType({ description: "A refund of (part of) an order: the points it earned are taken back in proportion." })
export class RefundOrderInput {
  @Field()
  orderId: string;

  @Field(() => Int, { description: "Amount refunded now, in fen; partial refunds add up to at most the order amount." })
  amount: number;
}

@InputType()
export class RedeemRewardInput {
  @Field(() => ID)
  rewardId: string;

  @Field(() => ID, { nullable: true, description: "Staff name the member; a signed-in member leaves it out." })
  memberId?: string | null;

  @Field(() => String, { nullable: true })
  storeCode?: string | null;
}
