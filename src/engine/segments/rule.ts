// The segment rule language: conditions on member fields combined with all / any / not. Rules arrive as JSON
// (or the GraphQL input of the same shape); `parseRule` checks them and names the path of every fault.
import { badRule } from "./rule-problem";
import { ruleFieldNames, ruleFields, type FieldType, type RuleFieldName } from "./fields";

export const operators = ["eq", "ne", "lt", "lte", "gt", "gte", "between", "in", "notIn", "isNull", "isNotNull", "before", "after", "withinLastDays", "notWithinLastDays"] as const;
export type Operator = (typeof operators)[number];

export type Condition =
  | { field: RuleFieldName; op: "isNull" | "isNotNull" }
  | { field: RuleFieldName; op: "eq" | "ne" | "lt" | "lte" | "gt" | "gte"; value: number | string | boolean }
  | { field: RuleFieldName; op: "between"; value: [number, number] }
  | { field: RuleFieldName; op: "in" | "notIn"; value: (number | string)[] }
  | { field: RuleFieldName; op: "before" | "after"; value: Date }
  | { field: RuleFieldName; op: "withinLastDays" | "notWithinLastDays"; value: number };

export type SegmentRule = { all: SegmentRule[] } | { any: SegmentRule[] } | { not: SegmentRule } | Condition;

/** Which operators each field type takes. */
const operatorsOf: Record<FieldType, readonly Operator[]> = {
  number: ["eq", "ne", "lt", "lte", "gt", "gte", "between", "in", "notIn", "isNull", "isNotNull"],
  text: ["eq", "ne", "in", "notIn", "isNull", "isNotNull"],
  boolean: ["eq"],
  date: ["before", "after", "withinLastDays", "notWithinLastDays", "isNull", "isNotNull"],
};

const deepestRule = 12;

/** Checks a rule given as JSON; returns it typed, or throws a RuleProblem naming the path (e.g. rule.all[2].value). */
export function parseRule(input: unknown, path = "rule", depth = 0): SegmentRule {
  if (depth > deepestRule) throw badRule(path, `nests deeper than ${deepestRule} levels: flatten it with all / any.`);
  if (typeof input !== "object" || input === null || Array.isArray(input)) throw badRule(path, "must be an object: a condition { field, op, value } or { all: [...] }, { any: [...] }, { not: {...} }.");
  const keys = Object.keys(input);
  const record = input as Record<string, unknown>;
  for (const combinator of ["all", "any"] as const) {
    if (keys.includes(combinator)) {
      if (keys.length !== 1) throw badRule(path, `has "${combinator}" beside other keys (${keys.join(", ")}): put them in the list.`);
      const list = record[combinator];
      if (!Array.isArray(list) || list.length === 0) throw badRule(`${path}.${combinator}`, "must be a non-empty list of rules.");
      const rules = list.map((item, index) => parseRule(item, `${path}.${combinator}[${index}]`, depth + 1));
      return combinator === "all" ? { all: rules } : { any: rules };
    }
  }
  if (keys.includes("not")) {
    if (keys.length !== 1) throw badRule(path, `has "not" beside other keys (${keys.join(", ")}).`);
    return { not: parseRule(record.not, `${path}.not`, depth + 1) };
  }
  return parseCondition(record, path);
}

function parseCondition(record: Record<string, unknown>, path: string): Condition {
  const unknownKeys = Object.keys(record).filter((key) => !["field", "op", "value"].includes(key));
  if (unknownKeys.length > 0) throw badRule(`${path}.${unknownKeys[0]}`, `is not part of a condition: use field, op and value (or all / any / not).`);
  const field = record.field;
  if (typeof field !== "string" || !(ruleFieldNames as string[]).includes(field)) {
    throw badRule(`${path}.field`, `"${String(field)}" is not a field; use one of ${ruleFieldNames.join(", ")}.`);
  }
  const definition = ruleFields[field as RuleFieldName];
  const op = record.op;
  const allowed = operatorsOf[definition.type];
  if (typeof op !== "string" || !allowed.includes(op as Operator)) {
    throw badRule(`${path}.op`, `"${String(op)}" does not apply to ${field} (${definition.type}); use one of ${allowed.join(", ")}.`);
  }
  const name = field as RuleFieldName;
  const value = record.value;
  const valuePath = `${path}.value`;
  if (op === "isNull" || op === "isNotNull") {
    if (value !== undefined) throw badRule(valuePath, `must be left out for ${op}.`);
    return { field: name, op };
  }
  if (value === undefined || value === null) throw badRule(valuePath, `is needed for ${op}.`);
  const single = (candidate: unknown, at: string): number | string | boolean => {
    if (definition.type === "number") {
      if (typeof candidate !== "number" || !Number.isFinite(candidate)) throw badRule(at, `must be a number for ${field}.`);
      return candidate;
    }
    if (definition.type === "boolean") {
      if (typeof candidate !== "boolean") throw badRule(at, `must be true or false for ${field}.`);
      return candidate;
    }
    if (typeof candidate !== "string") throw badRule(at, `must be text for ${field}.`);
    if (definition.values && !definition.values.includes(candidate)) throw badRule(at, `"${candidate}" is not a ${field}; use one of ${definition.values.join(", ")}.`);
    return candidate;
  };
  switch (op) {
    case "between": {
      if (!Array.isArray(value) || value.length !== 2) throw badRule(valuePath, "must be [lowest, highest].");
      const [lowest, highest] = [single(value[0], `${valuePath}[0]`), single(value[1], `${valuePath}[1]`)] as [number, number];
      if (lowest > highest) throw badRule(valuePath, `is an impossible range: ${lowest} is above ${highest}.`);
      return { field: name, op, value: [lowest, highest] };
    }
    case "in":
    case "notIn": {
      if (!Array.isArray(value) || value.length === 0) throw badRule(valuePath, `must be a non-empty list for ${op}.`);
      return { field: name, op, value: value.map((item, index) => single(item, `${valuePath}[${index}]`) as number | string) };
    }
    case "before":
    case "after": {
      const instant = typeof value === "string" && /(Z|[+-]\d{2}:?\d{2})$/.test(value) ? new Date(value) : value instanceof Date ? value : new Date(Number.NaN);
      if (Number.isNaN(instant.getTime())) throw badRule(valuePath, "must be a date-time with its time zone, e.g. 2026-01-01T00:00:00+08:00.");
      return { field: name, op, value: instant };
    }
    case "withinLastDays":
    case "notWithinLastDays": {
      if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > 3650) throw badRule(valuePath, "must be a whole number of days from 1 to 3650.");
      return { field: name, op, value };
    }
    default:
      return { field: name, op: op as "eq" | "ne" | "lt" | "lte" | "gt" | "gte", value: single(value, valuePath) };
  }
}

