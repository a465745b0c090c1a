// The admin console's KPIs, tier distribution and migration, and join cohorts (docs/kpis.md).
import { ArgsType, Field, Float, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { kpiBreakdowns, kpiGranularities, kpiNames, type KpiBreakdown, type KpiGranularity, type KpiName } from "../engine/analytics";
import { enumObject } from "./enums";
import { Tier } from "./tier-type";

export const KpiNameEnum = enumObject(kpiNames);
export const KpiGranularityEnum = enumObject(kpiGranularities);
export const KpiBreakdownEnum = enumObject(kpiBreakdowns);

registerEnumType(KpiNameEnum, {
  name: "KpiName",
  description: "A KPI of the programme; docs/kpis.md defines each and names the figures its points carry.",
  valuesConfig: {
    NEW_MEMBERS: { description: "Members who joined in the period." },
    GROWTH_RATE: { description: "New members ÷ members who had joined before the period." },
    ACTIVE_MEMBERS: { description: "Distinct members with a login in the period (DAU, WAU, MAU by granularity)." },
    STICKINESS: { description: "Average daily active members ÷ the period's active members: DAU/MAU by month, DAU/WAU by week. Not by DAY." },
    SPEND: { description: "Net spend in fen (refunds come off the order's day)." },
    ORDERS: { description: "Orders placed." },
    AVERAGE_ORDER_VALUE: { description: "Net spend ÷ orders, in fen." },
    SPEND_PER_ACTIVE_MEMBER: { description: "Net spend ÷ members with a login or an order in the period, in fen." },
    SPEND_PER_MEMBER: { description: "Net spend ÷ every member who had joined by the period's end (active or not), in fen. Breakdown NONE or CHANNEL only." },
    REPURCHASE_RATE: { description: "Members with two or more orders in the period ÷ members with an order." },
    POINTS_LIABILITY: { description: "Points members hold at the period's end × POINT_VALUE_FEN, in fen; by a breakdown, in the groups the members were in at that moment." },
    LOGIN_FREQUENCY: { description: "Logins ÷ members with a login in the period." },
    INTERACTIONS_PER_MEMBER: { description: "Interactions (browse, click, share, review, like) ÷ members with a login in the period." },
    RETENTION_RATE: { description: "Of the members with a login or an order in the previous period, the share with one in this period too." },
    CHURN_RATE: { description: "Of the members with a login or an order in the previous period, the share with none in this period (1 − retention)." },
    ACQUISITION_COST: {
      description: "CAC: marketing spend in the period (campaigns' sends plus spend recorded outside them with recordMarketingSpend) ÷ members who joined in it, in fen. Breakdown NONE or CHANNEL only; by CHANNEL, spend recorded for all channels is shared by each channel's new members.",
    },
  },
});
registerEnumType(KpiGranularityEnum, { name: "KpiGranularity", description: "Local days, ISO weeks (Monday first) or local months of the programme's time zone." });
registerEnumType(KpiBreakdownEnum, {
  name: "KpiBreakdown",
  description: "How members are grouped: join channel, tier, city tier (UNKNOWN when not given), or segment of a scheme (UNPLACED outside it). Activity, value, retention and cohorts count members in the groups they were in at the time, and the points liability the points held at the period's end by the members in each group then; growth counts members in their groups now (docs/kpis.md, Breakdowns).",
});

@ArgsType()
export class KpiSeriesArgs {
  @Field(() => KpiNameEnum)
  kpi: KpiName;

  @Field(() => Date, { description: "The series covers every whole period overlapping [from, to)." })
  from: Date;

  @Field(() => Date)
  to: Date;

  @Field(() => KpiGranularityEnum, { defaultValue: "DAY" })
  granularity: KpiGranularity;

  @Field(() => KpiBreakdownEnum, { defaultValue: "NONE" })
  breakdown: KpiBreakdown;

  @Field(() => ID, { nullable: true, description: "The segment scheme whose segments are the groups; only with breakdown SEGMENT." })
  schemeId: string | null;
}

@ObjectType({ simpleResolvers: true, description: "A number a KPI value was computed from, by name (e.g. spendFen, orders)." })
export class KpiFigure {
  @Field()
  name: string;

  @Field(() => Float)
  value: number;
}

@ObjectType({ simpleResolvers: true, description: "One period of one group." })
export class KpiPoint {
  @Field(() => Date)
  periodStart: Date;

  @Field(() => Date, { description: "The first instant after the period." })
  periodEnd: Date;

  @Field({ description: "2026-03-01, 2026-W09 (ISO week) or 2026-03." })
  periodLabel: string;

  @Field({ description: "ALL without a breakdown; else the channel, tier code, city tier or segment code." })
  group: string;

  @Field(() => Float, { nullable: true, description: "Null when a ratio's denominator is zero." })
  value: number | null;

  @Field(() => [KpiFigure])
  figures: KpiFigure[];
}

@ObjectType({ simpleResolvers: true })
export class KpiSeries {
  @Field(() => KpiNameEnum)
  kpi: KpiName;

  @Field(() => KpiGranularityEnum)
  granularity: KpiGranularity;

  @Field(() => KpiBreakdownEnum)
  breakdown: KpiBreakdown;

  @Field(() => [KpiPoint], { description: "In period order, then by group." })
  points: KpiPoint[];
}

@ObjectType({ simpleResolvers: true })
export class TierShare {
  @Field(() => Tier)
  tier: Tier;

  @Field(() => Int)
  members: number;

  @Field(() => Float, { nullable: true, description: "members ÷ all members counted; null when there are none." })
  share: number | null;
}

@ObjectType({ simpleResolvers: true, description: "Members who held fromTier at `from` and toTier at `to`." })
export class TierMigrationCell {
  @Field(() => Tier, { nullable: true, description: "Null: joined after `from`." })
  fromTier: Tier | null;

  @Field(() => Tier)
  toTier: Tier;

  @Field(() => Int)
  members: number;
}

@ObjectType({ simpleResolvers: true })
export class CohortMonth {
  @Field(() => Int, { description: "0: the joining month." })
  monthsSinceJoining: number;

  @Field(() => Date)
  periodStart: Date;

  @Field(() => Int, { nullable: true, description: "Cohort members with an order or a login in the month; null before the month begins." })
  activeMembers: number | null;

  @Field(() => Float, { nullable: true, description: "activeMembers ÷ the cohort's members." })
  retentionRate: number | null;
}

@ObjectType({ simpleResolvers: true, description: "Members who joined in one local month, and their activity in each month since." })
export class JoinCohort {
  @Field(() => Date)
  cohortStart: Date;

  @Field({ description: "2026-03." })
  cohortLabel: string;

  @Field(() => Int)
  members: number;

  @Field(() => [CohortMonth])
  months: CohortMonth[];
}

@ObjectType({ simpleResolvers: true, description: "Members whose latest CLV (fen) is in [lowerFen, upperFen); the last bucket also holds upperFen, the highest value." })
export class ClvBucket {
  @Field(() => Float, { description: "Fen, whole; Float because a CLV can pass 2^31 fen." })
  lowerFen: number;

  @Field(() => Float)
  upperFen: number;

  @Field(() => Int)
  members: number;
}
