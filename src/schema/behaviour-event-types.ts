import { Field, ID, InputType, Int, ObjectType } from "type-graphql";
import type { SalesChannel } from "../engine";
import type { BehaviourEventKind } from "../entities";
import { BehaviourEventKindEnum, EventStatusEnum, SalesChannelEnum } from "./enums";

@InputType({ description: "One thing a member did, reported by a source system. Fields beyond the first six depend on the kind." })
export class BehaviourEventInput {
  @Field({ description: "The sending system, e.g. \"pos\", \"app\", \"mini-program\"; with externalId it names the event." })
  source: string;

  @Field({ description: "The event's id in its source: sending it again records nothing twice. For orders, the order number." })
  externalId: string;

  @Field(() => BehaviourEventKindEnum)
  kind: BehaviourEventKind;

  @Field(() => ID)
  memberId: string;

  @Field(() => Date, { description: "When it happened; at most 5 minutes ahead of the server's clock." })
  occurredAt: Date;

  @Field(() => Int, { nullable: true, description: "ORDER: amount paid; REFUND: amount refunded. Fen." })
  amount?: number | null;

  @Field(() => SalesChannelEnum, { nullable: true, description: "ORDER: where it was bought." })
  channel?: SalesChannel | null;

  @Field(() => String, { nullable: true, description: "ORDER: the store or shop (required)." })
  storeCode?: string | null;

  @Field(() => String, { nullable: true })
  brand?: string | null;

  @Field(() => [String], { nullable: true, description: "ORDER: category codes; the first one drives bonus rules." })
  categories?: string[] | null;

  @Field(() => String, { nullable: true, description: "REFUND: the order number refunded (required)." })
  orderExternalId?: string | null;

  @Field(() => String, { nullable: true, description: "Interactions: what was browsed, clicked, shared, reviewed or liked." })
  target?: string | null;

  @Field(() => Int, { nullable: true, description: "SESSION (required) and LOGIN (optional): session length in seconds." })
  durationSeconds?: number | null;

  @Field(() => Int, { nullable: true, description: "SURVEY: customer satisfaction 1-5." })
  csat?: number | null;

  @Field(() => Int, { nullable: true, description: "SURVEY: net promoter answer 0-10." })
  nps?: number | null;
}

@ObjectType({ simpleResolvers: true })
export class EventResult {
  @Field(() => Int, { description: "Position in the batch, from 0." })
  index: number;

  @Field()
  source: string;

  @Field()
  externalId: string;

  @Field(() => EventStatusEnum)
  status: "ACCEPTED" | "DUPLICATE" | "REJECTED";

  @Field(() => String, { nullable: true, description: "REJECTED: a stable error code (BAD_USER_INPUT, NOT_FOUND, ...)." })
  code: string | null;

  @Field(() => String, { nullable: true, description: "Why it was not recorded, in words a person can act on." })
  reason: string | null;

  @Field(() => String, { nullable: true, description: "The input field at fault, e.g. events[3].amount." })
  field: string | null;
}

@ObjectType({ simpleResolvers: true })
export class RecordEventsResult {
  @Field(() => Int)
  accepted: number;

  @Field(() => Int)
  duplicates: number;

  @Field(() => Int)
  rejected: number;

  @Field(() => [EventResult], { description: "One per event, in the order sent." })
  results: EventResult[];
}
