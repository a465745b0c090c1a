import { type MigrationInterface, type QueryRunner, Table, TableColumn, TableIndex } from "typeorm";
import { id, integer, text } from "./column-helpers";
import { businessUtcOffsetMinutes } from "./local-day";

// POINTS_LIABILITY by a breakdown from daily sums (docs/kpis.md, "Points by group"): measure 'points' of
// kpi_daily_sums holds, per group and local day, the points that entered and left the group. The ledger adds each
// entry to the groups on its account's kpi_groups (the groups the member's points sit in); a tier or city tier change
// moves the balance in its transaction; a segment move leaves a row in kpi_points_regroups and the member's points
// follow it just after (src/services/analytics/points-by-group.ts). This migration adds the column and the table and
// fills the sums from the ledger written before it, walking each member's history:
// - channel: the member's join channel, which never changes: exact;
// - tier: the tier history (tier_changes), as tierDistribution reads it: exact;
// - segments: the segment moves (segment_moves, INITIAL ones included): exact; before a member's first move in a
//   scheme they were unplaced there (the move's from), a scheme without moves of the member counts their placement now;
// - city tier: there is no history of it, so every entry counts in the member's city tier now.
// An entry at the very instant of a change counts before it (an order's points are earned at the tier it was placed
// in and its upgrade carries them). Migrations import nothing from the application: the walk below is the engine's
// memberPointsChanges (src/engine/analytics/points-by-group.ts) written out again.

interface Groups {
  channel: string;
  cityTier: number;
  tierId: number;
  /** scheme id → segment id; schemes where the member is unplaced are absent. */
  segments: Map<number, number>;
}

type Row = Record<string, unknown>;

const membersPerChunk = 5_000;
const rowsPerStatement = 500;

function keysOf(groups: Groups): string[] {
  const keys = [`channel:${groups.channel}`, `city:${groups.cityTier}`, `tier:${groups.tierId}`];
  for (const [schemeId, segmentId] of [...groups.segments].sort(([first], [second]) => first - second)) keys.push(`segment:${schemeId}:${segmentId}`);
  return keys;
}

function millisecondsOf(value: unknown): number {
  if (value instanceof Date) return value.getTime();
  const textValue = String(value);
  return Date.parse(textValue.includes("T") ? textValue : `${textValue.replace(" ", "T")}Z`);
}

/**
 * Every account's kpi_groups from the member's groups now: `channel|cityTier|tierId|schemeId:segmentId;...` (segments
 * in the order the database aggregates them; readers do not care). One statement.
 */
async function fillAccountGroups(queryRunner: QueryRunner): Promise<void> {
  if (queryRunner.connection.options.type === "better-sqlite3") {
    await queryRunner.query(
      `UPDATE point_accounts SET kpi_groups = (
         SELECT m.join_channel || '|' || COALESCE(m.city_tier, 0) || '|' || m.tier_id || '|' ||
                COALESCE((SELECT group_concat(s.scheme_id || ':' || s.segment_id, ';') FROM segment_memberships s WHERE s.member_id = m.id), '')
           FROM members m WHERE m.id = point_accounts.member_id)`,
    );
  } else {
    await queryRunner.query(
      `UPDATE point_accounts a JOIN members m ON m.id = a.member_id
          SET a.kpi_groups = CONCAT(m.join_channel, '|', COALESCE(m.city_tier, 0), '|', m.tier_id, '|',
              COALESCE((SELECT GROUP_CONCAT(CONCAT(s.scheme_id, ':', s.segment_id) ORDER BY s.scheme_id SEPARATOR ';') FROM segment_memberships s WHERE s.member_id = m.id), ''))`,
    );
  }
}

/**
 * The by-group daily sums of the ledger already written (measure 'points' of kpi_daily_sums, which must hold none),
 * member by member in chunks, and every account's kpi_groups. A member whose history ends elsewhere than their groups
 * now (a tier or placement changed without its history row; not something the services do) has their balance moved
 * to their groups now on the local day of `now`, so that the sums and kpi_groups agree.
 */
