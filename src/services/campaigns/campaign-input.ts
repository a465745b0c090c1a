// A campaign as an operator sends it, checked field by field: each fault is BAD_USER_INPUT naming its path
// (input.variants[1].message), before anything is saved.
import { Cron } from "croner";
import { memberTemplateVariables, templateProblems } from "../../engine";
import { behaviourEventKinds, campaignChannels, campaignTriggerKinds, type CampaignChannel, type CampaignTriggerKind } from "../../entities";
import { badUserInput } from "../../errors";
import { validCode } from "../points/points-input";

export const sendTimes = ["IMMEDIATE", "BEST_HOUR"] as const;

/** What counts as a campaign's conversion: an order (with its revenue), or any other behaviour event (no revenue). */
export const conversionEvents = behaviourEventKinds.filter((kind) => kind !== "REFUND");
export type ConversionEvent = (typeof conversionEvents)[number];
export type SendTime = (typeof sendTimes)[number];

/** Variables a message may use; each is filled per member when the send is made. */
const messageVariables = memberTemplateVariables;

export interface VariantDefinition {
  code: string;
  weight: number;
  /** The message template; {{name}} and the other messageVariables are filled per member. */
  message: string;
  rewardPoints: number;
  /** Fen; 0: no coupon. */
  couponValue: number;
  couponValidDays: number;
  /** A benefit granted with the message (a code of the benefit catalogue, e.g. FREE_SHIPPING); null: none. */
  benefitCode: string | null;
  benefitValidDays: number;
}

/** What a step sends: the variant's own content for the first step, a follow-up's for the later ones. */
export type StepContent = Pick<VariantDefinition, "message" | "rewardPoints" | "couponValue" | "couponValidDays" | "benefitCode" | "benefitValidDays">;

/** A later step of a series (a welcome series over the first week), the same for every variant. */
export interface FollowUpDefinition extends StepContent {
  /** Days after the first step's due time. */
  afterDays: number;
}

/** Triggers whose sends are keyed by step 0 and may have follow-ups; birthdays and recurring ones key by occurrence. */
export const seriesTriggers: readonly CampaignTriggerKind[] = ["ONE_SHOT", "SEGMENT_ENTERED", "SEGMENT_LEFT", "SIGN_UP", "TIER_CHANGED"];

export interface CampaignTrigger {
  kind: CampaignTriggerKind;
  /** ONE_SHOT: when to send (null: as soon as it is scheduled). */
  at: Date | null;
  /** SEGMENT_ENTERED / SEGMENT_LEFT: the segment whose members entering (leaving) get the campaign. */
  segmentId: number | null;
  /** RECURRING: five cron fields in the programme's time zone; the target's members get a send at each occurrence. */
  cron: string | null;
}

export interface CampaignTarget {
  /** A member in any of these segments is in the audience... */
  segmentIds: number[];
  /** ...unless they are in one of these. */
  excludeSegmentIds: number[];
}

export interface CampaignDefinition {
  code: string;
  name: string;
  channel: CampaignChannel;
  trigger: CampaignTrigger;
  target: CampaignTarget;
  variants: VariantDefinition[];
  /** Steps 1, 2, ... after the variant's first message, in order of afterDays. */
  followUps: FollowUpDefinition[];
  controlPercent: number;
  sendTime: SendTime;
  startsAt: Date | null;
  endsAt: Date | null;
  budget: number;
  conversionWindowDays: number;
  conversionEvent: ConversionEvent;
}

export interface CampaignInput {
  code: string;
  name: string;
  channel: string;
  trigger: { kind: string; at?: Date | null; segmentId?: number | null; cron?: string | null };
  target: { segmentIds: number[]; excludeSegmentIds?: number[] | null };
  variants: ({ code: string; weight?: number | null } & ContentInput)[];
  followUps?: ({ afterDays: number } & ContentInput)[] | null;
  controlPercent?: number | null;
  sendTime?: string | null;
  startsAt?: Date | null;
  endsAt?: Date | null;
  budget: number;
  conversionWindowDays?: number | null;
  conversionEvent?: string | null;
}

