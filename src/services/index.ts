// Builds every service once per process; they are stateless and shared by all requests.
import type { DataSource } from "typeorm";
import { TokenService } from "../auth/tokens";
import type { Clock } from "../clock";
import type { Config } from "../config";
import { defaultRetryPolicy } from "../engine";
import type { EventBus } from "../events/event-bus";
import { PersonalDataCipher } from "../privacy/personal-data-cipher";
import { AuditService } from "./audit-service";
import { ActivityRecorder } from "./behaviour/activity-recorder";
import { BehaviourEventService } from "./behaviour/behaviour-event-service";
import { ScoringReader } from "./scoring/scoring-reader";
import { SegmentDefinitionService } from "./segments/segment-definition-service";
import { SegmentEvaluationRuns } from "./segments/segment-evaluation-runs";
import { SegmentAnalysis } from "./segments/segment-analysis";
import { CampaignAudience } from "./campaigns/campaign-audience";
import { CampaignDelivery, campaignMessageBody } from "./campaigns/campaign-delivery";
import { CampaignRunner } from "./campaigns/campaign-runner";
import { CampaignReader } from "./campaigns/campaign-reader";
import { CampaignResults } from "./campaigns/campaign-results";
import { CampaignService } from "./campaigns/campaign-service";
import { CampaignTriggers } from "./campaigns/campaign-triggers";
import { SegmentPlacementService } from "./segments/segment-placement-service";
import { SegmentReader } from "./segments/segment-reader";
import { SegmentService } from "./segments/segment-service";
import { ScoringService } from "./scoring/scoring-service";
import { BenefitService } from "./benefit-service";
import { IdempotencyService } from "./idempotency-service";
import { MemberService } from "./member-service";
import { PartnerService } from "./partner-service";
import { createCoalitionServices } from "./coalition";
import { createAnalyticsServices } from "./analytics";
import { MarketingSpendService } from "./analytics/marketing-spend-service";
import { EngagementHub } from "./engagement/engagement-hub";
import { CheckInService } from "./engagement/check-ins/check-in-service";
import { ReferralRewards } from "./engagement/referrals/referral-rewards";
import { ReferralService } from "./engagement/referrals/referral-service";
import { ReferralSignUps } from "./engagement/referrals/referral-sign-ups";
import { createLotteryServices } from "./engagement/lotteries";
import { createChallengeServices } from "./engagement/challenges";
import { createLeaderboardServices } from "./engagement/leaderboards";
import { PartnerRateLimits } from "./partner-rate-limits";
import { ProgrammeDataCache } from "./programme-data-cache";
import { PointsExpiryJob } from "./points/points-expiry-job";
import { PointsLedger } from "./points/points-ledger";
import { PointsReader } from "./points/points-reader";
import { PointsService } from "./points/points-service";
import { BonusRuleService } from "./points/bonus-rule-service";
import { RewardService } from "./points/reward-service";
import type { SignInCodeSender } from "./sign-in-code-sender";
import { SignInService } from "./sign-in-service";
import { StaffService } from "./staff-service";
import { TierQualificationService } from "./tier-qualification-service";
import { TierService } from "./tier-service";
import { SegmentMoveWebhooks } from "./webhooks/segment-move-webhooks";
import { WebhookDispatcher } from "./webhooks/webhook-dispatcher";
import { WebhookService } from "./webhooks/webhook-service";
import { TierPopulationRecorder } from "./analytics/tier-population";
import { regroupPoints } from "./analytics/points-by-group";

export interface ServiceDependencies {
  dataSource: DataSource;
  clock: Clock;
  config: Config;
  events: EventBus;
  signInCodeSender: SignInCodeSender;
  /** Where failures of background work (incremental rescoring) are reported; the server logs them. */
  onBackgroundError?: (error: unknown, what: string) => void;
  /** The server's, on Redis when REDIS_URL is set (openPartnerRateLimits); command-line tools count in the process. */
  partnerRateLimits?: PartnerRateLimits;
}

