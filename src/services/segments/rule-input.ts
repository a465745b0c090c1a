// A rule as a client sent it, checked: a fault is BAD_USER_INPUT with its path in extensions.field
// (e.g. input.segments[2].rule.all[0].field), for every API that takes a rule.
import { parseRule, RuleProblem, type SegmentRule } from "../../engine";
import { badUserInput } from "../../errors";

export function ruleFromInput(input: unknown, path: string): SegmentRule {
  try {
    return parseRule(input, path);
  } catch (error) {
    if (error instanceof RuleProblem) throw badUserInput(error.message, error.path);
    throw error;
  }
}
