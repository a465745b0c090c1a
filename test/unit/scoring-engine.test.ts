import fc from "fast-check";
import {
  activityMeasures,
  activityScore,
  averageOrderValue,
  churnFactorNames,
  churnFactorWeights,
  churnRisk,
  cityTierOf,
  computeBreakpoints,
  csatMeasure,
  customerLifetimeValue,
  defaultScoringSettings,
  demographicsOf,
  lastActivityAt,
  lifecycleStage,
  lifecycleStages,
  loyaltyScore,
  loyaltyWeights,
  type MemberActivity,
  npsMeasure,
  percentileBreakpoints,
  percentileRank,
  quintileBreakpoints,
  quintileScore,
  rawFigures,
  type RawFigures,
  rfmCodeOf,
  type RfmSegment,
  rfmSegmentMap,
  rfmSegmentNamesZh,
  rfmSegmentOf,
  rfmSegments,
  saturating,
  type ScoringSettings,
  scoreMember,
  wholeDaysBetween,
} from "../../src/engine";
import { cities } from "../../src/seed/chinese-retail-data";

const now = new Date("2026-11-23T08:00:00.000Z");
const day = 86_400_000;
const daysAgo = (days: number) => new Date(now.getTime() - days * day);
const settings: ScoringSettings = defaultScoringSettings;

/** A member who joined 400 days ago and has done nothing since, with the fields a case sets. */
function memberActivity(overrides: Partial<MemberActivity> = {}): MemberActivity {
  return {
    memberId: 1,
    joinedAt: daysAgo(400),
    birthday: null,
    city: null,
    cityTier: null,
    firstOrderAt: null,
    lastOrderAt: null,
    lastLoginAt: null,
    ordersTotal: 0,
    spendTotal: 0,
    ordersInWindow: 0,
    spendInWindow: 0,
    orders30: 0,
    orders90: 0,
    ordersPrevious90: 0,
    logins30: 0,
    logins90: 0,
    loginsPrevious90: 0,
    sessionSeconds30: 0,
    interactions30: 0,
    interactions90: 0,
    complaints90: 0,
    refunds90: 0,
    refundAmountInWindow: 0,
    lastCsat: null,
    lastNps: null,
    ...overrides,
  };
}

/** A buyer whose last order was `days` ago, with `orders` orders worth `spend` fen in the window. */
const buyer = (memberId: number, days: number, orders: number, spend: number) =>
  memberActivity({ memberId, lastOrderAt: daysAgo(days), firstOrderAt: daysAgo(days), lastLoginAt: daysAgo(days), ordersTotal: orders, spendTotal: spend, ordersInWindow: orders, spendInWindow: spend });

describe("wholeDaysBetween", () => {
  it("counts whole elapsed days, rounding down, and never goes below zero", () => {
    expect(wholeDaysBetween(daysAgo(30), now)).toBe(30);
    expect(wholeDaysBetween(new Date(now.getTime() - 30 * day + 1), now)).toBe(29);
    expect(wholeDaysBetween(new Date(now.getTime() + 5_000), now)).toBe(0);
  });
});

describe("quintileBreakpoints", () => {
  it.each([
    { values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], edges: [2, 4, 6, 8] },
    { values: [10, 3, 7, 1, 9, 2, 8, 4, 6, 5], edges: [2, 4, 6, 8] },
    { values: [10, 20, 30, 40, 50, 60, 70], edges: [20, 30, 50, 60] },
    { values: [1, 2, 3, 4, 5], edges: [1, 2, 3, 4] },
    { values: [3, 9], edges: [3, 3, 9, 9] },
    { values: [1, 1, 1, 1, 1, 1, 1, 2, 3, 4], edges: [1, 1, 1, 2] },
  ])("cuts $values at nearest ranks into $edges", ({ values, edges }) => {
    expect(quintileBreakpoints(values)).toEqual(edges);
  });

  it("gives no edges for an empty population or a population of one", () => {
    expect(quintileBreakpoints([])).toEqual([]);
    expect(quintileBreakpoints([42])).toEqual([]);
  });
});

