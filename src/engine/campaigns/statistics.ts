// The statistics of an A/B experiment on conversions: rates, uplift, the two-proportion z-test, the confidence
// interval of the difference and the sample size needed. Each group is a count of members and of those who
// converted; members are assumed independent (docs/experiments.md lists the assumptions).
import { inverseNormalCdf, twoSidedPValue } from "./normal-distribution";

export interface ConversionCounts {
  /** Members in the group: a whole number ≥ 0. */
  members: number;
  /** Members who converted: a whole number from 0 to members. */
  conversions: number;
}

export function conversionCountsProblem(counts: ConversionCounts): string | null {
  const { members, conversions } = counts;
  if (!Number.isSafeInteger(members) || members < 0) return `members must be a whole number of 0 or more (got ${members})`;
  if (!Number.isSafeInteger(conversions) || conversions < 0) return `conversions must be a whole number of 0 or more (got ${conversions})`;
  if (conversions > members) return `conversions (${conversions}) cannot exceed members (${members})`;
  return null;
}

function checked(counts: ConversionCounts): ConversionCounts {
  const problem = conversionCountsProblem(counts);
  if (problem !== null) throw new RangeError(problem);
  return counts;
}

function checkedProbability(name: string, value: number): number {
  if (!(value > 0 && value < 1)) throw new RangeError(`${name} must be strictly between 0 and 1 (got ${value})`);
  return value;
}

/** Conversions over members; null for an empty group (there is no rate to speak of, and 0 would be a claim). */
export function conversionRate(counts: ConversionCounts): number | null {
  const { members, conversions } = checked(counts);
  return members === 0 ? null : conversions / members;
}

export interface Uplift {
  /** Variant rate minus control rate, as a fraction (0.02 = two percentage points). */
  absolute: number;
  /** The absolute uplift over the control rate (0.2 = 20% better); null when control's rate is 0. */
  relative: number | null;
}

/** The variant's uplift over control; null when either group is empty. */
export function uplift(control: ConversionCounts, variant: ConversionCounts): Uplift | null {
  const controlRate = conversionRate(control);
  const variantRate = conversionRate(variant);
  if (controlRate === null || variantRate === null) return null;
  const absolute = variantRate - controlRate;
  return { absolute, relative: controlRate === 0 ? null : absolute / controlRate };
}

export interface ZTest {
  /** (variant rate − control rate) / pooled standard error: positive when the variant converts better. */
  z: number;
  pValue: number;
}

/**
 * The two-proportion z-test with the pooled standard error, √(p(1−p)(1/n₁ + 1/n₂)) where p is the rate of both
 * groups together (under "no difference" both groups share one rate); two-sided p-value. Null when a group is
 * empty. When nobody or everybody converted in both groups the groups cannot differ: z = 0, p = 1.
 */
export function twoProportionZTest(control: ConversionCounts, variant: ConversionCounts): ZTest | null {
  const difference = uplift(control, variant);
  if (difference === null) return null;
  const pooledRate = (control.conversions + variant.conversions) / (control.members + variant.members);
  const standardError = Math.sqrt(pooledRate * (1 - pooledRate) * (1 / control.members + 1 / variant.members));
  if (standardError === 0) return { z: 0, pValue: 1 };
  const z = difference.absolute / standardError;
  return { z, pValue: twoSidedPValue(z) };
}

export interface ConfidenceInterval {
  /** The confidence level, e.g. 0.95. */
  level: number;
  lower: number;
  upper: number;
}

/**
 * The Wald interval of the difference (variant − control): d ± z(1−(1−level)/2) × √(p₁(1−p₁)/n₁ + p₂(1−p₂)/n₂),
 * unpooled because here the groups are not assumed equal. Clipped to [−1, 1], which a difference of proportions
 * cannot leave. Null when a group is empty. Unreliable for small groups or rates near 0 or 1: the verdict's
 * minimum counts keep it from being read there.
 */
export function differenceConfidenceInterval(control: ConversionCounts, variant: ConversionCounts, level = 0.95): ConfidenceInterval | null {
  checkedProbability("the confidence level", level);
  const controlRate = conversionRate(control);
  const variantRate = conversionRate(variant);
  if (controlRate === null || variantRate === null) return null;
  const standardError = Math.sqrt((controlRate * (1 - controlRate)) / control.members + (variantRate * (1 - variantRate)) / variant.members);
  const margin = inverseNormalCdf(1 - (1 - level) / 2) * standardError;
  const difference = variantRate - controlRate;
  return { level, lower: Math.max(-1, difference - margin), upper: Math.min(1, difference + margin) };
}

export interface PowerSettings {
  /** The significance level of the two-sided test; default 0.05. */
  alpha: number;
  /** The chance of finding the effect when it is real; default 0.8. */
  power: number;
}

export const defaultPowerSettings: PowerSettings = { alpha: 0.05, power: 0.8 };

/**
 * Members needed in each of two equal groups for the two-sided test to find a difference between rates p₁ and p₂
 * (Fleiss, "Statistical Methods for Rates and Proportions", without continuity correction):
 * n = (z(1−α/2)·√(2p̄(1−p̄)) + z(power)·√(p₁(1−p₁) + p₂(1−p₂)))² / (p₁ − p₂)², p̄ = (p₁ + p₂)/2, rounded up.
 * Null when the rates are equal: no number of members finds a difference of zero.
 */
export function sampleSizePerGroup(controlRate: number, variantRate: number, settings: PowerSettings = defaultPowerSettings): number | null {
  for (const [name, rate] of [["controlRate", controlRate], ["variantRate", variantRate]] as const) {
    if (!(rate >= 0 && rate <= 1)) throw new RangeError(`${name} must be from 0 to 1 (got ${rate})`);
  }
  const zAlpha = inverseNormalCdf(1 - checkedProbability("alpha", settings.alpha) / 2);
  const zPower = inverseNormalCdf(checkedProbability("power", settings.power));
  const difference = variantRate - controlRate;
  if (difference === 0) return null;
  const averageRate = (controlRate + variantRate) / 2;
  const spread = zAlpha * Math.sqrt(2 * averageRate * (1 - averageRate)) + zPower * Math.sqrt(controlRate * (1 - controlRate) + variantRate * (1 - variantRate));
  // A hair below a whole number is that whole number: floating point must not add a member.
  return Math.ceil((spread * spread) / (difference * difference) - 1e-9);
}
