import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { badUserInput } from "../errors";
import { expectGlobalId, expectNumberId } from "../schema/global-id";
import { Member } from "../schema/member-type";
import { plainRule, SegmentRuleInput } from "../schema/segment-rule-input";
import { CreateSegmentSchemeInput, MemberSegment, Segment, SegmentDefinitionInput, SegmentPreview, SegmentScheme } from "../schema/segment-types";
import type { SegmentMembershipRecord } from "../entities";
import type { RequestContext } from "../server/request-context";

const segmentId = (id: string, argument = "segmentId") => expectNumberId(id, argument, "segment", "Segment");
const schemeId = (id: string) => expectNumberId(id, "schemeId", "segment scheme", "SegmentScheme");

/** The member's segment in each scheme (or the given memberships), as the API shows them. */
async function memberSegments(context: RequestContext, memberships: SegmentMembershipRecord[]): Promise<MemberSegment[]> {
  if (memberships.length === 0) return [];
  const reader = context.services.segmentReader;
  const segments = new Map((await reader.segments(memberships.map((membership) => membership.segmentId))).map((segment) => [segment.id, segment]));
  const schemes = new Map((await reader.schemes()).map((scheme) => [scheme.id, scheme]));
  return memberships.map((membership) => ({
    scheme: SegmentScheme.fromRecord(schemes.get(membership.schemeId)!),
    segment: Segment.fromRecord(segments.get(membership.segmentId)!),
    enteredAt: membership.enteredAt,
    pinned: membership.pinned,
  }));
}

@Resolver(() => SegmentScheme)
export class SegmentSchemeResolver {
  @Authorized("members:read")
  @Query(() => [SegmentScheme], { description: "Segment schemes: built-in (RFM, lifecycle, activity, value band, clusters) and the operators' own. Staff." })
  async segmentSchemes(@Ctx() context: RequestContext): Promise<SegmentScheme[]> {
    return (await context.services.segmentReader.schemes()).map(SegmentScheme.fromRecord);
  }

  @Authorized("members:read")
  @Query(() => [Segment], { description: "Ad-hoc segments: named rules outside schemes, for targeting; a member may be in several. Staff." })
  async adHocSegments(@Ctx() context: RequestContext): Promise<Segment[]> {
    return (await context.services.segmentReader.adHocSegments()).map(Segment.fromRecord);
  }

  @FieldResolver(() => [Segment], { description: "In order." })
  async segments(@Root() scheme: SegmentScheme, @Ctx() context: RequestContext): Promise<Segment[]> {
    return (await context.services.segmentReader.segmentsOf([scheme.record.id])).map(Segment.fromRecord);
  }

  @Authorized("members:read")
  @Query(() => SegmentPreview, { description: "Size and a sample of the members a rule selects now, without saving it. Faults name their path in extensions.field. Staff." })
  async previewSegment(
    @Arg("rule", () => SegmentRuleInput) rule: SegmentRuleInput,
    @Arg("sample", () => Int, { defaultValue: 10 }) sample: number,
    @Ctx() context: RequestContext,
  ): Promise<SegmentPreview> {
    if (!Number.isInteger(sample) || sample < 0 || sample > 100) throw badUserInput("sample must be 0 to 100.", "sample");
    const preview = await context.services.segmentReader.preview(plainRule(rule), sample);
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
    const segments = input.segments.map((segment) => ({ ...segment, rule: plainRule(segment.rule) }));
    const { scheme } = await context.services.segmentDefinitions.createScheme(context, { ...input, segments });
    return SegmentScheme.fromRecord(scheme);
  }

  @Authorized("rules:write")
  @Mutation(() => Segment, { description: "Creates an ad-hoc segment: a named rule outside any scheme, for targeting. Audited." })
  async createAdHocSegment(@Arg("input", () => SegmentDefinitionInput) input: SegmentDefinitionInput, @Ctx() context: RequestContext): Promise<Segment> {
    return Segment.fromRecord(await context.services.segmentDefinitions.createAdHocSegment(context, { ...input, rule: plainRule(input.rule) }));
  }

  @Authorized("rules:write")
  @Mutation(() => Segment, {
    description: "Changes a segment's rule; a scheme's segment is re-evaluated at once (moves with reason RULE_CHANGE). Not for built-in schemes or catch-alls. Audited.",
  })
  async updateSegmentRule(@Arg("segmentId", () => ID) id: string, @Arg("rule", () => SegmentRuleInput) rule: SegmentRuleInput, @Ctx() context: RequestContext): Promise<Segment> {
    const { segment } = await context.services.segmentDefinitions.updateSegmentRule(context, segmentId(id), plainRule(rule));
    return Segment.fromRecord(segment);
  }

  @Authorized("rules:write")
  @Mutation(() => Segment, { description: "Renames a segment of your own scheme or an ad-hoc one. Audited." })
  async renameSegment(@Arg("segmentId", () => ID) id: string, @Arg("name") name: string, @Arg("nameEn") nameEn: string, @Ctx() context: RequestContext): Promise<Segment> {
    return Segment.fromRecord(await context.services.segmentDefinitions.renameSegment(context, segmentId(id), { name, nameEn }));
  }

  @Authorized("rules:write")
  @Mutation(() => SegmentScheme, {
    description: "Puts your scheme's segments in a new order (all but the catch-all, which stays last) and re-evaluates the scheme at once. Audited.",
  })
  async reorderSegments(@Arg("schemeId", () => ID) scheme: string, @Arg("segmentIds", () => [ID]) segmentIds: string[], @Ctx() context: RequestContext): Promise<SegmentScheme> {
    const id = schemeId(scheme);
    await context.services.segmentDefinitions.reorderSegments(context, id, segmentIds.map((segment, index) => segmentId(segment, `segmentIds[${index}]`)));
    return SegmentScheme.fromRecord((await context.services.segmentReader.schemes()).find((candidate) => candidate.id === id)!);
  }

  @Authorized("rules:write")
  @Mutation(() => MemberSegment, {
    description: "Places a member in a segment of your own scheme by hand and pins them there (a move with reason MANUAL); re-evaluations leave them until released. Audited.",
  })
  async placeMemberInSegment(@Arg("memberId", () => ID) memberId: string, @Arg("segmentId", () => ID) segment: string, @Ctx() context: RequestContext): Promise<MemberSegment> {
    const membership = await context.services.segmentPlacements.placeManually(context, expectGlobalId(memberId, "Member", "memberId"), segmentId(segment));
    return (await memberSegments(context, [membership]))[0];
  }

  @Authorized("rules:write")
  @Mutation(() => MemberSegment, { description: "Releases a placement by hand: the member goes back to the scheme's rules at once. Audited." })
  async releaseSegmentPlacement(@Arg("memberId", () => ID) memberId: string, @Arg("schemeId", () => ID) scheme: string, @Ctx() context: RequestContext): Promise<MemberSegment> {
    const member = expectGlobalId(memberId, "Member", "memberId");
    const id = schemeId(scheme);
    await context.services.segmentPlacements.release(context, member, id);
    const memberships = (await context.services.segmentReader.memberships(member)).filter((membership) => membership.schemeId === id);
    return (await memberSegments(context, memberships))[0];
  }
}

@Resolver(() => Member)
export class MemberSegmentsResolver {
  @Authorized("members:read")
  @FieldResolver(() => [MemberSegment], { description: "The member's segment in each scheme, since when. Staff only." })
  async segments(@Root() member: Member, @Ctx() context: RequestContext): Promise<MemberSegment[]> {
    return memberSegments(context, await context.services.segmentReader.memberships(member.record.id));
  }
}
