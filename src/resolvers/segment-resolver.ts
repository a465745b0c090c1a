import { GraphQLJSON } from "graphql-scalars";
import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { badUserInput } from "../errors";
import { expectNumberId } from "../schema/global-id";
import { Member } from "../schema/member-type";
import { CreateSegmentSchemeInput, MemberSegment, Segment, SegmentPreview, SegmentScheme } from "../schema/segment-types";
import type { RequestContext } from "../server/request-context";

@Resolver(() => SegmentScheme)
export class SegmentSchemeResolver {
  @Authorized("members:read")
  @Query(() => [SegmentScheme], { description: "Segment schemes: built-in (RFM, lifecycle, activity, value band, clusters) and the operators' own. Staff." })
  async segmentSchemes(@Ctx() context: RequestContext): Promise<SegmentScheme[]> {
    return (await context.services.segmentReader.schemes()).map(SegmentScheme.fromRecord);
  }

  @FieldResolver(() => [Segment], { description: "In order." })
  async segments(@Root() scheme: SegmentScheme, @Ctx() context: RequestContext): Promise<Segment[]> {
    return (await context.services.segmentReader.segmentsOf([scheme.record.id])).map(Segment.fromRecord);
  }

  @Authorized("members:read")
  @Query(() => SegmentPreview, { description: "Size and a sample of the members a rule selects now, without saving it. Faults name their path in extensions.field. Staff." })
  async previewSegment(
    @Arg("rule", () => GraphQLJSON) rule: unknown,
    @Arg("sample", () => Int, { defaultValue: 10 }) sample: number,
    @Ctx() context: RequestContext,
  ): Promise<SegmentPreview> {
    if (!Number.isInteger(sample) || sample < 0 || sample > 100) throw badUserInput("sample must be 0 to 100.", "sample");
    const preview = await context.services.segmentReader.preview(rule, sample);
    return { size: preview.size, sample: preview.sample.map(Member.fromRecord) };
  }
}

@Resolver(() => Segment)
export class SegmentResolver {
  @Authorized("rules:write")
  @Mutation(() => SegmentScheme, {
    description: "Creates a scheme of your own: segments in order, then a catch-all. Every member is placed in it before this returns. Audited.",
  })
  async createSegmentScheme(@Arg("input", () => CreateSegmentSchemeInput) input: CreateSegmentSchemeInput, @Ctx() context: RequestContext): Promise<SegmentScheme> {
    const { scheme } = await context.services.segmentDefinitions.createScheme(context, input);
    return SegmentScheme.fromRecord(scheme);
  }

  @Authorized("rules:write")
  @Mutation(() => Segment, { description: "Changes a segment's rule; its scheme is re-evaluated at once (moves with reason RULE_CHANGE). Not for built-in schemes or catch-alls. Audited." })
  async updateSegmentRule(@Arg("segmentId", () => ID) segmentId: string, @Arg("rule", () => GraphQLJSON) rule: unknown, @Ctx() context: RequestContext): Promise<Segment> {
    const id = expectNumberId(segmentId, "segmentId", "segment", "Segment");
    const { segment } = await context.services.segmentDefinitions.updateSegmentRule(context, id, rule);
    return Segment.fromRecord(segment);
  }

  @FieldResolver(() => Int, { description: "Members in the segment now (ad-hoc segments: not stored, 0)." })
  async size(@Root() segment: Segment, @Ctx() context: RequestContext): Promise<number> {
    return (await context.services.segmentReader.sizes([segment.record.id])).get(segment.record.id) ?? 0;
  }
}

@Resolver(() => Member)
export class MemberSegmentsResolver {
  @Authorized("members:read")
  @FieldResolver(() => [MemberSegment], { description: "The member's segment in each scheme, since when. Staff only." })
  async segments(@Root() member: Member, @Ctx() context: RequestContext): Promise<MemberSegment[]> {
    const reader = context.services.segmentReader;
    const memberships = await reader.memberships(member.record.id);
    if (memberships.length === 0) return [];
    const segments = new Map((await reader.segments(memberships.map((membership) => membership.segmentId))).map((segment) => [segment.id, segment]));
    const schemes = new Map((await reader.schemes()).map((scheme) => [scheme.id, scheme]));
    return memberships.map((membership) => ({
      scheme: SegmentScheme.fromRecord(schemes.get(membership.schemeId)!),
      segment: Segment.fromRecord(segments.get(membership.segmentId)!),
      enteredAt: membership.enteredAt,
    }));
  }
}