describe("quintileScore", () => {
  const edges = [2, 4, 6, 8];

  it.each([
    { value: 0, higher: 1, lower: 5 },
    { value: 2, higher: 1, lower: 5 },
    { value: 3, higher: 2, lower: 4 },
    { value: 4, higher: 2, lower: 4 },
    { value: 5, higher: 3, lower: 3 },
    { value: 6, higher: 3, lower: 3 },
    { value: 8, higher: 4, lower: 2 },
    { value: 9, higher: 5, lower: 1 },
    { value: 1_000, higher: 5, lower: 1 },
  ])("scores $value as $higher when higher is better and $lower when lower is better", ({ value, higher, lower }) => {
    expect(quintileScore(value, edges, true)).toBe(higher);
    expect(quintileScore(value, edges, false)).toBe(lower);
  });

  it("gives every member with a value on an edge the same score, however many share it", () => {
    const values = [1, 1, 1, 1, 1, 1, 1, 2, 3, 4];
    const tied = quintileBreakpoints(values);
    expect(values.map((value) => quintileScore(value, tied, true))).toEqual([1, 1, 1, 1, 1, 1, 1, 4, 5, 5]);
    expect(values.map((value) => quintileScore(value, tied, false))).toEqual([5, 5, 5, 5, 5, 5, 5, 2, 1, 1]);
  });

  it("scores 5 either way without edges: a population of one is the best of itself", () => {
    expect(quintileScore(7, [], true)).toBe(5);
    expect(quintileScore(7, [], false)).toBe(5);
  });

  it("property: distinct values fall into five buckets of n/5 members, give or take one", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: -1_000_000, max: 1_000_000 }), { minLength: 5, maxLength: 400 }), fc.boolean(), (values, higherIsBetter) => {
        const edges = quintileBreakpoints(values);
        const bucketSizes = [0, 0, 0, 0, 0];
        for (const value of values) bucketSizes[quintileScore(value, edges, higherIsBetter) - 1] += 1;
        for (const size of bucketSizes) {
          expect(size).toBeGreaterThanOrEqual(Math.floor(values.length / 5) - 1);
          expect(size).toBeLessThanOrEqual(Math.ceil(values.length / 5) + 1);
        }
      }),
    );
  });

  it("property: the score only moves one way as the value grows", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 2, maxLength: 60 }), fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 50 }), (values, first, second) => {
        const edges = quintileBreakpoints(values);
        const [smaller, larger] = first <= second ? [first, second] : [second, first];
        expect(quintileScore(smaller, edges, true)).toBeLessThanOrEqual(quintileScore(larger, edges, true));
        expect(quintileScore(smaller, edges, false)).toBeGreaterThanOrEqual(quintileScore(larger, edges, false));
      }),
    );
  });
});

describe("percentiles", () => {
  const thousand = Array.from({ length: 1_000 }, (_, index) => index + 1);

  it("gives 99 ascending edges by default, edge k at the k-th percentile", () => {
    const edges = percentileBreakpoints(thousand);
    expect(edges).toHaveLength(99);
    expect(edges.slice(0, 3)).toEqual([10, 20, 30]);
    expect(edges[98]).toBe(990);
    expect(percentileBreakpoints([4, 1, 3, 2], 3)).toEqual([1, 2, 3]);
    expect(percentileBreakpoints([])).toEqual([]);
    expect(percentileBreakpoints([5])).toEqual([]);
  });

  it.each([
    { value: 1, rank: 0 },
    { value: 10, rank: 0 },
    { value: 11, rank: 1 },
    { value: 500, rank: 49 },
    { value: 501, rank: 51 },
    { value: 990, rank: 99 },
    { value: 991, rank: 100 },
    { value: 1_000, rank: 100 },
    { value: 5_000, rank: 100 },
  ])("ranks $value of 1..1000 at $rank", ({ value, rank }) => {
    expect(percentileRank(value, percentileBreakpoints(thousand))).toBe(rank);
  });

  it("ranks equal values the same, and ranks 100 without edges", () => {
    const edges = percentileBreakpoints([...new Array<number>(100).fill(5), 9]);
    expect(percentileRank(5, edges)).toBe(0);
    expect(percentileRank(9, edges)).toBe(100);
    expect(percentileRank(123, [])).toBe(100);
  });
});

describe("the RFM segment map", () => {
  // Rows are recency 5 down to 1, columns frequency 1 to 5: the grid as it is usually drawn.
  const grid: Record<number, RfmSegment[]> = {
    5: ["NEW_CUSTOMERS", "POTENTIAL_LOYALISTS", "POTENTIAL_LOYALISTS", "CHAMPIONS", "CHAMPIONS"],
    4: ["PROMISING", "POTENTIAL_LOYALISTS", "POTENTIAL_LOYALISTS", "LOYAL_CUSTOMERS", "LOYAL_CUSTOMERS"],
    3: ["ABOUT_TO_SLEEP", "ABOUT_TO_SLEEP", "NEED_ATTENTION", "LOYAL_CUSTOMERS", "LOYAL_CUSTOMERS"],
    2: ["HIBERNATING", "HIBERNATING", "AT_RISK", "AT_RISK", "CANT_LOSE_THEM"],
    1: ["LOST", "HIBERNATING", "AT_RISK", "AT_RISK", "CANT_LOSE_THEM"],
  };
  const cells = [1, 2, 3, 4, 5].flatMap((recency) => [1, 2, 3, 4, 5].map((frequency) => ({ recency, frequency })));

  it("covers every one of the 25 cells exactly once", () => {
    expect(cells).toHaveLength(25);
    for (const { recency, frequency } of cells) {
      const covering = rfmSegmentMap.filter((entry) => recency >= entry.recency[0] && recency <= entry.recency[1] && frequency >= entry.frequency[0] && frequency <= entry.frequency[1]);
      expect({ recency, frequency, entries: covering.length }).toEqual({ recency, frequency, entries: 1 });
    }
    const area = rfmSegmentMap.reduce((sum, entry) => sum + (entry.recency[1] - entry.recency[0] + 1) * (entry.frequency[1] - entry.frequency[0] + 1), 0);
    expect(area).toBe(25);
  });

  it.each(cells)("puts R$recency F$frequency where the grid does", ({ recency, frequency }) => {
    expect(rfmSegmentOf(recency, frequency)).toBe(grid[recency][frequency - 1]);
  });

  it("uses every segment but NO_RECENT_PURCHASE", () => {
    expect(new Set(rfmSegmentMap.map((entry) => entry.segment))).toEqual(new Set(rfmSegments.filter((segment) => segment !== "NO_RECENT_PURCHASE")));
  });

  it("throws on a score outside 1-5", () => {
    expect(() => rfmSegmentOf(0, 3)).toThrow("R0 F3");
    expect(() => rfmSegmentOf(3, 6)).toThrow("R3 F6");
    expect(() => rfmSegmentOf(2.5, 3)).toThrow();
  });

  it("has a distinct Chinese name for every segment", () => {
    expect(Object.keys(rfmSegmentNamesZh).sort()).toEqual([...rfmSegments].sort());
    expect(new Set(Object.values(rfmSegmentNamesZh)).size).toBe(rfmSegments.length);
    expect(rfmSegmentNamesZh.CHAMPIONS).toBe("冠军客户");
    expect(rfmSegmentNamesZh.NO_RECENT_PURCHASE).toBe("近期未购买");
  });

  it("writes the code as recency, frequency, monetary", () => {
    expect(rfmCodeOf(5, 4, 5)).toBe("545");
  });
});

