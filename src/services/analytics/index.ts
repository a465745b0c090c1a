// The analytics services of the admin console (KPIs, tier distribution and migration, join cohorts, CLV spread): read-only,
// built once per process.
import type { DataSource } from "typeorm";
import type { Clock } from "../../clock";
import type { Config } from "../../config";
import { ClvDistribution } from "./clv-distribution";
import { CampaignRollup } from "./campaign-rollup";
import { JoinCohorts } from "./join-cohorts";
import { KpiService } from "./kpi-service";
import { TierAnalytics } from "./tier-analytics";

export function createAnalyticsServices(dataSource: DataSource, clock: Clock, config: Config) {
  const utcOffsetMinutes = config.programme.utcOffsetMinutes;
  return {
    // The liability is priced as campaigns price points they give away (POINT_VALUE_FEN).
    kpis: new KpiService(dataSource, { utcOffsetMinutes, pointValueFen: config.campaigns.pointValue }),
    tierAnalytics: new TierAnalytics(dataSource, utcOffsetMinutes),
    joinCohorts: new JoinCohorts(dataSource, clock, utcOffsetMinutes),
    clvDistribution: new ClvDistribution(dataSource),
    campaignRollup: new CampaignRollup(dataSource, utcOffsetMinutes),
  };
}
