import { Arg, Ctx, Field, ID, ObjectType, Resolver, Root, Subscription, type SubscribeResolverData } from "type-graphql";
import { hasPermission } from "../auth/identity";
import { requireCanReadMember, requirePermission } from "../auth/policies";
import { forbidden, notFound, unauthenticated } from "../errors";
import { topics, type SegmentMovedEvent } from "../events/event-bus";
import { expectGlobalId, expectNumberId } from "../schema/global-id";
import { Member } from "../schema/member-type";
import { Segment, SegmentScheme } from "../schema/segment-types";
import type { RequestContext } from "../server/request-context";

@ObjectType({ description: "A member's committed move from one segment of a scheme to another." })
class SegmentMove {
  @Field(() => Member)
  member: Member;

  @Field(() => SegmentScheme)
  scheme: SegmentScheme;

  @Field(() => Segment, { nullable: true, description: "Null when the member entered the scheme." })
  from: Segment | null;

  @Field(() => Segment)
  to: Segment;

  @Field({ description: "INITIAL, EVENT, SCHEDULE, RULE_CHANGE or MANUAL." })
  reason: string;

  @Field(() => Date)
  at: Date;
}

interface SegmentMovesArguments {
  schemeId?: string | null;
  segmentId?: string | null;
  memberId?: string | null;
}

/**
 * Checked when subscribing and again for every move: staff with members:read see every move, a member only their
 * own, partners none. Each filter is optional; a segment matches a move into or out of it.
 */
function subscribeToSegmentMoves({ args, context }: SubscribeResolverData<unknown, SegmentMovesArguments, RequestContext>) {
  const { identity } = context;
  if (identity.kind === "anonymous") throw unauthenticated();
  if (identity.kind === "partner") throw forbidden("Partners do not receive segment moves.");
  const schemeId = args.schemeId ? expectNumberId(args.schemeId, "schemeId", "segment scheme", "SegmentScheme") : null;
  const segmentId = args.segmentId ? expectNumberId(args.segmentId, "segmentId", "segment", "Segment") : null;
  const memberId = args.memberId ? expectGlobalId(args.memberId, "Member", "memberId") : null;
  if (memberId !== null) requireCanReadMember(identity, memberId);
  else if (identity.kind !== "member") requirePermission(identity, "members:read");
  const mayReceive = (event: SegmentMovedEvent) =>
    (schemeId === null || event.schemeId === schemeId) &&
    (segmentId === null || event.toSegmentId === segmentId || event.fromSegmentId === segmentId) &&
    (memberId === null || event.memberId === memberId) &&
    ((identity.kind === "member" && identity.memberId === event.memberId) || hasPermission(identity, "members:read"));
  return context.events.subscribe(topics.segmentMoved, mayReceive);
}

@Resolver()
export class SegmentSubscriptionResolver {
  @Subscription(() => SegmentMove, {
    subscribe: subscribeToSegmentMoves,
    description: "Live segment moves, after they commit. Filters are optional. Staff with members:read see all; a member only their own; partners none.",
  })
  async segmentMoves(
    @Root() event: SegmentMovedEvent,
    @Ctx() context: RequestContext,
    @Arg("schemeId", () => ID, { nullable: true }) _schemeId?: string | null,
    @Arg("segmentId", () => ID, { nullable: true }) _segmentId?: string | null,
    @Arg("memberId", () => ID, { nullable: true }) _memberId?: string | null,
  ): Promise<SegmentMove> {
    const record = await context.services.members.findById(event.memberId);
    if (!record) throw notFound("The member who moved no longer exists.");
    const reader = context.services.segmentReader;
    const segments = new Map((await reader.segments([event.toSegmentId, ...(event.fromSegmentId === null ? [] : [event.fromSegmentId])])).map((segment) => [segment.id, segment]));
    const scheme = (await reader.schemes()).find((candidate) => candidate.id === event.schemeId);
    const to = segments.get(event.toSegmentId);
    if (!scheme || !to) throw notFound("The segment of this move no longer exists.");
    const from = event.fromSegmentId === null ? null : segments.get(event.fromSegmentId);
    return {
      member: Member.fromRecord(record),
      scheme: SegmentScheme.fromRecord(scheme),
      from: from ? Segment.fromRecord(from) : null,
      to: Segment.fromRecord(to),
      reason: event.reason,
      at: new Date(event.at),
    };
  }
}
