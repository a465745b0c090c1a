// Reads what scoring needs about members: their aggregates row and the few profile fields the engine derives
// demographics from. One query per chunk, keyed by member id, so a full run streams through any population.
import type { EntityManager } from "typeorm";
import { numberFromDatabase, optionalNumberFromDatabase, timeFromDatabase } from "../../database/raw-values";
import type { MemberActivity } from "../../engine/scoring/types";

const selectActivity = `
  SELECT a.member_id, m.joined_at, m.birthday, m.city, m.city_tier, a.first_order_at, a.last_order_at, a.last_login_at,
         a.orders_total, a.spend_total, a.orders_window, a.spend_window, a.orders_30, a.orders_90, a.orders_previous_90,
         a.logins_30, a.logins_90, a.logins_previous_90, a.session_seconds_30, a.interactions_30, a.interactions_90,
         a.complaints_90, a.refunds_90, a.refund_amount_window, a.last_csat, a.last_nps
    FROM member_aggregates a JOIN members m ON m.id = a.member_id`;

/** Up to `limit` members with ids above `afterMemberId`, in id order. */
export async function readActivityChunk(manager: EntityManager, afterMemberId: number, limit: number): Promise<MemberActivity[]> {
  const rows: Record<string, unknown>[] = await manager.query(`${selectActivity} WHERE a.member_id > ? ORDER BY a.member_id LIMIT ?`, [afterMemberId, limit]);
  return rows.map(activityFromRow);
}

export async function readActivityOf(manager: EntityManager, memberIds: readonly number[]): Promise<MemberActivity[]> {
  if (memberIds.length === 0) return [];
  const rows: Record<string, unknown>[] = await manager.query(`${selectActivity} WHERE a.member_id IN (${memberIds.map(() => "?").join(", ")})`, [...memberIds]);
  return rows.map(activityFromRow);
}

function activityFromRow(row: Record<string, unknown>): MemberActivity {
  return {
    memberId: numberFromDatabase(row.member_id),
    joinedAt: timeFromDatabase(row.joined_at) as Date,
    birthday: row.birthday === null || row.birthday === undefined ? null : birthdayText(row.birthday),
    city: (row.city as string | null) ?? null,
    cityTier: optionalNumberFromDatabase(row.city_tier),
    firstOrderAt: timeFromDatabase(row.first_order_at),
    lastOrderAt: timeFromDatabase(row.last_order_at),
    lastLoginAt: timeFromDatabase(row.last_login_at),
    ordersTotal: numberFromDatabase(row.orders_total),
    spendTotal: numberFromDatabase(row.spend_total),
    ordersInWindow: numberFromDatabase(row.orders_window),
    spendInWindow: numberFromDatabase(row.spend_window),
    orders30: numberFromDatabase(row.orders_30),
    orders90: numberFromDatabase(row.orders_90),
    ordersPrevious90: numberFromDatabase(row.orders_previous_90),
    logins30: numberFromDatabase(row.logins_30),
    logins90: numberFromDatabase(row.logins_90),
    loginsPrevious90: numberFromDatabase(row.logins_previous_90),
    sessionSeconds30: numberFromDatabase(row.session_seconds_30),
    interactions30: numberFromDatabase(row.interactions_30),
    interactions90: numberFromDatabase(row.interactions_90),
    complaints90: numberFromDatabase(row.complaints_90),
    refunds90: numberFromDatabase(row.refunds_90),
    refundAmountInWindow: numberFromDatabase(row.refund_amount_window),
    lastCsat: optionalNumberFromDatabase(row.last_csat),
    lastNps: optionalNumberFromDatabase(row.last_nps),
  };
}

/** DATE columns: a string on SQLite, a Date (midnight UTC, as the connection runs in UTC) on MySQL. */
function birthdayText(value: unknown): string {
  return value instanceof Date ? value.toISOString().slice(0, 10) : String(value).slice(0, 10);
}
