import { Arg, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from "type-graphql";
import { notFound } from "../errors";
import { expectGlobalId } from "../schema/global-id";
import { Member } from "../schema/member-type";
import { GrantBenefitInput, MemberBenefit, TierChange, TierProgress } from "../schema/tier-status-types";
import { Tier } from "../schema/tier-type";
import type { RequestContext } from "../server/request-context";

async function tierOrNull(context: RequestContext, tierId: number | null): Promise<Tier | null> {
  if (tierId === null) return null;
  const record = await context.loaders.tierById.load(tierId);
  return record ? Tier.fromRecord(record) : null;
}

@Resolver(() => Member)
export class MemberTierResolver {
  @FieldResolver(() => TierProgress)
  async tierProgress(@Root() member: Member, @Ctx() context: RequestContext): Promise<TierProgress> {
    const progress = await context.services.tierQualification.progress(member.record);
    return {
      nextTier: progress.next ? Tier.fromRecord(progress.next) : null,
      spendNeeded: progress.spendNeeded,
      windowSpend: progress.windowSpend,
      windowStart: progress.windowStart,
      windowEnd: progress.windowEnd,
      reviewAt: progress.reviewAt,
      permanent: member.record.permanentSince !== null,
    };
  }

  @FieldResolver(() => [TierChange], { description: "Tier history, newest first (at most 100)." })
  async tierHistory(@Root() member: Member, @Ctx() context: RequestContext): Promise<TierChange[]> {
    const changes = await context.services.tierQualification.history(member.record.id);
    return Promise.all(
      changes.map(async (change) => {
        const toTier = await tierOrNull(context, change.toTierId);
        if (!toTier) throw new Error(`Tier change ${change.id} points at missing tier ${change.toTierId}`);
        return { fromTier: await tierOrNull(context, change.fromTierId), toTier, reason: change.reason, detail: change.detail, qualifyingSpend: change.qualifyingSpend, at: change.createdAt };
      }),
    );
  }

  @FieldResolver(() => [MemberBenefit], { description: "Base benefits of the member's tier plus benefits granted to them that are valid now." })
  benefits(@Root() member: Member, @Ctx() context: RequestContext): Promise<MemberBenefit[]> {
    return context.services.benefits.held(member.record);
  }

  @Authorized("members:write")
  @Mutation(() => Member, { description: "Grants one member a custom benefit, optionally until a date. Audited." })
  async grantBenefit(@Arg("input", () => GrantBenefitInput) input: GrantBenefitInput, @Ctx() context: RequestContext): Promise<Member> {
    const memberId = expectGlobalId(input.memberId, "Member", "input.memberId");
    await context.services.benefits.grant(context, { memberId, code: input.code, reason: input.reason, validUntil: input.validUntil ?? null });
    const record = await context.services.members.findById(memberId);
    if (!record) throw notFound("No member has this id.");
    return Member.fromRecord(record);
  }
}
