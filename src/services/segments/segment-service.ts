// Segment membership: every member in exactly one segment of each scheme, kept by evaluating the schemes'
// rules against the members' facts, in full (on a schedule, after a scoring run) or for the members an event
// touched. Each change of segment is a move, recorded with its reason in the transaction that makes it.
import type { DataSource, EntityManager } from "typeorm";
import { In } from "typeorm";
import type { Clock } from "../../clock";
import { insertRows } from "../../database/bulk-insert";
import { isSqlite, runInTransaction } from "../../database/transactions";
import { assignSegment, builtInSchemes, parseRule, type MemberFacts, type SchemeSegment } from "../../engine";
import { SegmentMembershipRecord, SegmentMoveRecord, SegmentRecord, SegmentSchemeRecord, type SegmentMoveReason } from "../../entities";
import { topics, type EventBus } from "../../events/event-bus";
import { readMemberFacts, readMemberFactsOf } from "./member-facts";
import { enqueuePointsRegroups } from "../analytics/points-by-group";
import { recordSegmentJoinMoves } from "../analytics/segment-joins";

/** Members per transaction of a full evaluation (exported so the benchmark's floor reads and writes in the same chunks). */
export const evaluationChunkSize = 2_000;

interface LoadedScheme {
  id: number;
  code: string;
  segments: SchemeSegment[];
}

export interface EvaluationResult {
  members: number;
  moves: number;
}

interface CurrentMembership {
  memberId: number;
  schemeId: number;
  segmentId: number;
  pinned: boolean;
}

/**
 * The memberships matching `where`, locked for the rest of the transaction (FOR UPDATE on MySQL/MariaDB; SQLite
 * transactions are serialized). Raw rows, not entities: a full run reads five memberships a member, and hydrating
 * them was half of what the run took beyond reading the facts.
 */
async function lockedMemberships(manager: EntityManager, where: string, parameters: unknown[]): Promise<CurrentMembership[]> {
  const lock = isSqlite(manager.connection) ? "" : " FOR UPDATE";
  const rows: { member_id: number | string; scheme_id: number | string; segment_id: number | string; pinned: number | string | boolean }[] = await manager.query(
    `SELECT member_id, scheme_id, segment_id, pinned FROM segment_memberships WHERE ${where}${lock}`,
    parameters,
  );
  return rows.map((row) => ({ memberId: Number(row.member_id), schemeId: Number(row.scheme_id), segmentId: Number(row.segment_id), pinned: row.pinned === true || Number(row.pinned) === 1 }));
}

export interface SegmentServiceOptions {
  /** Runs in the transaction that wrote the moves (each with its id), e.g. to enqueue webhooks that commit with them. */
  afterMovesWritten?: (manager: EntityManager, moves: readonly SegmentMoveRecord[]) => Promise<unknown>;
  /**
   * Runs once the moves' transaction has committed, with the members who moved: their points follow them into their
   * new segments (points-by-group.ts regroupPoints). What it misses (a crash, a busy account) the kpi-facts job does.
   */
  afterMovesCommitted?: (memberIds: readonly number[]) => Promise<unknown>;
}

