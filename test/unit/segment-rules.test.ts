import { evaluateRule, parseRule, RuleProblem, ruleFieldNames, type MemberFacts } from "../../src/engine";

const now = new Date("2026-11-23T08:00:00.000Z");
const day = 86_400_000;

function facts(overrides: Partial<MemberFacts> = {}): MemberFacts {
  const empty = Object.fromEntries(ruleFieldNames.map((name) => [name, null])) as MemberFacts;
  return { ...empty, gender: "FEMALE", tierCode: "GOLD", tierRank: 2, permanent: false, consentSms: true, ordersInWindow: 4, logins90: 0, ...overrides };
}

function problemOf(input: unknown): RuleProblem {
  try {
    parseRule(input);
  } catch (error) {
    if (error instanceof RuleProblem) return error;
    throw error;
  }
  throw new Error("the rule was accepted");
}

describe("parseRule", () => {
  it.each([
    [{ field: "shoeSize", op: "eq", value: 42 }, "rule.field", /"shoeSize" is not a field/],
    [{ all: [{ field: "gender", op: "eq", value: "FEMALE" }, { field: "gender", op: "gt", value: "MALE" }] }, "rule.all[1].op", /"gt" does not apply to gender \(text\)/],
    [{ any: [{ field: "ordersInWindow", op: "gte", value: "three" }] }, "rule.any[0].value", /must be a number/],
    [{ field: "spendInWindow", op: "between", value: [50_000, 10_000] }, "rule.value", /impossible range: 50000 is above 10000/],
    [{ field: "lifecycleStage", op: "in", value: ["ACTIVE", "SLEEPY"] }, "rule.value[1]", /"SLEEPY" is not a lifecycleStage/],
    [{ field: "lastLoginAt", op: "notWithinLastDays", value: 0 }, "rule.value", /whole number of days from 1/],
    [{ field: "joinedAt", op: "after", value: "2026-01-01" }, "rule.value", /with its time zone/],
    [{ all: [] }, "rule.all", /non-empty list/],
    [{ not: { field: "consentSms", op: "eq", value: "yes" } }, "rule.not.value", /true or false/],
    [{ field: "gender", op: "isNull", value: "FEMALE" }, "rule.value", /left out for isNull/],
    [{ all: [{ field: "gender", op: "eq", value: "MALE" }], any: [] }, "rule", /beside other keys/],
    [{ field: "gender", op: "eq", value: "MALE", note: "x" }, "rule.note", /not part of a condition/],
    ["everyone", "rule", /must be an object/],
  ])("rejects %j at %s", (input, path, message) => {
    const problem = problemOf(input);
    expect(problem.path).toBe(path);
    expect(problem.message).toMatch(message);
  });

  it("accepts nested rules and turns date texts into instants", () => {
    expect(parseRule({ all: [{ not: { field: "joinedAt", op: "before", value: "2026-01-01T00:00:00+08:00" } }, { field: "tierRank", op: "between", value: [1, 3] }] })).toEqual({
      all: [{ not: { field: "joinedAt", op: "before", value: new Date("2025-12-31T16:00:00.000Z") } }, { field: "tierRank", op: "between", value: [1, 3] }],
    });
  });
});

describe("evaluateRule", () => {
  const lastLogin = (daysAgo: number | null) => facts({ lastLoginAt: daysAgo === null ? null : new Date(now.getTime() - daysAgo * day) });
  const noLoginIn90Days = parseRule({ field: "lastLoginAt", op: "notWithinLastDays", value: 90 });

  it.each([
    [null, true],
    [91, true],
    [90, false],
    [3, false],
  ])("'no login in 90 days' for a last login %s days ago: %s", (daysAgo, expected) => {
    expect(evaluateRule(noLoginIn90Days, lastLogin(daysAgo), now)).toBe(expected);
  });

  it("treats a condition on an unknown value as false, and not as its plain negation", () => {
    const atRisk = parseRule({ field: "churnRisk", op: "gte", value: 0.5 });
    expect(evaluateRule(atRisk, facts({ churnRisk: null }), now)).toBe(false);
    expect(evaluateRule({ not: atRisk }, facts({ churnRisk: null }), now)).toBe(true);
    expect(evaluateRule(parseRule({ field: "churnRisk", op: "isNull" }), facts(), now)).toBe(true);
  });

  it("combines with all, any and not", () => {
    const goldWomenWithSms = parseRule({ all: [{ field: "gender", op: "eq", value: "FEMALE" }, { field: "tierCode", op: "in", value: ["GOLD", "DIAMOND"] }, { field: "consentSms", op: "eq", value: true }] });
    expect(evaluateRule(goldWomenWithSms, facts(), now)).toBe(true);
    expect(evaluateRule(goldWomenWithSms, facts({ consentSms: false }), now)).toBe(false);
    const eitherOr = parseRule({ any: [{ field: "ordersInWindow", op: "gt", value: 10 }, { not: { field: "permanent", op: "eq", value: false } }] });
    expect(evaluateRule(eitherOr, facts(), now)).toBe(false);
    expect(evaluateRule(eitherOr, facts({ permanent: true }), now)).toBe(true);
    expect(evaluateRule(eitherOr, facts({ ordersInWindow: 11 }), now)).toBe(true);
  });
});
