import fc from "fast-check";
import { becomesPermanent, type MemberTierState, qualificationWindowStart, qualifiedRung, reviewTier, type TierPolicy, tierProgress, upgradeAfterSpend } from "../../src/engine";

interface Rung {
  id: number;
  rank: number;
  qualifyingSpend: number;
  code: string;
}

const ladder: readonly Rung[] = [
  { id: 1, rank: 0, qualifyingSpend: 0, code: "REGULAR" },
  { id: 2, rank: 1, qualifyingSpend: 300_000, code: "SILVER" },
  { id: 3, rank: 2, qualifyingSpend: 1_000_000, code: "GOLD" },
  { id: 4, rank: 3, qualifyingSpend: 3_000_000, code: "DIAMOND" },
];
const policy: TierPolicy = { windowMonths: 12, graceDays: 30, permanentSpend: 100_000 };
const now = new Date("2026-11-23T08:00:00.000Z");
const inTwelveMonths = "2027-11-23T08:00:00.000Z";
const day = 86_400_000;

const state = (currentRank: number, extra: Partial<MemberTierState> = {}): MemberTierState => ({ currentRank, permanentFloorRank: null, reviewAt: null, ...extra });

describe("qualifiedRung", () => {
  it("is the highest rung whose threshold the spend reaches", () => {
    expect(qualifiedRung(ladder, 0).id).toBe(1);
    expect(qualifiedRung(ladder, 299_999).id).toBe(1);
    expect(qualifiedRung(ladder, 300_000).id).toBe(2);
    expect(qualifiedRung(ladder, 999_999).id).toBe(2);
    expect(qualifiedRung(ladder, 1_000_000).id).toBe(3);
    expect(qualifiedRung(ladder, 2_999_999).id).toBe(3);
    expect(qualifiedRung(ladder, 3_000_000).id).toBe(4);
    expect(qualifiedRung(ladder, 50_000_000).id).toBe(4);
  });

  it("does not depend on the order of the ladder and returns the caller's rung object", () => {
    const shuffled = [ladder[2], ladder[0], ladder[3], ladder[1]];
    expect(qualifiedRung(shuffled, 1_500_000)).toBe(ladder[2]);
    expect(qualifiedRung(shuffled, 10)).toBe(ladder[0]);
  });

  it("always qualifies for the entry rung, even with a negative net spend", () => {
    expect(qualifiedRung(ladder, -5_000).id).toBe(1);
  });

  it("throws on an empty ladder", () => {
    expect(() => qualifiedRung([], 100)).toThrow("empty");
  });

  it("property: the qualified rung's threshold is reached and the next rung's is not", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), (spend) => {
        const rung = qualifiedRung(ladder, spend);
        expect(spend).toBeGreaterThanOrEqual(rung.qualifyingSpend);
        const next = ladder.find((each) => each.rank === rung.rank + 1);
        if (next) expect(spend).toBeLessThan(next.qualifyingSpend);
      }),
    );
  });
});

describe("qualificationWindowStart", () => {
  it("is one window before now", () => {
    expect(qualificationWindowStart(now, policy).toISOString()).toBe("2025-11-23T08:00:00.000Z");
    expect(qualificationWindowStart(new Date("2026-05-31T00:00:00.000Z"), { ...policy, windowMonths: 3 }).toISOString()).toBe("2026-02-28T00:00:00.000Z");
  });
});

describe("upgradeAfterSpend", () => {
  it("upgrades at once to the qualified rung with a review one window from now", () => {
    const upgrade = upgradeAfterSpend(ladder, state(0), 300_000, now, policy);
    expect(upgrade?.to.id).toBe(2);
    expect(upgrade?.reviewAt.toISOString()).toBe(inTwelveMonths);
  });

  it("can skip rungs", () => {
    expect(upgradeAfterSpend(ladder, state(0), 3_200_000, now, policy)?.to.id).toBe(4);
    expect(upgradeAfterSpend(ladder, state(1, { reviewAt: new Date("2027-01-01T00:00:00.000Z") }), 1_000_000, now, policy)?.to.id).toBe(3);
  });

  it("resets the review date even when one is already set", () => {
    const upgrade = upgradeAfterSpend(ladder, state(1, { reviewAt: new Date("2027-01-01T00:00:00.000Z") }), 1_200_000, now, policy);
    expect(upgrade?.reviewAt.toISOString()).toBe(inTwelveMonths);
  });

  it("uses the policy's window for the review date", () => {
    expect(upgradeAfterSpend(ladder, state(0), 300_000, new Date("2026-11-30T00:00:00.000Z"), { ...policy, windowMonths: 3 })?.reviewAt.toISOString()).toBe("2027-02-28T00:00:00.000Z");
  });

  it("returns null when the qualified rung is not higher than the current one", () => {
    expect(upgradeAfterSpend(ladder, state(0), 299_999, now, policy)).toBeNull();
    expect(upgradeAfterSpend(ladder, state(1), 300_000, now, policy)).toBeNull();
    expect(upgradeAfterSpend(ladder, state(1), 999_999, now, policy)).toBeNull();
    // Never a downgrade: a Diamond member whose window spend has fallen is left alone.
    expect(upgradeAfterSpend(ladder, state(3), 0, now, policy)).toBeNull();
    expect(upgradeAfterSpend(ladder, state(3), 5_000_000, now, policy)).toBeNull();
  });
});

