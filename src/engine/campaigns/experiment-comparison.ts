// One variant against control, as an operator reads it: the figures, the test, and a verdict in plain words
// (English and Chinese). The rules are in docs/experiments.md.
import { revenueFigures, type RevenueFigures } from "./revenue";
import {
  type ConfidenceInterval,
  conversionCountsProblem,
  type ConversionCounts,
  conversionRate,
  defaultPowerSettings,
  differenceConfidenceInterval,
  sampleSizePerGroup,
  twoProportionZTest,
  uplift,
  type Uplift,
} from "./statistics";

export interface ExperimentGroup extends ConversionCounts {
  /** What the group's members bought because of the campaign, in fen; default 0. */
  revenue?: number;
  /** What sending to the group cost, in fen; default 0. */
  cost?: number;
}

export interface ComparisonSettings {
  /** Significance level of the two-sided test; default 0.05. */
  alpha: number;
  /** Power for the sample size; default 0.8. */
  power: number;
  /** Level of the confidence interval; default 0.95. */
  confidenceLevel: number;
  /** Below these counts in either group the normal approximation is not trusted; defaults 30 and 5. */
  minimumMembers: number;
  /** Applies to conversions and to non-conversions alike (the rule of thumb n·p ≥ 5 and n·(1−p) ≥ 5). */
  minimumConversions: number;
  /**
   * The smallest uplift worth finding, relative to control's rate (0.1: a tenth better or worse); default 0.1.
   * The verdict asks for enough members to find the larger of this and the observed difference. Judged on the
   * observed difference alone, "enough members but not significant" cannot happen (at the sample size for the
   * observed difference its z is above the critical value by construction), and a near-zero difference would ask
   * for millions of members: the verdict could only ever be MORE_DATA_NEEDED.
   */
  minimumUpliftOfInterest: number;
}

export const defaultComparisonSettings: ComparisonSettings = {
  ...defaultPowerSettings,
  confidenceLevel: 0.95,
  minimumMembers: 30,
  minimumConversions: 5,
  minimumUpliftOfInterest: 0.1,
};

export const experimentVerdicts = ["WINNER", "LOSER", "NO_DIFFERENCE_YET", "MORE_DATA_NEEDED"] as const;
export type ExperimentVerdict = (typeof experimentVerdicts)[number];

export interface GroupFigures extends RevenueFigures {
  members: number;
  conversions: number;
  conversionRate: number | null;
  revenue: number;
  cost: number;
}

export interface AdditionalMembers {
  control: number;
  variant: number;
  total: number;
}

export interface ExperimentComparison {
  variantCode: string;
  control: GroupFigures;
  variant: GroupFigures;
  uplift: Uplift | null;
  z: number | null;
  pValue: number | null;
  confidenceInterval: ConfidenceInterval | null;
  /** Members needed per group to find the observed difference (alpha, power); null when there is no difference. */
  sampleSizePerGroup: number | null;
  /** How far each group is from that size (0 when it is there); null when there is no size to reach. */
  additionalMembersNeeded: AdditionalMembers | null;
  /**
   * What the verdict judged the sample on: the larger of the observed difference and the minimum uplift of
   * interest (as a difference of rates), the members per group it takes, and how many more that is. Null while a
   * group is empty.
   */
  judgedEffect: { absolute: number; sampleSizePerGroup: number; additionalMembersNeeded: AdditionalMembers } | null;
  verdict: ExperimentVerdict;
  sentence: { en: string; zh: string };
}

function groupFigures(group: ExperimentGroup, name: string): GroupFigures {
  const problem = conversionCountsProblem(group);
  if (problem !== null) throw new RangeError(`${name}: ${problem}`);
  const revenue = group.revenue ?? 0;
  const cost = group.cost ?? 0;
  return { members: group.members, conversions: group.conversions, conversionRate: conversionRate(group), revenue, cost, ...revenueFigures(revenue, cost, group.members) };
}

const whole = (value: number) => Math.round(value).toLocaleString("en-US");
const plural = (count: number, word: string) => `${whole(count)} ${word}${count === 1 ? "" : "s"}`;
/**
 * Decimals for percentages: one, or two when a rate or the difference is below 1% (so 0.94% against 1.71% and
 * 10.05% against 10.00% keep their difference visible). Both rates and the difference use the same number.
 */