describe("lifecycleStage", () => {
  it.each([
    { name: "joined 10 days ago, nothing since", overrides: { joinedAt: daysAgo(10) }, stage: "NEW" },
    { name: "joined exactly 30 days ago", overrides: { joinedAt: daysAgo(30) }, stage: "NEW" },
    { name: "joined 31 days ago, logged in yesterday", overrides: { joinedAt: daysAgo(31), lastLoginAt: daysAgo(1) }, stage: "ACTIVE" },
    { name: "joined 31 days ago, nothing since", overrides: { joinedAt: daysAgo(31) }, stage: "ACTIVE" },
    { name: "idle for 89 days", overrides: { lastLoginAt: daysAgo(89) }, stage: "ACTIVE" },
    { name: "idle for exactly 90 days", overrides: { lastLoginAt: daysAgo(90) }, stage: "DORMANT" },
    { name: "idle for 364 days", overrides: { lastOrderAt: daysAgo(364) }, stage: "DORMANT" },
    { name: "idle for exactly 365 days", overrides: { lastOrderAt: daysAgo(365) }, stage: "CHURNED" },
    { name: "joined 100 days ago, nothing since", overrides: { joinedAt: daysAgo(100) }, stage: "DORMANT" },
    { name: "joined 400 days ago, nothing since", overrides: {}, stage: "CHURNED" },
    { name: "an old login but a recent order", overrides: { lastLoginAt: daysAgo(200), lastOrderAt: daysAgo(5) }, stage: "ACTIVE" },
    { name: "an old order but a recent login", overrides: { lastOrderAt: daysAgo(400), lastLoginAt: daysAgo(5) }, stage: "ACTIVE" },
    { name: "activity fell from 10 to 4", overrides: { lastLoginAt: daysAgo(3), ordersPrevious90: 4, loginsPrevious90: 6, orders90: 1, logins90: 3 }, stage: "DECLINING" },
    { name: "activity fell from 10 to exactly half", overrides: { lastLoginAt: daysAgo(3), ordersPrevious90: 4, loginsPrevious90: 6, orders90: 2, logins90: 3 }, stage: "ACTIVE" },
    { name: "no activity before the last 90 days", overrides: { lastLoginAt: daysAgo(3), logins90: 1 }, stage: "ACTIVE" },
    { name: "dormant wins over declining", overrides: { lastLoginAt: daysAgo(95), loginsPrevious90: 10 }, stage: "DORMANT" },
  ] as { name: string; overrides: Partial<MemberActivity>; stage: string }[])("$name: $stage", ({ overrides, stage }) => {
    expect(lifecycleStage(memberActivity(overrides), now, settings)).toBe(stage);
  });

  it("reads the thresholds from the settings", () => {
    const tight: ScoringSettings = { ...settings, newMemberDays: 7, dormantDays: 30, churnedDays: 60, decliningRatio: 0.8 };
    expect(lifecycleStage(memberActivity({ joinedAt: daysAgo(7) }), now, tight)).toBe("NEW");
    expect(lifecycleStage(memberActivity({ joinedAt: daysAgo(8) }), now, tight)).toBe("ACTIVE");
    expect(lifecycleStage(memberActivity({ lastLoginAt: daysAgo(30) }), now, tight)).toBe("DORMANT");
    expect(lifecycleStage(memberActivity({ lastLoginAt: daysAgo(60) }), now, tight)).toBe("CHURNED");
    expect(lifecycleStage(memberActivity({ lastLoginAt: daysAgo(1), logins90: 7, loginsPrevious90: 10 }), now, tight)).toBe("DECLINING");
  });

  it("takes the latest order or login as the last activity, else the joining day", () => {
    expect(lastActivityAt(memberActivity({ lastOrderAt: daysAgo(5), lastLoginAt: daysAgo(2) }))).toEqual(daysAgo(2));
    expect(lastActivityAt(memberActivity({ lastOrderAt: daysAgo(5) }))).toEqual(daysAgo(5));
    expect(lastActivityAt(memberActivity())).toEqual(daysAgo(400));
  });
});

