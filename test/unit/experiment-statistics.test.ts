import fc from "fast-check";
import {
  compareToControl,
  experimentVerdicts,
  conversionRate,
  differenceConfidenceInterval,
  revenueFigures,
  sampleSizePerGroup,
  twoProportionZTest,
  uplift,
} from "../../src/engine";

// Worked by hand: control 200 of 2,000 (10%), variant B 260 of 2,000 (13%).
//   uplift: 0.13 − 0.10 = 0.03 (3 points); relative 0.03 / 0.10 = 0.3.
//   pooled rate 460 / 4,000 = 0.115; SE = √(0.115 × 0.885 × (1/2,000 + 1/2,000)) = √0.000101775 = 0.0100884;
//   z = 0.03 / 0.0100884 = 2.97372; p = 2 Φ(−2.97372) = 0.002942.
//   unpooled SE = √(0.1 × 0.9 / 2,000 + 0.13 × 0.87 / 2,000) = √0.00010155 = 0.0100772;
//   95%: 0.03 ± 1.959964 × 0.0100772 = 0.03 ± 0.019751 → (0.010249, 0.049751).
const control = { members: 2_000, conversions: 200 };
const better = { members: 2_000, conversions: 260 };

// Textbook: the Physicians' Health Study (Agresti, "An Introduction to Categorical Data Analysis", 2nd ed., §2.2):
// heart attacks in 189 of 11,034 on placebo and 104 of 11,037 on aspirin; the difference of proportions is 0.0077
// with 95% confidence interval (0.005, 0.011); the pooled formula gives z = 5.00. Here placebo is control and
// aspirin the variant, so the signs are reversed.
const placebo = { members: 11_034, conversions: 189 };
const aspirin = { members: 11_037, conversions: 104 };

describe("conversion rate and uplift", () => {
  it("divides conversions by members, with null for an empty group", () => {
    expect(conversionRate(control)).toBe(0.1);
    expect(conversionRate({ members: 0, conversions: 0 })).toBeNull();
    expect(conversionRate({ members: 40, conversions: 40 })).toBe(1);
  });

  it("gives absolute and relative uplift, relative null when control converts nobody", () => {
    const result = uplift(control, better)!;
    expect(result.absolute).toBeCloseTo(0.03, 12);
    expect(result.relative).toBeCloseTo(0.3, 12);
    expect(uplift({ members: 100, conversions: 0 }, { members: 100, conversions: 3 })).toEqual({ absolute: 0.03, relative: null });
    expect(uplift({ members: 0, conversions: 0 }, better)).toBeNull();
  });

  it.each([
    [{ members: -1, conversions: 0 }, /members must be/],
    [{ members: 10, conversions: 11 }, /cannot exceed/],
    [{ members: 10, conversions: 1.5 }, /conversions must be/],
  ])("refuses %j", (counts, message) => {
    expect(() => conversionRate(counts)).toThrow(message);
  });
});

describe("twoProportionZTest", () => {
  it("matches the worked example", () => {
    const test = twoProportionZTest(control, better)!;
    expect(test.z).toBeCloseTo(2.97372, 4);
    expect(test.pValue).toBeCloseTo(0.002942, 6);
  });

  it("matches the aspirin study (z = −5.0, p ≈ 5.7e-7)", () => {
    const test = twoProportionZTest(placebo, aspirin)!;
    expect(test.z).toBeCloseTo(-5.0014, 3);
    expect(test.pValue / 5.6919e-7).toBeCloseTo(1, 3);
  });

  it("is antisymmetric: swapping the groups flips z and keeps p", () => {
    const forward = twoProportionZTest(control, better)!;
    const backward = twoProportionZTest(better, control)!;
    expect(backward.z).toBeCloseTo(-forward.z, 12);
    expect(backward.pValue).toBeCloseTo(forward.pValue, 12);
  });

  it("has no NaN at the edges", () => {
    expect(twoProportionZTest(control, control)).toEqual({ z: 0, pValue: 1 });
    expect(twoProportionZTest({ members: 50, conversions: 0 }, { members: 80, conversions: 0 })).toEqual({ z: 0, pValue: 1 });
    expect(twoProportionZTest({ members: 50, conversions: 50 }, { members: 80, conversions: 80 })).toEqual({ z: 0, pValue: 1 });
    expect(twoProportionZTest({ members: 0, conversions: 0 }, better)).toBeNull();
    // All of one group converted and none of the other: pooled rate 0.5, z = 1 / √(0.25 × 2/50) = 10.
    expect(twoProportionZTest({ members: 50, conversions: 0 }, { members: 50, conversions: 50 })!.z).toBeCloseTo(10, 10);
  });
});

