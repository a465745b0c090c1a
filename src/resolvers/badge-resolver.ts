import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import { requireCanReadMember, requireMember } from "../auth/policies";
import { unauthenticated } from "../errors";
import { Badge, CreateBadgeInput, MemberBadge, UpdateBadgeInput } from "../schema/badge-types";
import { expectGlobalId, expectNumberId } from "../schema/global-id";
import { Member } from "../schema/member-type";
import type { RequestContext } from "../server/request-context";

const badgeId = (id: string, argument = "id") => expectNumberId(id, argument, "badge", "Badge");

@Resolver(() => Badge)
export class BadgeResolver {
  @Query(() => [Badge], { description: "The badges catalogue, titles included, oldest first." })
  async badges(@Ctx() context: RequestContext): Promise<Badge[]> {
    if (context.identity.kind === "anonymous") throw unauthenticated();
    return (await context.services.badges.catalogue()).map(Badge.fromRecord);
  }

  @Authorized("engagement:write")
  @Mutation(() => Badge, { description: "Adds a badge (or, with isTitle, a title) to the catalogue. Audited." })
  async createBadge(@Arg("input", () => CreateBadgeInput) input: CreateBadgeInput, @Ctx() context: RequestContext): Promise<Badge> {
    return Badge.fromRecord(await context.services.badges.create(context, { ...input }));
  }

  @Authorized("engagement:write")
  @Mutation(() => Badge, { description: "Renames a badge or changes its descriptions. Audited." })
  async updateBadge(@Arg("id", () => ID) id: string, @Arg("input", () => UpdateBadgeInput) input: UpdateBadgeInput, @Ctx() context: RequestContext): Promise<Badge> {
    return Badge.fromRecord(await context.services.badges.update(context, badgeId(id), { ...input }));
  }

  @Authorized("engagement:write")
  @Mutation(() => MemberBadge, { description: "Awards a badge by hand, with the reason. A badge the member holds stays as it is; a revoked one is given back. Audited." })
  async awardBadge(@Arg("memberId", () => ID) memberId: string, @Arg("badgeId", () => ID) badge: string, @Arg("reason") reason: string, @Ctx() context: RequestContext): Promise<MemberBadge> {
    return MemberBadge.fromHeld(await context.services.badges.award(context, expectGlobalId(memberId, "Member", "memberId"), badgeId(badge, "badgeId"), reason));
  }

  @Authorized("engagement:write")
  @Mutation(() => MemberBadge, { description: "Takes a badge back, with the reason; rules and challenges never award it to the member again. Audited." })
  async revokeBadge(@Arg("memberId", () => ID) memberId: string, @Arg("badgeId", () => ID) badge: string, @Arg("reason") reason: string, @Ctx() context: RequestContext): Promise<MemberBadge> {
    return MemberBadge.fromHeld(await context.services.badges.revoke(context, expectGlobalId(memberId, "Member", "memberId"), badgeId(badge, "badgeId"), reason));
  }

  @Mutation(() => Badge, { nullable: true, description: "The signed-in member chooses which of their titles to show; null shows their latest title. Returns the title shown now." })
  async setDisplayedTitle(@Arg("badgeId", () => ID, { nullable: true }) badge: string | null, @Ctx() context: RequestContext): Promise<Badge | null> {
    const memberId = requireMember(context.identity);
    const shown = await context.services.badges.setDisplayedTitle(memberId, badge === null || badge === undefined ? null : badgeId(badge, "badgeId"));
    return shown ? Badge.fromRecord(shown.badge) : null;
  }
}

@Resolver(() => Member)
export class MemberBadgesResolver {
  @FieldResolver(() => [MemberBadge], { description: "The badges the member holds, newest first: the member, or staff with members:read." })
  async badges(@Root() member: Member, @Ctx() context: RequestContext): Promise<MemberBadge[]> {
    requireCanReadMember(context.identity, member.record.id);
    return (await context.services.badges.held(member.record.id)).map(MemberBadge.fromHeld);
  }

  @FieldResolver(() => Badge, { nullable: true, description: "The title shown beside the member's name: the one they chose (setDisplayedTitle), else their latest." })
  async title(@Root() member: Member, @Ctx() context: RequestContext): Promise<Badge | null> {
    requireCanReadMember(context.identity, member.record.id);
    const shown = await context.services.badges.title(member.record.id);
    return shown ? Badge.fromRecord(shown.badge) : null;
  }
}