describe("churnRisk", () => {
  it("weights five factors that add up to 1", () => {
    expect(Object.keys(churnFactorWeights).sort()).toEqual([...churnFactorNames].sort());
    expect(Object.values(churnFactorWeights).reduce((sum, weight) => sum + weight, 0)).toBeCloseTo(1, 10);
  });

  it("adds every factor with its share and words, largest first", () => {
    const activity = memberActivity({
      lastOrderAt: daysAgo(140), lastLoginAt: daysAgo(45), ordersPrevious90: 4, orders90: 0, complaints90: 2,
      ordersInWindow: 4, spendInWindow: 30_000, refundAmountInWindow: 10_000,
    });
    // 0.35 × 140/180 + 0.2 × 4/4 + 0.15 × 2/2 + 0.1 × 10,000/40,000 + 0.2 × 45/90 = 0.272 + 0.2 + 0.15 + 0.025 + 0.1
    expect(churnRisk(activity, now, settings)).toEqual({
      risk: 0.747,
      factors: [
        { factor: "RECENCY", contribution: 0.272, detail: "no order for 140 days" },
        { factor: "FALLING_FREQUENCY", contribution: 0.2, detail: "orders down from 4 to 0 (previous 90 days against the last 90)" },
        { factor: "COMPLAINTS", contribution: 0.15, detail: "2 complaints in 90 days" },
        { factor: "NO_LOGIN", contribution: 0.1, detail: "no login for 45 days" },
        { factor: "REFUNDS", contribution: 0.025, detail: "refunded 25% of spend in 365 days" },
      ],
    });
  });

  it("is 0 with no factor for a member who ordered and logged in today", () => {
    expect(churnRisk(memberActivity({ lastOrderAt: now, lastLoginAt: now, orders90: 2, ordersPrevious90: 1 }), now, settings)).toEqual({ risk: 0, factors: [] });
  });

  it("counts a member who never ordered, past the new-member days, at full recency", () => {
    expect(churnRisk(memberActivity({ joinedAt: daysAgo(200) }), now, settings)).toEqual({
      risk: 0.55,
      factors: [
        { factor: "RECENCY", contribution: 0.35, detail: "no order since joining 200 days ago" },
        { factor: "NO_LOGIN", contribution: 0.2, detail: "no login since joining 200 days ago" },
      ],
    });
  });

  it("does not hold the lack of an order against a new member", () => {
    // 0.2 × 10/90 = 0.0222
    expect(churnRisk(memberActivity({ joinedAt: daysAgo(10) }), now, settings)).toEqual({
      risk: 0.022,
      factors: [{ factor: "NO_LOGIN", contribution: 0.022, detail: "no login since joining 10 days ago" }],
    });
  });

  it.each([
    { overrides: { complaints90: 1 }, factor: "COMPLAINTS", contribution: 0.075, detail: "1 complaint in 90 days" },
    { overrides: { complaints90: 7 }, factor: "COMPLAINTS", contribution: 0.15, detail: "7 complaints in 90 days" },
    { overrides: { lastOrderAt: daysAgo(500) }, factor: "RECENCY", contribution: 0.35, detail: "no order for 500 days" },
    { overrides: { lastOrderAt: daysAgo(1) }, factor: "RECENCY", contribution: 0.002, detail: "no order for 1 day" },
    { overrides: { lastOrderAt: now, ordersPrevious90: 3, orders90: 2 }, factor: "FALLING_FREQUENCY", contribution: 0.067, detail: "orders down from 3 to 2 (previous 90 days against the last 90)" },
    { overrides: { spendInWindow: 0, refundAmountInWindow: 5_000 }, factor: "REFUNDS", contribution: 0.1, detail: "refunded 100% of spend in 365 days" },
  ] as { overrides: Partial<MemberActivity>; factor: string; contribution: number; detail: string }[])("measures $factor: $detail", ({ overrides, factor, contribution, detail }) => {
    const { factors } = churnRisk(memberActivity({ lastOrderAt: now, lastLoginAt: now, ...overrides }), now, settings);
    expect(factors).toEqual([{ factor, contribution, detail }]);
  });

  it("ignores rising frequency and refunds without spend", () => {
    const { factors } = churnRisk(memberActivity({ lastOrderAt: now, lastLoginAt: now, ordersPrevious90: 1, orders90: 5, spendInWindow: 0, refundAmountInWindow: 0 }), now, settings);
    expect(factors).toEqual([]);
  });
});

