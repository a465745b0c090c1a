// Segment membership: every member in exactly one segment of each scheme, kept by evaluating the schemes'
// rules against the members' facts, in full (on a schedule, after a scoring run) or for the members an event
// touched. Each change of segment is a move, recorded with its reason in the transaction that makes it.
import type { DataSource, EntityManager } from "typeorm";
import { In } from "typeorm";
import type { Clock } from "../../clock";
import { insertRows } from "../../database/bulk-insert";
import { runInTransaction } from "../../database/transactions";
import { assignSegment, builtInSchemes, parseRule, type MemberFacts, type SchemeSegment } from "../../engine";
import { SegmentMembershipRecord, SegmentMoveRecord, SegmentRecord, SegmentSchemeRecord, type SegmentMoveReason } from "../../entities";
import { topics, type EventBus } from "../../events/event-bus";
import { readMemberFacts, readMemberFactsOf } from "./member-facts";

const chunkSize = 2_000;

interface LoadedScheme {
  id: number;
  code: string;
  segments: SchemeSegment[];
}

export interface EvaluationResult {
  members: number;
  moves: number;
}

export interface SegmentServiceOptions {
  /** Runs in the transaction that wrote the moves (each with its id), e.g. to enqueue webhooks that commit with them. */
  afterMovesWritten?: (manager: EntityManager, moves: readonly SegmentMoveRecord[]) => Promise<unknown>;
}

export class SegmentService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly events: EventBus,
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

  /** Re-evaluates every member against every scheme, in chunks; returns how many members and moves. */
  async evaluateAll(reason: SegmentMoveReason, onProgress?: (members: number) => void): Promise<EvaluationResult> {
    const now = this.clock.now();
    const schemes = await this.schemes();
    const result: EvaluationResult = { members: 0, moves: 0 };
    let afterMemberId = 0;
    for (;;) {
      const facts = await readMemberFacts(this.dataSource.manager, afterMemberId, chunkSize);
      if (facts.length === 0) return result;
      afterMemberId = facts[facts.length - 1].memberId;
      const moves = await runInTransaction(this.dataSource, (manager) => this.place(manager, schemes, facts, reason, now));
      this.publish(moves);
      result.moves += moves.length;
      result.members += facts.length;
      onProgress?.(result.members);
    }
  }

  /** Re-evaluates some members (those an event or a rescoring touched) in one transaction. */
  async evaluateMembers(memberIds: readonly number[], reason: SegmentMoveReason): Promise<number> {
    if (memberIds.length === 0) return 0;
    const now = this.clock.now();
    const moves = await runInTransaction(this.dataSource, async (manager) => {
      const schemes = await this.schemes(manager);
      return this.place(manager, schemes, await readMemberFactsOf(manager, memberIds), reason, now);
    });
    this.publish(moves);
    return moves.length;
  }

  /** Only moves whose transaction committed reach subscribers: a rolled-back change never gets here. */
  private publish(moves: readonly Omit<SegmentMoveRecord, "id">[]): void {
    for (const move of moves) {
      this.events.publish(topics.segmentMoved, { memberId: move.memberId, schemeId: move.schemeId, fromSegmentId: move.fromSegmentId, toSegmentId: move.toSegmentId, reason: move.reason, at: move.movedAt.toISOString() });
    }
  }

  /** Puts each member in their segment of each scheme; writes the memberships that changed and a move for each. */
  private async place(manager: EntityManager, schemes: LoadedScheme[], members: (MemberFacts & { memberId: number })[], reason: SegmentMoveReason, now: Date): Promise<Omit<SegmentMoveRecord, "id">[]> {
    if (members.length === 0 || schemes.length === 0) return [];
    const current = await manager.find(SegmentMembershipRecord, { where: { memberId: In(members.map((member) => member.memberId)) } });
    const currentSegment = new Map(current.map((membership) => [`${membership.memberId}:${membership.schemeId}`, membership.segmentId]));
    const memberships: SegmentMembershipRecord[] = [];
    const moves: Omit<SegmentMoveRecord, "id">[] = [];
    for (const member of members) {
      for (const scheme of schemes) {
        const segmentId = assignSegment(scheme.segments, member, now);
        const before = currentSegment.get(`${member.memberId}:${scheme.id}`) ?? null;
        if (before === segmentId) continue;
        memberships.push({ memberId: member.memberId, schemeId: scheme.id, segmentId, enteredAt: now });
        moves.push({ memberId: member.memberId, schemeId: scheme.id, fromSegmentId: before, toSegmentId: segmentId, reason: before === null ? "INITIAL" : reason, movedAt: now });
      }
    }
    await insertRows(manager, SegmentMembershipRecord, memberships, { replace: true });
    if (moves.length > 0) {
      // TypeORM gives each inserted row its generated id.
      const written = moves.map((move) => ({ ...move })) as SegmentMoveRecord[];
      await manager.insert(SegmentMoveRecord, written);
      await this.options.afterMovesWritten?.(manager, written);
    }
    return moves;
  }
}
