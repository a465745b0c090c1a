// The rule language as a typed GraphQL input: the same shape as the JSON form (docs/segments.md), with the fields
// and operators as enums the schema documents. Exactly one of all / any / not / (field, op, value) per level; the
// value's type depends on the field and operator, so it stays JSON and the rule parser checks it with its path.
import { GraphQLJSON } from "graphql-scalars";
import { Field, InputType, registerEnumType } from "type-graphql";
import { operators, ruleFieldNames, ruleFields } from "../engine";

const SegmentRuleFieldEnum = Object.fromEntries(ruleFieldNames.map((name) => [name, name]));
const SegmentRuleOperatorEnum = Object.fromEntries(operators.map((name) => [name, name]));

registerEnumType(SegmentRuleFieldEnum, {
  name: "SegmentRuleField",
  description: "A member fact a rule may test.",
  valuesConfig: Object.fromEntries(ruleFieldNames.map((name) => [name, { description: `${ruleFields[name].type}: ${ruleFields[name].description}` }])),
});
registerEnumType(SegmentRuleOperatorEnum, { name: "SegmentRuleOperator", description: "Comparison of a condition; which ones a field takes depends on its type (docs/segments.md)." });

@InputType({ description: "A segment rule: all, any, not, or a condition (field, op, value). The JSON form of docs/segments.md is the same object." })
export class SegmentRuleInput {
  @Field(() => [SegmentRuleInput], { nullable: true, description: "Every rule holds." })
  all?: SegmentRuleInput[] | null;

  @Field(() => [SegmentRuleInput], { nullable: true, description: "At least one rule holds." })
  any?: SegmentRuleInput[] | null;

  @Field(() => SegmentRuleInput, { nullable: true, description: "The rule does not hold." })
  not?: SegmentRuleInput | null;

  @Field(() => SegmentRuleFieldEnum, { nullable: true })
  field?: string | null;

  @Field(() => SegmentRuleOperatorEnum, { nullable: true })
  op?: string | null;

  @Field(() => GraphQLJSON, { nullable: true, description: "A number, text, true/false, a date-time, a list (in, notIn) or [low, high] (between); absent for isNull / isNotNull." })
  value?: unknown;
}

/** The plain JSON form of a typed rule (unset keys dropped), for the rule parser and for storage. */
export function plainRule(input: SegmentRuleInput): Record<string, unknown> {
  const rule: Record<string, unknown> = {};
  if (input.all != null) rule.all = input.all.map(plainRule);
  if (input.any != null) rule.any = input.any.map(plainRule);
  if (input.not != null) rule.not = plainRule(input.not);
  if (input.field != null) rule.field = input.field;
  if (input.op != null) rule.op = input.op;
  if (input.value !== undefined && input.value !== null) rule.value = input.value;
  return rule;
}
