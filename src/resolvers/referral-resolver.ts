import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { requireCanReadMember, requireMember } from "../auth/policies";
import type { MemberRecord, ReferralRecord, ReferralStatus } from "../entities";
import { badUserInput, notFound } from "../errors";
import { connectionBody } from "../schema/connection";
import { expectGlobalId, expectNumberId } from "../schema/global-id";
import { Member } from "../schema/member-type";
import { decodeCursor, encodeCursor, validFirst } from "../schema/paging";
import { MemberReferral, MemberReferralConnection, Referral, ReferralAmbassador, ReferralConnection, ReferralReward, ReferralStatusEnum, ReferralSummary } from "../schema/referral-types";
import type { RequestContext } from "../server/request-context";

const cursorKind = "referral";

type LoadedReferral = Referral & { referrerMember?: MemberRecord; friendMember?: MemberRecord; rewardList?: ReferralReward[] };
type LoadedAmbassador = ReferralAmbassador & { memberRecord?: MemberRecord };

/** Staff's referrals with their two members and rewards, loaded for the whole page at once. */
async function withRelations(context: RequestContext, records: ReferralRecord[]): Promise<LoadedReferral[]> {
  const memberIds = [...new Set(records.flatMap((record) => [record.referrerId, record.friendId]))];
  const members = new Map((await context.services.members.findByIds(memberIds)).map((member) => [member.id, member]));
  const rewards = await context.services.referrals.rewardsOf(records.map((record) => record.id));
  return records.map((record) =>
    Object.assign(Referral.fromRecord(record), {
      referrerMember: members.get(record.referrerId),
      friendMember: members.get(record.friendId),
      rewardList: rewards.filter((reward) => reward.referralId === record.id).map(ReferralReward.fromRecord),
    }),
  );
}

@Resolver(() => Member)
export class MemberReferralResolver {
  @FieldResolver(() => ReferralSummary, { description: "The member's referral code and the friends it brought (邀请好友). The member and staff with members:read." })
  async referral(@Root() member: Member, @Ctx() context: RequestContext): Promise<ReferralSummary> {
    requireCanReadMember(context.identity, member.record.id);
    const summary = await context.services.referrals.summary(member.record.id);
    return Object.assign(new ReferralSummary(), {
      memberId: member.record.id,
      code: summary.referrer.code,
      shareUrl: summary.shareUrl,
      referredCount: summary.referredCount,
      qualifiedCount: summary.qualifiedCount,
      rewardsEarned: summary.rewardsEarned,
      ambassador: summary.referrer.ambassador,
    });
  }
}

@Resolver(() => ReferralSummary)
export class ReferralSummaryResolver {
  @Mutation(() => ReferralStatusEnum, {
    description: "A member who joined without a code enters a friend's (填写邀请码), within 7 days of joining and before their first order. PENDING until the first order, or REJECTED when it cannot earn rewards.",
  })
  async enterReferralCode(
    @Arg("code") code: string,
    @Arg("deviceId", () => String, { nullable: true, description: "The app's device id; only a keyed hash is kept." }) deviceId: string | null,
    @Ctx() context: RequestContext,
  ): Promise<ReferralStatus> {
    const memberId = requireMember(context.identity);
    return (await context.services.referralSignUps.enterCode(context, memberId, code, deviceId ?? null)).status;
  }

  @FieldResolver(() => MemberReferralConnection, { description: "Friends who signed up with the code, newest first, at most 100 a page." })
  async referrals(
    @Root() summary: ReferralSummary,
    @Ctx() context: RequestContext,
    @Arg("first", () => Int, { defaultValue: 20 }) first: number,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
  ): Promise<MemberReferralConnection> {
    const page = await context.services.referrals.page({ referrerId: summary.memberId }, validFirst(first), decodeCursor(cursorKind, after));
    const friends = new Map((await context.services.members.findByIds(page.records.map((record) => record.friendId))).map((friend) => [friend.id, friend]));
    const items = page.records.map((record) => MemberReferral.from(record, friends.get(record.friendId)));
    return Object.assign(new MemberReferralConnection(), connectionBody(items, (item) => encodeCursor(cursorKind, item.id), page.hasNextPage));
  }
}

