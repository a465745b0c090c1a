import { Arg, Ctx, FieldResolver, Int, Mutation, Resolver, Root } from "type-graphql";
import { requirePartnerScope } from "../auth/policies";
import { forbidden } from "../errors";
import { EarnPartnerPointsInput, PartnerPointsPayload, RedeemPartnerPointsInput, RefundPartnerOrderInput } from "../schema/coalition-types";
import type { RequestContext } from "../server/request-context";
import type { PointsCommandResult } from "../services/points/points-service";

/** The points the command itself moved (not the expiries it wrote first); a claw-back counts what became debt too. */
async function payload(context: RequestContext, partnerId: number, result: PointsCommandResult, type: "EARN" | "REDEEM" | "CLAWBACK"): Promise<PartnerPointsPayload> {
  const entries = (await context.services.pointsReader.findEntries(result.entryIds)).filter((entry) => entry.type === type);
  const points = entries.reduce((sum, entry) => sum + Math.abs(entry.amount - entry.debtChange), 0);
  const reference = await context.services.partnerDirectory.referenceFor(partnerId, result.memberId);
  return Object.assign(new PartnerPointsPayload(), { memberId: result.memberId, partnerId, balance: result.balance, partnerMemberId: reference.partnerMemberId, points });
}

/** Coalition points at a partner's till: earning on its orders, taking them back on refunds, spending them. */
@Resolver(() => PartnerPointsPayload)
export class PartnerPointsResolver {
  @Mutation(() => PartnerPointsPayload, { description: "A purchase at your brand earns coalition points at your agreed rate (points:earn)." })
  async earnPartnerPoints(@Arg("input", () => EarnPartnerPointsInput) input: EarnPartnerPointsInput, @Ctx() context: RequestContext): Promise<PartnerPointsPayload> {
    const partnerId = requirePartnerScope(context.identity, "points:earn");
    const member = await context.services.partnerDirectory.memberForCommand(partnerId, input.member, "EARN");
    const result = await context.services.partnerPoints.earn(context, partnerId, member.memberId, input, input.idempotencyKey, member.confirmPresence);
    return payload(context, partnerId, result, "EARN");
  }

  @Mutation(() => PartnerPointsPayload, { description: "A refund of an order you reported takes back its share of the points (points:earn)." })
  async refundPartnerOrder(@Arg("input", () => RefundPartnerOrderInput) input: RefundPartnerOrderInput, @Ctx() context: RequestContext): Promise<PartnerPointsPayload> {
    const partnerId = requirePartnerScope(context.identity, "points:earn");
    const result = await context.services.partnerPoints.refund(context, partnerId, input.orderId, input.amount, input.idempotencyKey);
    return payload(context, partnerId, result, "CLAWBACK");
  }

  @Mutation(() => PartnerPointsPayload, { description: "Spends the member's coalition points at your brand (points:redeem); needs their member code, scanned now." })
  async redeemPartnerPoints(@Arg("input", () => RedeemPartnerPointsInput) input: RedeemPartnerPointsInput, @Ctx() context: RequestContext): Promise<PartnerPointsPayload> {
    const partnerId = requirePartnerScope(context.identity, "points:redeem");
    const result = await context.services.partnerPoints.redeem(context, partnerId, input, input.idempotencyKey);
    return payload(context, partnerId, result, "REDEEM");
  }

  @FieldResolver(() => Int, { nullable: true, description: "The member's balance after the command; only when the member granted your brand POINTS_BALANCE." })
  async pointsBalance(@Root() result: PartnerPointsPayload, @Ctx() context: RequestContext): Promise<number | null> {
    if (context.identity.kind !== "partner" || context.identity.partnerId !== result.partnerId) throw forbidden("Only the partner that made the command can read its outcome.");
    const fields = await context.services.partnerGrants.fieldsGranted(result.partnerId, result.memberId);
    return fields?.includes("POINTS_BALANCE") ? result.balance : null;
  }
}