describe("activityScore", () => {
  it("weights four measures that add up to 1", () => {
    expect(activityMeasures.reduce((sum, measure) => sum + measure.weight, 0)).toBeCloseTo(1, 10);
  });

  it.each([
    { overrides: {}, score: 0 },
    { overrides: { logins30: 4 }, score: 16 },
    { overrides: { orders90: 1 }, score: 10 },
    { overrides: { orders90: 6 }, score: 25 },
    { overrides: { orders90: 60 }, score: 25 },
    { overrides: { logins30: 20, sessionSeconds30: 18_000, interactions30: 30, orders90: 6 }, score: 100 },
    { overrides: { logins30: 200, sessionSeconds30: 900_000, interactions30: 300, orders90: 60 }, score: 100 },
  ] as { overrides: Partial<MemberActivity>; score: number }[])("scores $overrides as $score", ({ overrides, score }) => {
    expect(activityScore(memberActivity(overrides))).toBe(score);
  });

  it("saturates: a square root reaching 1 at the cap", () => {
    expect(saturating(5, 20)).toBe(0.5);
    expect(saturating(20, 20)).toBe(1);
    expect(saturating(80, 20)).toBe(1);
    expect(saturating(0, 20)).toBe(0);
  });
});

describe("loyaltyScore", () => {
  it("weights five measures that add up to 1", () => {
    expect(Object.values(loyaltyWeights).reduce((sum, weight) => sum + weight, 0)).toBeCloseTo(1, 10);
  });

  const devoted: Partial<MemberActivity> = { joinedAt: daysAgo(1_095), ordersTotal: 20, ordersInWindow: 12, lastNps: 10, lastCsat: 5 };

  it.each([
    { name: "joined today, never surveyed", overrides: { joinedAt: now }, score: 15 },
    { name: "joined today, a detractor with CSAT 1", overrides: { joinedAt: now, lastNps: 3, lastCsat: 1 }, score: 0 },
    { name: "three years, monthly buyer, promoter, CSAT 5", overrides: devoted, score: 100 },
    { name: "the same with one complaint", overrides: { ...devoted, complaints90: 1 }, score: 90 },
    { name: "the same with five complaints (at most 30 off)", overrides: { ...devoted, complaints90: 5 }, score: 70 },
    // 0.25 × 365/1095 + 0.15 + 0.3 × 6/12 + 0.15 × 0.5 + 0.15 × 0.5 = 0.0833 + 0.15 + 0.15 + 0.15
    { name: "one year, repeat buyer, six orders, passive, CSAT 3", overrides: { joinedAt: daysAgo(365), ordersTotal: 8, ordersInWindow: 6, lastNps: 8, lastCsat: 3 }, score: 53 },
    // 0.3 × 1/12 + 0.15 (promoter) + 0.075 (CSAT never asked): no repeat-purchase share for a single order.
    { name: "one order ever is no repeat purchase", overrides: { joinedAt: now, ordersTotal: 1, ordersInWindow: 1, lastNps: 10 }, score: 25 },
    { name: "complaints never take it below 0", overrides: { joinedAt: now, complaints90: 9 }, score: 0 },
  ] as { name: string; overrides: Partial<MemberActivity>; score: number }[])("$name: $score", ({ overrides, score }) => {
    expect(loyaltyScore(memberActivity(overrides), now)).toBe(score);
  });

  it.each([
    { nps: null, measure: 0.5 },
    { nps: 10, measure: 1 },
    { nps: 9, measure: 1 },
    { nps: 8, measure: 0.5 },
    { nps: 7, measure: 0.5 },
    { nps: 6, measure: 0 },
    { nps: 0, measure: 0 },
  ])("counts NPS $nps as $measure", ({ nps, measure }) => {
    expect(npsMeasure(nps)).toBe(measure);
  });

  it.each([
    { csat: null, measure: 0.5 },
    { csat: 1, measure: 0 },
    { csat: 3, measure: 0.5 },
    { csat: 5, measure: 1 },
  ])("counts CSAT $csat as $measure", ({ csat, measure }) => {
    expect(csatMeasure(csat)).toBe(measure);
  });
});

describe("customerLifetimeValue", () => {
  it("is average order × orders a year × margin × r / (1 + d − r)", () => {
    // 80,000 / 4 = 20,000 fen an order, 4 a year, 30% margin: 24,000 fen a year; r = 0.8, d = 0.1: × 0.8 / 0.3.
    expect(customerLifetimeValue(memberActivity({ ordersInWindow: 4, spendInWindow: 80_000 }), 0.2, settings)).toBe(64_000);
  });

  it("scales the window's orders to a year", () => {
    // 2 orders in 180 days: 4.056 a year × 20,000 × 0.3 = 24,333 fen a year; r = 0.5: × 0.5 / 0.6 = 20,277.8.
    expect(customerLifetimeValue(memberActivity({ ordersInWindow: 2, spendInWindow: 40_000 }), 0.5, { ...settings, rfmWindowDays: 180 })).toBe(20_278);
  });

  it("is 0 for a member certain to churn, without orders, or without an order in the window", () => {
    expect(customerLifetimeValue(memberActivity({ ordersInWindow: 4, spendInWindow: 80_000 }), 1, settings)).toBe(0);
    expect(customerLifetimeValue(memberActivity(), 0.3, settings)).toBe(0);
    expect(customerLifetimeValue(memberActivity({ ordersTotal: 5, spendTotal: 100_000 }), 0.3, settings)).toBe(0);
  });

  it("caps the margin multiple at 10 years, which the default discount rate reaches only with no risk", () => {
    const activity = memberActivity({ ordersInWindow: 4, spendInWindow: 80_000 });
    expect(customerLifetimeValue(activity, 0, settings)).toBe(240_000);
    expect(customerLifetimeValue(activity, 0, { ...settings, discountRate: 0 })).toBe(240_000);
    expect(customerLifetimeValue(activity, 0, { ...settings, discountRate: 0.05 })).toBe(240_000);
    // r = 0.9, d = 0.05: 0.9 / 0.15 = 6.
    expect(customerLifetimeValue(activity, 0.1, { ...settings, discountRate: 0.05 })).toBe(144_000);
  });

  it("takes the average order over the window, else over all time, else 0", () => {
    expect(averageOrderValue(memberActivity({ ordersInWindow: 4, spendInWindow: 80_000, ordersTotal: 10, spendTotal: 500_000 }))).toBe(20_000);
    expect(averageOrderValue(memberActivity({ ordersTotal: 10, spendTotal: 500_000 }))).toBe(50_000);
    expect(averageOrderValue(memberActivity())).toBe(0);
  });
});