@Resolver(() => Referral)
export class ReferralResolver {
  @Authorized("members:read")
  @Query(() => ReferralConnection, { description: "Referrals newest first, with the check that rejected each; staff with members:read." })
  async referrals(
    @Ctx() context: RequestContext,
    @Arg("status", () => ReferralStatusEnum, { nullable: true }) status?: ReferralStatus | null,
    @Arg("first", () => Int, { defaultValue: 20 }) first = 20,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
  ): Promise<ReferralConnection> {
    const page = await context.services.referrals.page({ status: status ?? null }, validFirst(first), decodeCursor(cursorKind, after));
    return Object.assign(new ReferralConnection(), connectionBody(await withRelations(context, page.records), (item) => encodeCursor(cursorKind, item.record.id), page.hasNextPage));
  }

  @Authorized("members:read")
  @Query(() => [ReferralAmbassador], { description: "Top referrers by referrals qualified since a moment, most first, with their ambassador flags (品牌大使); staff with members:read." })
  async referralAmbassadors(
    @Ctx() context: RequestContext,
    @Arg("since", () => Date) since: Date,
    @Arg("first", () => Int, { defaultValue: 20 }) first: number,
  ): Promise<ReferralAmbassador[]> {
    if (Number.isNaN(since.getTime())) throw badUserInput("since must be a date-time such as 2026-11-01T00:00:00Z.", "since");
    const rows = await context.services.referrals.ambassadors(since, validFirst(first));
    const members = new Map((await context.services.members.findByIds(rows.map((row) => row.memberId))).map((member) => [member.id, member]));
    return rows.map((row) => Object.assign(new ReferralAmbassador(), row, { memberRecord: members.get(row.memberId) }));
  }

  @Authorized("engagement:write")
  @Mutation(() => Referral, { description: "Approves a REJECTED referral by hand (audited with the note): it becomes PENDING and qualifies with the friend's first order, at once if they already ordered." })
  async approveReferral(@Arg("id", () => ID) id: string, @Arg("note") note: string, @Ctx() context: RequestContext): Promise<Referral> {
    const record = await context.services.referrals.approve(context, expectNumberId(id, "id", "referral", "Referral"), note);
    return (await withRelations(context, [record]))[0];
  }

  @Authorized("engagement:write")
  @Mutation(() => ReferralAmbassador, { description: "Flags or unflags a member as a brand ambassador by hand (audited with the reason); the threshold never overrides it." })
  async setReferralAmbassador(
    @Arg("memberId", () => ID) memberId: string,
    @Arg("ambassador") ambassador: boolean,
    @Arg("reason") reason: string,
    @Ctx() context: RequestContext,
  ): Promise<ReferralAmbassador> {
    const id = expectGlobalId(memberId, "Member", "memberId");
    const member = await context.services.members.findById(id);
    if (!member) throw notFound("No member has the id given.");
    const referrer = await context.services.referrals.setAmbassador(context, id, ambassador, reason);
    const qualifiedCount = await context.services.referrals.qualifiedCount(id);
    return Object.assign(new ReferralAmbassador(), { memberId: id, qualifiedCount, ambassador: referrer.ambassador, ambassadorSource: referrer.ambassadorSource, memberRecord: member });
  }

  @FieldResolver(() => Member)
  referrer(@Root() referral: LoadedReferral): Member {
    if (!referral.referrerMember) throw new Error(`Referral ${referral.id} points at missing member ${referral.record.referrerId}`);
    return Member.fromRecord(referral.referrerMember);
  }

  @FieldResolver(() => Member)
  friend(@Root() referral: LoadedReferral): Member {
    if (!referral.friendMember) throw new Error(`Referral ${referral.id} points at missing member ${referral.record.friendId}`);
    return Member.fromRecord(referral.friendMember);
  }

  @FieldResolver(() => [ReferralReward], { description: "What the referral paid (or is paying): one reward per role once it qualified." })
  rewards(@Root() referral: LoadedReferral): ReferralReward[] {
    return referral.rewardList ?? [];
  }
}

@Resolver(() => ReferralAmbassador)
export class ReferralAmbassadorResolver {
  @FieldResolver(() => Member)
  member(@Root() ambassador: LoadedAmbassador): Member {
    if (!ambassador.memberRecord) throw new Error(`Ambassador row points at missing member ${ambassador.memberId}`);
    return Member.fromRecord(ambassador.memberRecord);
  }
}
