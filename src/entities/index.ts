import { SegmentEvaluationRunRecord, SegmentMembershipRecord, SegmentMoveRecord, SegmentRecord, SegmentSchemeRecord } from "./segment-records";
import { BehaviourEventRecord } from "./behaviour-event-record";
import { MemberAggregateRecord } from "./member-aggregate-record";
import { MemberDailyActivityRecord } from "./member-daily-activity-record";
import { MemberScoreRecord } from "./member-score-record";
import { MemberScoreSnapshotRecord } from "./member-score-record";
import { ScoringRunRecord } from "./scoring-run-record";
import { AuditLogRecord } from "./audit-log-record";
import { BonusRuleRecord } from "./bonus-rule-record";
import { IdempotencyRecord } from "./idempotency-record";
import { MemberBenefitRecord } from "./member-benefit-record";
import { MemberRecord } from "./member-record";
import { OrderRecord } from "./order-record";
import { PartnerApiKeyRecord } from "./partner-api-key-record";
import { PartnerRecord } from "./partner-record";
import { PointAccountRecord } from "./point-account-record";
import { PointEntryRecord } from "./point-entry-record";
import { PointLotRecord } from "./point-lot-record";
import { RewardRecord } from "./reward-record";
import { RewardRedemptionRecord } from "./reward-redemption-record";
import { SignInCodeRecord } from "./sign-in-code-record";
import { StaffUserRecord } from "./staff-user-record";
import { TierChangeRecord } from "./tier-change-record";
import { TierRecord } from "./tier-record";
import { WebhookDeliveryRecord, WebhookEndpointRecord } from "./webhook-records";
import { CampaignAssignmentRecord, CampaignRecord, CampaignSendRecord, CouponRecord } from "./campaign-records";
import { CheckInRecord, CheckInRuleRecord } from "./check-in-records";
import {
  MemberCodeUseRecord,
  MemberPartnerGrantRecord,
  PartnerAgreementRecord,
  PartnerBenefitRecord,
  PartnerBenefitRedemptionRecord,
  PartnerMemberLinkRecord,
  SettlementLineRecord,
  SettlementStatementRecord,
} from "./coalition-records";
import { MemberDeviceRecord, ReferralRecord, ReferralRewardRecord, ReferrerRecord } from "./referral-records";
import { LotteryDrawRecord, LotteryPrizeRecord, LotteryRecord } from "./lottery-records";
import { BadgeRecord, BadgeRuleActivityRecord, MemberBadgeRecord, MemberDisplayedTitleRecord } from "./badge-records";
import { ChallengeActivityRecord, ChallengePointGrantRecord, ChallengeProgressRecord, ChallengeRecord } from "./challenge-records";
import { LeaderboardBoardRecord, LeaderboardEntryRecord, LeaderboardPreferenceRecord } from "./leaderboard-records";
import { MarketingSpendRecord } from "./marketing-spend-record";