describe("demographics", () => {
  it.each([
    { city: "北京", tier: 1 },
    { city: "上海市", tier: 1 },
    { city: " 深圳 ", tier: 1 },
    { city: "成都", tier: 2 },
    { city: "东莞", tier: 2 },
    { city: "昆明", tier: 2 },
    { city: "洛阳", tier: 3 },
    { city: "纽约", tier: null },
    { city: "", tier: null },
    { city: null, tier: null },
  ])("puts $city in tier $tier", ({ city, tier }) => {
    expect(cityTierOf(city)).toBe(tier);
  });

  it("agrees with every city of the demo seed", () => {
    for (const city of cities) expect({ city: city.name, tier: cityTierOf(city.name) }).toEqual({ city: city.name, tier: city.tier });
  });

  it("prefers the member's recorded tier to their city's, and bands the age", () => {
    expect(demographicsOf(memberActivity({ city: "北京", cityTier: 3, birthday: "1990-11-24" }), now)).toEqual({ ageBand: "AGE_26_35", cityTier: 3 });
    expect(demographicsOf(memberActivity({ city: "杭州", birthday: "2000-11-23" }), now)).toEqual({ ageBand: "AGE_26_35", cityTier: 2 });
    expect(demographicsOf(memberActivity({ city: "纽约", birthday: "2001-11-24" }), now)).toEqual({ ageBand: "AGE_18_25", cityTier: null });
    expect(demographicsOf(memberActivity(), now)).toEqual({ ageBand: null, cityTier: null });
  });
});

describe("rawFigures", () => {
  it("measures recency, frequency, monetary, churn and CLV of a buyer", () => {
    const raw = rawFigures(buyer(7, 12, 3, 45_000), now, settings);
    expect(raw).toMatchObject({ memberId: 7, recencyDays: 12, frequency: 3, monetary: 45_000, tenureDays: 400, rfmWindowDays: 365 });
    expect(raw.churnRisk).toBe(churnRisk(buyer(7, 12, 3, 45_000), now, settings).risk);
    expect(raw.clv).toBe(customerLifetimeValue(buyer(7, 12, 3, 45_000), raw.churnRisk, settings));
  });

  it.each([
    { name: "never ordered", activity: memberActivity() },
    { name: "ordered only before the window", activity: memberActivity({ lastOrderAt: daysAgo(400), ordersTotal: 2, spendTotal: 30_000 }) },
    { name: "stale aggregates: a window order older than the window", activity: memberActivity({ lastOrderAt: daysAgo(400), ordersTotal: 1, spendTotal: 10_000, ordersInWindow: 1, spendInWindow: 10_000 }) },
  ])("has no recency when the member $name", ({ activity }) => {
    expect(rawFigures(activity, now, settings).recencyDays).toBeNull();
  });

  it("keeps a window order on the window's last day", () => {
    expect(rawFigures(buyer(1, 365, 1, 10_000), now, settings).recencyDays).toBe(365);
  });
});

