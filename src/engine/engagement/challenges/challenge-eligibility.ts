// Who may take part in a challenge: tier codes and/or scheme segments. Both conditions given, both must hold.

export interface EligibilityTerms {
  /** Empty: every tier. */
  eligibleTierCodes: readonly string[];
  /** Empty: no segment condition; otherwise the member must be in at least one. */
  eligibleSegmentIds: readonly number[];
}

export interface MemberStanding {
  tierCode: string;
  segmentIds: readonly number[];
}

export type ChallengeEligibility = { eligible: true } | { eligible: false; reason: "TIER" | "SEGMENT"; message: string };

function listWithOr(items: readonly string[]): string {
  return items.length <= 1 ? items.join("") : `${items.slice(0, -1).join(", ")} or ${items.at(-1)}`;
}

export function challengeEligibility(terms: EligibilityTerms, member: MemberStanding): ChallengeEligibility {
  if (terms.eligibleTierCodes.length > 0 && !terms.eligibleTierCodes.includes(member.tierCode)) {
    return { eligible: false, reason: "TIER", message: `This challenge is for ${listWithOr(terms.eligibleTierCodes)} members.` };
  }
  if (terms.eligibleSegmentIds.length > 0 && !terms.eligibleSegmentIds.some((segmentId) => member.segmentIds.includes(segmentId))) {
    return { eligible: false, reason: "SEGMENT", message: "This challenge is for members of particular groups, and you are not in one of them yet." };
  }
  return { eligible: true };
}