// The tolerance keeps 0.11 − 0.10 (0.00999… in floating point) at one point.
const decimalsFor = (...fractions: number[]) => (fractions.some((fraction) => Math.abs(fraction) < 0.01 - 1e-12) ? 2 : 1);
const percent = (rate: number, decimals: number) => `${(rate * 100).toFixed(decimals)}%`;
const points = (difference: number, decimals: number) => (Math.abs(difference) * 100).toFixed(decimals);
const pText = (pValue: number) => (pValue < 0.001 ? "p < 0.001" : `p = ${pValue.toFixed(3)}`);

/** Which group falls short of the minimum counts, described in both languages; null when both are enough. */
function shortfall(control: GroupFigures, variant: GroupFigures, code: string, settings: ComparisonSettings): { en: string; zh: string } | null {
  const short = [
    { figures: control, en: "control", zh: "对照组" },
    { figures: variant, en: `variant ${code}`, zh: `${code} 组` },
  ].filter(({ figures }) => {
    const nonConversions = figures.members - figures.conversions;
    return figures.members < settings.minimumMembers || figures.conversions < settings.minimumConversions || nonConversions < settings.minimumConversions;
  });
  if (short.length === 0) return null;
  const { minimumMembers, minimumConversions } = settings;
  const en = short.map(({ figures, en }) => `${en} has ${plural(figures.members, "member")}, ${plural(figures.conversions, "conversion")} and ${plural(figures.members - figures.conversions, "non-conversion")}`);
  const zh = short.map(({ figures, zh }) => `${zh}目前有 ${whole(figures.members)} 名会员、${whole(figures.conversions)} 次转化、${whole(figures.members - figures.conversions)} 次未转化`);
  return {
    en: `More data needed: each group needs at least ${whole(minimumMembers)} members, ${whole(minimumConversions)} conversions and ${whole(minimumConversions)} non-conversions; ${en.join("; ")}.`,
    zh: `数据不足：每组至少需要 ${whole(minimumMembers)} 名会员、${whole(minimumConversions)} 次转化和 ${whole(minimumConversions)} 次未转化；${zh.join("；")}。`,
  };
}

/** The difference the verdict judges the sample on, and the members it takes; null while a group is empty. */
function judgedEffect(control: GroupFigures, variant: GroupFigures, settings: ComparisonSettings): ExperimentComparison["judgedEffect"] {
  if (control.conversionRate === null || variant.conversionRate === null) return null;
  const controlRate = control.conversionRate;
  const observed = variant.conversionRate - controlRate;
  const absolute = Math.max(Math.abs(observed), settings.minimumUpliftOfInterest * controlRate);
  if (absolute === 0) return null;
  // In the observed direction (upwards when there is none), unless that would pass 100% or go below 0%.
  const upwards = observed > 0 || (observed === 0 && controlRate + absolute <= 1);
  const target = upwards && controlRate + absolute <= 1 ? controlRate + absolute : Math.max(0, controlRate - absolute);
  const perGroup = sampleSizePerGroup(controlRate, target, settings)!;
  return { absolute, sampleSizePerGroup: perGroup, additionalMembersNeeded: additionalMembers(perGroup, control.members, variant.members) };
}

/**
 * The variant against control. The verdict, in this order:
 * - MORE_DATA_NEEDED when a group is below the minimum counts (the normal approximation does not hold there);
 * - WINNER or LOSER when p < alpha, by the sign of the difference;
 * - NO_DIFFERENCE_YET when both groups have the members it takes to find the judged effect (the larger of the
 *   observed difference and the minimum uplift of interest) and the test found nothing;
 * - MORE_DATA_NEEDED otherwise, with how many more members it would take.
 */
