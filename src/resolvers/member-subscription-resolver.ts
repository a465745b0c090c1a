import { Arg, Ctx, Field, ID, Int, ObjectType, Resolver, Root, Subscription, type SubscribeResolverData } from "type-graphql";
import { hasPermission } from "../auth/identity";
import { requireCanReadMember, requireMember, requirePermission } from "../auth/policies";
import type { PointEntryType } from "../entities";
import { topics, type MemberChangedEvent, type PointsChangedEvent } from "../events/event-bus";
import { notFound, unauthenticated } from "../errors";
import { expectGlobalId } from "../schema/global-id";
import { PointsEntryTypeEnum } from "../schema/enums";
import { Member } from "../schema/member-type";
import { MemberPoints } from "../schema/points-types";
import type { RequestContext } from "../server/request-context";

@ObjectType({ description: "A committed change of a member's profile or consent." })
class MemberChange {
  @Field(() => Member)
  member: Member;

  @Field(() => [String], { description: "Names of the fields that changed, e.g. name, consent.sms." })
  changedFields: string[];

  @Field(() => Date)
  at: Date;
}

interface MemberChangedArguments {
  memberId?: string | null;
}

/** Checked when subscribing: a member may follow only themself, staff need members:read. */
function subscribeToMemberChanges({ args, context }: SubscribeResolverData<unknown, MemberChangedArguments, RequestContext>) {
  const { identity } = context;
  if (identity.kind === "anonymous") throw unauthenticated();
  const memberId = args.memberId ? expectGlobalId(args.memberId, "Member", "memberId") : null;
  if (memberId !== null) requireCanReadMember(identity, memberId);
  else if (identity.kind !== "member") requirePermission(identity, "members:read");
  // Checked again for every event: each subscriber sees only the members it may read.
  const mayReceive = (event: MemberChangedEvent) =>
    (memberId === null || event.memberId === memberId) &&
    ((identity.kind === "member" && identity.memberId === event.memberId) || hasPermission(identity, "members:read"));
  return context.events.subscribe(topics.memberChanged, mayReceive);
}

@Resolver()
export class MemberSubscriptionResolver {
  @Subscription(() => MemberChange, {
    subscribe: subscribeToMemberChanges,
    description: "Live profile and consent changes, after they commit. A member receives only their own; staff with members:read all, or one member's with memberId.",
  })
  async memberChanged(
    @Root() event: MemberChangedEvent,
    @Ctx() context: RequestContext,
    @Arg("memberId", () => ID, { nullable: true }) _memberId?: string | null,
  ): Promise<MemberChange> {
    const record = await context.services.members.findById(event.memberId);
    if (!record) throw notFound("The member who changed no longer exists.");
    return { member: Member.fromRecord(record), changedFields: event.changedFields, at: new Date(event.at) };
  }
}

@ObjectType({ description: "A committed change of the member's points." })
class PointsChange {
  @Field(() => MemberPoints)
  points: MemberPoints;

  @Field(() => Int, { description: "Net change: positive when points came in." })
  change: number;

  @Field(() => [PointsEntryTypeEnum], { description: "Types of the entries written, e.g. [EARN] or [EXPIRE]." })
  entryTypes: PointEntryType[];

  @Field(() => Date)
  at: Date;
}

/** The member's own app only: a points subscription for a signed-in member, about themself. */
function subscribeToOwnPoints({ context }: SubscribeResolverData<unknown, object, RequestContext>) {
  const memberId = requireMember(context.identity);
  return context.events.subscribe(topics.pointsChanged, (event: PointsChangedEvent) => event.memberId === memberId);
}

@Resolver()
export class PointsSubscriptionResolver {
  @Subscription(() => PointsChange, { subscribe: subscribeToOwnPoints, description: "The signed-in member's points changes (earned, spent, expired...), after they commit." })
  async pointsChanged(@Root() event: PointsChangedEvent, @Ctx() context: RequestContext): Promise<PointsChange> {
    // Not through the loaders: a subscription's context, and its loaders' cache, live as long as the subscription.
    const account = await context.services.pointsReader.account(event.memberId);
    return { points: MemberPoints.fromRecord(event.memberId, account), change: event.change, entryTypes: event.entryTypes, at: new Date(event.at) };
  }
}