export async function backfillPointsByGroup(queryRunner: QueryRunner, utcOffsetMinutes = businessUtcOffsetMinutes(), now = new Date()): Promise<void> {
  const dayOf = (milliseconds: number) => Math.floor((milliseconds + utcOffsetMinutes * 60_000) / 86_400_000);
  const sums = new Map<string, number>();
  const add = (groups: Groups, day: number, amount: number) => {
    if (amount === 0) return;
    for (const key of keysOf(groups)) sums.set(`${day} ${key}`, (sums.get(`${day} ${key}`) ?? 0) + amount);
  };
  const regroup = (before: Groups, after: Groups, points: number, day: number) => {
    if (points === 0) return;
    const from = new Set(keysOf(before));
    const to = new Set(keysOf(after));
    for (const key of from) if (!to.has(key)) sums.set(`${day} ${key}`, (sums.get(`${day} ${key}`) ?? 0) - points);
    for (const key of to) if (!from.has(key)) sums.set(`${day} ${key}`, (sums.get(`${day} ${key}`) ?? 0) + points);
  };

  let after = 0;
  for (;;) {
    const [{ last }] = await queryRunner.query("SELECT MAX(id) AS last FROM (SELECT id FROM members WHERE id > ? ORDER BY id LIMIT ?) chunk", [after, membersPerChunk]);
    if (last === null || last === undefined) break;
    const range = [after, Number(last)];
    const byMember = <Value>(rows: Row[], map: (row: Row) => Value): Map<number, Value[]> => {
      const grouped = new Map<number, Value[]>();
      for (const row of rows) {
        const memberId = Number(row.member_id);
        const own = grouped.get(memberId) ?? [];
        own.push(map(row));
        grouped.set(memberId, own);
      }
      return grouped;
    };
    const members: Row[] = await queryRunner.query("SELECT id, join_channel, city_tier, tier_id FROM members WHERE id > ? AND id <= ?", range);
    const entries = byMember(await queryRunner.query("SELECT member_id, created_at, amount FROM point_entries WHERE member_id > ? AND member_id <= ? AND amount <> 0", range), (row) => ({
      at: millisecondsOf(row.created_at),
      amount: Number(row.amount),
    }));
    const tierChanges = byMember(await queryRunner.query("SELECT member_id, id, created_at, from_tier_id, to_tier_id FROM tier_changes WHERE member_id > ? AND member_id <= ? ORDER BY id", range), (row) => ({
      at: millisecondsOf(row.created_at),
      id: Number(row.id),
      fromTierId: row.from_tier_id === null ? null : Number(row.from_tier_id),
      toTierId: Number(row.to_tier_id),
    }));
    const segmentMoves = byMember(
      await queryRunner.query("SELECT member_id, id, moved_at, scheme_id, from_segment_id, to_segment_id FROM segment_moves WHERE member_id > ? AND member_id <= ? ORDER BY id", range),
      (row) => ({ at: millisecondsOf(row.moved_at), id: Number(row.id), schemeId: Number(row.scheme_id), fromSegmentId: row.from_segment_id === null ? null : Number(row.from_segment_id), toSegmentId: Number(row.to_segment_id) }),
    );
    const memberships = byMember(await queryRunner.query("SELECT member_id, scheme_id, segment_id FROM segment_memberships WHERE member_id > ? AND member_id <= ?", range), (row) => [Number(row.scheme_id), Number(row.segment_id)] as [number, number]);

    for (const member of members) {
      const memberId = Number(member.id);
      const current: Groups = { channel: String(member.join_channel), cityTier: member.city_tier === null ? 0 : Number(member.city_tier), tierId: Number(member.tier_id), segments: new Map(memberships.get(memberId) ?? []) };
      const inTimeOrder = <Change extends { at: number; id: number }>(list: Change[]) => list.sort((first, second) => first.at - second.at || first.id - second.id);
      const ownTierChanges = inTimeOrder(tierChanges.get(memberId) ?? []);
      const ownMoves = inTimeOrder(segmentMoves.get(memberId) ?? []);
      // Where the member started: the first change's and each scheme's first move's origin.
      const initial: Groups = { ...current, tierId: ownTierChanges[0]?.fromTierId ?? current.tierId, segments: new Map(current.segments) };
      for (const schemeId of new Set(ownMoves.map((move) => move.schemeId))) {
        const first = ownMoves.find((move) => move.schemeId === schemeId)!;
        if (first.fromSegmentId === null) initial.segments.delete(schemeId);
        else initial.segments.set(schemeId, first.fromSegmentId);
      }
      // Changes of groups in time order; at one instant, tier changes then moves, each in id order.
      const changes = [
        ...ownTierChanges.map((change) => ({ at: change.at, order: 0, id: change.id, apply: (groups: Groups): Groups => ({ ...groups, tierId: change.toTierId }) })),
        ...ownMoves.map((move) => ({ at: move.at, order: 1, id: move.id, apply: (groups: Groups): Groups => ({ ...groups, segments: new Map(groups.segments).set(move.schemeId, move.toSegmentId) }) })),
      ].sort((first, second) => first.at - second.at || first.order - second.order || first.id - second.id);
      const ownEntries = (entries.get(memberId) ?? []).sort((first, second) => first.at - second.at);
      let groups = initial;
      let balance = 0;
      let next = 0;
      for (const entry of ownEntries) {
        // Changes strictly before the entry; an entry at a change's instant counts before it.
        while (next < changes.length && changes[next].at < entry.at) {
          const moved = changes[next++].apply(groups);
          regroup(groups, moved, balance, dayOf(changes[next - 1].at));
          groups = moved;
        }
        add(groups, dayOf(entry.at), entry.amount);
        balance += entry.amount;
      }
      for (; next < changes.length; next += 1) {
        const moved = changes[next].apply(groups);
        regroup(groups, moved, balance, dayOf(changes[next].at));
        groups = moved;
      }
      regroup(groups, current, balance, dayOf(now.getTime()));
    }
    after = Number(last);
  }

  const rows = [...sums].filter(([, amount]) => amount !== 0).map(([dayAndKey, amount]) => {
    const space = dayAndKey.indexOf(" ");
    return ["points", dayAndKey.slice(space + 1), Number(dayAndKey.slice(0, space)), amount];
  });
  for (let start = 0; start < rows.length; start += rowsPerStatement) {
    const chunk = rows.slice(start, start + rowsPerStatement);
    await queryRunner.query(`INSERT INTO kpi_daily_sums (measure, group_key, day, amount) VALUES ${chunk.map(() => "(?, ?, ?, ?)").join(", ")}`, chunk.flat());
  }
  await fillAccountGroups(queryRunner);
}

export class KpiPointsByGroup1765411200000 implements MigrationInterface {
  name = "KpiPointsByGroup1765411200000";

  async up(queryRunner: QueryRunner): Promise<void> {
    // The groups the member's points count in (POINTS_LIABILITY by a breakdown): changed only under the account's lock.
    await queryRunner.addColumn("point_accounts", new TableColumn(text("kpi_groups", 1000, true)));
    // Members whose segments moved and whose points have not followed yet: a row per member and moving transaction.
    await queryRunner.createTable(new Table({ name: "kpi_points_regroups", columns: [id, integer("member_id")], indices: [new TableIndex({ name: "idx_kpi_points_regroups_member", columnNames: ["member_id", "id"] })] }));
    await backfillPointsByGroup(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DELETE FROM kpi_daily_changes WHERE measure = 'points'");
    await queryRunner.query("DELETE FROM kpi_daily_sums WHERE measure = 'points'");
    await queryRunner.dropTable("kpi_points_regroups");
    await queryRunner.dropColumn("point_accounts", "kpi_groups");
  }
}
