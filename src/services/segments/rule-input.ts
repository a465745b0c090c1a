// A rule as a client sent it, checked: a fault is BAD_USER_INPUT with its path in extensions.field
// (e.g. input.segments[2].rule.all[0].field), for every API that takes a rule.
import { parseRule, RuleProblem, type SegmentRule } from "../../engine";
import { badUserInput } from "../../errors";

/** Rules are stored in TEXT columns (64 KB on MariaDB) and copied into the audit trail: a rule fits in a quarter. */
export const maximumRuleBytes = 16_384;

export function ruleFromInput(input: unknown, path: string): SegmentRule {
  const bytes = Buffer.byteLength(JSON.stringify(input) ?? "", "utf8");
  if (bytes > maximumRuleBytes) throw badUserInput(`${path} is ${bytes} bytes of JSON; a rule may be at most ${maximumRuleBytes}. Split long lists (e.g. cities) into a segment of their own.`, path);
  try {
    return parseRule(input, path);
  } catch (error) {
    if (error instanceof RuleProblem) throw badUserInput(error.message, error.path);
    throw error;
  }
}
