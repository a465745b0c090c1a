// Conditions on who may use an offer (a partner benefit, a challenge): tier codes that exist, and segments of a
// scheme, whose membership is kept up to date (ad-hoc segments are evaluated on read and cannot gate an offer).
import type { EntityManager } from "typeorm";
import { MemberRecord, SegmentMembershipRecord, SegmentRecord, TierRecord } from "../entities";
import { badUserInput, notFound } from "../errors";

/** `what` names the offer in the error: "a benefit", "a challenge". */
export async function checkEligibilityConditions(manager: EntityManager, tierCodes: string[], segmentIds: number[], what: string): Promise<void> {
  if (tierCodes.length > 0) {
    const known = new Set((await manager.find(TierRecord)).map((tier) => tier.code));
    const unknown = tierCodes.filter((tierCode) => !known.has(tierCode));
    if (unknown.length > 0) throw badUserInput(`input.eligibleTierCodes has unknown tiers ${unknown.join(", ")}: use ${[...known].join(", ")}.`, "input.eligibleTierCodes");
  }
  if (segmentIds.length > 0) {
    const segments = await manager.getRepository(SegmentRecord).createQueryBuilder("segment").where("segment.id IN (:...segmentIds)", { segmentIds }).getMany();
    const usable = new Set(segments.filter((segment) => segment.schemeId !== null).map((segment) => segment.id));
    const bad = segmentIds.filter((segmentId) => !usable.has(segmentId));
    if (bad.length > 0) throw badUserInput(`input.eligibleSegmentIds ${bad.join(", ")} are not segments of a scheme: ${what} can only depend on a scheme's segments, whose membership is kept up to date.`, "input.eligibleSegmentIds");
  }
}

/** What those conditions are decided on: the member's tier code and scheme segments now. */
export async function memberStanding(manager: EntityManager, memberId: number): Promise<{ tierCode: string; segmentIds: number[] }> {
  const member = await manager.findOne(MemberRecord, { select: { id: true, tierId: true }, where: { id: memberId } });
  if (!member) throw notFound("No member has the id given.");
  const tier = await manager.findOneByOrFail(TierRecord, { id: member.tierId });
  const memberships = await manager.findBy(SegmentMembershipRecord, { memberId });
  return { tierCode: tier.code, segmentIds: memberships.map((membership) => membership.segmentId) };
}
