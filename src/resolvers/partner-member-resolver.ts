import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from "type-graphql";
import { requirePartnerScope } from "../auth/policies";
import type { Gender } from "../engine";
import type { PartnerGrantField } from "../entities";
import { forbidden, notFound } from "../errors";
import { PartnerBenefitOffer, PartnerMember, PartnerMemberLookupInput, PartnerMemberTier } from "../schema/coalition-types";
import { GenderEnum } from "../schema/enums";
import type { RequestContext } from "../server/request-context";
import type { PartnerMemberReference } from "../services/coalition/partner-member-directory";

/** The view of a member for the partner it was looked up by, with the fields the member granted that partner. */
export async function partnerMemberView(context: RequestContext, reference: PartnerMemberReference): Promise<PartnerMember> {
  const fields = (await context.services.partnerGrants.fieldsGranted(reference.partnerId, reference.memberId)) ?? [];
  return Object.assign(new PartnerMember(), { ...reference, grantedFieldList: fields });
}

@Resolver(() => PartnerMember)
export class PartnerMemberResolver {
  @Query(() => PartnerMember, { description: "Finds a member for your brand (needs members:lookup): by the code they show, a phone number they share with you, or your id for them." })
  async partnerMember(@Arg("lookup", () => PartnerMemberLookupInput) lookup: PartnerMemberLookupInput, @Ctx() context: RequestContext): Promise<PartnerMember> {
    const partnerId = requirePartnerScope(context.identity, "members:lookup");
    return partnerMemberView(context, await context.services.partnerDirectory.lookup(partnerId, lookup));
  }

  @FieldResolver(() => PartnerMemberTier)
  async tier(@Root() view: PartnerMember, @Ctx() context: RequestContext): Promise<PartnerMemberTier> {
    const member = await this.member(view, context);
    const tier = await context.loaders.tierById.load(member.tierId);
    return { code: tier!.code, name: tier!.nameZh };
  }

  @FieldResolver(() => Int, { nullable: true, description: "Only when the member granted POINTS_BALANCE." })
  async pointsBalance(@Root() view: PartnerMember, @Ctx() context: RequestContext): Promise<number | null> {
    if (!this.granted(view, context, "POINTS_BALANCE")) return null;
    return (await context.loaders.pointAccountByMemberId.load(view.memberId))?.balance ?? 0;
  }

  @FieldResolver(() => String, { nullable: true, description: "Only when the member granted NAME." })
  async name(@Root() view: PartnerMember, @Ctx() context: RequestContext): Promise<string | null> {
    return this.granted(view, context, "NAME") ? (await this.member(view, context)).name : null;
  }

  @FieldResolver(() => String, { nullable: true, description: "Only when the member granted PHONE." })
  async phone(@Root() view: PartnerMember, @Ctx() context: RequestContext): Promise<string | null> {
    return this.granted(view, context, "PHONE") ? context.services.members.revealPhone(await this.member(view, context)) : null;
  }

  @FieldResolver(() => String, { nullable: true, description: "Only when the member granted EMAIL." })
  async email(@Root() view: PartnerMember, @Ctx() context: RequestContext): Promise<string | null> {
    return this.granted(view, context, "EMAIL") ? context.services.members.revealEmail(await this.member(view, context)) : null;
  }

  @FieldResolver(() => String, { nullable: true, description: "YYYY-MM-DD; only when the member granted BIRTHDAY." })
  async birthday(@Root() view: PartnerMember, @Ctx() context: RequestContext): Promise<string | null> {
    return this.granted(view, context, "BIRTHDAY") ? (await this.member(view, context)).birthday : null;
  }

  @FieldResolver(() => GenderEnum, { nullable: true, description: "Only when the member granted GENDER." })
  async gender(@Root() view: PartnerMember, @Ctx() context: RequestContext): Promise<Gender | null> {
    return this.granted(view, context, "GENDER") ? (await this.member(view, context)).gender : null;
  }

  @FieldResolver(() => [PartnerBenefitOffer], { description: "Your brand's benefits and whether this member may use each now (needs benefits:read)." })
  async benefits(@Root() view: PartnerMember, @Ctx() context: RequestContext): Promise<PartnerBenefitOffer[]> {
    this.ownView(view, context);
    requirePartnerScope(context.identity, "benefits:read");
    return (await context.services.partnerBenefits.offers(view.partnerId, view.memberId)).map(PartnerBenefitOffer.fromOffer);
  }

  /** Only the partner that looked the member up reads the view (it reaches no one else, but each field checks). */
  private ownView(view: PartnerMember, context: RequestContext): void {
    if (context.identity.kind !== "partner" || context.identity.partnerId !== view.partnerId) throw forbidden("Only the partner that looked this member up can read them.");
  }

  private granted(view: PartnerMember, context: RequestContext, field: PartnerGrantField): boolean {
    this.ownView(view, context);
    return view.grantedFieldList.includes(field);
  }

  private async member(view: PartnerMember, context: RequestContext) {
    this.ownView(view, context);
    const member = await context.services.members.findById(view.memberId);
    if (!member) throw notFound("The member no longer exists.");
    return member;
  }
}
