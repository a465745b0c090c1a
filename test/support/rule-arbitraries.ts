// Random segment rules for property tests: every field and operator, nested all/any/not, with values the given
// members really have, so that random conditions split the population instead of matching no one.
import fc from "fast-check";
import { ruleFieldNames, ruleFields, type MemberFacts, type RuleFieldName, type SegmentRule } from "../../src/engine";

export function randomRules(members: readonly MemberFacts[], now: Date): fc.Arbitrary<SegmentRule> {
  function seenValues(field: RuleFieldName): (number | string | boolean | Date)[] {
    return [...new Set(members.map((member) => member[field]).filter((value) => value !== null))] as (number | string | boolean | Date)[];
  }

  function conditionOf(field: RuleFieldName): fc.Arbitrary<SegmentRule> {
    const definition = ruleFields[field];
    const seen = seenValues(field);
    const nullChecks = fc.constantFrom<SegmentRule>({ field, op: "isNull" }, { field, op: "isNotNull" });
    if (definition.type === "boolean") return fc.boolean().map((value): SegmentRule => ({ field, op: "eq", value }));
    if (definition.type === "date") {
      const instants = seen.length > 0 ? fc.constantFrom(...(seen as Date[])) : fc.constant(now);
      return fc.oneof(
        nullChecks,
        fc.tuple(fc.constantFrom("before" as const, "after" as const), instants).map(([op, value]): SegmentRule => ({ field, op, value })),
        fc.tuple(fc.constantFrom("withinLastDays" as const, "notWithinLastDays" as const), fc.integer({ min: 1, max: 400 })).map(([op, value]): SegmentRule => ({ field, op, value })),
      );
    }
    const values = (definition.type === "text" ? [...(definition.values ?? []), ...seen] : [...seen, 0, 1, 3]) as (number | string)[];
    const value = fc.constantFrom(...(values.length > 0 ? values : ["NONE"]));
    const comparisons = definition.type === "number" ? (["eq", "ne", "lt", "lte", "gt", "gte"] as const) : (["eq", "ne"] as const);
    const options: fc.Arbitrary<SegmentRule>[] = [
      nullChecks,
      fc.tuple(fc.constantFrom(...comparisons), value).map(([op, single]): SegmentRule => ({ field, op, value: single })),
      fc.tuple(fc.constantFrom("in" as const, "notIn" as const), fc.uniqueArray(value, { minLength: 1, maxLength: 3 })).map(([op, list]): SegmentRule => ({ field, op, value: list })),
    ];
    if (definition.type === "number") {
      options.push(fc.tuple(value, value).map(([first, second]): SegmentRule => ({ field, op: "between", value: [Math.min(+first, +second), Math.max(+first, +second)] })));
    }
    return fc.oneof(...options);
  }

  return fc.letrec<{ rule: SegmentRule }>((tie) => ({
    rule: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      fc.constantFrom(...ruleFieldNames).chain(conditionOf),
      fc.array(tie("rule"), { minLength: 1, maxLength: 3 }).map((all): SegmentRule => ({ all })),
      fc.array(tie("rule"), { minLength: 1, maxLength: 3 }).map((any): SegmentRule => ({ any })),
      tie("rule").map((not): SegmentRule => ({ not })),
    ),
  })).rule;
}