export function createServices({ dataSource, clock, config, events, signInCodeSender, onBackgroundError = () => undefined, partnerRateLimits }: ServiceDependencies) {
  const cipher = new PersonalDataCipher(config.personalDataKey);
  const tokens = new TokenService(config.jwtSecret, { member: config.memberTokenTtlSeconds, staff: config.staffTokenTtlSeconds });
  const audit = new AuditService(clock);
  const idempotency = new IdempotencyService(dataSource, clock);
  const programme = config.programme;
  const ledger = new PointsLedger(programme);
  const programmeData = new ProgrammeDataCache(clock, config.programmeCacheSeconds);
  // Challenges and badges subscribe to what members do; check-ins and referrals publish here too.
  const engagement = new EngagementHub();
  const activity = new ActivityRecorder({ utcOffsetMinutes: programme.utcOffsetMinutes, windowDays: config.scoring.rfmWindowDays }, engagement);
  const webhooks = new WebhookService(dataSource, clock, cipher, audit, config.webhooks.allowPrivateNetworks);
  const segmentMoveWebhooks = new SegmentMoveWebhooks(webhooks);
  // Webhooks for moves are enqueued in the transaction that writes the moves: they commit, or vanish, together.
  const segmentAnalysis = new SegmentAnalysis(dataSource, clock);
  const campaignAudience = new CampaignAudience(dataSource, segmentAnalysis, config.campaigns);
  const campaignTriggers = new CampaignTriggers(campaignAudience, clock);
  const segments = new SegmentService(dataSource, clock, events, programme.utcOffsetMinutes, {
    // In the transaction that writes the moves: their webhooks, and the campaigns a segment entry triggers.
    afterMovesWritten: async (manager, moves) => {
      await segmentMoveWebhooks.enqueueSegmentMoves(manager, moves);
      await campaignTriggers.onSegmentMoves(manager, moves);
    },
    // Once committed, the moved members' points follow them (POINTS_LIABILITY by SEGMENT). A failure here loses
    // nothing: the moves left their rows, and the kpi-facts job regroups whoever is still waiting.
    afterMovesCommitted: (memberIds) => regroupPoints(dataSource, programme.utcOffsetMinutes, clock.now(), { memberIds }).catch((error: unknown) => onBackgroundError(error, "regrouping the points of members who moved segment")),
  });
  const segmentEvaluations = new SegmentEvaluationRuns(dataSource, clock, segments);
  // A rescored member may have moved segment: their schemes are re-evaluated in the same flow.
  const afterRescore = (memberIds: readonly number[]) => segments.evaluateMembers(memberIds, "EVENT");
  const scoring = new ScoringService(dataSource, clock, activity, { settings: config.scoring, utcOffsetMinutes: programme.utcOffsetMinutes, clusterCount: config.scoringClusters, onError: onBackgroundError, afterRescore });
  // Profile, consent and tier changes reach the segments through a rescoring (which re-evaluates the member).
  const tierPopulation = new TierPopulationRecorder(programme.utcOffsetMinutes);
  const members = new MemberService(dataSource, clock, cipher, events, audit, idempotency, tierPopulation, programme.utcOffsetMinutes, (memberId) => scoring.enqueue(memberId), (manager, memberId) => campaignTriggers.onSignUp(manager, memberId));
  const tierQualification = new TierQualificationService(dataSource, clock, programme, programmeData, events, tierPopulation, (memberId) => scoring.enqueue(memberId), (manager, memberIds) => campaignTriggers.onTierChanges(manager, memberIds));
  const rateLimits = partnerRateLimits ?? new PartnerRateLimits({ redis: null, keyPrefix: config.redisChannelPrefix, lookupMissesPerHour: config.partnerLimits.lookupMissesPerHour });
  const points = new PointsService(dataSource, clock, programme, programmeData, ledger, tierQualification, events, audit, idempotency, activity, (memberId) => scoring.enqueue(memberId));
  // Referrals: judged in the sign-up transaction, qualified by the friend's first order (in its transaction), rewarded just after.
  const referralSignUps = new ReferralSignUps(dataSource, clock, cipher, audit, config.referrals);
  const referralRewards = new ReferralRewards(dataSource, clock, ledger, engagement, events, audit, config.referrals, onBackgroundError);
  engagement.subscribe((manager, happened) => referralRewards.onActivity(manager, happened));
  return {
    cipher,
    tokens,
    audit,
    idempotency,
    members,
    tiers: new TierService(dataSource, clock),
    signIn: new SignInService(dataSource, clock, cipher, members, audit, tokens, signInCodeSender, referralSignUps),
    staff: new StaffService(dataSource, clock, audit, tokens),
    partners: new PartnerService(dataSource, clock, audit, config.partnerLimits.defaultRequestsPerMinute),
    partnerRateLimits: rateLimits,
    points,
    pointsReader: new PointsReader(dataSource, clock, programme),
    pointsExpiry: new PointsExpiryJob(dataSource, clock, ledger, events),
    rewards: new RewardService(dataSource, clock, points, ledger, audit),
    bonusRules: new BonusRuleService(dataSource, clock, audit, programmeData),
    tierQualification,
    benefits: new BenefitService(dataSource, clock, audit),
    activity,
    engagement,
    checkIns: new CheckInService(dataSource, clock, points, ledger, engagement, audit, programme.utcOffsetMinutes),
    referrals: new ReferralService(dataSource, clock, audit, referralRewards, config.referrals),
    referralRewards,
    referralSignUps,
    scoring,
    scoringReader: new ScoringReader(dataSource),
    segments,
    segmentReader: new SegmentReader(dataSource, clock),
    segmentDefinitions: new SegmentDefinitionService(dataSource, clock, audit, segmentEvaluations),
    segmentEvaluations,
    segmentAnalysis,
    campaigns: new CampaignService(dataSource, clock, audit),
    campaignReader: new CampaignReader(dataSource),
    campaignResults: new CampaignResults(dataSource),
    campaignRunner: new CampaignRunner(dataSource, clock, campaignAudience, new CampaignDelivery(dataSource, clock, ledger, webhooks, events, config.campaigns), config.campaigns.utcOffsetMinutes),
    segmentPlacements: new SegmentPlacementService(dataSource, clock, audit, segments),
    behaviourEvents: new BehaviourEventService(dataSource, clock, activity, points, scoring, onBackgroundError),
    ...createAnalyticsServices(dataSource, clock, config),
    marketingSpend: new MarketingSpendService(dataSource, clock, audit, idempotency, programme.utcOffsetMinutes),
    ...createLeaderboardServices(dataSource, clock, audit, programme.utcOffsetMinutes),
    ...createCoalitionServices({ dataSource, clock, config, cipher, audit, idempotency, points, ledger, lookupMisses: rateLimits }),
    ...createLotteryServices({ dataSource, clock, cipher, audit, points, ledger, utcOffsetMinutes: programme.utcOffsetMinutes }),
    ...createChallengeServices({ dataSource, clock, config, audit, ledger, events, engagement, onBackgroundError }),
    webhooks,
    segmentMoveWebhooks,
    webhookDispatcher: new WebhookDispatcher(dataSource, clock, webhooks, {
      timeoutMs: config.webhooks.timeoutMs,
      retryPolicy: { ...defaultRetryPolicy, maxAttempts: config.webhooks.maxAttempts },
      bodyOf: campaignMessageBody(dataSource, cipher),
    }),
  };
}

export type Services = ReturnType<typeof createServices>;
