// KPIs for the admin console (staff with members:read): series, their CSV, tier distribution and migration, cohorts,
// the CLV distribution.
import { Arg, Args, Authorized, Ctx, Int, Query, Resolver } from "type-graphql";
import { expectNumberId } from "../schema/global-id";
import { ClvBucket, CohortMonth, JoinCohort, KpiSeries, KpiSeriesArgs, TierMigrationCell, TierShare } from "../schema/kpi-types";
import { Tier } from "../schema/tier-type";
import type { RequestContext } from "../server/request-context";
import type { KpiSeriesRequest } from "../services/analytics/kpi-service";

function seriesRequest(args: KpiSeriesArgs): KpiSeriesRequest {
  const schemeId = args.schemeId === null || args.schemeId === undefined ? null : expectNumberId(args.schemeId, "schemeId", "segment scheme", "SegmentScheme");
  return { kpi: args.kpi, from: args.from, to: args.to, granularity: args.granularity, breakdown: args.breakdown, schemeId };
}

@Resolver()
export class KpiResolver {
  @Authorized("members:read")
  @Query(() => KpiSeries, { description: "A KPI per period (and group), each point with the figures it was computed from. At most 400 periods. Staff." })
  async kpiSeries(@Args() args: KpiSeriesArgs, @Ctx() context: RequestContext): Promise<KpiSeries> {
    const points = await context.services.kpis.series(seriesRequest(args));
    return { kpi: args.kpi, granularity: args.granularity, breakdown: args.breakdown, points };
  }

  @Authorized("members:read")
  @Query(() => String, { description: "kpiSeries as CSV text (a header row, then a row per point: value and figures) for analysts. Staff." })
  async kpiSeriesCsv(@Args() args: KpiSeriesArgs, @Ctx() context: RequestContext): Promise<string> {
    return context.services.kpis.seriesCsv(seriesRequest(args));
  }

  @Authorized("members:read")
  @Query(() => [TierShare], { description: "Members who had joined by `at`, per tier they held then, every tier by rank. Staff." })
  async tierDistribution(@Arg("at", () => Date) at: Date, @Ctx() context: RequestContext): Promise<TierShare[]> {
    const counts = await context.services.tierAnalytics.distribution(at);
    const total = counts.reduce((sum, count) => sum + count.members, 0);
    return counts.map((count) => ({ tier: Tier.fromRecord(count.tier), members: count.members, share: total === 0 ? null : count.members / total }));
  }

  @Authorized("members:read")
  @Query(() => [TierMigrationCell], { description: "The tier migration matrix: members by tier at `from` (null: joined later) and tier at `to`, every cell. Staff." })
  async tierMigration(@Arg("from", () => Date) from: Date, @Arg("to", () => Date) to: Date, @Ctx() context: RequestContext): Promise<TierMigrationCell[]> {
    const cells = await context.services.tierAnalytics.migration(from, to);
    return cells.map((cell) => ({ fromTier: cell.fromTier && Tier.fromRecord(cell.fromTier), toTier: Tier.fromRecord(cell.toTier), members: cell.members }));
  }

  @Authorized("members:read")
  @Query(() => [JoinCohort], { description: "Monthly join cohorts overlapping [from, to) (at most 60) with their activity (an order or a login) in each of `months` months since joining (1-36). Staff." })
  async joinCohorts(
    @Arg("from", () => Date) from: Date,
    @Arg("to", () => Date) to: Date,
    @Arg("months", () => Int, { defaultValue: 12 }) months: number,
    @Ctx() context: RequestContext,
  ): Promise<JoinCohort[]> {
    const cohorts = await context.services.joinCohorts.cohorts(from, to, months);
    return cohorts.map((cohort) => ({
      cohortStart: cohort.period.start,
      cohortLabel: cohort.period.label,
      members: cohort.members,
      months: cohort.activeMembers.map((active, monthsSinceJoining): CohortMonth => ({
        monthsSinceJoining,
        periodStart: cohort.monthStarts[monthsSinceJoining],
        activeMembers: active,
        retentionRate: active === null || cohort.members === 0 ? null : active / cohort.members,
      })),
    }));
  }

  @Authorized("members:read")
  @Query(() => [ClvBucket], {
    description: "Members' latest CLV (member_scores) in `buckets` equal-width buckets (1-100) from the lowest value to the highest, empty buckets included; one bucket when all are equal, none before any scoring. Staff.",
  })
  async clvDistribution(@Arg("buckets", () => Int, { defaultValue: 10 }) buckets: number, @Ctx() context: RequestContext): Promise<ClvBucket[]> {
    return context.services.clvDistribution.distribution(buckets);
  }
}