const maximumVariants = 5;

function wholeNumber(value: number | null | undefined, field: string, fallback: number, minimum: number, maximum: number): number {
  const number = value ?? fallback;
  if (!Number.isInteger(number) || number < minimum || number > maximum) throw badUserInput(`${field} must be a whole number from ${minimum} to ${maximum} (got ${number}).`, field);
  return number;
}

function oneOf<T extends string>(value: string, allowed: readonly T[], field: string): T {
  if (!(allowed as readonly string[]).includes(value)) throw badUserInput(`${field} must be one of ${allowed.join(", ")} (got "${value}").`, field);
  return value as T;
}

type ContentInput = { message: string; rewardPoints?: number | null; couponValue?: number | null; couponValidDays?: number | null; benefitCode?: string | null; benefitValidDays?: number | null };

function contentOf(input: ContentInput, path: string): StepContent {
  const message = (input.message ?? "").trim();
  if (message.length === 0 || message.length > 500) throw badUserInput(`${path}.message must be 1 to 500 characters.`, `${path}.message`);
  const problems = templateProblems(message, messageVariables);
  if (problems.length > 0) throw badUserInput(`${path}.message: ${problems.map((problem) => problem.message).join(" ")} Use ${messageVariables.map((name) => `{{${name}}}`).join(", ")}.`, `${path}.message`);
  const couponValue = wholeNumber(input.couponValue, `${path}.couponValue`, 0, 0, 100_000_00);
  return {
    message,
    rewardPoints: wholeNumber(input.rewardPoints, `${path}.rewardPoints`, 0, 0, 1_000_000),
    couponValue,
    couponValidDays: wholeNumber(input.couponValidDays, `${path}.couponValidDays`, couponValue > 0 ? 30 : 0, couponValue > 0 ? 1 : 0, 365),
    benefitCode: input.benefitCode ? validCode(input.benefitCode, `${path}.benefitCode`, 64) : null,
    benefitValidDays: wholeNumber(input.benefitValidDays, `${path}.benefitValidDays`, input.benefitCode ? 30 : 0, input.benefitCode ? 1 : 0, 365),
  };
}

function variantOf(input: CampaignInput["variants"][number], index: number): VariantDefinition {
  const path = `input.variants[${index}]`;
  return { code: validCode(input.code, `${path}.code`, 16), weight: wholeNumber(input.weight, `${path}.weight`, 1, 1, 1000), ...contentOf(input, path) };
}

function followUpsOf(input: CampaignInput["followUps"], kind: CampaignTriggerKind): FollowUpDefinition[] {
  const followUps = input ?? [];
  if (followUps.length === 0) return [];
  if (!seriesTriggers.includes(kind)) throw badUserInput(`A ${kind} campaign sends once per occurrence: it takes no follow-ups.`, "input.followUps");
  if (followUps.length > 5) throw badUserInput("input.followUps holds at most 5 steps.", "input.followUps");
  const steps = followUps.map((followUp, index) => ({ afterDays: wholeNumber(followUp.afterDays, `input.followUps[${index}].afterDays`, 1, 1, 60), ...contentOf(followUp, `input.followUps[${index}]`) }));
  if (steps.some((step, index) => index > 0 && step.afterDays <= steps[index - 1].afterDays)) throw badUserInput("input.followUps must come in order, each more days after the first message than the one before.", "input.followUps");
  return steps;
}

function validCron(value: string | null | undefined): string {
  const cron = (value ?? "").trim();
  try {
    new Cron(cron, { mode: "5-part", paused: true }).stop();
  } catch (error) {
    throw badUserInput(`input.trigger.cron must be five cron fields (minute hour day month weekday), e.g. "0 10 * * 1" for Mondays at 10:00: ${error instanceof Error ? error.message : String(error)}.`, "input.trigger.cron");
  }
  return cron;
}