describe("differenceConfidenceInterval", () => {
  it("matches the worked example at 95%", () => {
    const interval = differenceConfidenceInterval(control, better)!;
    expect(interval.level).toBe(0.95);
    expect(interval.lower).toBeCloseTo(0.010249, 6);
    expect(interval.upper).toBeCloseTo(0.049751, 6);
  });

  it("matches the aspirin study's (0.005, 0.011), reversed", () => {
    const interval = differenceConfidenceInterval(placebo, aspirin)!;
    expect(interval.lower).toBeCloseTo(-0.0107, 4);
    expect(interval.upper).toBeCloseTo(-0.0047, 4);
  });

  it("widens with the level: 99% uses z = 2.575829", () => {
    const interval = differenceConfidenceInterval(control, better, 0.99)!;
    // 0.03 ± 2.575829 × 0.0100772 = 0.03 ± 0.025957.
    expect(interval.lower).toBeCloseTo(0.004043, 5);
    expect(interval.upper).toBeCloseTo(0.055957, 5);
  });

  it("is a point when neither group varies, null when a group is empty, and stays within [−1, 1]", () => {
    expect(differenceConfidenceInterval({ members: 30, conversions: 30 }, { members: 40, conversions: 0 })).toEqual({ level: 0.95, lower: -1, upper: -1 });
    expect(differenceConfidenceInterval({ members: 0, conversions: 0 }, better)).toBeNull();
    const wide = differenceConfidenceInterval({ members: 2, conversions: 0 }, { members: 2, conversions: 1 })!;
    expect(wide.upper).toBeLessThanOrEqual(1);
    expect(wide.lower).toBeGreaterThanOrEqual(-1);
    expect(() => differenceConfidenceInterval(control, better, 1)).toThrow(RangeError);
  });
});

describe("sampleSizePerGroup", () => {
  // By hand for 10% against 15%, alpha 0.05, power 0.8: p̄ = 0.125;
  //   1.959964 × √(2 × 0.125 × 0.875) = 1.959964 × 0.467707 = 0.916689;
  //   0.841621 × √(0.1 × 0.9 + 0.15 × 0.85) = 0.841621 × 0.466369 = 0.392506;
  //   (0.916689 + 0.392506)² / 0.05² = 1.713991 / 0.0025 = 685.6 → 686 (Fleiss's formula without continuity
  //   correction; with it the textbook tables give about 725).
  it.each([
    [0.1, 0.15, 0.05, 0.8, 686],
    [0.15, 0.1, 0.05, 0.8, 686],
    [0.2, 0.25, 0.05, 0.8, 1_094],
    [0.1, 0.15, 0.01, 0.9, 1_300],
    [0.1, 0.11, 0.05, 0.8, 14_751],
  ])("%s against %s at alpha %s and power %s: %s per group", (first, second, alpha, power, expected) => {
    expect(sampleSizePerGroup(first, second, { alpha, power })).toBe(expected);
  });

  it("is null for equal rates and works at 0% and 100%", () => {
    expect(sampleSizePerGroup(0.1, 0.1)).toBeNull();
    // 0 against 1: p̄ = 0.5, (1.959964 × √0.5 + 0)² / 1 = 1.92 → 2.
    expect(sampleSizePerGroup(0, 1)).toBe(2);
    expect(() => sampleSizePerGroup(0.1, 1.2)).toThrow(RangeError);
    expect(() => sampleSizePerGroup(0.1, 0.2, { alpha: 0, power: 0.8 })).toThrow(RangeError);
  });
});

