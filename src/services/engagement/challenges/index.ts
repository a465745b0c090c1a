// Challenges, badges and titles: built once per process; their listeners subscribe to the engagement hub here.
import type { DataSource } from "typeorm";
import type { Clock } from "../../../clock";
import type { Config } from "../../../config";
import type { EventBus } from "../../../events/event-bus";
import type { AuditService } from "../../audit-service";
import type { PointsLedger } from "../../points/points-ledger";
import { BadgeRules } from "../badges/badge-rules";
import { BadgeService } from "../badges/badge-service";
import type { EngagementHub } from "../engagement-hub";
import { ChallengeProgress } from "./challenge-progress";
import { ChallengeReader } from "./challenge-reader";
import { ChallengeRewards } from "./challenge-rewards";
import { ChallengeService } from "./challenge-service";

export interface ChallengeDependencies {
  dataSource: DataSource;
  clock: Clock;
  config: Config;
  audit: AuditService;
  ledger: PointsLedger;
  events: EventBus;
  engagement: EngagementHub;
  onBackgroundError: (error: unknown, what: string) => void;
}

export function createChallengeServices({ dataSource, clock, config, audit, ledger, events, engagement, onBackgroundError }: ChallengeDependencies) {
  const badges = new BadgeService(dataSource, clock, audit);
  const badgeRules = new BadgeRules(dataSource, clock, badges, config.badges);
  const challengeRewards = new ChallengeRewards(dataSource, clock, ledger, badges, events, onBackgroundError);
  const challengeProgress = new ChallengeProgress(clock, challengeRewards);
  engagement.subscribe((manager, activity) => challengeProgress.onActivity(manager, activity));
  engagement.subscribe((manager, activity) => badgeRules.onActivity(manager, activity));
  return {
    challenges: new ChallengeService(dataSource, clock, audit),
    challengeReader: new ChallengeReader(dataSource, clock),
    challengeRewards,
    badges,
    badgeRules,
  };
}
