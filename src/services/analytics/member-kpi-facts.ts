// Keeps the programme-wide KPI facts as a member's day rows change: inside the transaction that records an event,
// under the member's behaviour lock (ActivityRecorder), it reads the member's rows of the periods the event touches,
// and appends the difference between the member's facts before and after the event (docs/kpis.md).
import type { EntityManager } from "typeorm";
import { numberFromDatabase, timeFromDatabase } from "../../database/raw-values";
import { isSqlite } from "../../database/transactions";
import { localDayNumber } from "../../engine";
import {
  daysNeededFor, factDifference, factPeriodFirstDay, memberKpiFacts, periodsTouchedBy, segmentsFromText, segmentsText,
  type FactPeriod, type KpiGroups, type MemberKpiDay,
} from "../../engine/analytics";
import { appendFactChanges } from "./kpi-fact-store";

/** What a change adds to a day row, of what the facts read. */
export interface KpiDayChange {
  day: number;
  logins?: number;
  orders?: number;
  spend?: number;
  interactions?: number;
}

/** The group columns a new day row is written with. */
export interface GroupColumns {
  group_channel: string | null;
  group_city_tier: number | null;
  group_tier_id: number | null;
  group_segments: string | null;
}

export interface MemberFactsBefore {
  memberId: number;
  periods: FactPeriod[];
  rows: MemberKpiDay[];
  /** The member's groups now: what a new row is written with. */
  current: KpiGroups;
  joinMonthFirstDay: number;
}

type Row = Record<string, unknown>;

export interface CurrentGroups {
  groups: KpiGroups;
  joinMonthFirstDay: number;
}

/**
 * Members' groups now, and the first day of their join month: one read for any number of members (a row per
 * member and scheme they are placed in). Every recorded event makes it, for its member.
 */
export async function currentGroupsOfMembers(manager: EntityManager, memberIds: readonly number[], utcOffsetMinutes: number): Promise<Map<number, CurrentGroups>> {
  const rows: Row[] = await manager.query(
    `SELECT m.id, m.join_channel, m.city_tier, m.tier_id, m.joined_at, s.scheme_id, s.segment_id
       FROM members m LEFT JOIN segment_memberships s ON s.member_id = m.id
      WHERE m.id IN (${memberIds.map(() => "?").join(", ")})`,
    [...memberIds],
  );
  const members = new Map<number, CurrentGroups>();
  const segments = new Map<number, Map<number, number>>();
  for (const row of rows) {
    const memberId = numberFromDatabase(row.id);
    if (!members.has(memberId)) {
      const own = new Map<number, number>();
      segments.set(memberId, own);
      const groups: KpiGroups = { channel: String(row.join_channel), cityTier: row.city_tier === null ? 0 : numberFromDatabase(row.city_tier), tierId: numberFromDatabase(row.tier_id), segments: own };
      members.set(memberId, { groups, joinMonthFirstDay: factPeriodFirstDay(localDayNumber(timeFromDatabase(row.joined_at)!, utcOffsetMinutes), "MONTH") });
    }
    if (row.scheme_id !== null) segments.get(memberId)!.set(numberFromDatabase(row.scheme_id), numberFromDatabase(row.segment_id));
  }
  return members;
}

export function groupColumns(groups: KpiGroups): GroupColumns {
  return { group_channel: groups.channel, group_city_tier: groups.cityTier, group_tier_id: groups.tierId, group_segments: segmentsText(groups.segments) };
}

/**
 * A day row's groups; a row from before the facts existed (the rebuild fills them in) counts in today's. Rows with
 * the same groups share one object (`interned`), which the engine keys its facts by.
 */
export function groupsOfRow(row: Row, current: KpiGroups, interned: Map<string, KpiGroups> = new Map()): KpiGroups {
  if (row.group_channel === null || row.group_channel === undefined) return current;
  const text = `${String(row.group_channel)}|${String(row.group_city_tier)}|${String(row.group_tier_id)}|${String(row.group_segments ?? "")}`;
  let groups = interned.get(text);
  if (!groups) {
    groups = {
      channel: String(row.group_channel),
      cityTier: numberFromDatabase(row.group_city_tier ?? 0),
      tierId: numberFromDatabase(row.group_tier_id ?? 0),
      segments: segmentsFromText(String(row.group_segments ?? "")),
    };
    interned.set(text, groups);
  }
  return groups;
}

export function kpiDayFromRow(row: Row, current: KpiGroups, interned?: Map<string, KpiGroups>): MemberKpiDay {
  return {
    day: numberFromDatabase(row.day),
    logins: numberFromDatabase(row.logins),
    orders: numberFromDatabase(row.orders),
    spend: numberFromDatabase(row.spend),
    interactions: numberFromDatabase(row.interactions),
    groups: groupsOfRow(row, current, interned),
  };
}

export const kpiDayColumns = "day, logins, orders, spend, interactions, group_channel, group_city_tier, group_tier_id, group_segments";

export class MemberKpiFacts {
  constructor(private readonly utcOffsetMinutes: number) {}

  /** Reads, before the changes are written, the member's rows their facts depend on. */
  async before(manager: EntityManager, memberId: number, days: readonly number[]): Promise<MemberFactsBefore> {
    const periods = periodsTouchedBy(days);
    const { fromDay, toDay } = daysNeededFor(periods);
    const { groups: current, joinMonthFirstDay } = (await currentGroupsOfMembers(manager, [memberId], this.utcOffsetMinutes)).get(memberId)!;
    // A locking read on MariaDB: it sees the rows as last committed, not as the transaction's snapshot, which may have
    // begun before the member's behaviour lock was taken (a points command reads the member's lots first) and miss
    // a row another event of the member wrote meanwhile, whose facts this difference would then count again. The
    // rows are the member's own, under that lock already.
    const rows: Row[] = await manager.query(
      `SELECT ${kpiDayColumns} FROM member_daily_activity WHERE member_id = ? AND day >= ? AND day < ? ORDER BY day${isSqlite(manager.connection) ? "" : " FOR UPDATE"}`,
      [memberId, fromDay, toDay],
    );
    return { memberId, periods, rows: rows.map((row) => kpiDayFromRow(row, current)), current, joinMonthFirstDay };
  }

  /** Appends the difference the changes (now written to the rows) made to the member's facts. */
  async after(manager: EntityManager, before: MemberFactsBefore, changes: readonly KpiDayChange[]): Promise<void> {
    const rows = new Map(before.rows.map((row) => [row.day, { ...row }]));
    for (const change of changes) {
      const row = rows.get(change.day) ?? { day: change.day, logins: 0, orders: 0, spend: 0, interactions: 0, groups: before.current };
      row.logins += change.logins ?? 0;
      row.orders += change.orders ?? 0;
      row.spend += change.spend ?? 0;
      row.interactions += change.interactions ?? 0;
      rows.set(change.day, row);
    }
    const afterRows = [...rows.values()].sort((first, second) => first.day - second.day);
    const difference = factDifference(memberKpiFacts(before.rows, before.periods, before.joinMonthFirstDay), memberKpiFacts(afterRows, before.periods, before.joinMonthFirstDay));
    if (difference.length > 0) await appendFactChanges(manager, difference);
  }
}
