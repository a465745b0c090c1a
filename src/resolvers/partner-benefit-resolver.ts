import { Arg, Ctx, ID, Mutation, Query, Resolver } from "type-graphql";
import { requirePartnerScope } from "../auth/policies";
import { expectNumberId } from "../schema/global-id";
import { PartnerBenefit, PartnerBenefitRedemption, PublishPartnerBenefitInput, RedeemPartnerBenefitInput, UpdatePartnerBenefitInput } from "../schema/coalition-types";
import type { RequestContext } from "../server/request-context";
import { actingPartnerId } from "./acting-partner";

const benefitId = (id: string, argument: string) => expectNumberId(id, argument, "partner benefit", "PartnerBenefit");

@Resolver(() => PartnerBenefit)
export class PartnerBenefitResolver {
  @Query(() => [PartnerBenefit], { description: "A partner's benefits: your own with a key (benefits:read), any partner's for staff (partners:manage)." })
  async partnerBenefits(
    @Ctx() context: RequestContext,
    @Arg("partnerId", () => ID, { nullable: true }) partnerId?: string | null,
    @Arg("includeWithdrawn", { defaultValue: false }) includeWithdrawn?: boolean,
  ): Promise<PartnerBenefit[]> {
    const partner = actingPartnerId(context.identity, "benefits:read", partnerId);
    return (await context.services.partnerBenefits.list(partner, includeWithdrawn ?? false)).map(PartnerBenefit.fromRecord);
  }

  @Mutation(() => PartnerBenefit, { description: "Offers a benefit to coalition members (benefits:publish; staff name the partner)." })
  async publishPartnerBenefit(
    @Arg("input", () => PublishPartnerBenefitInput) input: PublishPartnerBenefitInput,
    @Ctx() context: RequestContext,
    @Arg("partnerId", () => ID, { nullable: true }) partnerId?: string | null,
  ): Promise<PartnerBenefit> {
    const partner = actingPartnerId(context.identity, "benefits:publish", partnerId);
    const eligibleSegmentIds = (input.eligibleSegmentIds ?? []).map((id, index) => expectNumberId(id, `input.eligibleSegmentIds[${index}]`, "segment", "Segment"));
    return PartnerBenefit.fromRecord(await context.services.partnerBenefits.publish(context, partner, { ...input, eligibleSegmentIds }));
  }

  @Mutation(() => PartnerBenefit, { description: "Changes a benefit's text, stock, end or status; its value, share and conditions stay as published." })
  async updatePartnerBenefit(
    @Arg("id", () => ID) id: string,
    @Arg("input", () => UpdatePartnerBenefitInput) input: UpdatePartnerBenefitInput,
    @Ctx() context: RequestContext,
    @Arg("partnerId", () => ID, { nullable: true }) partnerId?: string | null,
  ): Promise<PartnerBenefit> {
    const partner = actingPartnerId(context.identity, "benefits:publish", partnerId);
    return PartnerBenefit.fromRecord(await context.services.partnerBenefits.update(context, partner, benefitId(id, "id"), { ...input }));
  }

  @Mutation(() => PartnerBenefitRedemption, { description: "Uses a benefit for a member at your brand (benefits:redeem); a retry with the same idempotencyKey returns the first result." })
  async redeemPartnerBenefit(@Arg("input", () => RedeemPartnerBenefitInput) input: RedeemPartnerBenefitInput, @Ctx() context: RequestContext): Promise<PartnerBenefitRedemption> {
    const partnerId = requirePartnerScope(context.identity, "benefits:redeem");
    const { services } = context;
    const member = await services.partnerDirectory.memberForCommand(partnerId, input.member, "SPEND");
    const result = await services.partnerBenefits.redeem(context, partnerId, member.memberId, benefitId(input.benefitId, "input.benefitId"), input.storeCode, input.idempotencyKey, member.confirmPresence);
    return Object.assign(new PartnerBenefitRedemption(), { id: String(result.redemptionId), benefitId: String(result.benefitId), redeemedAt: new Date(result.redeemedAt), usesLeft: result.usesLeft });
  }
}
