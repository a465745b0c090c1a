// Builds the KPI facts of members from their whole history: for rows written without going through the recorder
// (the demo seed's bulk inserts), and once for a database that had activity before the facts existed. Rows without
// groups get the member's groups now, kept on the rows, so later events count them where the facts did.
import type { DataSource, EntityManager } from "typeorm";
import { numberFromDatabase } from "../../database/raw-values";
import { runInTransaction } from "../../database/transactions";
import { kpiCounterNames, memberKpiFacts, periodsTouchedBy, type KpiFact, type KpiGroups, type MemberKpiDay } from "../../engine/analytics";
import { addToFactTable, lockFold } from "./kpi-fact-store";
import { currentGroupsOfMembers, groupColumns, kpiDayColumns, kpiDayFromRow } from "./member-kpi-facts";

type Row = Record<string, unknown>;

const membersPerChunk = 1_000;

/**
 * Adds to `facts` the facts of these members' whole history, giving rows without groups (or every row, with
 * `regroup`) the member's groups now. The members' rows must not be in the facts already.
 */
async function collectMemberFacts(manager: EntityManager, memberIds: readonly number[], utcOffsetMinutes: number, facts: Map<string, KpiFact>, regroup: boolean): Promise<void> {
  if (memberIds.length === 0) return;
  const list = memberIds.map(() => "?").join(", ");
  const current = await currentGroupsOfMembers(manager, memberIds, utcOffsetMinutes);
  const ungrouped: Row[] = await manager.query(`SELECT DISTINCT member_id FROM member_daily_activity WHERE member_id IN (${list})${regroup ? "" : " AND group_channel IS NULL"}`, [...memberIds]);
  for (const row of ungrouped) {
    const memberId = numberFromDatabase(row.member_id);
    const columns = groupColumns(current.get(memberId)!.groups);
    await manager.query(
      `UPDATE member_daily_activity SET group_channel = ?, group_city_tier = ?, group_tier_id = ?, group_segments = ? WHERE member_id = ?${regroup ? "" : " AND group_channel IS NULL"}`,
      [columns.group_channel, columns.group_city_tier, columns.group_tier_id, columns.group_segments, memberId],
    );
  }
  const rows: Row[] = await manager.query(`SELECT member_id, ${kpiDayColumns} FROM member_daily_activity WHERE member_id IN (${list}) ORDER BY member_id, day`, [...memberIds]);
  const interned = new Map<string, KpiGroups>();
  let start = 0;
  while (start < rows.length) {
    const memberId = numberFromDatabase(rows[start].member_id);
    let end = start;
    while (end < rows.length && numberFromDatabase(rows[end].member_id) === memberId) end += 1;
    const { groups, joinMonthFirstDay } = current.get(memberId)!;
    const days: MemberKpiDay[] = rows.slice(start, end).map((row) => kpiDayFromRow(row, groups, interned));
    memberKpiFacts(days, periodsTouchedBy(days.map((day) => day.day)), joinMonthFirstDay, facts);
    start = end;
  }
}

/** Adds the facts of members whose rows were just written in bulk (not through the recorder), in the caller's transaction. */
export async function addBulkMembersToKpiFacts(manager: EntityManager, memberIds: readonly number[], utcOffsetMinutes: number): Promise<void> {
  const facts = new Map<string, KpiFact>();
  for (let start = 0; start < memberIds.length; start += membersPerChunk) await collectMemberFacts(manager, memberIds.slice(start, start + membersPerChunk), utcOffsetMinutes, facts, false);
  await addToFactTable(manager, [...facts.values()]);
}

export interface RebuildOptions {
  /** Every row takes the member's groups now (the demo, once its seeded members are placed in segments). */
  regroup?: boolean;
  onProgress?: (members: number) => void;
}

const rebuildMark = "rebuild";

/**
 * Builds every member's facts again from the daily rows, replacing the facts and dropping unfolded changes. Run it
 * with nothing else writing (the server runs it at start, before it listens): an event recorded meanwhile could be
 * counted twice or not at all. A 'rebuild' row in kpi_fold_state stays until the facts are replaced, so a rebuild
 * that was interrupted (after regrouping some rows, say) runs again at the next start.
 */
export async function rebuildKpiFacts(dataSource: DataSource, utcOffsetMinutes: number, options: RebuildOptions = {}): Promise<number> {
  await runInTransaction(dataSource, async (manager) => {
    await manager.query("DELETE FROM kpi_fold_state WHERE name = ?", [rebuildMark]);
    await manager.query("INSERT INTO kpi_fold_state (name, folded_at) VALUES (?, NULL)", [rebuildMark]);
  });
  const facts = new Map<string, KpiFact>();
  let members = 0;
  let afterMemberId = 0;
  for (;;) {
    const chunk: Row[] = await dataSource.query("SELECT id FROM members WHERE id > ? ORDER BY id LIMIT ?", [afterMemberId, membersPerChunk]);
    if (chunk.length === 0) break;
    const memberIds = chunk.map((row) => numberFromDatabase(row.id));
    afterMemberId = memberIds[memberIds.length - 1];
    await runInTransaction(dataSource, (manager) => collectMemberFacts(manager, memberIds, utcOffsetMinutes, facts, options.regroup ?? false));
    members += memberIds.length;
    options.onProgress?.(members);
  }
  await runInTransaction(dataSource, async (manager) => {
    // The fold's lock first: a fold running meanwhile finishes before, or waits and finds nothing left to fold.
    await lockFold(manager);
    await manager.query("DELETE FROM kpi_fact_changes");
    await manager.query("DELETE FROM kpi_facts");
    await addToFactTable(manager, [...facts.values()].filter((fact) => kpiCounterNames.some((name) => fact.counters[name] !== 0)));
    await manager.query("DELETE FROM kpi_fold_state WHERE name = ?", [rebuildMark]);
  });
  return members;
}

/**
 * Rebuilds the facts when asked to (the migration's or an interrupted rebuild's 'rebuild' row), or when there is
 * daily activity but no facts at all. Returns whether it rebuilt.
 */
export async function ensureKpiFacts(dataSource: DataSource, utcOffsetMinutes: number, onProgress?: (members: number) => void): Promise<boolean> {
  const [asked] = await dataSource.query("SELECT COUNT(*) AS n FROM kpi_fold_state WHERE name = ?", [rebuildMark]);
  const [activity] = await dataSource.query("SELECT COUNT(*) AS n FROM (SELECT 1 FROM member_daily_activity LIMIT 1) a");
  const [facts] = await dataSource.query("SELECT COUNT(*) AS n FROM (SELECT 1 FROM kpi_facts LIMIT 1) f");
  const [changes] = await dataSource.query("SELECT COUNT(*) AS n FROM (SELECT 1 FROM kpi_fact_changes LIMIT 1) c");
  const missing = numberFromDatabase(activity.n) > 0 && numberFromDatabase(facts.n) + numberFromDatabase(changes.n) === 0;
  if (numberFromDatabase(asked.n) === 0 && !missing) return false;
  await rebuildKpiFacts(dataSource, utcOffsetMinutes, { onProgress });
  return true;
}
