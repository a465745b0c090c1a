import fc from "fast-check";
import { assignmentSettingsProblem, assignVariant, type AssignmentSettings, memberHashPoint } from "../../src/engine";

const members = 100_000;
const memberIds = Array.from({ length: members }, (_, index) => index + 1);
const halves: AssignmentSettings = { campaignKey: "spring-sale-2026", variants: [{ code: "A", weight: 45 }, { code: "B", weight: 45 }], controlPercent: 10 };

function counts(settings: AssignmentSettings, ids: readonly number[] = memberIds): Map<string, number> {
  const result = new Map<string, number>();
  for (const id of ids) {
    const code = assignVariant(settings, id);
    result.set(code, (result.get(code) ?? 0) + 1);
  }
  return result;
}

/** Pearson's chi-square of observed counts against expected shares (shares add up to 1). */
function chiSquare(observed: Map<string, number>, expectedShares: Record<string, number>, total: number): number {
  return Object.entries(expectedShares).reduce((sum, [code, share]) => {
    const expected = share * total;
    return sum + ((observed.get(code) ?? 0) - expected) ** 2 / expected;
  }, 0);
}

// Chi-square critical values at p = 0.001 (any statistics table, e.g. NIST/SEMATECH e-Handbook 1.3.6.7.4): a
// correct assignment fails each check with probability 1 in 1,000, and the member ids are fixed, so a pass is
// deterministic, not luck on each run.
const chiSquareCritical = { 1: 10.828, 2: 13.816, 3: 16.266 } as const;

