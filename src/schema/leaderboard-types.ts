// Leaderboards in the API: a board for a period and scope, its top list, and the member's own standing.
import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { leaderboardPeriodKinds, leaderboardScopes } from "../engine/engagement/leaderboards";
import type { LeaderboardRefreshSummary } from "../services/engagement/leaderboards/leaderboard-refresh";
import type { LeaderboardEntryView, LeaderboardView, MyStanding } from "../services/engagement/leaderboards/leaderboard-service";
import { enumObject } from "./enums";
import { toGlobalId } from "./global-id";

export const LeaderboardPeriodEnum = enumObject(leaderboardPeriodKinds);
export const LeaderboardScopeEnum = enumObject(leaderboardScopes);

registerEnumType(LeaderboardPeriodEnum, { name: "LeaderboardPeriod", description: "WEEK: the ISO week from Monday 00:00; MONTH: the calendar month; both in the programme's time zone." });
registerEnumType(LeaderboardScopeEnum, { name: "LeaderboardScope", description: "ALL members, or those of one CITY or one TIER (a member's own; staff choose)." });

@ObjectType({ simpleResolvers: true, description: "One place on a leaderboard. Another member's name is masked (张**) unless they chose to show it; no phone or id of theirs is shown to members." })
export class LeaderboardEntry {
  @Field(() => Int, { description: "Shared by members with the same score (1, 2, 2, 4); within a tie, members are listed by when they joined." })
  rank: number;

  @Field(() => Int, { description: "Points earned in the period." })
  score: number;

  @Field({ description: "The name, or its first character and ** when masked." })
  displayName: string;

  @Field()
  nameMasked: boolean;

  @Field({ description: "This is the signed-in member's own entry." })
  isMe: boolean;

  @Field(() => ID, { nullable: true, description: "The Member's id: for staff, and on the member's own entry; null for other members' entries." })
  memberId: string | null;

  @Field(() => String, { nullable: true, description: "The member's city, on CITY boards only." })
  city: string | null;

  static fromView(view: LeaderboardEntryView): LeaderboardEntry {
    return Object.assign(new LeaderboardEntry(), { ...view, memberId: view.memberId === null ? null : toGlobalId("Member", view.memberId) });
  }
}

@ObjectType({ simpleResolvers: true })
export class LeaderboardNeighbours {
  @Field(() => [LeaderboardEntry], { description: "Just ahead of the member, best first." })
  above: LeaderboardEntry[];

  @Field(() => [LeaderboardEntry], { description: "Just behind the member, best first." })
  below: LeaderboardEntry[];
}

@ObjectType({ description: "The signed-in member's own place on the board." })
export class LeaderboardStanding {
  @Field(() => Int, { nullable: true, description: "Null when the member earned no points in the period (members with none are not ranked)." })
  rank: number | null;

  @Field(() => Int)
  score: number;

  @Field({ description: "Whether the member shows their name to others on leaderboards (setLeaderboardNameVisible)." })
  nameVisible: boolean;

  /** The board this standing is on, for the neighbours. */
  view: LeaderboardView;

  static fromView(view: LeaderboardView, me: MyStanding): LeaderboardStanding {
    return Object.assign(new LeaderboardStanding(), { rank: me.rank, score: me.score, nameVisible: me.nameVisible, view });
  }
}

@ObjectType({ description: "A leaderboard of points earned in a period, as of its last refresh (every few minutes)." })
export class Leaderboard {
  @Field(() => LeaderboardPeriodEnum)
  period: string;

  @Field(() => LeaderboardScopeEnum)
  scope: string;

  @Field({ description: "2026-W48 for a week (ISO week numbering), 2026-11 for a month." })
  periodLabel: string;

  @Field(() => Date)
  periodStart: Date;

  @Field(() => Date, { description: "The first instant after the period." })
  periodEnd: Date;

  @Field(() => String, { nullable: true, description: "The city of a CITY board; null on others, and for a member without a city." })
  city: string | null;

  @Field(() => String, { nullable: true, description: "The tier code of a TIER board." })
  tierCode: string | null;

  @Field(() => Date, { nullable: true, description: "When the standings were computed; null before the period's first refresh (the board is then empty)." })
  refreshedAt: Date | null;

  @Field({ description: "The period had ended when the standings were computed: they will not change." })
  final: boolean;

  @Field(() => Int, { description: "Members ranked on this board (those who earned points in the period)." })
  rankedMembers: number;

  @Field(() => LeaderboardStanding, { nullable: true, description: "The signed-in member's place; null for staff." })
  me: LeaderboardStanding | null;

  /** What the board's fields read from (the top list through LeaderboardResolver.top). */
  view: LeaderboardView;

  static fromView(view: LeaderboardView): Leaderboard {
    return Object.assign(new Leaderboard(), {
      period: view.period.kind,
      scope: view.request.scope,
      periodLabel: view.period.key,
      periodStart: view.period.start,
      periodEnd: view.period.end,
      city: view.boardScope?.scope === "CITY" ? view.boardScope.city : null,
      tierCode: view.tierCode,
      refreshedAt: view.board?.asOf ?? null,
      final: view.board !== null && view.board.asOf.getTime() >= view.period.end.getTime(),
      rankedMembers: view.rankedMembers,
      view,
      me: view.me ? LeaderboardStanding.fromView(view, view.me) : null,
    });
  }
}

@ObjectType({ simpleResolvers: true })
export class LeaderboardBoardBuilt {
  @Field()
  period: string;

  @Field(() => Int)
  rankedMembers: number;

  @Field({ description: "How long the build took." })
  seconds: number;
}

@ObjectType({ simpleResolvers: true, description: "What a refresh of the leaderboards did." })
export class LeaderboardRefreshResult {
  @Field(() => [LeaderboardBoardBuilt])
  built: LeaderboardBoardBuilt[];

  @Field(() => [String], { description: "Boards left as they were: final, or unchanged since they were built." })
  kept: string[];

  static fromSummary(summary: LeaderboardRefreshSummary): LeaderboardRefreshResult {
    return Object.assign(new LeaderboardRefreshResult(), { built: summary.built.map((board) => Object.assign(new LeaderboardBoardBuilt(), board)), kept: summary.kept });
  }
}
