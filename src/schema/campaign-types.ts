// Campaigns in the graph: the definition operators edit, its state and spend, its sends' progress and its results.
import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { experimentVerdicts } from "../engine";
import { campaignChannels, campaignStates, campaignTriggerKinds, type CampaignRecord, type CouponRecord } from "../entities";
import { sendTimes, type CampaignDefinition } from "../services/campaigns/campaign-input";
import { definitionOf } from "../services/campaigns/campaign-record-mapping";
import type { VariantOutcome } from "../services/campaigns/campaign-results";
import { connectionTypes } from "./connection";
import { BehaviourEventKindEnum, enumObject } from "./enums";

export const CampaignStateEnum = enumObject(campaignStates);
export const CampaignChannelEnum = enumObject(campaignChannels);
export const CampaignTriggerKindEnum = enumObject(campaignTriggerKinds);
export const SendTimeEnum = enumObject(sendTimes);
export const ExperimentVerdictEnum = enumObject(experimentVerdicts);
registerEnumType(CampaignStateEnum, { name: "CampaignState", description: "DRAFT → SCHEDULED → RUNNING ⇄ PAUSED → COMPLETED; CANCELLED from any but COMPLETED." });
registerEnumType(CampaignChannelEnum, { name: "CampaignChannel", description: "SMS, app push, e-mail, WeChat template message, or a coupon in the member's app." });
registerEnumType(CampaignTriggerKindEnum, {
  name: "CampaignTriggerKind",
  description:
    "ONE_SHOT: the target's members, once (now or at a time). SEGMENT_ENTERED / SEGMENT_LEFT: each member who enters (leaves) a segment. SIGN_UP: each new member. TIER_CHANGED: each upgrade or downgrade. BIRTHDAY: members on their birthday, once a year. RECURRING: the target's members at each occurrence of a cron schedule.",
});
registerEnumType(SendTimeEnum, { name: "SendTime", description: "IMMEDIATE, or BEST_HOUR: each member's most active local hour from their past activity." });
registerEnumType(ExperimentVerdictEnum, { name: "ExperimentVerdict" });

@InputType()
export class CampaignTriggerInput {
  @Field(() => CampaignTriggerKindEnum)
  kind: string;

  @Field(() => Date, { nullable: true, description: "ONE_SHOT: when to send; leave out to send when the campaign starts." })
  at?: Date | null;

  @Field(() => ID, { nullable: true, description: "SEGMENT_ENTERED / SEGMENT_LEFT: the segment whose members entering (leaving) get the campaign." })
  segmentId?: string | null;

  @Field(() => String, { nullable: true, description: "RECURRING: five cron fields in the programme's time zone, e.g. \"0 10 * * 1\" (Mondays at 10:00)." })
  cron?: string | null;
}

@InputType()
export class CampaignTargetInput {
  @Field(() => [ID], { description: "Members of any of these segments (scheme or ad-hoc)..." })
  segmentIds: string[];

  @Field(() => [ID], { nullable: true, description: "...except members of any of these." })
  excludeSegmentIds?: string[] | null;
}

/** What one step sends: a message and its rewards (a variant's first message, or a follow-up). */
// Decorated so that its fields reach the subclasses; never used as an argument's type itself, so never in the schema.
@InputType()
abstract class StepContentInput {
  @Field({ description: "The message, with {{name}}, {{tier}}, {{points}}, {{expiringPoints}} and {{couponCode}} filled per member." })
  message: string;

  @Field(() => Int, { nullable: true, description: "Points given with the message (through the ledger)." })
  rewardPoints?: number | null;

  @Field(() => Int, { nullable: true, description: "A coupon's value in fen; 0 or absent: no coupon." })
  couponValue?: number | null;

  @Field(() => Int, { nullable: true, description: "Days the coupon is valid; default 30." })
  couponValidDays?: number | null;

  @Field(() => String, { nullable: true, description: "A benefit granted with the message, e.g. FREE_SHIPPING (shown in member.benefits)." })
  benefitCode?: string | null;

  @Field(() => Int, { nullable: true, description: "Days the benefit is valid; default 30." })
  benefitValidDays?: number | null;
}

@InputType()
export class CampaignVariantInput extends StepContentInput {
  @Field({ description: "A, B, ...: unique in the campaign; CONTROL is reserved." })
  code: string;

  @Field(() => Int, { nullable: true, description: "Relative share of the non-control members; default 1." })
  weight?: number | null;
}

@InputType({ description: "A later step of a series (e.g. a welcome series over the first week), the same for every variant." })
export class CampaignFollowUpInput extends StepContentInput {
  @Field(() => Int, { description: "Days after the first message (1-60), increasing from one follow-up to the next." })
  afterDays: number;
}

@InputType()
export class CampaignInput {
  @Field()
  code: string;

  @Field()
  name: string;

  @Field(() => CampaignChannelEnum)
  channel: string;

  @Field(() => CampaignTriggerInput)
  trigger: CampaignTriggerInput;

