// Points by group for POINTS_LIABILITY by a breakdown (docs/kpis.md, "Points by group"): the daily sums of measure
// 'points' (kpi-daily-sums.ts) keep what entered and left each group on each local day, and a member's point account
// says which groups their points sit in (point_accounts.kpi_groups). Every change of either happens under the
// account's lock, in one transaction:
// - a ledger entry adds its amount to the account's groups (PointsLedger, which holds the lock);
// - a tier change moves the balance to the new tier (the points command or tier review that writes it holds the lock);
// - a city tier change moves it to the new city tier (the profile update takes the lock first);
// - a segment move takes no lock: the moving transaction leaves a row in kpi_points_regroups, and the member's points
//   follow in a regroup just after it commits (and in the kpi-facts job, for what that missed), which takes the
//   account's lock and moves the balance from the account's groups to the member's groups now.
// Since the account row alone says where the points are, and every change of the sums changes the row's balance or
// groups with them under its lock, no point is ever in two groups of a breakdown or in none.
import type { DataSource, EntityManager } from "typeorm";
import { updateRowsById } from "../../database/bulk-update";
import { numberFromDatabase } from "../../database/raw-values";
import { isSqlite, runInTransaction } from "../../database/transactions";
import { localDayNumber } from "../../engine";
import {
  entryPointsChanges, pointsGroupsFromText, pointsGroupsText, pointsMeasure, regroupPointsChanges, sameGroups, type KpiGroups, type PointsChange,
} from "../../engine/analytics";
import { PointAccountRecord } from "../../entities";
import { appendDailyChanges, readDailySums, type DailySum } from "./kpi-daily-sums";
import { currentGroupsOfMembers } from "./member-kpi-facts";

type Row = Record<string, unknown>;

function appendPointsChanges(manager: EntityManager, changes: readonly PointsChange[]): Promise<void> {
  return appendDailyChanges(manager, changes.map((change) => ({ measure: pointsMeasure, groupKey: change.groupKey, day: change.day, amount: change.amount })));
}

async function groupsNow(manager: EntityManager, memberIds: readonly number[]): Promise<Map<number, KpiGroups>> {
  // The join month is not needed here: any offset will do.
  const current = await currentGroupsOfMembers(manager, memberIds, 0);
  return new Map([...current].map(([memberId, { groups }]) => [memberId, groups]));
}

/**
 * The groups an account's points sit in. The services write them with every account; an account without them (a
 * row written by hand) takes the member's groups now, and its balance is counted there from `day` on.
 */
export async function accountPointsGroups(manager: EntityManager, account: PointAccountRecord, day: number): Promise<KpiGroups> {
  if (account.kpiGroups !== null && account.kpiGroups !== undefined) return pointsGroupsFromText(account.kpiGroups);
  const groups = (await groupsNow(manager, [account.memberId])).get(account.memberId);
  if (!groups) throw new Error(`Point account ${account.memberId} has no member`);
  await appendPointsChanges(manager, entryPointsChanges(groups, day, account.balance));
  await setAccountGroups(manager, account, groups);
  return groups;
}

async function setAccountGroups(manager: EntityManager, account: PointAccountRecord, groups: KpiGroups): Promise<void> {
  const text = pointsGroupsText(groups);
  account.kpiGroups = text;
  await manager.update(PointAccountRecord, { memberId: account.memberId }, { kpiGroups: text });
}

/** A ledger entry of the locked account: `amount` points into each of its groups on `day` (before the balance changes). */
export async function recordEntryByGroup(manager: EntityManager, account: PointAccountRecord, day: number, amount: number): Promise<void> {
  if (amount === 0) return;
  await appendPointsChanges(manager, entryPointsChanges(await accountPointsGroups(manager, account, day), day, amount));
}

/**
 * The member of the locked account moves group (their tier, their city tier): their balance leaves the groups they
 * leave and enters the new ones on `day`, and the account says where the points are now. `account.balance` must be
 * the balance as this transaction has it (the ledger keeps the object in step).
 */
export async function moveAccountGroups(manager: EntityManager, account: PointAccountRecord, change: (groups: KpiGroups) => KpiGroups, day: number): Promise<void> {
  const before = await accountPointsGroups(manager, account, day);
  const after = change(before);
  if (sameGroups(before, after)) return;
  await appendPointsChanges(manager, regroupPointsChanges(before, after, account.balance, day));
  await setAccountGroups(manager, account, after);
}

/** The groups a new member's points count in: their channel, city tier and entry tier; no segment yet. */
export function newAccountGroups(member: { joinChannel: string; cityTier: number | null; tierId: number }): string {
  return pointsGroupsText({ channel: member.joinChannel, cityTier: member.cityTier ?? 0, tierId: member.tierId, segments: new Map() });
}

/**
 * In a transaction that moves members between segments: their points follow after it commits (regroupPoints). Insert
 * only, and no lock taken: segment moves (whole evaluation chunks of 2,000 members) never wait on a point account.
 */
export async function enqueuePointsRegroups(manager: EntityManager, memberIds: readonly number[]): Promise<void> {
  const distinct = [...new Set(memberIds)];
  for (let start = 0; start < distinct.length; start += 500) {
    const chunk = distinct.slice(start, start + 500);
    await manager.query(`INSERT INTO kpi_points_regroups (member_id) VALUES ${chunk.map(() => "(?)").join(", ")}`, chunk);
  }
}

