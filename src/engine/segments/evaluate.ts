// Evaluates a rule against one member's facts. Two-valued: a condition on an unknown (null) value is false,
// except isNull and notWithinLastDays ("no login in 90 days" holds for a member who never logged in), and `not`
// simply negates. The SQL translation follows the same semantics (a test runs both on the same members).
import type { MemberFacts } from "./fields";
import type { Condition, SegmentRule } from "./rule";

const day = 86_400_000;

export function evaluateRule(rule: SegmentRule, facts: MemberFacts, now: Date): boolean {
  if ("all" in rule) return rule.all.every((inner) => evaluateRule(inner, facts, now));
  if ("any" in rule) return rule.any.some((inner) => evaluateRule(inner, facts, now));
  if ("not" in rule) return !evaluateRule(rule.not, facts, now);
  return evaluateCondition(rule, facts, now);
}

function evaluateCondition(condition: Condition, facts: MemberFacts, now: Date): boolean {
  const value = facts[condition.field];
  if (condition.op === "isNull") return value === null;
  if (condition.op === "isNotNull") return value !== null;
  if (condition.op === "notWithinLastDays") return value === null || (value as Date).getTime() < now.getTime() - condition.value * day;
  if (value === null) return false;
  switch (condition.op) {
    case "eq":
      return value === condition.value;
    case "ne":
      return value !== condition.value;
    case "lt":
      return (value as number) < (condition.value as number);
    case "lte":
      return (value as number) <= (condition.value as number);
    case "gt":
      return (value as number) > (condition.value as number);
    case "gte":
      return (value as number) >= (condition.value as number);
    case "between":
      return (value as number) >= condition.value[0] && (value as number) <= condition.value[1];
    case "in":
      return condition.value.includes(value as number | string);
    case "notIn":
      return !condition.value.includes(value as number | string);
    case "before":
      return (value as Date).getTime() < condition.value.getTime();
    case "after":
      return (value as Date).getTime() > condition.value.getTime();
    case "withinLastDays":
      return (value as Date).getTime() >= now.getTime() - condition.value * day;
  }
}
