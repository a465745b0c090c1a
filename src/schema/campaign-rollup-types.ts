// Campaign results rolled up across campaigns and periods (docs/kpis.md, "Campaign roll-up").
import { ArgsType, Field, Float, Int, ObjectType } from "type-graphql";
import type { KpiGranularity } from "../engine/analytics";
import { KpiGranularityEnum } from "./kpi-types";

@ArgsType()
export class CampaignRollupArgs {
  @Field(() => Date, { description: "The roll-up covers every whole period overlapping [from, to)." })
  from: Date;

  @Field(() => Date)
  to: Date;

  @Field(() => KpiGranularityEnum, { defaultValue: "MONTH" })
  granularity: KpiGranularity;

  @Field({ defaultValue: false, description: "A point per campaign code and period rather than one for all campaigns." })
  byCampaign: boolean;
}

@ObjectType({ simpleResolvers: true, description: "One period of all campaigns, or of one campaign. Money in fen." })
export class CampaignRollupPoint {
  @Field(() => Date)
  periodStart: Date;

  @Field(() => Date, { description: "The first instant after the period." })
  periodEnd: Date;

  @Field({ description: "2026-03-01, 2026-W09 (ISO week) or 2026-03." })
  periodLabel: string;

  @Field(() => String, { nullable: true, description: "The campaign's code with byCampaign; null for all campaigns together." })
  campaignCode: string | null;

  @Field(() => Int, { description: "Campaigns that made at least one send in the period." })
  campaignsWithSends: number;

  @Field(() => Int, { description: "Sends made in the period." })
  sends: number;

  @Field(() => Float, { description: "What the sends made in the period cost (reward value plus message cost), in fen." })
  costFen: number;

  @Field(() => Int, { description: "Treated (not control) members whose first order in the campaign's conversion window after assignment was placed in the period." })
  conversions: number;

  @Field(() => Float, { description: "Net amount of treated members' orders in their conversion windows placed in the period, in fen." })
  revenueFen: number;

  @Field(() => Float, { nullable: true, description: "(revenue − cost) ÷ cost; null when cost is 0." })
  returnOnInvestment: number | null;

  @Field(() => Float, { nullable: true, description: "revenue ÷ cost; null when cost is 0." })
  returnOnAdSpend: number | null;
}