describe("assignVariant", () => {
  it("gives the same answer on every call, and the hash pins the contract", () => {
    expect(memberIds.slice(0, 12).map((id) => assignVariant(halves, id))).toEqual(memberIds.slice(0, 12).map((id) => assignVariant({ ...halves }, id)));
    // The same points from an independent implementation (Python: hashlib.sha256(b"spring-sale-2026\x00control\x001"),
    // first 6 bytes big-endian over 2^48): a change of hash or of the hashed text would move every running experiment.
    expect(memberHashPoint("spring-sale-2026", "control", 1)).toBe(0.9150903792639582);
    expect(memberHashPoint("spring-sale-2026", "variant", 1)).toBe(0.9299703253323806);
    expect(memberHashPoint("spring-sale-2026", "control", 123456)).toBe(0.3774749829010382);
    expect(memberHashPoint("spring-sale-2026", "variant", 123456)).toBe(0.5177876425935892);
    // 0.9299... × 90 = 83.7, in B's [45, 90); 0.5177... × 90 = 46.6, also B.
    expect(assignVariant(halves, 1)).toBe("B");
    expect(assignVariant(halves, 123456)).toBe("B");
  });

  it("splits 100,000 members 10 / 45 / 45 within chance (chi-square, 2 degrees of freedom)", () => {
    const observed = counts(halves);
    expect(chiSquare(observed, { CONTROL: 0.1, A: 0.45, B: 0.45 }, members)).toBeLessThan(chiSquareCritical[2]);
  });

  it("respects unequal weights with no control (chi-square, 2 degrees of freedom)", () => {
    const settings = { campaignKey: "coupon-test", variants: [{ code: "A", weight: 7 }, { code: "B", weight: 2 }, { code: "C", weight: 1 }] };
    const observed = counts(settings);
    expect(observed.has("CONTROL")).toBe(false);
    expect(chiSquare(observed, { A: 0.7, B: 0.2, C: 0.1 }, members)).toBeLessThan(chiSquareCritical[2]);
  });

  it.each([0, 5, 12.5, 50])("holds out %s%% as control, within 4 standard errors", (controlPercent) => {
    const observed = counts({ ...halves, controlPercent }).get("CONTROL") ?? 0;
    const share = controlPercent / 100;
    const standardError = Math.sqrt(share * (1 - share) * members);
    expect(Math.abs(observed - share * members)).toBeLessThanOrEqual(4 * standardError);
  });

  it("never moves members in or out of control when the weights change", () => {
    const reweighted = { ...halves, variants: [{ code: "A", weight: 10 }, { code: "B", weight: 30 }, { code: "C", weight: 60 }] };
    for (const id of memberIds.slice(0, 20_000)) {
      expect(assignVariant(reweighted, id) === "CONTROL").toBe(assignVariant(halves, id) === "CONTROL");
    }
  });

  it("only moves members into control when the control share grows; the rest keep their variant", () => {
    const larger = { ...halves, controlPercent: 20 };
    for (const id of memberIds.slice(0, 20_000)) {
      const before = assignVariant(halves, id);
      const after = assignVariant(larger, id);
      if (before === "CONTROL") expect(after).toBe("CONTROL");
      else expect([before, "CONTROL"]).toContain(after);
    }
  });

  it("reshuffles independently for another campaign key (chi-square test of independence, 100,000 members)", () => {
    const other = { ...halves, campaignKey: "spring-sale-2026-b" };
    const table = new Map<string, number>();
    for (const id of memberIds) {
      const key = `${assignVariant(halves, id)}|${assignVariant(other, id)}`;
      table.set(key, (table.get(key) ?? 0) + 1);
    }
    const shares: Record<string, number> = { CONTROL: 0.1, A: 0.45, B: 0.45 };
    let statistic = 0;
    for (const [first, firstShare] of Object.entries(shares)) {
      for (const [second, secondShare] of Object.entries(shares)) {
        const expected = firstShare * secondShare * members;
        statistic += ((table.get(`${first}|${second}`) ?? 0) - expected) ** 2 / expected;
      }
    }
    // 9 cells with known marginal shares: 8 degrees of freedom; critical value at p = 0.001 is 26.124.
    expect(statistic).toBeLessThan(26.124);
  });

  it("for any two different campaign keys, a 50/50 split agrees for about half the members (property)", () => {
    const sample = memberIds.slice(0, 2_000);
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 20 }), fc.string({ minLength: 1, maxLength: 20 }), (first, second) => {
        fc.pre(first !== second);
        const split = (campaignKey: string) => ({ campaignKey, variants: [{ code: "A", weight: 1 }, { code: "B", weight: 1 }] });
        const agreeing = sample.filter((id) => assignVariant(split(first), id) === assignVariant(split(second), id)).length;
        // Independent: agreement is binomial(2,000, 0.5), standard error 22.4; 5 standard errors is 112.
        expect(Math.abs(agreeing - 1_000)).toBeLessThanOrEqual(112);
      }),
      { seed: 11, numRuns: 60 },
    );
  });

  it("never gives a member to a variant of weight 0", () => {
    const paused = { campaignKey: "k", variants: [{ code: "A", weight: 0 }, { code: "B", weight: 3 }] };
    expect(counts(paused, memberIds.slice(0, 5_000))).toEqual(new Map([["B", 5_000]]));
  });

  it.each([
    [{ campaignKey: "", variants: [{ code: "A", weight: 1 }] }, /key must not be empty/],
    [{ campaignKey: "k", variants: [] }, /at least one variant/],
    [{ campaignKey: "k", variants: [{ code: "A", weight: 1 }], controlPercent: 51 }, /0-50 percent/],
    [{ campaignKey: "k", variants: [{ code: "A", weight: 1 }], controlPercent: Number.NaN }, /0-50 percent/],
    [{ campaignKey: "k", variants: [{ code: "CONTROL", weight: 1 }] }, /reserved/],
    [{ campaignKey: "k", variants: [{ code: "A", weight: 1 }, { code: "A", weight: 2 }] }, /appears twice/],
    [{ campaignKey: "k", variants: [{ code: "A", weight: 1.5 }] }, /whole-number weight/],
    [{ campaignKey: "k", variants: [{ code: "A", weight: 0 }] }, /weight above 0/],
  ])("refuses %j", (settings, message) => {
    expect(assignmentSettingsProblem(settings)).toMatch(message);
    expect(() => assignVariant(settings, 1)).toThrow(message);
  });

  it("refuses a member id that is not a whole number", () => {
    expect(() => assignVariant(halves, 1.5)).toThrow(RangeError);
  });
});