  @Field(() => CampaignTargetInput)
  target: CampaignTargetInput;

  @Field(() => [CampaignVariantInput], { description: "One for a plain campaign; several for an A/B test." })
  variants: CampaignVariantInput[];

  @Field(() => [CampaignFollowUpInput], { nullable: true, description: "Later steps of a series; not for BIRTHDAY or RECURRING campaigns." })
  followUps?: CampaignFollowUpInput[] | null;

  @Field(() => Int, { nullable: true, description: "Percent of the audience held out as a control group that gets nothing (0-50)." })
  controlPercent?: number | null;

  @Field(() => SendTimeEnum, { nullable: true })
  sendTime?: string | null;

  @Field(() => Date, { nullable: true })
  startsAt?: Date | null;

  @Field(() => Date, { nullable: true })
  endsAt?: Date | null;

  @Field(() => Int, { description: "Fen. Rewards and message costs are charged against it; the campaign stops when it is spent." })
  budget: number;

  @Field(() => Int, { nullable: true, description: "Days after a member's assignment in which a conversion counts; default 7." })
  conversionWindowDays?: number | null;

  @Field(() => BehaviourEventKindEnum, { nullable: true, description: "What counts as a conversion: ORDER (default, with revenue) or another behaviour event (LOGIN, REVIEW...; no revenue)." })
  conversionEvent?: string | null;
}

// Decorated so that its fields reach the subclasses; never used as a field's type itself, so never in the schema.
@ObjectType({ simpleResolvers: true })
abstract class StepContent {
  @Field()
  message: string;

  @Field(() => Int)
  rewardPoints: number;

  @Field(() => Int)
  couponValue: number;

  @Field(() => Int)
  couponValidDays: number;

  @Field(() => String, { nullable: true })
  benefitCode: string | null;

  @Field(() => Int)
  benefitValidDays: number;
}

@ObjectType({ simpleResolvers: true })
export class CampaignVariant extends StepContent {
  @Field()
  code: string;

  @Field(() => Int)
  weight: number;
}

@ObjectType({ simpleResolvers: true })
export class CampaignFollowUp extends StepContent {
  @Field(() => Int)
  afterDays: number;
}

@ObjectType({ simpleResolvers: true })
export class CampaignProgressFigures {
  @Field(() => Int, { description: "Members assigned (variants and control)." })
  assigned: number;

  @Field(() => Int)
  pending: number;

  @Field(() => Int)
  sent: number;

  @Field(() => Int)
  skipped: number;
}

@ObjectType({ simpleResolvers: true })
export class VariantResult {
  @Field({ description: "A variant's code, or CONTROL." })
  variant: string;

  @Field(() => Int, { description: "Members assigned (intention to treat: skipped sends count)." })
  members: number;

  @Field(() => Int, { description: "Reach: messages sent." })
  sent: number;

  @Field(() => Int)
  conversions: number;

  @Field(() => Float, { nullable: true })
  conversionRate: number | null;

  @Field(() => Float, { description: "Fen: orders in the conversion window, less refunds." })
  revenue: number;

  @Field(() => Float, { description: "Fen charged to the budget." })
  cost: number;

  @Field(() => Float, { nullable: true })
  revenuePerMember: number | null;

  @Field(() => Float, { nullable: true, description: "(revenue − cost) / cost." })
  returnOnInvestment: number | null;

  @Field(() => Float, { nullable: true, description: "revenue / cost." })
  returnOnAdSpend: number | null;

  @Field(() => Float, { nullable: true, description: "Against control: the difference of conversion rates." })
  upliftAbsolute: number | null;

  @Field(() => Float, { nullable: true, description: "Against control: the difference over control's rate." })
  upliftRelative: number | null;

  @Field(() => Float, { nullable: true, description: "Two-proportion z-test, two-sided." })
  pValue: number | null;

  @Field(() => Float, { nullable: true, description: "95% confidence interval of the difference of rates." })
  confidenceLow: number | null;

  @Field(() => Float, { nullable: true })
  confidenceHigh: number | null;

  @Field(() => ExperimentVerdictEnum, { nullable: true })
  verdict: string | null;

  @Field(() => String, { nullable: true, description: "The verdict in plain words." })
  verdictText: string | null;

  @Field(() => String, { nullable: true, description: "The verdict in Chinese." })
  verdictTextZh: string | null;

  @Field(() => Float, { nullable: true, description: "More members (both groups) needed to judge an effect of the observed size (a Float: it can pass 2^31)." })
  additionalMembersNeeded: number | null;

