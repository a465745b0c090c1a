// Every migration, in order. Listed by hand so the compiled server needs no file globbing.
import { CoreSchema1763856000000 } from "./1763856000000-core-schema";
import { PointsAndTiers1763942400000 } from "./1763942400000-points-and-tiers";
import { BehaviourAndScores1764028800000 } from "./1764028800000-behaviour-and-scores";
import { Segments1764115200000 } from "./1764115200000-segments";
import { Webhooks1764201600000 } from "./1764201600000-webhooks";
import { SegmentEvaluationRuns1764288000000 } from "./1764288000000-segment-evaluation-runs";
import { ManualSegmentPlacements1764374400000 } from "./1764374400000-manual-segment-placements";
import { Campaigns1764460800000 } from "./1764460800000-campaigns";
import { PartnerCoalition1764547200000 } from "./1764547200000-partner-coalition";
import { CheckIns1764633600000 } from "./1764633600000-check-ins";
import { MemberCodeUses1764640800000 } from "./1764640800000-member-code-uses";
import { Referrals1764892800000 } from "./1764892800000-referrals";
import { Lotteries1764979200000 } from "./1764979200000-lotteries";
import { ChallengesAndBadges1764720000000 } from "./1764720000000-challenges-and-badges";
import { Leaderboards1764806400000 } from "./1764806400000-leaderboards";
import { KpiFacts1765065600000 } from "./1765065600000-kpi-facts";
import { KpiPointsFacts1765065600001 } from "./1765065600001-kpi-points-facts";
import { MembersJoinedGroupsIndex1765152000000 } from "./1765152000000-members-joined-groups-index";
import { KpiDailySums1765238400001 } from "./1765238400001-kpi-daily-sums";
import { MarketingSpend1765324800000 } from "./1765324800000-marketing-spend";
import { SegmentMembershipsMemberIndex1765324800001 } from "./1765324800001-segment-memberships-member-index";
import { KpiPointsByGroup1765411200000 } from "./1765411200000-kpi-points-by-group";
import { SegmentJoins1765497600000 } from "./1765497600000-segment-joins";
import { TierChangesMemberJoined1765584000000 } from "./1765584000000-tier-changes-member-joined";

export const migrations = [
  CoreSchema1763856000000,
  PointsAndTiers1763942400000,
  BehaviourAndScores1764028800000,
  Segments1764115200000,
  Webhooks1764201600000,
  SegmentEvaluationRuns1764288000000,
  ManualSegmentPlacements1764374400000,
  Campaigns1764460800000,
  PartnerCoalition1764547200000,
  CheckIns1764633600000,
  MemberCodeUses1764640800000,
  ChallengesAndBadges1764720000000,
  Leaderboards1764806400000,
  Referrals1764892800000,
  Lotteries1764979200000,
  KpiFacts1765065600000,
  KpiPointsFacts1765065600001,
  MembersJoinedGroupsIndex1765152000000,
  KpiDailySums1765238400001,
  MarketingSpend1765324800000,
  SegmentMembershipsMemberIndex1765324800001,
  KpiPointsByGroup1765411200000,
  SegmentJoins1765497600000,
  TierChangesMemberJoined1765584000000,
];
