import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import { requireCanReadMember, requireMember, requirePermission } from "../auth/policies";
import type { ChallengeRecord } from "../entities";
import { notFound } from "../errors";
import { Challenge, ChallengeFigures, CreateChallengeInput, MemberChallenge, UpdateChallengeInput } from "../schema/challenge-types";
import { expectNumberId } from "../schema/global-id";
import { Member } from "../schema/member-type";
import type { MemberChallengeView } from "../services/engagement/challenges/challenge-reader";
import type { RequestContext } from "../server/request-context";

const challengeId = (id: string) => expectNumberId(id, "id", "challenge", "Challenge");
const segmentIds = (ids: string[] | null | undefined, field: string) => ids?.map((id, index) => expectNumberId(id, `${field}[${index}]`, "segment", "Segment"));

/** Challenges with their reward badges read in one query. */
async function challengeTypes(context: RequestContext, records: ChallengeRecord[]): Promise<Challenge[]> {
  const badges = await context.services.badges.byIds(records.flatMap((record) => (record.rewardBadgeId === null ? [] : [record.rewardBadgeId])));
  return records.map((record) => Challenge.fromRecord(record, badges));
}

async function memberChallengeTypes(context: RequestContext, views: MemberChallengeView[]): Promise<MemberChallenge[]> {
  const badges = await context.services.badges.byIds(views.flatMap((view) => (view.challenge.rewardBadgeId === null ? [] : [view.challenge.rewardBadgeId])));
  return views.map((view) => MemberChallenge.fromView(view, badges));
}

@Resolver(() => Challenge)
export class ChallengeResolver {
  @Query(() => [MemberChallenge], { description: "The signed-in member's challenges running now, ending soonest first: progress, whether they may take part, and the reward." })
  async challenges(@Ctx() context: RequestContext): Promise<MemberChallenge[]> {
    const memberId = requireMember(context.identity);
    return memberChallengeTypes(context, await context.services.challengeReader.running(memberId));
  }

  @Authorized("members:read")
  @Query(() => [Challenge], { description: "Challenge definitions, newest first, for staff." })
  async challengeDefinitions(@Ctx() context: RequestContext, @Arg("activeOnly", { defaultValue: false }) activeOnly: boolean): Promise<Challenge[]> {
    return challengeTypes(context, await context.services.challengeReader.list(activeOnly));
  }

  @Authorized("members:read")
  @Query(() => Challenge, { description: "One challenge definition, for staff." })
  async challengeDefinition(@Arg("id", () => ID) id: string, @Ctx() context: RequestContext): Promise<Challenge> {
    const record = await context.services.challengeReader.byId(challengeId(id));
    if (!record) throw notFound(`No challenge ${id}: list them with challengeDefinitions.`);
    return (await challengeTypes(context, [record]))[0];
  }

  @FieldResolver(() => ChallengeFigures, { description: "Members who made progress and who completed. Staff with members:read." })
  async figures(@Root() challenge: Challenge, @Ctx() context: RequestContext): Promise<ChallengeFigures> {
    requirePermission(context.identity, "members:read");
    return (await context.services.challengeReader.figures([challenge.record.id])).get(challenge.record.id)!;
  }

  @Authorized("engagement:write")
  @Mutation(() => Challenge, { description: "Defines a challenge, inactive until activateChallenge. Audited." })
  async createChallenge(@Arg("input", () => CreateChallengeInput) input: CreateChallengeInput, @Ctx() context: RequestContext): Promise<Challenge> {
    const record = await context.services.challenges.create(context, { ...input, eligibleSegmentIds: segmentIds(input.eligibleSegmentIds, "input.eligibleSegmentIds") });
    return (await challengeTypes(context, [record]))[0];
  }

  @Authorized("engagement:write")
  @Mutation(() => Challenge, { description: "Changes a challenge: anything before it starts, only the texts and endsAt after. Audited." })
  async updateChallenge(@Arg("id", () => ID) id: string, @Arg("input", () => UpdateChallengeInput) input: UpdateChallengeInput, @Ctx() context: RequestContext): Promise<Challenge> {
    const record = await context.services.challenges.update(context, challengeId(id), { ...input, eligibleSegmentIds: segmentIds(input.eligibleSegmentIds, "input.eligibleSegmentIds") });
    return (await challengeTypes(context, [record]))[0];
  }

  @Authorized("engagement:write")
  @Mutation(() => Challenge, { description: "Starts counting members' activities and shows the challenge to members (from startsAt). Audited." })
  async activateChallenge(@Arg("id", () => ID) id: string, @Ctx() context: RequestContext): Promise<Challenge> {
    return (await challengeTypes(context, [await context.services.challenges.setActive(context, challengeId(id), true)]))[0];
  }

  @Authorized("engagement:write")
  @Mutation(() => Challenge, { description: "Stops counting and hides the challenge from members; progress and completions stay. Audited." })
  async deactivateChallenge(@Arg("id", () => ID) id: string, @Ctx() context: RequestContext): Promise<Challenge> {
    return (await challengeTypes(context, [await context.services.challenges.setActive(context, challengeId(id), false)]))[0];
  }
}

@Resolver(() => Member)
export class MemberChallengesResolver {
  @FieldResolver(() => [MemberChallenge], { description: "The challenges the member has made progress in, latest first (at most 100): the member, or staff with members:read." })
  async challenges(@Root() member: Member, @Ctx() context: RequestContext): Promise<MemberChallenge[]> {
    requireCanReadMember(context.identity, member.record.id);
    return memberChallengeTypes(context, await context.services.challengeReader.ofMember(member.record.id));
  }
}
