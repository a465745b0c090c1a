// The standard normal distribution's CDF and its inverse, for the experiment statistics (p-values, critical values).
//
// Abramowitz–Stegun 7.1.26 is the usual short erf, but its error is up to 1.5e-7: too coarse for the small tail
// probabilities a large test produces (p = 1e-9 would come out as 0 or negative). The CDF here is Hart's rational
// approximation (algorithm 5666 in Hart et al., "Computer Approximations", 1968, as given by G. West, "Better
// approximations to cumulative normal functions", Wilmott Magazine 2005), with a continued fraction beyond 7.07:
// absolute error below 1e-14 everywhere, and the tails are computed directly (not as 1 minus something near 1), so
// Φ(−8) still has seven correct digits.

const inverseSquareRootOfTwoPi = 0.3989422804014327;

/** P(Z ≤ x) for a standard normal Z, and P(Z ≤ −|x|) computed without cancellation for the tail. */
function lowerTail(absoluteX: number): number {
  if (absoluteX > 37) return 0;
  const exponential = Math.exp((-absoluteX * absoluteX) / 2);
  if (absoluteX < 7.07106781186547) {
    let numerator = 3.52624965998911e-2 * absoluteX + 0.700383064443688;
    numerator = numerator * absoluteX + 6.37396220353165;
    numerator = numerator * absoluteX + 33.912866078383;
    numerator = numerator * absoluteX + 112.079291497871;
    numerator = numerator * absoluteX + 221.213596169931;
    numerator = numerator * absoluteX + 220.206867912376;
    let denominator = 8.83883476483184e-2 * absoluteX + 1.75566716318264;
    denominator = denominator * absoluteX + 16.064177579207;
    denominator = denominator * absoluteX + 86.7807322029461;
    denominator = denominator * absoluteX + 296.564248779674;
    denominator = denominator * absoluteX + 637.333633378831;
    denominator = denominator * absoluteX + 793.826512519948;
    denominator = denominator * absoluteX + 440.413735824752;
    return (exponential * numerator) / denominator;
  }
  let fraction = absoluteX + 0.65;
  fraction = absoluteX + 4 / fraction;
  fraction = absoluteX + 3 / fraction;
  fraction = absoluteX + 2 / fraction;
  fraction = absoluteX + 1 / fraction;
  return (exponential * inverseSquareRootOfTwoPi) / fraction;
}

/** Φ(x) = P(Z ≤ x) for a standard normal Z. */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) throw new RangeError("normalCdf needs a number (got NaN)");
  const tail = lowerTail(Math.abs(x));
  return x > 0 ? 1 - tail : tail;
}

/** The two-sided p-value of a z statistic: P(|Z| ≥ |z|) = 2 Φ(−|z|), from the tail so tiny values keep their digits. */
export function twoSidedPValue(z: number): number {
  if (Number.isNaN(z)) throw new RangeError("twoSidedPValue needs a number (got NaN)");
  return Math.min(1, 2 * lowerTail(Math.abs(z)));
}

// P. J. Acklam's rational approximation of the inverse (relative error 1.15e-9), then one Halley step against the
// CDF above, which brings it to the CDF's own accuracy.
const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
const lowRegion = 0.02425;

function acklam(probability: number): number {
  if (probability < lowRegion || probability > 1 - lowRegion) {
    const q = Math.sqrt(-2 * Math.log(probability < lowRegion ? probability : 1 - probability));
    const value = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    return probability < lowRegion ? value : -value;
  }
  const q = probability - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/** Φ⁻¹(p): the x with Φ(x) = p, for 0 < p < 1 (e.g. 0.975 → 1.959964). */
export function inverseNormalCdf(probability: number): number {
  if (!(probability > 0 && probability < 1)) throw new RangeError(`inverseNormalCdf needs a probability strictly between 0 and 1 (got ${probability})`);
  const estimate = acklam(probability);
  const error = normalCdf(estimate) - probability;
  const slope = inverseSquareRootOfTwoPi * Math.exp((-estimate * estimate) / 2);
  const step = error / slope;
  return estimate - step / (1 + (estimate * step) / 2);
}