export interface RegroupOptions {
  /** Only these members (the eager regroup after a move); otherwise whoever is waiting, oldest first. */
  memberIds?: readonly number[];
  /** Members per transaction. */
  batchSize?: number;
}

/**
 * Moves the points of members whose segments moved into their groups now. Per batch, one transaction whose first
 * statement locks the batch's point accounts, skipping those another transaction holds (FOR UPDATE SKIP LOCKED on
 * MariaDB; SQLite transactions are serialized): it never waits for a lock, so it can close no cycle of waits, and a
 * member whose account is busy keeps their row for the next pass. The reads after the lock see every move committed
 * before it (on MariaDB the snapshot begins at the first plain read), and the rows read are deleted by id: a move that
 * commits later leaves its own row. Regrouping twice moves nothing the second time. Returns the members regrouped.
 */
export async function regroupPoints(dataSource: DataSource, utcOffsetMinutes: number, now: Date, { memberIds, batchSize = 1_000 }: RegroupOptions = {}): Promise<number> {
  const day = localDayNumber(now, utcOffsetMinutes);
  let regrouped = 0;
  const waiting = async (): Promise<number[]> => {
    if (memberIds) return [...new Set(memberIds)];
    const rows: Row[] = await dataSource.query(`SELECT DISTINCT member_id FROM kpi_points_regroups ORDER BY member_id LIMIT ${batchSize}`);
    return rows.map((row) => numberFromDatabase(row.member_id));
  };
  for (let candidates = await waiting(); candidates.length > 0; ) {
    const batch = candidates.slice(0, batchSize);
    const done = await runInTransaction(dataSource, (manager) => regroupBatch(manager, batch, day));
    regrouped += done;
    if (memberIds) candidates = candidates.slice(batchSize);
    // Nothing done: everyone left is busy (or done by another process); the next pass takes them.
    else candidates = done === 0 ? [] : await waiting();
  }
  return regrouped;
}

async function regroupBatch(manager: EntityManager, memberIds: readonly number[], day: number): Promise<number> {
  const list = memberIds.map(() => "?").join(", ");
  const lock = isSqlite(manager.connection) ? "" : " FOR UPDATE SKIP LOCKED";
  const accounts: Row[] = await manager.query(`SELECT member_id, balance, kpi_groups FROM point_accounts WHERE member_id IN (${list}) ORDER BY member_id${lock}`, [...memberIds]);
  if (accounts.length === 0) return 0;
  const locked = accounts.map((row) => numberFromDatabase(row.member_id));
  const lockedList = locked.map(() => "?").join(", ");
  const pending: Row[] = await manager.query(`SELECT id, member_id FROM kpi_points_regroups WHERE member_id IN (${lockedList})`, locked);
  const toRegroup = new Set(pending.map((row) => numberFromDatabase(row.member_id)));
  if (toRegroup.size === 0) return 0;
  const current = await groupsNow(manager, [...toRegroup]);
  const changes: PointsChange[] = [];
  const updated: PointAccountRecord[] = [];
  for (const row of accounts) {
    const memberId = numberFromDatabase(row.member_id);
    const after = current.get(memberId);
    if (!toRegroup.has(memberId) || !after) continue;
    const balance = numberFromDatabase(row.balance);
    if (row.kpi_groups === null || row.kpi_groups === undefined) {
      // An account no service wrote: its balance is counted in the member's groups from today.
      changes.push(...entryPointsChanges(after, day, balance));
    } else {
      const before = pointsGroupsFromText(String(row.kpi_groups));
      if (sameGroups(before, after)) continue;
      changes.push(...regroupPointsChanges(before, after, balance, day));
    }
    updated.push(Object.assign(new PointAccountRecord(), { memberId, kpiGroups: pointsGroupsText(after) }));
  }
  await appendPointsChanges(manager, changes);
  await setAccountsGroups(manager, updated);
  const ids = pending.map((row) => numberFromDatabase(row.id));
  for (let start = 0; start < ids.length; start += 500) {
    const chunk = ids.slice(start, start + 500);
    await manager.query(`DELETE FROM kpi_points_regroups WHERE id IN (${chunk.map(() => "?").join(", ")})`, chunk);
  }
  return toRegroup.size;
}

/**
 * Writes the groups of accounts this transaction has locked. On MariaDB the new values are a derived table joined to
 * the accounts by key, the derived table first (STRAIGHT_JOIN): the accounts are then read by primary key, only those
 * listed, so the update never waits on an account another transaction holds (scanning them would lock every one).
 */
async function setAccountsGroups(manager: EntityManager, accounts: readonly PointAccountRecord[]): Promise<void> {
  if (isSqlite(manager.connection)) return updateRowsById(manager, PointAccountRecord, accounts, ["kpiGroups"]);
  for (let start = 0; start < accounts.length; start += 500) {
    const chunk = accounts.slice(start, start + 500);
    const values = chunk.map((_, index) => (index === 0 ? "SELECT ? AS member_id, ? AS kpi_groups" : "SELECT ?, ?")).join(" UNION ALL ");
    await manager.query(
      `UPDATE (${values}) AS v STRAIGHT_JOIN point_accounts AS t ON t.member_id = v.member_id SET t.kpi_groups = v.kpi_groups`,
      chunk.flatMap((account) => [account.memberId, account.kpiGroups]),
    );
  }
}

/** The points that entered and left each group per day before `endDay` (group keys of pointsGroupKeys). */
export function readPointsByGroup(manager: Pick<EntityManager, "query">, endDay: number): Promise<DailySum[]> {
  return readDailySums(manager, pointsMeasure, endDay);
}