export class SegmentService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly events: EventBus,
    /** The programme's time zone: the local join day a moved member counts on in their segment's joins (segment-joins.ts). */
    private readonly utcOffsetMinutes: number,
    private readonly options: SegmentServiceOptions = {},
  ) {}

  /** Creates the built-in schemes and their segments where missing (by code); changes nothing that exists. */
  async ensureBuiltInSchemes(): Promise<void> {
    const now = this.clock.now();
    await runInTransaction(this.dataSource, async (manager) => {
      for (const [index, definition] of builtInSchemes.entries()) {
        let scheme = await manager.findOneBy(SegmentSchemeRecord, { code: definition.code });
        scheme ??= await manager.save(SegmentSchemeRecord, { code: definition.code, name: definition.name, nameEn: definition.nameEn, builtIn: true, createdAt: now, updatedAt: new Date(now.getTime() + index) });
        const existing = new Set((await manager.findBy(SegmentRecord, { schemeId: scheme.id })).map((segment) => segment.code));
        for (const [position, segment] of definition.segments.entries()) {
          if (existing.has(segment.code)) continue;
          await manager.insert(SegmentRecord, {
            schemeId: scheme.id, code: segment.code, name: segment.name, nameEn: segment.nameEn, position, rule: JSON.stringify(segment.rule ?? {}), catchAll: segment.rule === null, createdAt: now, updatedAt: now,
          });
        }
      }
    });
  }

  /** Every scheme with its segments in order, rules parsed. */
  async schemes(manager: EntityManager = this.dataSource.manager): Promise<LoadedScheme[]> {
    const schemes = await manager.find(SegmentSchemeRecord, { order: { id: "ASC" } });
    if (schemes.length === 0) return [];
    const segments = await manager.find(SegmentRecord, { where: { schemeId: In(schemes.map((scheme) => scheme.id)) }, order: { position: "ASC", id: "ASC" } });
    return schemes.map((scheme) => ({
      id: scheme.id,
      code: scheme.code,
      segments: segments.filter((segment) => segment.schemeId === scheme.id).map((segment) => ({ id: segment.id, rule: segment.catchAll ? null : parseRule(JSON.parse(segment.rule)) })),
    }));
  }

  /**
   * Re-evaluates every member against every scheme (or one), in chunks, each chunk in a transaction of its own;
   * returns how many members and moves. `onProgress` hears the running totals after each chunk.
   */
  async evaluateAll(reason: SegmentMoveReason, options: { schemeId?: number | null; onProgress?: (progress: EvaluationResult) => Promise<void> | void } = {}): Promise<EvaluationResult> {
    const now = this.clock.now();
    const result: EvaluationResult = { members: 0, moves: 0 };
    let afterMemberId = 0;
    for (;;) {
      const [{ lastMemberId }] = await this.dataSource.query("SELECT MAX(id) AS lastMemberId FROM (SELECT id FROM members WHERE id > ? ORDER BY id LIMIT ?) chunk", [afterMemberId, evaluationChunkSize]);
      if (lastMemberId === null) return result;
      const after = afterMemberId;
      const through = Number(lastMemberId);
      // Memberships are locked before the rules and facts are read, so an incremental evaluation or a rule change
      // touching the same members either commits first (and this chunk reads it) or waits for this chunk. The facts
      // are bounded like the lock: a member who joined meanwhile belongs to the next chunk, not to this one unlocked.
      const { members, moves } = await runInTransaction(this.dataSource, async (manager) => {
        const current = await lockedMemberships(manager, "member_id > ? AND member_id <= ?", [after, through]);
        const schemes = (await this.schemes(manager)).filter((scheme) => options.schemeId == null || scheme.id === options.schemeId);
        const facts = await readMemberFacts(manager, after, evaluationChunkSize, through);
        return { members: facts.length, moves: await this.place(manager, schemes, facts, current, reason, now) };
      });
      afterMemberId = through;
      await this.committed(moves);
      result.moves += moves.length;
      result.members += members;
      await options.onProgress?.({ ...result });
    }
  }

  /** Re-evaluates some members (those an event or a rescoring touched) in one transaction, in every scheme or one. */
  async evaluateMembers(memberIds: readonly number[], reason: SegmentMoveReason, options: { schemeId?: number } = {}): Promise<number> {
    if (memberIds.length === 0) return 0;
    const now = this.clock.now();
    const moves = await runInTransaction(this.dataSource, async (manager) => {
      // The lock first: on MariaDB the first plain read fixes the transaction's snapshot, which must come after it.
      const current = await lockedMemberships(manager, `member_id IN (${memberIds.map(() => "?").join(", ")})`, [...memberIds]);
      const schemes = (await this.schemes(manager)).filter((scheme) => options.schemeId === undefined || scheme.id === options.schemeId);
      return this.place(manager, schemes, await readMemberFactsOf(manager, memberIds), current, reason, now);
    });
    await this.committed(moves);
    return moves.length;
  }

  /**
   * After the transaction that wrote `moves` has committed: the moved members' points follow them (afterMovesCommitted),
   * and the moves are published. Never for a rolled-back change.
   */
  async committed(moves: readonly Omit<SegmentMoveRecord, "id">[]): Promise<void> {
    if (moves.length > 0) await this.options.afterMovesCommitted?.([...new Set(moves.map((move) => move.memberId))]);
    this.publish(moves);
  }

  /** Only moves whose transaction committed reach subscribers: a rolled-back change never gets here. */
  publish(moves: readonly Omit<SegmentMoveRecord, "id">[]): void {
    for (const move of moves) {
      this.events.publish(topics.segmentMoved, { memberId: move.memberId, schemeId: move.schemeId, fromSegmentId: move.fromSegmentId, toSegmentId: move.toSegmentId, reason: move.reason, at: move.movedAt.toISOString() });
    }
  }

  /**
   * Puts each member in their segment of each scheme; writes the memberships that changed and a move for each.
   * `current` holds the members' memberships as read under lock in this transaction.
   */
  private async place(
    manager: EntityManager,
    schemes: LoadedScheme[],
    members: (MemberFacts & { memberId: number })[],
    current: readonly CurrentMembership[],
    reason: SegmentMoveReason,
    now: Date,
  ): Promise<Omit<SegmentMoveRecord, "id">[]> {
    if (members.length === 0 || schemes.length === 0) return [];
    const currentSegment = new Map(current.map((membership) => [`${membership.memberId}:${membership.schemeId}`, membership.segmentId]));
    // A placement made by hand holds until it is released.
    const pinned = new Set(current.filter((membership) => membership.pinned).map((membership) => `${membership.memberId}:${membership.schemeId}`));
    const memberships: SegmentMembershipRecord[] = [];
    const moves: Omit<SegmentMoveRecord, "id">[] = [];
    for (const member of members) {
      for (const scheme of schemes) {
        const key = `${member.memberId}:${scheme.id}`;
        if (pinned.has(key)) continue;
        const segmentId = assignSegment(scheme.segments, member, now);
        const before = currentSegment.get(key) ?? null;
        if (before === segmentId) continue;
        memberships.push({ memberId: member.memberId, schemeId: scheme.id, segmentId, enteredAt: now, pinned: false });
        moves.push({ memberId: member.memberId, schemeId: scheme.id, fromSegmentId: before, toSegmentId: segmentId, reason: before === null ? "INITIAL" : reason, movedAt: now });
      }
    }
    await insertRows(manager, SegmentMembershipRecord, memberships, { replace: true });
    await this.recordMoves(manager, moves);
    return moves;
  }

  /**
   * Writes moves in the caller's transaction, and what goes with them there: the webhook outbox, the note that the
   * members' points must follow them (insert only: a segment move takes no lock on a point account), and the moved
   * members' joins by segment (insert only too).
   */
  async recordMoves(manager: EntityManager, moves: readonly Omit<SegmentMoveRecord, "id">[]): Promise<void> {
    if (moves.length === 0) return;
    // TypeORM gives each inserted row its generated id.
    const written = moves.map((move) => ({ ...move })) as SegmentMoveRecord[];
    await manager.insert(SegmentMoveRecord, written);
    await enqueuePointsRegroups(manager, moves.map((move) => move.memberId));
    await recordSegmentJoinMoves(manager, moves, this.utcOffsetMinutes);
    await this.options.afterMovesWritten?.(manager, written);
  }
}