describe("revenueFigures", () => {
  it("gives revenue per member, ROI and ROAS, null over zero", () => {
    expect(revenueFigures(150_000, 100_000, 1_000)).toEqual({ revenuePerMember: 150, returnOnInvestment: 0.5, returnOnAdSpend: 1.5 });
    expect(revenueFigures(50_000, 100_000, 3)).toEqual({ revenuePerMember: 50_000 / 3, returnOnInvestment: -0.5, returnOnAdSpend: 0.5 });
    expect(revenueFigures(10_000, 0, 0)).toEqual({ revenuePerMember: null, returnOnInvestment: null, returnOnAdSpend: null });
    expect(() => revenueFigures(1, -1, 1)).toThrow(RangeError);
  });
});

describe("compareToControl", () => {
  const withoutNaN = (value: unknown) => JSON.stringify(value, (_, each) => (typeof each === "number" && !Number.isFinite(each) ? `not finite: ${each}` : each));

  it("calls a significantly better variant the winner, in English and Chinese", () => {
    const result = compareToControl({ ...control, revenue: 1_000_000, cost: 200_000 }, { ...better, revenue: 1_300_000, cost: 200_000 }, "B");
    expect(result.verdict).toBe("WINNER");
    expect(result.pValue).toBeCloseTo(0.002942, 6);
    expect(result.variant).toMatchObject({ conversionRate: 0.13, revenuePerMember: 650, returnOnInvestment: 5.5, returnOnAdSpend: 6.5 });
    expect(result.sentence.en).toBe("Variant B converts at 13.0% against 10.0% in control (+3.0 percentage points, +30.0%); it is significantly better (p = 0.003).");
    expect(result.sentence.zh).toBe("B 组转化率 13.0%，高于对照组的 10.0%（提升 3.0 个百分点，相对提升 30.0%），差异显著（p = 0.003）。");
  });

  it("calls a significantly worse variant the loser", () => {
    const result = compareToControl(placebo, aspirin, "ASPIRIN");
    expect(result.verdict).toBe("LOSER");
    expect(result.sentence.en).toBe("Variant ASPIRIN converts at 0.94% against 1.71% in control (−0.77 percentage points, −45.0%); it is significantly worse (p < 0.001).");
    expect(result.sentence.zh).toBe("ASPIRIN 组转化率 0.94%，低于对照组的 1.71%（下降 0.77 个百分点，相对下降 45.0%），差异显著（p < 0.001）。");
  });

  it("asks for more members while the groups are too small for the difference (10% against 11%, 1,000 each)", () => {
    // p = 0.4657 (z = 0.7294); 10% against 11% takes 14,751 per group: 13,751 more in each.
    const result = compareToControl({ members: 1_000, conversions: 100 }, { members: 1_000, conversions: 110 }, "B");
    expect(result.verdict).toBe("MORE_DATA_NEEDED");
    expect(result.sampleSizePerGroup).toBe(14_751);
    expect(result.additionalMembersNeeded).toEqual({ control: 13_751, variant: 13_751, total: 27_502 });
    expect(result.sentence.en).toBe(
      "More data needed: variant B converts at 11.0% against 10.0% in control (p = 0.466); finding a difference of 1.0 percentage points takes about 14,751 members per group, 27,502 more in all.",
    );
    expect(result.sentence.zh).toBe("数据不足：B 组转化率 11.0%，对照组 10.0%（p = 0.466）；要检测 1.0 个百分点的差异，每组约需 14,751 名会员，还需再增加 27,502 名。");
  });

  it("says no difference yet when the groups could have found the minimum uplift of interest and did not", () => {
    // 10.0% against 10.05%, 20,000 each: p = 0.868. The observed difference alone would take 5.66 million members
    // per group; the verdict judges the 10% uplift of interest (1 point), which takes 14,751, reached.
    const result = compareToControl({ members: 20_000, conversions: 2_000 }, { members: 20_000, conversions: 2_010 }, "B");
    expect(result.verdict).toBe("NO_DIFFERENCE_YET");
    expect(result.sampleSizePerGroup).toBeGreaterThan(5_600_000);
    expect(result.judgedEffect).toMatchObject({ sampleSizePerGroup: 14_751, additionalMembersNeeded: { control: 0, variant: 0, total: 0 } });
    expect(result.judgedEffect!.absolute).toBeCloseTo(0.01, 12);
    expect(result.sentence.en).toBe(
      "No difference yet: variant B converts at 10.05% against 10.00% in control, not a significant difference (p = 0.868), although the groups are large enough to find a difference of 1.0 percentage points.",
    );
    expect(result.sentence.zh).toBe("暂无差异：B 组转化率 10.05%，对照组 10.00%，差异不显著（p = 0.868），而样本量已足以检测 1.0 个百分点的差异。");
  });

  it("treats identical groups by the uplift of interest: more data while small, no difference once large", () => {
    const small = compareToControl(control, control, "B");
    expect(small.verdict).toBe("MORE_DATA_NEEDED");
    expect(small.sampleSizePerGroup).toBeNull();
    expect(small.additionalMembersNeeded).toBeNull();
    expect(small.judgedEffect!.additionalMembersNeeded.total).toBe(2 * (14_751 - 2_000));
    const large = compareToControl({ members: 15_000, conversions: 1_500 }, { members: 15_000, conversions: 1_500 }, "B");
    expect(large).toMatchObject({ verdict: "NO_DIFFERENCE_YET", z: 0, pValue: 1, uplift: { absolute: 0, relative: 0 } });
  });

  it.each([
    [{ members: 0, conversions: 0 }, { members: 0, conversions: 0 }],
    [{ members: 29, conversions: 10 }, { members: 500, conversions: 50 }],
    [{ members: 500, conversions: 4 }, { members: 500, conversions: 50 }],
    [{ members: 500, conversions: 0 }, { members: 500, conversions: 0 }],
    [{ members: 500, conversions: 500 }, { members: 500, conversions: 500 }],
    [{ members: 500, conversions: 50 }, { members: 500, conversions: 497 }],
  ])("needs more data below 30 members or 5 conversions or non-conversions, without NaN: %j against %j", (first, second) => {
    const result = compareToControl(first, second, "B");
    expect(result.verdict).toBe("MORE_DATA_NEEDED");
    expect(withoutNaN(result)).not.toMatch(/not finite/);
    expect(result.sentence.en).toMatch(/^More data needed: /);
    expect(result.sentence.zh).toMatch(/^数据不足：/);
  });

  it("names the group that falls short", () => {
    const result = compareToControl({ members: 12, conversions: 1 }, { members: 500, conversions: 50 }, "B");
    expect(result.sentence.en).toBe("More data needed: each group needs at least 30 members, 5 conversions and 5 non-conversions; control has 12 members, 1 conversion and 11 non-conversions.");
    expect(result.sentence.zh).toBe("数据不足：每组至少需要 30 名会员、5 次转化和 5 次未转化；对照组目前有 12 名会员、1 次转化、11 次未转化。");
  });

  it("gives finite numbers or null, p in [0, 1] and a verdict with both sentences for any counts (property)", () => {
    const group = fc.integer({ min: 0, max: 100_000 }).chain((members) => fc.record({ members: fc.constant(members), conversions: fc.integer({ min: 0, max: members }) }));
    fc.assert(
      fc.property(group, group, (first, second) => {
        const result = compareToControl(first, second, "B");
        expect(withoutNaN(result)).not.toMatch(/not finite/);
        expect(experimentVerdicts).toContain(result.verdict);
        if (result.pValue !== null) expect(result.pValue >= 0 && result.pValue <= 1).toBe(true);
        if (result.verdict === "WINNER") expect(result.uplift!.absolute).toBeGreaterThan(0);
        if (result.verdict === "LOSER") expect(result.uplift!.absolute).toBeLessThan(0);
        expect(result.sentence.en.length * result.sentence.zh.length).toBeGreaterThan(0);
      }),
      { seed: 13, numRuns: 3_000 },
    );
  });

  it("takes its thresholds from the settings", () => {
    // p = 0.0029 is not below an alpha of 0.001.
    expect(compareToControl(control, better, "B", { alpha: 0.001 }).verdict).not.toBe("WINNER");
    expect(compareToControl({ members: 20, conversions: 5 }, { members: 20, conversions: 15 }, "B", { minimumMembers: 10 }).verdict).toBe("WINNER");
    expect(() => compareToControl(control, better, "B", { minimumUpliftOfInterest: 0 })).toThrow(RangeError);
    expect(() => compareToControl({ members: 1, conversions: 2 }, better, "B")).toThrow(/control: conversions/);
  });
});
