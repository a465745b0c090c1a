// Placing a member in a segment by hand, for the cases rules do not capture (a VIP the account manager knows, a
// complaint being handled). The placement is pinned: re-evaluations leave it alone until it is released, which
// hands the member back to the rules at once. Only operators' own schemes: built-in ones follow the scores.
import type { DataSource } from "typeorm";
import type { Clock } from "../../clock";
import { lockingRead, runInTransaction } from "../../database/transactions";
import { MemberRecord, SegmentMembershipRecord, SegmentMoveRecord, SegmentRecord, SegmentSchemeRecord } from "../../entities";
import { badUserInput, conflict, notFound } from "../../errors";
import type { AuditService } from "../audit-service";
import type { ServiceContext } from "../service-context";
import type { SegmentService } from "./segment-service";

export class SegmentPlacementService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly segments: SegmentService,
  ) {}

  /** Puts the member in the segment and pins them there; a move with reason MANUAL when their segment changes. */
  async placeManually(context: ServiceContext, memberId: number, segmentId: number): Promise<SegmentMembershipRecord> {
    const now = this.clock.now();
    const { membership, moves } = await runInTransaction(this.dataSource, async (manager) => {
      const segment = await manager.findOneBy(SegmentRecord, { id: segmentId });
      if (!segment) throw notFound(`No segment ${segmentId}.`);
      if (segment.schemeId === null) throw badUserInput(`Segment ${segment.code} is ad hoc: it holds whoever its rule matches. Place members by hand in a scheme's segment.`, "segmentId");
      const scheme = await manager.findOneByOrFail(SegmentSchemeRecord, { id: segment.schemeId });
      if (scheme.builtIn) throw conflict(`${scheme.code} is a built-in scheme that follows the scores: place members by hand in a scheme of your own.`);
      if (!(await manager.existsBy(MemberRecord, { id: memberId }))) throw notFound(`No member ${memberId}.`);
      // Locked as evaluations lock it: a re-evaluation of this member waits, then finds the placement pinned.
      const current = await lockingRead(manager, SegmentMembershipRecord, "membership").where("membership.memberId = :memberId AND membership.schemeId = :schemeId", { memberId, schemeId: scheme.id }).getOne();
      const changed = current?.segmentId !== segmentId;
      const membership: SegmentMembershipRecord = { memberId, schemeId: scheme.id, segmentId, enteredAt: changed ? now : current!.enteredAt, pinned: true };
      await manager.save(SegmentMembershipRecord, membership);
      const moves: Omit<SegmentMoveRecord, "id">[] = changed ? [{ memberId, schemeId: scheme.id, fromSegmentId: current?.segmentId ?? null, toSegmentId: segmentId, reason: "MANUAL", movedAt: now }] : [];
      await this.segments.recordMoves(manager, moves);
      await this.audit.record(manager, context, { action: "segment.placeManually", targetType: "member", targetId: memberId, details: { scheme: scheme.code, from: current?.segmentId ?? null, to: segmentId } });
      return { membership, moves };
    });
    await this.segments.committed(moves);
    return membership;
  }

  /** Unpins the member's placement in the scheme and re-evaluates them there at once (a move with reason MANUAL if the rules disagree). */
  async release(context: ServiceContext, memberId: number, schemeId: number): Promise<void> {
    await runInTransaction(this.dataSource, async (manager) => {
      const membership = await manager.findOneBy(SegmentMembershipRecord, { memberId, schemeId });
      if (!membership?.pinned) throw notFound(`Member ${memberId} has no placement by hand in scheme ${schemeId}.`);
      await manager.update(SegmentMembershipRecord, { memberId, schemeId }, { pinned: false });
      await this.audit.record(manager, context, { action: "segment.releasePlacement", targetType: "member", targetId: memberId, details: { schemeId, segmentId: membership.segmentId } });
    });
    await this.segments.evaluateMembers([memberId], "MANUAL", { schemeId });
  }
}