describe("becomesPermanent", () => {
  it("is true the first time cumulative spend reaches the threshold", () => {
    expect(becomesPermanent(state(0), 99_999, policy)).toBe(false);
    expect(becomesPermanent(state(0), 100_000, policy)).toBe(true);
    expect(becomesPermanent(state(2), 5_000_000, policy)).toBe(true);
  });

  it("happens only once: a member who already has a floor does not become permanent again", () => {
    expect(becomesPermanent(state(0, { permanentFloorRank: 0 }), 100_000, policy)).toBe(false);
    expect(becomesPermanent(state(2, { permanentFloorRank: 1 }), 5_000_000, policy)).toBe(false);
  });
});

describe("reviewTier", () => {
  const reviewAt = new Date("2026-10-01T00:00:00.000Z");
  const dueAt = new Date(reviewAt.getTime() + 30 * day);
  const gold = state(2, { reviewAt });

  it("is not due before the review date plus the grace period", () => {
    expect(reviewTier(ladder, gold, 0, new Date(reviewAt.getTime() - 1), policy)).toEqual({ kind: "not-due" });
    expect(reviewTier(ladder, gold, 0, reviewAt, policy)).toEqual({ kind: "not-due" });
    expect(reviewTier(ladder, gold, 0, new Date(dueAt.getTime() - 1), policy)).toEqual({ kind: "not-due" });
  });

  it("is due exactly when the grace period ends", () => {
    expect(reviewTier(ladder, gold, 0, dueAt, policy).kind).toBe("downgraded");
  });

  it("has nothing to review without a review date (the entry tier)", () => {
    expect(reviewTier(ladder, state(0), 0, new Date("2030-01-01T00:00:00.000Z"), policy)).toEqual({ kind: "not-due" });
    expect(reviewTier(ladder, state(2), 0, new Date("2030-01-01T00:00:00.000Z"), policy)).toEqual({ kind: "not-due" });
  });

  it("keeps a member who still qualifies, with the next review one window from now", () => {
    const outcome = reviewTier(ladder, gold, 1_000_000, now, policy);
    expect(outcome).toEqual({ kind: "kept", nextReviewAt: new Date(inTwelveMonths) });
  });

  it("never upgrades at review: a member who qualifies for more is kept at the current tier", () => {
    const outcome = reviewTier(ladder, gold, 4_000_000, now, policy);
    expect(outcome).toEqual({ kind: "kept", nextReviewAt: new Date(inTwelveMonths) });
    const floorAbove = reviewTier(ladder, state(1, { reviewAt, permanentFloorRank: 2 }), 0, now, policy);
    expect(floorAbove.kind).toBe("kept");
  });

  it("downgrades after the grace period to the rung the spend still earns, possibly several rungs down", () => {
    const toSilver = reviewTier(ladder, state(3, { reviewAt }), 500_000, now, policy);
    expect(toSilver).toEqual({ kind: "downgraded", to: ladder[1], nextReviewAt: new Date(inTwelveMonths) });
    const toGold = reviewTier(ladder, state(3, { reviewAt }), 1_000_000, now, policy);
    expect(toGold).toEqual({ kind: "downgraded", to: ladder[2], nextReviewAt: new Date(inTwelveMonths) });
  });

  it("downgrading to the entry tier leaves no review date", () => {
    expect(reviewTier(ladder, gold, 299_999, now, policy)).toEqual({ kind: "downgraded", to: ladder[0], nextReviewAt: null });
    expect(reviewTier(ladder, state(3, { reviewAt }), 0, now, policy)).toEqual({ kind: "downgraded", to: ladder[0], nextReviewAt: null });
  });

  it("stops a downgrade at the permanent floor", () => {
    const floorSilver = reviewTier(ladder, state(3, { reviewAt, permanentFloorRank: 1 }), 0, now, policy);
    expect(floorSilver).toEqual({ kind: "downgraded", to: ladder[1], nextReviewAt: new Date(inTwelveMonths) });
    // The spend is above the floor: the spend decides.
    const spendAboveFloor = reviewTier(ladder, state(3, { reviewAt, permanentFloorRank: 1 }), 1_500_000, now, policy);
    expect(spendAboveFloor).toEqual({ kind: "downgraded", to: ladder[2], nextReviewAt: new Date(inTwelveMonths) });
    // A floor at the entry tier stops nothing.
    const entryFloor = reviewTier(ladder, state(2, { reviewAt, permanentFloorRank: 0 }), 0, now, policy);
    expect(entryFloor).toEqual({ kind: "downgraded", to: ladder[0], nextReviewAt: null });
  });

  it("keeps a permanent member at their floor tier", () => {
    const atFloor = reviewTier(ladder, state(2, { reviewAt, permanentFloorRank: 2 }), 0, now, policy);
    expect(atFloor.kind).toBe("kept");
  });

  it("works with a ladder given in any order", () => {
    const shuffled = [ladder[3], ladder[1], ladder[0], ladder[2]];
    expect(reviewTier(shuffled, state(3, { reviewAt }), 500_000, now, policy)).toEqual({ kind: "downgraded", to: ladder[1], nextReviewAt: new Date(inTwelveMonths) });
    expect(reviewTier(shuffled, state(3, { reviewAt }), 0, now, policy)).toEqual({ kind: "downgraded", to: ladder[0], nextReviewAt: null });
  });

  it("property: a due review ends at max(qualified, floor) when that is lower, never above the current tier", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3 }), fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 3 })), fc.integer({ min: 0, max: 5_000_000 }), (currentRank, permanentFloorRank, spend) => {
        const outcome = reviewTier(ladder, state(currentRank, { reviewAt, permanentFloorRank }), spend, now, policy);
        const expectedRank = Math.min(currentRank, Math.max(qualifiedRung(ladder, spend).rank, permanentFloorRank ?? 0));
        if (expectedRank === currentRank) {
          expect(outcome).toEqual({ kind: "kept", nextReviewAt: new Date(inTwelveMonths) });
        } else {
          expect(outcome.kind).toBe("downgraded");
          if (outcome.kind !== "downgraded") return;
          expect(outcome.to.rank).toBe(expectedRank);
          expect(outcome.nextReviewAt).toEqual(expectedRank === 0 ? null : new Date(inTwelveMonths));
        }
      }),
    );
  });
});

