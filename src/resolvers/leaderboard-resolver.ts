import { Arg, Authorized, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { hasPermission } from "../auth/identity";
import { requireCanReadMember, requireMember, requirePermission } from "../auth/policies";
import type { LeaderboardPeriodKind, LeaderboardScope } from "../engine/engagement/leaderboards";
import { unauthenticated } from "../errors";
import { Leaderboard, LeaderboardEntry, LeaderboardNeighbours, LeaderboardPeriodEnum, LeaderboardRefreshResult, LeaderboardScopeEnum, LeaderboardStanding } from "../schema/leaderboard-types";
import { Member } from "../schema/member-type";
import type { RequestContext } from "../server/request-context";

@Resolver(() => Leaderboard)
export class LeaderboardResolver {
  @Query(() => Leaderboard, {
    description: "Points earned in a week or month, for a member (their own city's or tier's board in those scopes, and their own place) or staff with members:read (who choose the city or tier).",
  })
  async leaderboard(
    @Arg("period", () => LeaderboardPeriodEnum) period: LeaderboardPeriodKind,
    @Arg("scope", () => LeaderboardScopeEnum, { defaultValue: "ALL" }) scope: LeaderboardScope,
    @Arg("previous", { defaultValue: false, description: "The period before the current one: last week, last month." }) previous: boolean,
    @Arg("city", () => String, { nullable: true, description: "Staff: the city of a CITY board." }) city: string | null,
    @Arg("tierCode", () => String, { nullable: true, description: "Staff: the tier of a TIER board." }) tierCode: string | null,
    @Ctx() context: RequestContext,
  ): Promise<Leaderboard> {
    const { identity } = context;
    if (identity.kind === "anonymous") throw unauthenticated();
    if (identity.kind !== "member") requirePermission(identity, "members:read");
    const viewer = identity.kind === "member" ? { memberId: identity.memberId, revealsNames: false } : { memberId: null, revealsNames: hasPermission(identity, "pii:read") };
    const view = await context.services.leaderboards.open({ metric: "POINTS_EARNED", periodKind: period, scope, previous, city, tierCode }, viewer);
    return Leaderboard.fromView(view);
  }

  // `first` is the top list's own argument, so the query cost limit (graphql-armor) counts it for the list it sizes.
  @FieldResolver(() => [LeaderboardEntry], { description: "The first `first` entries (at most 100), best first." })
  async top(@Root() board: Leaderboard, @Arg("first", () => Int, { defaultValue: 100 }) first: number, @Ctx() context: RequestContext): Promise<LeaderboardEntry[]> {
    return (await context.services.leaderboards.top(board.view, first)).map(LeaderboardEntry.fromView);
  }

  @Mutation(() => Boolean, { description: "The signed-in member shows their name on leaderboards (true) or masks it again (false, the default). Returns the setting." })
  setLeaderboardNameVisible(@Arg("visible") visible: boolean, @Ctx() context: RequestContext): Promise<boolean> {
    return context.services.leaderboards.setNameVisible(context, requireMember(context.identity), visible);
  }

  @Authorized("engagement:write")
  @Mutation(() => LeaderboardRefreshResult, { description: "Rebuilds the leaderboards now rather than at the next scheduled refresh (e.g. to settle last week's before awarding prizes). Takes seconds on a large programme." })
  async refreshLeaderboards(@Ctx() context: RequestContext): Promise<LeaderboardRefreshResult> {
    return LeaderboardRefreshResult.fromSummary(await context.services.leaderboardRefresh.refresh());
  }
}

@Resolver(() => LeaderboardStanding)
export class LeaderboardStandingResolver {
  @FieldResolver(() => LeaderboardNeighbours, { description: "Up to `count` (at most 10) entries just above and just below the member; an unranked member's are the last ranked ones." })
  async neighbours(@Root() standing: LeaderboardStanding, @Arg("count", () => Int, { defaultValue: 2 }) count: number, @Ctx() context: RequestContext): Promise<LeaderboardNeighbours> {
    const { above, below } = await context.services.leaderboards.neighbours(standing.view, count);
    return Object.assign(new LeaderboardNeighbours(), { above: above.map(LeaderboardEntry.fromView), below: below.map(LeaderboardEntry.fromView) });
  }
}

@Resolver(() => Member)
export class MemberLeaderboardResolver {
  @FieldResolver(() => Boolean, { description: "Whether the member shows their name on leaderboards (masked otherwise)." })
  async leaderboardNameVisible(@Root() member: Member, @Ctx() context: RequestContext): Promise<boolean> {
    requireCanReadMember(context.identity, member.record.id);
    return context.services.leaderboards.nameVisible(member.record.id);
  }
}
