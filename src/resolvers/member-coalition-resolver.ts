import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import { requireCanReadMember, requireMember } from "../auth/policies";
import type { PartnerGrantField } from "../entities";
import { notFound } from "../errors";
import { CoalitionPartner, MemberBenefitOffer, MemberCode, PartnerGrant, PartnerGrantFieldEnum } from "../schema/coalition-types";
import { expectGlobalId } from "../schema/global-id";
import { Member } from "../schema/member-type";
import type { RequestContext } from "../server/request-context";

/** The coalition as a member's app sees it: partners, the member code, and what the member shares with whom. */
@Resolver()
export class MemberCoalitionResolver {
  @Query(() => [CoalitionPartner], { description: "The coalition's active partner brands (联盟品牌), for any signed-in caller." })
  async coalitionPartners(@Ctx() context: RequestContext): Promise<CoalitionPartner[]> {
    if (context.identity.kind === "anonymous") requireMember(context.identity);
    return (await context.services.partners.list()).filter((partner) => partner.status === "ACTIVE").map(CoalitionPartner.fromRecord);
  }

  @Mutation(() => MemberCode, { description: "A fresh member code (会员码) for the app to show at a partner's till; it expires within minutes." })
  issueMemberCode(@Ctx() context: RequestContext): MemberCode {
    return Object.assign(new MemberCode(), context.services.partnerDirectory.issueMemberCode(requireMember(context.identity)));
  }

  @Mutation(() => PartnerGrant, { description: "Shares your membership with a partner: it may then find you by phone and see the fields you choose (none: only your tier and its benefits for you)." })
  async grantPartnerAccess(
    @Arg("partnerId", () => ID) partnerId: string,
    @Arg("fields", () => [PartnerGrantFieldEnum]) fields: PartnerGrantField[],
    @Ctx() context: RequestContext,
  ): Promise<PartnerGrant> {
    const memberId = requireMember(context.identity);
    return PartnerGrant.fromRecord(await context.services.partnerGrants.grant(context, memberId, expectGlobalId(partnerId, "Partner", "partnerId"), fields));
  }

  @Mutation(() => Boolean, { description: "Stops sharing with a partner at once; true when there was a grant to withdraw." })
  revokePartnerAccess(@Arg("partnerId", () => ID) partnerId: string, @Ctx() context: RequestContext): Promise<boolean> {
    const memberId = requireMember(context.identity);
    return context.services.partnerGrants.revoke(context, memberId, expectGlobalId(partnerId, "Partner", "partnerId"));
  }
}

@Resolver(() => Member)
export class MemberCoalitionFieldsResolver {
  @FieldResolver(() => [PartnerGrant], { description: "The partners the member shares their membership with, and what each may see." })
  async partnerGrants(@Root() member: Member, @Ctx() context: RequestContext): Promise<PartnerGrant[]> {
    requireCanReadMember(context.identity, member.record.id);
    return (await context.services.partnerGrants.grantsOf(member.record.id)).map(PartnerGrant.fromRecord);
  }

  @FieldResolver(() => [MemberBenefitOffer], { description: "A partner's benefits and whether the member may use each now." })
  async partnerBenefits(@Root() member: Member, @Arg("partnerId", () => ID) partnerId: string, @Ctx() context: RequestContext): Promise<MemberBenefitOffer[]> {
    requireCanReadMember(context.identity, member.record.id);
    const partner = await context.services.partners.findById(expectGlobalId(partnerId, "Partner", "partnerId"));
    if (!partner || partner.status !== "ACTIVE") throw notFound("No active partner has the id given: choose one from coalitionPartners.");
    return (await context.services.partnerBenefits.offers(partner.id, member.record.id)).map(MemberBenefitOffer.fromOffer);
  }
}

@Resolver(() => PartnerGrant)
export class PartnerGrantResolver {
  @FieldResolver(() => CoalitionPartner)
  async partner(@Root() grant: PartnerGrant, @Ctx() context: RequestContext): Promise<CoalitionPartner> {
    const partner = await context.services.partners.findById(grant.partnerId);
    if (!partner) throw notFound("The partner no longer exists.");
    return CoalitionPartner.fromRecord(partner);
  }
}
