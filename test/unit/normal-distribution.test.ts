import fc from "fast-check";
import { inverseNormalCdf, normalCdf, twoSidedPValue } from "../../src/engine";

// Reference values: Φ(x) and Φ⁻¹(p) to 16 digits, as printed by R (pnorm, qnorm) and SciPy (scipy.stats.norm.cdf,
// .ppf), which both use W. J. Cody's erfc; the classic table values are Φ(1.96) = 0.975002, Φ(2.5758) = 0.995.
const cdfReferences: readonly (readonly [number, number])[] = [
  [0, 0.5],
  [0.5, 0.6914624612740131],
  [1, 0.8413447460685429],
  [-1, 0.15865525393145707],
  [1.6448536269514722, 0.95],
  [1.96, 0.9750021048517795],
  [2.5758, 0.9949995762622214],
  [3, 0.9986501019683699],
  [-3, 0.0013498980316300933],
  [5, 0.9999997133484281],
];

describe("normalCdf", () => {
  it.each(cdfReferences)("Φ(%s) = %s within 1e-14", (x, expected) => {
    expect(Math.abs(normalCdf(x) - expected)).toBeLessThan(1e-14);
  });

  it("matches the classic table values", () => {
    expect(normalCdf(1.96)).toBeCloseTo(0.975002, 6);
    expect(normalCdf(2.5758)).toBeCloseTo(0.995, 6);
  });

  it.each([
    [-5, 2.866515718791933e-7],
    [-8, 6.22096057427174e-16],
    [-10, 7.61985302416047e-24],
  ])("keeps the far tail's digits: Φ(%s) = %s to a relative 1e-7", (x, expected) => {
    expect(Math.abs(normalCdf(x) - expected) / expected).toBeLessThan(1e-7);
  });

  it("ends at exactly 0 and 1, never NaN", () => {
    expect(normalCdf(-40)).toBe(0);
    expect(normalCdf(40)).toBe(1);
    expect(normalCdf(-Infinity)).toBe(0);
    expect(normalCdf(Infinity)).toBe(1);
    expect(() => normalCdf(Number.NaN)).toThrow(RangeError);
  });

  it("is symmetric and increasing (property)", () => {
    fc.assert(
      fc.property(fc.double({ min: -40, max: 40, noNaN: true }), fc.double({ min: 0, max: 5, noNaN: true }), (x, step) => {
        expect(Math.abs(normalCdf(x) + normalCdf(-x) - 1)).toBeLessThan(1e-15);
        expect(normalCdf(x + step)).toBeGreaterThanOrEqual(normalCdf(x));
      }),
      { seed: 3, numRuns: 2_000 },
    );
  });
});

describe("twoSidedPValue", () => {
  it("is 2 Φ(−|z|)", () => {
    expect(twoSidedPValue(1.959963984540054)).toBeCloseTo(0.05, 14);
    expect(twoSidedPValue(-2.5758293035489004)).toBeCloseTo(0.01, 14);
    expect(twoSidedPValue(0)).toBe(1);
    // From the tail, not 1 − Φ: a z of 7 still gives its p-value (R: 2 * pnorm(-7) = 2.559625e-12).
    expect(twoSidedPValue(7) / 2.559625e-12).toBeCloseTo(1, 6);
  });
});

describe("inverseNormalCdf", () => {
  it.each([
    [0.5, 0],
    [0.8, 0.8416212335729143],
    [0.9, 1.2815515655446004],
    [0.95, 1.6448536269514722],
    [0.975, 1.959963984540054],
    [0.995, 2.5758293035489004],
    [0.01, -2.3263478740408408],
    [1e-10, -6.361340902404056],
  ])("Φ⁻¹(%s) = %s", (probability, expected) => {
    expect(Math.abs(inverseNormalCdf(probability) - expected)).toBeLessThan(1e-9);
  });

  it("undoes normalCdf (property)", () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-12, max: 1 - 1e-12, noNaN: true }), (probability) => {
        expect(Math.abs(normalCdf(inverseNormalCdf(probability)) - probability)).toBeLessThan(1e-13);
      }),
      { seed: 5, numRuns: 2_000 },
    );
  });

  it.each([0, 1, -0.1, 1.5, Number.NaN])("refuses %s", (probability) => {
    expect(() => inverseNormalCdf(probability)).toThrow(RangeError);
  });
});