describe("computeBreakpoints and scoreMember", () => {
  // Ten buyers: member n ordered n days ago, n times, for n × 10,000 fen; and two members who never ordered.
  const population = [
    ...Array.from({ length: 10 }, (_, index) => buyer(index + 1, index + 1, index + 1, (index + 1) * 10_000)),
    memberActivity({ memberId: 11 }),
    memberActivity({ memberId: 12, joinedAt: daysAgo(5) }),
  ];
  const raws = population.map((activity) => rawFigures(activity, now, settings));
  const breakpoints = computeBreakpoints(raws);
  const scores = population.map((activity, index) => scoreMember(activity, raws[index], breakpoints, now, settings, null));

  it("cuts RFM quintiles over the members with a window order and CLV percentiles over everyone", () => {
    expect(breakpoints.population).toBe(10);
    expect(breakpoints.recencyDays).toEqual([2, 4, 6, 8]);
    expect(breakpoints.frequency).toEqual([2, 4, 6, 8]);
    expect(breakpoints.monetary).toEqual([20_000, 40_000, 60_000, 80_000]);
    expect(breakpoints.clvPercentiles).toHaveLength(99);
    expect(breakpoints.clvPercentiles[0]).toBe(0);
  });

  it("reads any iterable once, with the same result as an array", () => {
    function* stream(): Generator<RawFigures> {
      yield* raws;
    }
    expect(computeBreakpoints(stream())).toEqual(breakpoints);
  });

  it.each([
    { memberId: 1, rfmCode: "511", rfmSegment: "NEW_CUSTOMERS" },
    { memberId: 4, rfmCode: "422", rfmSegment: "POTENTIAL_LOYALISTS" },
    { memberId: 6, rfmCode: "333", rfmSegment: "NEED_ATTENTION" },
    { memberId: 10, rfmCode: "155", rfmSegment: "CANT_LOSE_THEM" },
  ])("scores member $memberId as $rfmCode, $rfmSegment", ({ memberId, rfmCode, rfmSegment }) => {
    expect(scores[memberId - 1]).toMatchObject({ memberId, rfmCode, rfmSegment });
  });

  it("scores a member without an order: no R, F, M or code, NO_RECENT_PURCHASE, CLV 0 and the bottom value", () => {
    expect(scores[10]).toMatchObject({ memberId: 11, recencyDays: null, recency: null, frequency: null, monetary: null, rfmCode: null, rfmSegment: "NO_RECENT_PURCHASE", lifecycleStage: "CHURNED", clv: 0, value: 0, cluster: null });
    expect(scores[11]).toMatchObject({ memberId: 12, rfmSegment: "NO_RECENT_PURCHASE", lifecycleStage: "NEW", clv: 0, value: 0 });
  });

  it("orders the value score as CLV: the share of the population below, in percent", () => {
    const byClv = [...scores].sort((a, b) => a.clv - b.clv);
    byClv.slice(1).forEach((score, index) => expect(score.value).toBeGreaterThanOrEqual(byClv[index].value));
    // The top of twelve distinct CLVs but two zeros: 91 of the 99 edges lie below it.
    expect(byClv[11].value).toBe(92);
    expect(byClv[0].value).toBe(0);
  });

  it("scores a population of one as the best of itself: 555, champion, value 100", () => {
    const raw = rawFigures(buyer(1, 40, 2, 30_000), now, settings);
    const alone = computeBreakpoints([raw]);
    expect(alone).toEqual({ population: 1, recencyDays: [], frequency: [], monetary: [], clvPercentiles: [] });
    expect(scoreMember(buyer(1, 40, 2, 30_000), raw, alone, now, settings, null)).toMatchObject({ rfmCode: "555", rfmSegment: "CHAMPIONS", value: 100 });
  });

  it("gives an empty population empty breakpoints", () => {
    expect(computeBreakpoints([])).toEqual({ population: 0, recencyDays: [], frequency: [], monetary: [], clvPercentiles: [] });
  });

  it("copies the raw figures and the other scores into the result", () => {
    const activity = memberActivity({ ...buyer(3, 3, 3, 30_000), city: "成都", birthday: "1990-01-01", logins30: 4 });
    const raw = rawFigures(activity, now, settings);
    expect(scoreMember(activity, raw, breakpoints, now, settings, null)).toEqual({
      memberId: 3, recencyDays: 3, recency: 4, frequency: 2, monetary: 2, rfmCode: "422", rfmSegment: "POTENTIAL_LOYALISTS",
      lifecycleStage: "ACTIVE", churnRisk: raw.churnRisk, churnFactors: raw.churnFactors, activity: activityScore(activity), loyalty: loyaltyScore(activity, now),
      value: percentileRank(raw.clv, breakpoints.clvPercentiles), clv: raw.clv, ageBand: "AGE_36_45", cityTier: 2, cluster: null,
    });
  });
});