  static fromOutcome(outcome: VariantOutcome): VariantResult {
    const comparison = outcome.comparison;
    return Object.assign(new VariantResult(), {
      ...outcome,
      upliftAbsolute: comparison?.uplift?.absolute ?? null,
      upliftRelative: comparison?.uplift?.relative ?? null,
      pValue: comparison?.pValue ?? null,
      confidenceLow: comparison?.confidenceInterval?.lower ?? null,
      confidenceHigh: comparison?.confidenceInterval?.upper ?? null,
      verdict: comparison?.verdict ?? null,
      verdictText: comparison?.sentence.en ?? null,
      verdictTextZh: comparison?.sentence.zh ?? null,
      additionalMembersNeeded: comparison?.judgedEffect?.additionalMembersNeeded.total ?? null,
    });
  }
}

@ObjectType({ description: "A campaign: target, trigger, variants, budget and state." })
export class Campaign {
  @Field(() => ID)
  id: string;

  @Field()
  code: string;

  @Field()
  name: string;

  @Field(() => CampaignStateEnum)
  state: string;

  @Field(() => CampaignChannelEnum)
  channel: string;

  @Field(() => CampaignTriggerKindEnum)
  triggerKind: string;

  @Field(() => Date, { nullable: true })
  triggerAt: Date | null;

  @Field(() => ID, { nullable: true })
  triggerSegmentId: string | null;

  @Field(() => String, { nullable: true })
  triggerCron: string | null;

  @Field(() => [ID])
  targetSegmentIds: string[];

  @Field(() => [ID])
  excludeSegmentIds: string[];

  @Field(() => [CampaignVariant])
  variants: CampaignVariant[];

  @Field(() => [CampaignFollowUp])
  followUps: CampaignFollowUp[];

  @Field(() => Int)
  controlPercent: number;

  @Field(() => SendTimeEnum)
  sendTime: string;

  @Field(() => Date, { nullable: true })
  startsAt: Date | null;

  @Field(() => Date, { nullable: true })
  endsAt: Date | null;

  @Field(() => Int, { description: "Fen." })
  budget: number;

  @Field(() => Int, { description: "Fen spent so far." })
  spent: number;

  @Field(() => Int)
  conversionWindowDays: number;

  @Field(() => BehaviourEventKindEnum)
  conversionEvent: string;

  @Field(() => Date)
  createdAt: Date;

  @Field(() => Date)
  updatedAt: Date;

  record: CampaignRecord;

  static fromRecord(record: CampaignRecord): Campaign {
    const definition: CampaignDefinition = definitionOf(record);
    return Object.assign(new Campaign(), {
      record,
      id: String(record.id),
      code: record.code,
      name: record.name,
      state: record.state,
      channel: record.channel,
      triggerKind: record.triggerKind,
      triggerAt: definition.trigger.at,
      triggerSegmentId: definition.trigger.segmentId === null ? null : String(definition.trigger.segmentId),
      triggerCron: definition.trigger.cron,
      targetSegmentIds: definition.target.segmentIds.map(String),
      excludeSegmentIds: definition.target.excludeSegmentIds.map(String),
      variants: definition.variants,
      followUps: definition.followUps,
      controlPercent: record.controlPercent,
      sendTime: record.sendTime,
      startsAt: record.startsAt,
      endsAt: record.endsAt,
      budget: record.budget,
      spent: record.spent,
      conversionWindowDays: record.conversionWindowDays,
      conversionEvent: definition.conversionEvent,
      createdAt: record.createdAt,
      updatedAt: record.updatedAt,
    });
  }
}

@ObjectType({ simpleResolvers: true })
export class CampaignConnection extends connectionTypes(Campaign, "Campaign") {}

@ObjectType({ simpleResolvers: true, description: "A coupon a campaign, a lottery draw or a completed challenge gave the member." })
export class Coupon {
  @Field()
  code: string;

  @Field(() => Int, { description: "Fen." })
  value: number;

  @Field(() => Date)
  validFrom: Date;

  @Field(() => Date)
  validUntil: Date;

  @Field(() => Date, { nullable: true })
  redeemedAt: Date | null;

  static fromRecord(record: CouponRecord, maskCode = false): Coupon {
    return Object.assign(new Coupon(), { code: maskCode ? `${record.code.slice(0, 4)}${"*".repeat(record.code.length - 4)}` : record.code, value: record.value, validFrom: record.validFrom, validUntil: record.validUntil, redeemedAt: record.redeemedAt });
  }
}

@ObjectType({ simpleResolvers: true, description: "A campaign send to the member, for staff." })
export class CampaignHistoryEntry {
  @Field()
  campaignCode: string;

  @Field()
  variant: string;

  @Field(() => CampaignChannelEnum)
  channel: string;

  @Field({ description: "PENDING, SENT or SKIPPED." })
  status: string;

  @Field(() => String, { nullable: true })
  skipReason: string | null;

  @Field(() => Date, { nullable: true })
  sentAt: Date | null;
}

@ObjectType({ simpleResolvers: true, description: "A delivery batch's counts for one campaign." })
export class CampaignProgressEvent {
  @Field(() => ID)
  campaignId: string;

  @Field(() => Int)
  sent: number;

  @Field(() => Int)
  skipped: number;

  @Field(() => Int)
  postponed: number;

  @Field(() => Date)
  at: Date;
}
