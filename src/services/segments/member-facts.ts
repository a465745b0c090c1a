// Members' rule facts read from the database with the same column expressions as the SQL filter, and the SQL
// dialect of a connection.
import type { DataSource, EntityManager } from "typeorm";
import { isSqlite } from "../../database/transactions";
import { timeFromDatabase, timeToDatabase } from "../../database/raw-values";
import { ruleFieldNames, ruleFields, type FactValue, type MemberFacts, type SegmentRule } from "../../engine";
import { memberFactsFrom, ruleColumns } from "./rule-columns";
import { ruleToSql, type SqlDialect } from "./rule-sql";

export function sqlDialectOf(dataSource: DataSource): SqlDialect {
  if (isSqlite(dataSource)) {
    return { dateParameter: (value) => timeToDatabase(dataSource, value), exactText: (column) => column };
  }
  return { dateParameter: (value) => timeToDatabase(dataSource, value), exactText: (column) => `${column} COLLATE utf8mb4_bin` };
}

function factOf(type: (typeof ruleFields)[keyof typeof ruleFields]["type"], value: unknown): FactValue {
  if (value === null || value === undefined) return null;
  if (type === "date") return timeFromDatabase(value);
  if (type === "number") return Number(value);
  if (type === "boolean") return Number(value) === 1 || value === true;
  return String(value);
}

const selectFacts = `SELECT m.id AS member_id, ${ruleFieldNames.map((name) => `${ruleColumns[name]} AS f_${name}`).join(", ")} FROM ${memberFactsFrom}`;

/** The facts of at most `limit` members with ids after `afterMemberId` (and up to `throughMemberId` if given), in id order. */
export async function readMemberFacts(manager: EntityManager, afterMemberId: number, limit: number, throughMemberId?: number): Promise<(MemberFacts & { memberId: number })[]> {
  const rows: Record<string, unknown>[] =
    throughMemberId === undefined
      ? await manager.query(`${selectFacts} WHERE m.id > ? ORDER BY m.id LIMIT ?`, [afterMemberId, limit])
      : await manager.query(`${selectFacts} WHERE m.id > ? AND m.id <= ? ORDER BY m.id LIMIT ?`, [afterMemberId, throughMemberId, limit]);
  return rows.map(factsFromRow);
}

function factsFromRow(row: Record<string, unknown>): MemberFacts & { memberId: number } {
  const facts = { memberId: Number(row.member_id) } as MemberFacts & { memberId: number };
  for (const name of ruleFieldNames) facts[name] = factOf(ruleFields[name].type, row[`f_${name}`]);
  return facts;
}

/** The ids of the members a rule matches, by the SQL filter. */
export async function matchingMemberIds(dataSource: DataSource, rule: SegmentRule, now: Date): Promise<number[]> {
  const filter = ruleToSql(rule, now, sqlDialectOf(dataSource));
  const rows: { id: number | string }[] = await dataSource.query(`SELECT m.id AS id FROM ${memberFactsFrom} WHERE ${filter.where} ORDER BY m.id`, filter.parameters);
  return rows.map((row) => Number(row.id));
}

/** The facts of some members. */
export async function readMemberFactsOf(manager: EntityManager, memberIds: readonly number[]): Promise<(MemberFacts & { memberId: number })[]> {
  if (memberIds.length === 0) return [];
  const rows: Record<string, unknown>[] = await manager.query(`${selectFacts} WHERE m.id IN (${memberIds.map(() => "?").join(", ")}) ORDER BY m.id`, [...memberIds]);
  return rows.map(factsFromRow);
}
