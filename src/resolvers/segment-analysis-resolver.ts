// What a segment holds: its size, its members page by page, a breakdown by tier and lifecycle, overlaps. Staff
// only: a Segment is also reachable from a member's own segmentMoves subscription.
import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from "type-graphql";
import { badUserInput, notFound } from "../errors";
import { connectionBody } from "../schema/connection";
import { expectNumberId } from "../schema/global-id";
import { Member } from "../schema/member-type";
import { decodeCursor, encodeCursor, validFirst } from "../schema/paging";
import { Segment, SegmentBreakdown, SegmentMemberConnection, SegmentOverlap } from "../schema/segment-types";
import type { RequestContext } from "../server/request-context";

const memberCursorKind = "segment-member";
const maximumOverlapSegments = 10;

@Resolver(() => Segment)
export class SegmentAnalysisResolver {
  @Authorized("members:read")
  @FieldResolver(() => Int, { description: "Members in the segment now (an ad-hoc segment: those its rule selects now)." })
  async size(@Root() segment: Segment, @Ctx() context: RequestContext): Promise<number> {
    return context.services.segmentAnalysis.size(segment.record);
  }

  @Authorized("members:read")
  @FieldResolver(() => SegmentMemberConnection, { description: "The segment's members in id order, a page at a time." })
  async members(
    @Root() segment: Segment,
    @Arg("first", () => Int, { defaultValue: 20 }) first: number,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Ctx() context: RequestContext,
  ): Promise<SegmentMemberConnection> {
    const page = await context.services.segmentAnalysis.memberIds(segment.record, validFirst(first), decodeCursor(memberCursorKind, after));
    const byId = new Map((await context.services.members.findByIds(page.ids)).map((record) => [record.id, record]));
    const members = page.ids.flatMap((id) => (byId.has(id) ? [Member.fromRecord(byId.get(id)!)] : []));
    return Object.assign(new SegmentMemberConnection(), connectionBody(members, (member) => encodeCursor(memberCursorKind, member.record.id), page.hasNextPage), { segment: segment.record });
  }

  @Authorized("members:read")
  @FieldResolver(() => SegmentBreakdown)
  async breakdown(@Root() segment: Segment, @Ctx() context: RequestContext): Promise<SegmentBreakdown> {
    return context.services.segmentAnalysis.breakdown(segment.record);
  }

  @Authorized("members:read")
  @Query(() => [SegmentOverlap], { description: `Members each pair of segments shares now (2 to ${maximumOverlapSegments} segments, ad hoc or in schemes). Staff.` })
  async segmentOverlaps(@Arg("segmentIds", () => [ID]) segmentIds: string[], @Ctx() context: RequestContext): Promise<SegmentOverlap[]> {
    if (segmentIds.length < 2 || segmentIds.length > maximumOverlapSegments) throw badUserInput(`segmentIds must name 2 to ${maximumOverlapSegments} segments.`, "segmentIds");
    const ids = segmentIds.map((id, index) => expectNumberId(id, `segmentIds[${index}]`, "segment", "Segment"));
    if (new Set(ids).size !== ids.length) throw badUserInput("segmentIds names a segment twice.", "segmentIds");
    const records = await context.services.segmentReader.segments(ids);
    const byId = new Map(records.map((record) => [record.id, record]));
    const missing = ids.find((id) => !byId.has(id));
    if (missing !== undefined) throw notFound(`No segment ${missing}.`);
    const overlaps = await context.services.segmentAnalysis.overlaps(ids.map((id) => byId.get(id)!));
    return overlaps.map((overlap) => ({ first: Segment.fromRecord(overlap.first), second: Segment.fromRecord(overlap.second), members: overlap.members }));
  }
}

@Resolver(() => SegmentMemberConnection)
export class SegmentMemberConnectionResolver {
  @FieldResolver(() => Int, { description: "Members in the segment now." })
  async totalCount(@Root() connection: SegmentMemberConnection, @Ctx() context: RequestContext): Promise<number> {
    return context.services.segmentAnalysis.size(connection.segment);
  }
}