export {
  SegmentEvaluationRunRecord,
  SegmentMembershipRecord,
  SegmentMoveRecord,
  SegmentRecord,
  SegmentSchemeRecord,
  BehaviourEventRecord,
  MemberAggregateRecord,
  MemberDailyActivityRecord,
  MemberScoreRecord,
  MemberScoreSnapshotRecord,
  ScoringRunRecord,
  AuditLogRecord,
  BonusRuleRecord,
  IdempotencyRecord,
  MemberBenefitRecord,
  MemberRecord,
  OrderRecord,
  PartnerApiKeyRecord,
  PartnerRecord,
  PointAccountRecord,
  PointEntryRecord,
  PointLotRecord,
  RewardRecord,
  RewardRedemptionRecord,
  SignInCodeRecord,
  StaffUserRecord,
  TierChangeRecord,
  TierRecord,
  WebhookDeliveryRecord,
  WebhookEndpointRecord,
  CampaignRecord,
  CampaignAssignmentRecord,
  CampaignSendRecord,
  CouponRecord,
  MemberPartnerGrantRecord,
  PartnerAgreementRecord,
  PartnerBenefitRecord,
  PartnerBenefitRedemptionRecord,
  PartnerMemberLinkRecord,
  SettlementLineRecord,
  SettlementStatementRecord,
  MemberCodeUseRecord,
  CheckInRecord,
  CheckInRuleRecord,
  ReferrerRecord,
  ReferralRecord,
  ReferralRewardRecord,
  MemberDeviceRecord,
  LotteryRecord,
  LotteryPrizeRecord,
  LotteryDrawRecord,
  BadgeRecord,
  MemberBadgeRecord,
  MemberDisplayedTitleRecord,
  BadgeRuleActivityRecord,
  ChallengeRecord,
  ChallengeProgressRecord,
  ChallengeActivityRecord,
  ChallengePointGrantRecord,
  LeaderboardBoardRecord,
  LeaderboardEntryRecord,
  LeaderboardPreferenceRecord,
  MarketingSpendRecord,
};
export { leaderboardBoardStatuses, leaderboardMetrics, type LeaderboardBoardStatus, type LeaderboardMetric } from "./leaderboard-records";
export { pointEntryTypes, pointSources, type PointEntryType, type PointSource } from "./point-entry-record";
export { rewardKinds, type RewardKind } from "./reward-record";
export { behaviourEventKinds, interactionKinds, noEventDetails, type BehaviourEventDetails, type BehaviourEventKind } from "./behaviour-event-record";
export { scoringRunStatuses, scoringRunTriggers, type ScoringRunStatus, type ScoringRunTrigger } from "./scoring-run-record";
export { segmentEvaluationTriggers, segmentMoveReasons, type SegmentEvaluationStatus, type SegmentEvaluationTrigger, type SegmentMoveReason } from "./segment-records";
export { tierChangeReasons, type TierChangeReason } from "./tier-change-record";
export { campaignChannels, campaignSendStatuses, campaignStates, campaignTriggerKinds, type CampaignChannel, type CampaignSendStatus, type CampaignState, type CampaignTriggerKind } from "./campaign-records";
export {
  partnerBenefitKinds,
  partnerBenefitStatuses,
  partnerGrantFields,
  settlementLineKinds,
  statementPeriods,
  type PartnerBenefitKind,
  type PartnerBenefitStatus,
  type PartnerGrantField,
  type SettlementLineKind,
  type StatementPeriod,
} from "./coalition-records";
export { ambassadorSources, referralRewardRoles, referralStatuses, type AmbassadorSource, type ReferralRewardRole, type ReferralStatus } from "./referral-records";
export { lotteryPrizeKinds, type LotteryPrizeKind } from "./lottery-records";
export { webhookDeliveryStatuses, webhookEventTypes, type WebhookDeliveryStatus, type WebhookEventType } from "./webhook-records";

export const entities = [
  TierRecord,
  MemberRecord,
  StaffUserRecord,
  PartnerRecord,
  PartnerApiKeyRecord,
  IdempotencyRecord,
  AuditLogRecord,
  SignInCodeRecord,
  PointAccountRecord,
  PointEntryRecord,
  PointLotRecord,
  OrderRecord,
  RewardRecord,
  RewardRedemptionRecord,
  BonusRuleRecord,
  TierChangeRecord,
  MemberBenefitRecord,
  BehaviourEventRecord,
  MemberAggregateRecord,
  MemberDailyActivityRecord,
  MemberScoreRecord,
  MemberScoreSnapshotRecord,
  ScoringRunRecord,
  SegmentSchemeRecord,
  SegmentRecord,
  SegmentMembershipRecord,
  SegmentMoveRecord,
  SegmentEvaluationRunRecord,
  WebhookEndpointRecord,
  WebhookDeliveryRecord,
  CampaignRecord,
  CampaignAssignmentRecord,
  CampaignSendRecord,
  CouponRecord,
  PartnerAgreementRecord,
  MemberPartnerGrantRecord,
  PartnerMemberLinkRecord,
  PartnerBenefitRecord,
  PartnerBenefitRedemptionRecord,
  SettlementStatementRecord,
  SettlementLineRecord,
  MemberCodeUseRecord,
  CheckInRecord,
  CheckInRuleRecord,
  ReferrerRecord,
  ReferralRecord,
  ReferralRewardRecord,
  MemberDeviceRecord,
  LotteryRecord,
  LotteryPrizeRecord,
  LotteryDrawRecord,
  BadgeRecord,
  MemberBadgeRecord,
  MemberDisplayedTitleRecord,
  BadgeRuleActivityRecord,
  ChallengeRecord,
  ChallengeProgressRecord,
  ChallengeActivityRecord,
  ChallengePointGrantRecord,
  LeaderboardBoardRecord,
  LeaderboardEntryRecord,
  LeaderboardPreferenceRecord,
  MarketingSpendRecord,
];
export { badgeRuleActivityKinds, type BadgeRuleActivityKind } from "./badge-records";
export { challengeGoalKinds, challengeGoalMeasures, type ChallengeGoalKind, type ChallengeGoalMeasure } from "./challenge-records";