/** Members with consistent dates and counts: orders after joining, windows nested (30 ⊂ 90 ⊂ window ⊂ all time). */
const activityArbitrary: fc.Arbitrary<MemberActivity> = fc
  .record({
    memberId: fc.integer({ min: 1, max: 1_000_000 }),
    joinedDaysAgo: fc.integer({ min: 0, max: 3_000 }),
    lastOrderShare: fc.option(fc.double({ min: 0, max: 1, noNaN: true })),
    lastLoginShare: fc.option(fc.double({ min: 0, max: 1, noNaN: true })),
    orders: fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 4, maxLength: 4 }),
    ordersPrevious90: fc.integer({ min: 0, max: 40 }),
    orderValue: fc.integer({ min: 0, max: 500_000 }),
    refundAmountInWindow: fc.integer({ min: 0, max: 1_000_000 }),
    logins: fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 3, maxLength: 3 }),
    sessionSeconds30: fc.integer({ min: 0, max: 2_000_000 }),
    interactions: fc.array(fc.integer({ min: 0, max: 200 }), { minLength: 2, maxLength: 2 }),
    complaints90: fc.integer({ min: 0, max: 10 }),
    refunds90: fc.integer({ min: 0, max: 10 }),
    lastCsat: fc.option(fc.integer({ min: 1, max: 5 })),
    lastNps: fc.option(fc.integer({ min: 0, max: 10 })),
    birthYear: fc.option(fc.integer({ min: 1930, max: 2020 })),
    city: fc.option(fc.constantFrom("北京", "成都", "洛阳", "纽约")),
  })
  .map((drawn) => {
    const lastOrderDaysAgo = drawn.lastOrderShare === null ? null : Math.floor(drawn.lastOrderShare * drawn.joinedDaysAgo);
    const [in30, in90, inWindow, before] = lastOrderDaysAgo === null ? [0, 0, 0, 0] : drawn.orders;
    const ordersTotal = lastOrderDaysAgo === null ? 0 : 1 + in30 + in90 + inWindow + before;
    const ordersInWindow = lastOrderDaysAgo === null || lastOrderDaysAgo > 365 ? 0 : in30 + in90 + inWindow;
    return memberActivity({
      memberId: drawn.memberId,
      joinedAt: daysAgo(drawn.joinedDaysAgo),
      birthday: drawn.birthYear === null ? null : `${drawn.birthYear}-06-15`,
      city: drawn.city,
      firstOrderAt: lastOrderDaysAgo === null ? null : daysAgo(drawn.joinedDaysAgo),
      lastOrderAt: lastOrderDaysAgo === null ? null : daysAgo(lastOrderDaysAgo),
      lastLoginAt: drawn.lastLoginShare === null ? null : daysAgo(Math.floor(drawn.lastLoginShare * drawn.joinedDaysAgo)),
      ordersTotal,
      spendTotal: ordersTotal * drawn.orderValue,
      ordersInWindow,
      spendInWindow: ordersInWindow * drawn.orderValue,
      orders30: Math.min(in30, ordersInWindow),
      orders90: Math.min(in30 + in90, ordersInWindow),
      ordersPrevious90: lastOrderDaysAgo === null ? 0 : drawn.ordersPrevious90,
      logins30: drawn.logins[0],
      logins90: drawn.logins[0] + drawn.logins[1],
      loginsPrevious90: drawn.logins[2],
      sessionSeconds30: drawn.sessionSeconds30,
      interactions30: drawn.interactions[0],
      interactions90: drawn.interactions[0] + drawn.interactions[1],
      complaints90: drawn.complaints90,
      refunds90: drawn.refunds90,
      refundAmountInWindow: ordersInWindow === 0 ? 0 : drawn.refundAmountInWindow,
      lastCsat: drawn.lastCsat,
      lastNps: drawn.lastNps,
    });
  });

describe("properties over arbitrary members", () => {
  const isScore = (value: number | null, lowest: number, highest: number) => value !== null && Number.isInteger(value) && value >= lowest && value <= highest;

  it("keeps every score in its range, for every member of any population", () => {
    fc.assert(
      fc.property(fc.array(activityArbitrary, { minLength: 1, maxLength: 25 }), fc.constantFrom(30, 180, 365), (population, rfmWindowDays) => {
        const windowSettings = { ...settings, rfmWindowDays };
        const raws = population.map((activity) => rawFigures(activity, now, windowSettings));
        const breakpoints = computeBreakpoints(raws);
        population.forEach((activity, index) => {
          const scores = scoreMember(activity, raws[index], breakpoints, now, windowSettings, null);
          if (scores.recencyDays === null) {
            expect([scores.recency, scores.frequency, scores.monetary, scores.rfmCode, scores.rfmSegment]).toEqual([null, null, null, null, "NO_RECENT_PURCHASE"]);
          } else {
            for (const score of [scores.recency, scores.frequency, scores.monetary]) expect(isScore(score, 1, 5)).toBe(true);
            expect(scores.rfmCode).toBe(`${scores.recency}${scores.frequency}${scores.monetary}`);
            expect(scores.rfmSegment).toBe(rfmSegmentOf(scores.recency as number, scores.frequency as number));
          }
          expect(lifecycleStages).toContain(scores.lifecycleStage);
          expect(scores.churnRisk).toBeGreaterThanOrEqual(0);
          expect(scores.churnRisk).toBeLessThanOrEqual(1);
          expect(Math.abs(scores.churnRisk * 1000 - Math.round(scores.churnRisk * 1000))).toBeLessThan(1e-6);
          for (const score of [scores.activity, scores.loyalty, scores.value]) expect(isScore(score, 0, 100)).toBe(true);
          expect(Number.isInteger(scores.clv) && scores.clv >= 0).toBe(true);
          if (activity.ordersInWindow === 0) expect(scores.clv).toBe(0);
        });
      }),
      { numRuns: 150 },
    );
  });

  it("makes the churn contributions add up to the risk, largest first, each within its weight", () => {
    fc.assert(
      fc.property(activityArbitrary, (activity) => {
        const { risk, factors } = churnRisk(activity, now, settings);
        const permille = factors.map((factor) => Math.round(factor.contribution * 1000));
        expect(permille.reduce((sum, each) => sum + each, 0)).toBe(Math.round(risk * 1000));
        factors.forEach((factor, index) => {
          expect(factor.contribution).toBeGreaterThan(0);
          expect(factor.contribution).toBeLessThanOrEqual(churnFactorWeights[factor.factor] + 0.001);
          if (index > 0) expect(factor.contribution).toBeLessThanOrEqual(factors[index - 1].contribution);
        });
        expect(new Set(factors.map((factor) => factor.factor)).size).toBe(factors.length);
      }),
      { numRuns: 300 },
    );
  });
});