describe("tierProgress", () => {
  it("names the next rung and the spend still needed", () => {
    expect(tierProgress(ladder, 0, 0)).toEqual({ next: ladder[1], spendNeeded: 300_000 });
    expect(tierProgress(ladder, 0, 120_000)).toEqual({ next: ladder[1], spendNeeded: 180_000 });
    expect(tierProgress(ladder, 1, 400_000)).toEqual({ next: ladder[2], spendNeeded: 600_000 });
    expect(tierProgress(ladder, 2, 2_999_999)).toEqual({ next: ladder[3], spendNeeded: 1 });
  });

  it("needs nothing more when the spend already reaches the next rung", () => {
    expect(tierProgress(ladder, 1, 1_200_000)).toEqual({ next: ladder[2], spendNeeded: 0 });
  });

  it("has no next rung and needs 0 at the top", () => {
    expect(tierProgress(ladder, 3, 0)).toEqual({ next: null, spendNeeded: 0 });
    expect(tierProgress(ladder, 3, 10_000_000)).toEqual({ next: null, spendNeeded: 0 });
  });

  it("takes the nearest higher rung whatever the ladder's order", () => {
    const shuffled = [ladder[3], ladder[2], ladder[0], ladder[1]];
    expect(tierProgress(shuffled, 0, 0).next).toBe(ladder[1]);
    expect(tierProgress(shuffled, 1, 0).next).toBe(ladder[2]);
  });
});