export function compareToControl(control: ExperimentGroup, variant: ExperimentGroup, variantCode: string, overrides: Partial<ComparisonSettings> = {}): ExperimentComparison {
  const settings: ComparisonSettings = { ...defaultComparisonSettings, ...overrides };
  if (!(settings.minimumUpliftOfInterest > 0)) throw new RangeError(`minimumUpliftOfInterest must be above 0 (got ${settings.minimumUpliftOfInterest})`);
  const controlFigures = groupFigures(control, "control");
  const variantFigures = groupFigures(variant, `variant ${variantCode}`);
  const difference = uplift(control, variant);
  const test = twoProportionZTest(control, variant);
  const confidenceInterval = differenceConfidenceInterval(control, variant, settings.confidenceLevel);
  const needed = controlFigures.conversionRate === null || variantFigures.conversionRate === null ? null : sampleSizePerGroup(controlFigures.conversionRate, variantFigures.conversionRate, settings);
  const judged = judgedEffect(controlFigures, variantFigures, settings);
  const figures = {
    variantCode,
    control: controlFigures,
    variant: variantFigures,
    uplift: difference,
    z: test?.z ?? null,
    pValue: test?.pValue ?? null,
    confidenceInterval,
    sampleSizePerGroup: needed,
    additionalMembersNeeded: needed === null ? null : additionalMembers(needed, control.members, variant.members),
    judgedEffect: judged,
  };

  const notEnough = shortfall(controlFigures, variantFigures, variantCode, settings);
  // Past the minimum counts both groups have members and control's rate is above 0, so all of these exist.
  if (notEnough !== null || difference === null || test === null || judged === null) {
    return { ...figures, verdict: "MORE_DATA_NEEDED", sentence: notEnough ?? { en: "More data needed: a group has no members yet.", zh: "数据不足：有一组还没有会员。" } };
  }
  const decimals = decimalsFor(controlFigures.conversionRate!, variantFigures.conversionRate!, difference.absolute);
  const controlRate = percent(controlFigures.conversionRate!, decimals);
  const variantRate = percent(variantFigures.conversionRate!, decimals);
  const p = pText(test.pValue);

  if (test.pValue < settings.alpha) {
    const better = difference.absolute > 0;
    const relative = difference.relative === null ? null : (Math.abs(difference.relative) * 100).toFixed(1);
    const enRelative = relative === null ? "" : `, ${better ? "+" : "−"}${relative}%`;
    const zhRelative = relative === null ? "" : `，相对${better ? "提升" : "下降"} ${relative}%`;
    return {
      ...figures,
      verdict: better ? "WINNER" : "LOSER",
      sentence: {
        en: `Variant ${variantCode} converts at ${variantRate} against ${controlRate} in control (${better ? "+" : "−"}${points(difference.absolute, decimals)} percentage points${enRelative}); it is significantly ${better ? "better" : "worse"} (${p}).`,
        zh: `${variantCode} 组转化率 ${variantRate}，${better ? "高于" : "低于"}对照组的 ${controlRate}（${better ? "提升" : "下降"} ${points(difference.absolute, decimals)} 个百分点${zhRelative}），差异显著（${p}）。`,
      },
    };
  }
  const effect = points(judged.absolute, decimalsFor(judged.absolute));
  if (judged.additionalMembersNeeded.total === 0) {
    return {
      ...figures,
      verdict: "NO_DIFFERENCE_YET",
      sentence: {
        en: `No difference yet: variant ${variantCode} converts at ${variantRate} against ${controlRate} in control, not a significant difference (${p}), although the groups are large enough to find a difference of ${effect} percentage points.`,
        zh: `暂无差异：${variantCode} 组转化率 ${variantRate}，对照组 ${controlRate}，差异不显著（${p}），而样本量已足以检测 ${effect} 个百分点的差异。`,
      },
    };
  }
  const more = whole(judged.additionalMembersNeeded.total);
  const perGroup = whole(judged.sampleSizePerGroup);
  return {
    ...figures,
    verdict: "MORE_DATA_NEEDED",
    sentence: {
      en: `More data needed: variant ${variantCode} converts at ${variantRate} against ${controlRate} in control (${p}); finding a difference of ${effect} percentage points takes about ${perGroup} members per group, ${more} more in all.`,
      zh: `数据不足：${variantCode} 组转化率 ${variantRate}，对照组 ${controlRate}（${p}）；要检测 ${effect} 个百分点的差异，每组约需 ${perGroup} 名会员，还需再增加 ${more} 名。`,
    },
  };
}

function additionalMembers(needed: number, controlMembers: number, variantMembers: number): AdditionalMembers {
  const control = Math.max(0, needed - controlMembers);
  const variant = Math.max(0, needed - variantMembers);
  return { control, variant, total: control + variant };
}
