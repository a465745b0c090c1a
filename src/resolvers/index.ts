import { BehaviourEventResolver } from "./behaviour-event-resolver";
import { BadgeResolver, MemberBadgesResolver } from "./badge-resolver";
import { ChallengeResolver, MemberChallengesResolver } from "./challenge-resolver";
import { CampaignProgressResolver, CampaignResolver, MemberCampaignsResolver } from "./campaign-resolver";
import { BonusRuleResolver } from "./bonus-rule-resolver";
import { MemberConnectionResolver, MemberResolver } from "./member-resolver";
import { MemberSubscriptionResolver, PointsSubscriptionResolver } from "./member-subscription-resolver";
import { MemberTierResolver } from "./member-tier-resolver";
import { LotteryResolver, MemberLotteryResolver } from "./lotteries-resolver";
import { KpiResolver } from "./kpi-resolver";
import { CampaignRollupResolver } from "./campaign-rollup-resolver";
import { MarketingSpendResolver } from "./marketing-spend-resolver";
import { LeaderboardResolver, LeaderboardStandingResolver, MemberLeaderboardResolver } from "./leaderboard-resolver";
import { MemberScoresResolver } from "./member-scores-resolver";
import { NodeResolver } from "./node-resolver";
import { PartnerResolver } from "./partner-resolver";
import { CheckInResolver, MemberCheckInResolver } from "./check-in-resolver";
import { MemberCoalitionFieldsResolver, MemberCoalitionResolver, PartnerGrantResolver } from "./member-coalition-resolver";
import { PartnerBenefitResolver } from "./partner-benefit-resolver";
import { PartnerMemberResolver } from "./partner-member-resolver";
import { PartnerPointsResolver } from "./partner-points-resolver";
import { OpenSettlementPeriodResolver, PartnerSettlementFieldsResolver, SettlementResolver, SettlementStatementResolver } from "./settlement-resolver";
import { pointsResolvers } from "./points-resolver";
import { RewardResolver } from "./reward-resolver";
import { MemberReferralResolver, ReferralAmbassadorResolver, ReferralResolver, ReferralSummaryResolver } from "./referral-resolver";
import { ScoringRunResolver } from "./scoring-run-resolver";
import { MemberSegmentsResolver, SegmentResolver, SegmentSchemeResolver } from "./segment-resolver";
import { SegmentAnalysisResolver, SegmentMemberConnectionResolver } from "./segment-analysis-resolver";
import { SegmentEvaluationResolver } from "./segment-evaluation-resolver";
import { SegmentSubscriptionResolver } from "./segment-subscription-resolver";
import { SignInResolver } from "./sign-in-resolver";
import { StaffResolver } from "./staff-resolver";
import { TierResolver } from "./tier-resolver";
import { WebhookResolver } from "./webhook-resolver";

export const resolvers = [
  MemberResolver,
  MemberConnectionResolver,
  MemberSubscriptionResolver,
  PointsSubscriptionResolver,
  MemberTierResolver,
  ...pointsResolvers,
  RewardResolver,
  BonusRuleResolver,
  BehaviourEventResolver,
  MemberScoresResolver,
  ScoringRunResolver,
  SegmentSchemeResolver,
  SegmentResolver,
  MemberSegmentsResolver,
  SegmentSubscriptionResolver,
  SegmentEvaluationResolver,
  SegmentAnalysisResolver,
  SegmentMemberConnectionResolver,
  CampaignResolver,
  MemberCampaignsResolver,
  CampaignProgressResolver,
  NodeResolver,
  PartnerResolver,
  PartnerMemberResolver,
  PartnerBenefitResolver,
  PartnerPointsResolver,
  SettlementResolver,
  SettlementStatementResolver,
  OpenSettlementPeriodResolver,
  PartnerSettlementFieldsResolver,
  MemberCoalitionResolver,
  MemberCoalitionFieldsResolver,
  PartnerGrantResolver,
  CheckInResolver,
  MemberCheckInResolver,
  SignInResolver,
  StaffResolver,
  TierResolver,
  WebhookResolver,
  MemberReferralResolver,
  ReferralSummaryResolver,
  ReferralResolver,
  ReferralAmbassadorResolver,
  LotteryResolver,
  MemberLotteryResolver,
  ChallengeResolver,
  MemberChallengesResolver,
  BadgeResolver,
  MemberBadgesResolver,
  KpiResolver,
  CampaignRollupResolver,
  MarketingSpendResolver,
  LeaderboardResolver,
  LeaderboardStandingResolver,
  MemberLeaderboardResolver,
] as const;