/** Checks a campaign; segment ids are checked to exist by the caller, which holds the database. */
export function campaignDefinitionOf(input: CampaignInput): CampaignDefinition {
  const name = (input.name ?? "").trim();
  if (name.length === 0 || name.length > 64) throw badUserInput("input.name must be 1 to 64 characters.", "input.name");
  const channel = oneOf(input.channel, campaignChannels, "input.channel");
  const kind = oneOf(input.trigger?.kind ?? "", campaignTriggerKinds, "input.trigger.kind");
  const onSegment = kind === "SEGMENT_ENTERED" || kind === "SEGMENT_LEFT";
  if (onSegment && !input.trigger.segmentId) throw badUserInput(`input.trigger.segmentId is needed for a ${kind} trigger: the segment whose members entering or leaving get the campaign.`, "input.trigger.segmentId");
  const cron = kind === "RECURRING" ? validCron(input.trigger.cron) : null;
  const trigger: CampaignTrigger = { kind, at: kind === "ONE_SHOT" ? (input.trigger.at ?? null) : null, segmentId: onSegment ? input.trigger.segmentId! : null, cron };
  const segmentIds = [...new Set(input.target?.segmentIds ?? [])];
  const excludeSegmentIds = [...new Set(input.target?.excludeSegmentIds ?? [])];
  if ((kind === "ONE_SHOT" || kind === "RECURRING") && segmentIds.length === 0) throw badUserInput("input.target.segmentIds must name at least one segment: a one-shot campaign sends to its members.", "input.target.segmentIds");
  // A new member is in no scheme segment yet: a sign-up campaign goes to every new member, less the exclusions.
  if (kind === "SIGN_UP" && segmentIds.length > 0) throw badUserInput("A SIGN_UP campaign goes to every new member: leave input.target.segmentIds empty and narrow it with excludeSegmentIds.", "input.target.segmentIds");
  if (segmentIds.some((id) => excludeSegmentIds.includes(id))) throw badUserInput("A segment cannot be both targeted and excluded.", "input.target.excludeSegmentIds");
  if (!Array.isArray(input.variants) || input.variants.length === 0 || input.variants.length > maximumVariants) {
    throw badUserInput(`input.variants must hold 1 to ${maximumVariants} variants (one for a plain campaign, more for an A/B test).`, "input.variants");
  }
  const variants = input.variants.map(variantOf);
  const codes = variants.map((variant) => variant.code);
  const repeated = codes.find((code, index) => codes.indexOf(code) !== index || code === "CONTROL");
  if (repeated) throw badUserInput(`Variant code ${repeated} is repeated or reserved (CONTROL names the control group).`, "input.variants");
  if (channel === "IN_APP_COUPON" && [...variants, ...(input.followUps ?? [])].some((step) => (step.couponValue ?? 0) === 0)) throw badUserInput("An IN_APP_COUPON campaign gives a coupon: set couponValue on every variant.", "input.variants");
  const startsAt = input.startsAt ?? null;
  const endsAt = input.endsAt ?? null;
  if (startsAt && endsAt && endsAt.getTime() <= startsAt.getTime()) throw badUserInput("input.endsAt must be after input.startsAt.", "input.endsAt");
  return {
    code: validCode(input.code, "input.code", 32),
    name,
    channel,
    trigger,
    target: { segmentIds, excludeSegmentIds },
    variants,
    followUps: followUpsOf(input.followUps, kind),
    controlPercent: wholeNumber(input.controlPercent, "input.controlPercent", 0, 0, 50),
    sendTime: oneOf(input.sendTime ?? "IMMEDIATE", sendTimes, "input.sendTime"),
    startsAt,
    endsAt,
    budget: wholeNumber(input.budget, "input.budget", 0, 0, 10_000_000_000),
    conversionWindowDays: wholeNumber(input.conversionWindowDays, "input.conversionWindowDays", 7, 1, 90),
    conversionEvent: oneOf(input.conversionEvent ?? "ORDER", conversionEvents, "input.conversionEvent"),
  };
}
