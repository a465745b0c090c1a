// GraphQL enums over the engine's vocabularies, so the API and scoring speak the same words.
import { registerEnumType } from "type-graphql";
import { partnerScopes, staffRoles } from "../auth/permissions";
import { ageBands, educationLevels, genders, incomeLevels, joinChannels, occupations, pointsPeriods, salesChannels } from "../engine";
import { churnFactorNames, lifecycleStages, rfmSegments } from "../engine/scoring/types";
import { partnerStatuses } from "../entities/partner-record";
import { behaviourEventKinds, pointEntryTypes, pointSources, rewardKinds, scoringRunStatuses, scoringRunTriggers, tierChangeReasons, webhookDeliveryStatuses, webhookEventTypes } from "../entities";

export function enumObject<T extends string>(values: readonly T[]): { [K in T]: K } {
  return Object.fromEntries(values.map((value) => [value, value])) as { [K in T]: K };
}

export const GenderEnum = enumObject(genders);
export const EducationLevelEnum = enumObject(educationLevels);
export const OccupationEnum = enumObject(occupations);
export const IncomeLevelEnum = enumObject(incomeLevels);
export const JoinChannelEnum = enumObject(joinChannels);
export const AgeBandEnum = enumObject(ageBands);
export const SalesChannelEnum = enumObject(salesChannels);
export const PointsEntryTypeEnum = enumObject(pointEntryTypes);
export const PointsSourceEnum = enumObject(pointSources);
export const PointsPeriodEnum = enumObject(pointsPeriods);
export const RewardKindEnum = enumObject(rewardKinds);
export const TierChangeReasonEnum = enumObject(tierChangeReasons);
export const RfmSegmentEnum = enumObject(rfmSegments);
export const LifecycleStageEnum = enumObject(lifecycleStages);
export const ChurnFactorEnum = enumObject(churnFactorNames);
export const ScoringRunStatusEnum = enumObject(scoringRunStatuses);
export const ScoringRunTriggerEnum = enumObject(scoringRunTriggers);
export const BehaviourEventKindEnum = enumObject(behaviourEventKinds);
export const EventStatusEnum = enumObject(["ACCEPTED", "DUPLICATE", "REJECTED"] as const);
export const WebhookEventTypeEnum = enumObject(webhookEventTypes);
export const WebhookDeliveryStatusEnum = enumObject(webhookDeliveryStatuses);
export const BenefitSourceEnum = enumObject(["TIER", "GRANTED"] as const);
export const StaffRoleEnum = enumObject(staffRoles.map((role) => role.toUpperCase() as Uppercase<typeof role>));
export const PartnerScopeEnum = {
  MEMBERS_LOOKUP: "members:lookup",
  BENEFITS_READ: "benefits:read",
  BENEFITS_REDEEM: "benefits:redeem",
  BENEFITS_PUBLISH: "benefits:publish",
  POINTS_EARN: "points:earn",
  POINTS_REDEEM: "points:redeem",
  SETTLEMENT_READ: "settlement:read",
} as const satisfies Record<string, (typeof partnerScopes)[number]>;
export const PartnerStatusEnum = enumObject(partnerStatuses);

registerEnumType(GenderEnum, { name: "Gender" });
registerEnumType(EducationLevelEnum, { name: "EducationLevel", description: "Education: low, middle or high, as the brief bands it." });
registerEnumType(OccupationEnum, { name: "Occupation" });
registerEnumType(IncomeLevelEnum, { name: "IncomeLevel" });
registerEnumType(JoinChannelEnum, { name: "JoinChannel", description: "Where the member joined: offline store, online shop, app or WeChat mini-program (小程序)." });
registerEnumType(AgeBandEnum, { name: "AgeBand", description: "Age bands of the brief: 18-25, 26-35, 36-45, 46-55, 56+." });
registerEnumType(StaffRoleEnum, { name: "StaffRole", description: "ADMIN: everything. OPERATOR: marketing, personal data masked. ANALYST: read-only, masked." });
registerEnumType(PartnerScopeEnum, { name: "PartnerScope", description: "What a partner's API key may do." });
registerEnumType(PartnerStatusEnum, { name: "PartnerStatus", description: "ACTIVE partners' keys work; a SUSPENDED partner's keys are refused until it is active again." });
registerEnumType(SalesChannelEnum, { name: "SalesChannel", description: "Where a purchase was made; bonus rules may target a channel." });
registerEnumType(PointsEntryTypeEnum, {
  name: "PointsEntryType",
  description: "EARN and ADJUST (positive) add points; REDEEM, EXPIRE, CLAWBACK (refund) and DEBT_REPAYMENT remove them.",
});
registerEnumType(PointsSourceEnum, { name: "PointsSource", description: "What caused a ledger entry." });
registerEnumType(PointsPeriodEnum, { name: "PointsPeriod", description: "Periods in the programme's time zone (China, UTC+8, by default)." });
registerEnumType(RewardKindEnum, { name: "RewardKind", description: "COUPON (优惠券), GIFT (礼品) or BENEFIT (权益, granted to the member for a number of days)." });
registerEnumType(TierChangeReasonEnum, { name: "TierChangeReason", description: "UPGRADE at once on spend, DOWNGRADE at review after the grace period, PERMANENT (永久会员) on cumulative spend." });
registerEnumType(BenefitSourceEnum, { name: "BenefitSource", description: "TIER: a base benefit of the member's tier. GRANTED: given to this member alone." });
registerEnumType(RfmSegmentEnum, {
  name: "RfmSegment",
  description: "The RFM segment map over the recency and frequency scores (docs/scoring.md); NO_RECENT_PURCHASE: no order in the RFM window.",
});
registerEnumType(LifecycleStageEnum, { name: "LifecycleStage", description: "NEW, ACTIVE, DECLINING (activity falling against the member's own past), DORMANT, CHURNED; thresholds are settings." });
registerEnumType(ChurnFactorEnum, { name: "ChurnFactor", description: "What drove a churn risk." });
registerEnumType(ScoringRunStatusEnum, { name: "ScoringRunStatus" });
registerEnumType(ScoringRunTriggerEnum, { name: "ScoringRunTrigger", description: "Who started a full rescoring: an admin, the schedule, the command line, or the demo seed." });
registerEnumType(BehaviourEventKindEnum, {
  name: "BehaviourEventKind",
  description: "ORDER and REFUND (through the points ledger), LOGIN, SESSION (with duration), interactions (BROWSE, CLICK, SHARE, REVIEW, LIKE), COMPLAINT, SURVEY (CSAT 1-5, NPS 0-10).",
});
registerEnumType(EventStatusEnum, { name: "EventStatus", description: "ACCEPTED: recorded. DUPLICATE: this event was recorded before; nothing written. REJECTED: see code and reason." });
registerEnumType(WebhookEventTypeEnum, { name: "WebhookEventType", description: "SEGMENT_MOVED: a member moved from one segment of a scheme to another (docs/webhooks.md)." });
registerEnumType(WebhookDeliveryStatusEnum, { name: "WebhookDeliveryStatus", description: "PENDING: not yet answered with 2xx, retried with backoff. DELIVERED: answered 2xx. FAILED: given up after the last attempt." });
