// Whether a member may use a partner's benefit now, and if not, why: one reason, in a fixed order, with a sentence a
// front end can show or act on. The order goes from the benefit as a whole (withdrawn, dates, stock) to this member
// (tier, segments, own uses), so a benefit nobody can use says so the same way to every member.

export interface BenefitTerms {
  status: "ACTIVE" | "WITHDRAWN";
  validFrom: Date;
  /** Exclusive: the first instant the benefit can no longer be used; null: no end. */
  validUntil: Date | null;
  /** Uses left to give out in all; null: no limit. */
  stock: number | null;
  /** Uses so far by all members. Not part of the decision (stock already counts down), kept for the caller's display. */
  redeemedCount: number;
  perMemberLimit: number;
  /** Empty: every tier. */
  eligibleTierCodes: readonly string[];
  /** Empty: no segment condition; otherwise the member must be in at least one. */
  eligibleSegmentIds: readonly number[];
}

export interface MemberStanding {
  tierCode: string;
  segmentIds: readonly number[];
  /** How many times this member has used this benefit. */
  usesSoFar: number;
}

export const benefitRefusals = ["WITHDRAWN", "NOT_YET_VALID", "EXPIRED", "OUT_OF_STOCK", "TIER", "SEGMENT", "LIMIT_REACHED"] as const;
export type BenefitRefusal = (typeof benefitRefusals)[number];

export type BenefitEligibility = { eligible: true; usesLeft: number } | { eligible: false; reason: BenefitRefusal; message: string };

/** "GOLD", "GOLD or PLATINUM", "SILVER, GOLD or PLATINUM". */
function listWithOr(items: readonly string[]): string {
  return items.length <= 1 ? items.join("") : `${items.slice(0, -1).join(", ")} or ${items.at(-1)}`;
}

function times(count: number): string {
  return count === 1 ? "1 time" : `${count} times`;
}

function refusal(reason: BenefitRefusal, message: string): BenefitEligibility {
  return { eligible: false, reason, message };
}

export function benefitEligibility(terms: BenefitTerms, member: MemberStanding, now: Date): BenefitEligibility {
  if (terms.status === "WITHDRAWN") return refusal("WITHDRAWN", "This benefit has been withdrawn and can no longer be used.");
  if (now.getTime() < terms.validFrom.getTime()) {
    return refusal("NOT_YET_VALID", `This benefit can be used from ${terms.validFrom.toISOString()}.`);
  }
  if (terms.validUntil !== null && now.getTime() >= terms.validUntil.getTime()) {
    return refusal("EXPIRED", `This benefit expired at ${terms.validUntil.toISOString()}.`);
  }
  if (terms.stock !== null && terms.stock <= 0) return refusal("OUT_OF_STOCK", "This benefit ran out of stock.");
  if (terms.eligibleTierCodes.length > 0 && !terms.eligibleTierCodes.includes(member.tierCode)) {
    return refusal("TIER", `This benefit is for ${listWithOr(terms.eligibleTierCodes)} members.`);
  }
  if (terms.eligibleSegmentIds.length > 0 && !terms.eligibleSegmentIds.some((segmentId) => member.segmentIds.includes(segmentId))) {
    return refusal("SEGMENT", "This benefit is for members of particular segments, and the member is in none of them.");
  }
  if (member.usesSoFar >= terms.perMemberLimit) {
    const message =
      member.usesSoFar === terms.perMemberLimit
        ? `The member has used this benefit ${times(member.usesSoFar)}, its limit.`
        : `The member has used this benefit ${times(member.usesSoFar)}, more than its limit of ${terms.perMemberLimit}.`;
    return refusal("LIMIT_REACHED", message);
  }
  const usesLeft = terms.perMemberLimit - member.usesSoFar;
  return { eligible: true, usesLeft: terms.stock === null ? usesLeft : Math.min(usesLeft, terms.stock) };
}
