import { filter, pipe } from "@graphql-yoga/subscription";
import { Arg, Ctx, Field, ID, ObjectType, Resolver, Root, Subscription, type SubscribeResolverData } from "type-graphql";
import { hasPermission } from "../auth/identity";
import { requireCanReadMember, requirePermission } from "../auth/policies";
import { topics, type MemberChangedEvent } from "../events/event-bus";
import { notFound, unauthenticated } from "../errors";
import { expectGlobalId } from "../schema/global-id";
import { Member } from "../schema/member-type";
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
  return pipe(context.events.subscribe(topics.memberChanged), filter(mayReceive));
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
