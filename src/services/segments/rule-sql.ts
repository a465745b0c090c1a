// A segment rule as a SQL filter, for populations too large to evaluate member by member. Every condition
// becomes a two-valued test (CASE WHEN ... THEN 1 ELSE 0 END = 1), so NULLs behave as in evaluateRule: a
// condition on an unknown value is false, and NOT negates it.
import { ruleFields, type Condition, type SegmentRule } from "../../engine";
import { ruleColumns } from "./rule-columns";

export interface SqlDialect {
  /** How a Date is bound (SQLite's text format, or a Date for mysql2). */
  dateParameter(value: Date): unknown;
  /** MySQL compares text case-insensitively under its default collation; rules compare exactly, as JavaScript does. */
  exactText(column: string): string;
}

export interface SqlFilter {
  where: string;
  parameters: unknown[];
}

const day = 86_400_000;

export function ruleToSql(rule: SegmentRule, now: Date, dialect: SqlDialect): SqlFilter {
  const parameters: unknown[] = [];
  const where = translate(rule, now, dialect, parameters);
  return { where, parameters };
}

function translate(rule: SegmentRule, now: Date, dialect: SqlDialect, parameters: unknown[]): string {
  if ("all" in rule) return `(${rule.all.map((inner) => translate(inner, now, dialect, parameters)).join(" AND ")})`;
  if ("any" in rule) return `(${rule.any.map((inner) => translate(inner, now, dialect, parameters)).join(" OR ")})`;
  if ("not" in rule) return `(NOT ${translate(rule.not, now, dialect, parameters)})`;
  return `(CASE WHEN ${condition(rule, now, dialect, parameters)} THEN 1 ELSE 0 END = 1)`;
}

function condition(rule: Condition, now: Date, dialect: SqlDialect, parameters: unknown[]): string {
  const type = ruleFields[rule.field].type;
  const raw = ruleColumns[rule.field];
  const column = type === "text" ? dialect.exactText(raw) : raw;
  const bind = (value: unknown) => {
    parameters.push(value instanceof Date ? dialect.dateParameter(value) : typeof value === "boolean" ? (value ? 1 : 0) : value);
    return "?";
  };
  const comparisons = { eq: "=", ne: "<>", lt: "<", lte: "<=", gt: ">", gte: ">=" } as const;
  switch (rule.op) {
    case "isNull":
      return `${raw} IS NULL`;
    case "isNotNull":
      return `${raw} IS NOT NULL`;
    case "eq":
    case "ne":
    case "lt":
    case "lte":
    case "gt":
    case "gte":
      return `${column} ${comparisons[rule.op]} ${bind(rule.value)}`;
    case "between":
      return `${column} BETWEEN ${bind(rule.value[0])} AND ${bind(rule.value[1])}`;
    case "in":
      return `${column} IN (${rule.value.map(bind).join(", ")})`;
    case "notIn":
      return `${column} NOT IN (${rule.value.map(bind).join(", ")})`;
    case "before":
      return `${raw} < ${bind(rule.value)}`;
    case "after":
      return `${raw} > ${bind(rule.value)}`;
    case "withinLastDays":
      return `${raw} >= ${bind(new Date(now.getTime() - rule.value * day))}`;
    case "notWithinLastDays":
      return `(${raw} IS NULL OR ${raw} < ${bind(new Date(now.getTime() - rule.value * day))})`;
  }
}
