import fc from "fast-check";
import { socialScore, streakEndingOn, topShareThreshold } from "../../src/engine/engagement/badges/badge-rules";
import { challengeEligibility } from "../../src/engine/engagement/challenges/challenge-eligibility";
import { advance, contribution, inWindow, lateReportGraceMilliseconds, shownProgress } from "../../src/engine/engagement/challenges/challenge-goal";

const window = { startsAt: new Date("2026-12-01T00:00:00+08:00"), endsAt: new Date("2027-01-01T00:00:00+08:00") };

describe("challenge goals", () => {
  it("counts activities from startsAt up to but not including endsAt, recorded until a day after the end", () => {
    const start = window.startsAt.getTime();
    const end = window.endsAt.getTime();
    expect(inWindow(window, new Date(start - 1), new Date(start))).toBe(false);
    expect(inWindow(window, new Date(start), new Date(start))).toBe(true);
    expect(inWindow(window, new Date(end - 1), new Date(end - 1))).toBe(true);
    expect(inWindow(window, new Date(end), new Date(end))).toBe(false);
    expect(inWindow(window, new Date(end - 1), new Date(end + lateReportGraceMilliseconds - 1))).toBe(true);
    expect(inWindow(window, new Date(end - 1), new Date(end + lateReportGraceMilliseconds))).toBe(false);
  });

  it("adds 1 per activity of the goal's kind, or an order's fen for a spend goal, and nothing otherwise", () => {
    const reviews = { kind: "REVIEW" as const, measure: "COUNT" as const, target: 3 };
    const spend = { kind: "ORDER" as const, measure: "AMOUNT" as const, target: 50_000 };
    expect(contribution(reviews, { kind: "REVIEW", occurredAt: window.startsAt, amount: null })).toBe(1);
    expect(contribution(reviews, { kind: "LIKE", occurredAt: window.startsAt, amount: null })).toBe(0);
    expect(contribution(spend, { kind: "ORDER", occurredAt: window.startsAt, amount: 12_345 })).toBe(12_345);
    expect(contribution(spend, { kind: "REFUND", occurredAt: window.startsAt, amount: 12_345 })).toBe(0);
  });

  it("completes on exactly the step that reaches the target, whatever the steps", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000 }), fc.array(fc.integer({ min: 1, max: 300 }), { maxLength: 30 }), (target, steps) => {
        const goal = { kind: "ORDER" as const, measure: "AMOUNT" as const, target };
        let progress = 0;
        let completions = 0;
        for (const added of steps) {
          const step = advance(goal, progress, added);
          if (step.completes) completions += 1;
          progress = step.progress;
        }
        expect(completions).toBe(progress >= target ? 1 : 0);
        expect(shownProgress(goal, progress).percent).toBe(Math.min(100, Math.floor((progress * 100) / target)));
      }),
    );
  });

  it("lets in members of a listed tier and of one listed segment, both when both are given", () => {
    const terms = { eligibleTierCodes: ["GOLD", "DIAMOND"], eligibleSegmentIds: [4, 7] };
    expect(challengeEligibility(terms, { tierCode: "GOLD", segmentIds: [7] })).toEqual({ eligible: true });
    expect(challengeEligibility(terms, { tierCode: "SILVER", segmentIds: [7] })).toMatchObject({ eligible: false, reason: "TIER", message: "This challenge is for GOLD or DIAMOND members." });
    expect(challengeEligibility(terms, { tierCode: "GOLD", segmentIds: [5] })).toMatchObject({ eligible: false, reason: "SEGMENT" });
    expect(challengeEligibility({ eligibleTierCodes: [], eligibleSegmentIds: [] }, { tierCode: "REGULAR", segmentIds: [] })).toEqual({ eligible: true });
  });
});

describe("badge rules", () => {
  it("puts the quota's best in the top share, ties with the last one too, and never a score of 0", () => {
    expect(topShareThreshold([12, 11, 11, 5], 20, 10)).toBe(11);
    expect(topShareThreshold([3], 1_000, 5)).toBe(3);
    expect(topShareThreshold([0, 0], 10, 50)).toBeNull();
    expect(topShareThreshold([], 0, 5)).toBeNull();
    // Below 1 member, the quota is still one member.
    expect(topShareThreshold([9, 8], 10, 1)).toBe(9);
  });

  it("never leaves out a member who scores more than one who is in, and fills the quota when enough members score", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 200 }), fc.integer({ min: 1, max: 100 }), (scores, percent) => {
        const descending = [...scores].sort((a, b) => b - a);
        const threshold = topShareThreshold(descending, scores.length, percent);
        const positive = scores.filter((score) => score > 0);
        if (threshold === null) {
          expect(positive).toEqual([]);
          return;
        }
        const quota = Math.max(1, Math.floor((scores.length * percent) / 100));
        const inside = scores.filter((score) => score >= threshold && score > 0);
        expect(inside.length).toBeGreaterThanOrEqual(Math.min(quota, positive.length));
        // Only ties with the last one inside may take it past the quota.
        expect(scores.filter((score) => score > threshold).length).toBeLessThan(quota);
      }),
    );
  });

  it("weighs a referral as several interactions and counts check-in days in a row", () => {
    expect(socialScore(3, 2, 10)).toBe(23);
    expect(streakEndingOn([10, 11, 12, 13, 14, 15, 16], 16)).toBe(7);
    expect(streakEndingOn([10, 11, 12, 14, 15, 16, 16], 16)).toBe(3);
    expect(streakEndingOn([10, 11], 12)).toBe(0);
  });
});
