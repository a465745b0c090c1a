// Marketing spend recorded outside campaigns, for the acquisition cost (docs/kpis.md).
import { GraphQLSafeInt } from "graphql-scalars";
import { Field, ID, InputType, ObjectType } from "type-graphql";
import type { JoinChannel } from "../engine";
import { localDateOfDay } from "../engine/analytics";
import type { MarketingSpendRecord } from "../entities";
import { connectionTypes } from "./connection";
import { JoinChannelEnum } from "./enums";
import { toGlobalId } from "./global-id";

@ObjectType({ simpleResolvers: true, description: "Marketing spend staff recorded outside campaigns (media buying, agency fees, in-store promotion). ACQUISITION_COST counts it unless cancelled." })
export class MarketingSpend {
  @Field(() => ID)
  id: string;

  @Field({ description: "The local date it was spent on, YYYY-MM-DD in the programme's time zone." })
  day: string;

  @Field(() => GraphQLSafeInt, { description: "Fen, more than 0." })
  amountFen: number;

  @Field(() => JoinChannelEnum, { nullable: true, description: "The join channel it was spent to win members in; null: all channels (docs/kpis.md says how ACQUISITION_COST by CHANNEL shares it out)." })
  channel: JoinChannel | null;

  @Field()
  description: string;

  @Field(() => ID, { description: "The StaffUser who recorded it." })
  recordedBy: string;

  @Field(() => Date)
  createdAt: Date;

  @Field(() => Date, { nullable: true, description: "Set when it was cancelled: it no longer counts." })
  cancelledAt: Date | null;

  @Field(() => ID, { nullable: true, description: "The StaffUser who cancelled it." })
  cancelledBy: string | null;

  static fromRecord(record: MarketingSpendRecord): MarketingSpend {
    return Object.assign(new MarketingSpend(), {
      id: String(record.id),
      day: localDateOfDay(record.day),
      amountFen: record.amount,
      channel: record.channel,
      description: record.description,
      recordedBy: toGlobalId("StaffUser", record.recordedBy),
      createdAt: record.createdAt,
      cancelledAt: record.cancelledAt,
      cancelledBy: record.cancelledBy === null ? null : toGlobalId("StaffUser", record.cancelledBy),
    });
  }
}

@ObjectType()
export class MarketingSpendConnection extends connectionTypes(MarketingSpend, "MarketingSpend") {}

@InputType()
export class RecordMarketingSpendInput {
  @Field({ description: "The local date it was spent on, YYYY-MM-DD in the programme's time zone; today or earlier." })
  day: string;

  @Field(() => GraphQLSafeInt, { description: "Fen, more than 0 (1 yuan = 100 fen)." })
  amountFen: number;

  @Field(() => JoinChannelEnum, { nullable: true, description: "The join channel it was spent to win members in; left out: all channels." })
  channel?: JoinChannel | null;

  @Field({ description: "What it bought: media, agency, promotion (1-255 characters)." })
  description: string;
}
