// Segment moves as SEGMENT_MOVED webhook events: called by SegmentService in the transaction that writes the moves,
// so a delivery exists exactly when its move committed. The payload names no person: the member's global id only.
import { In, type EntityManager } from "typeorm";
import { SegmentRecord, SegmentSchemeRecord, type SegmentMoveRecord } from "../../entities";
import { toGlobalId } from "../../schema/global-id";
import type { WebhookEvent, WebhookService } from "./webhook-service";

interface Coded {
  id: string;
  code: string;
}

export interface SegmentMovedPayload {
  id: string;
  type: "SEGMENT_MOVED";
  memberId: string;
  scheme: Coded;
  from: Coded | null;
  to: Coded;
  reason: string;
  at: string;
}

export class SegmentMoveWebhooks {
  constructor(private readonly webhooks: WebhookService) {}

  /** Moves must carry the ids the database gave them: the event id is the move's, the same for every endpoint. */
  async enqueueSegmentMoves(manager: EntityManager, moves: readonly SegmentMoveRecord[]): Promise<number> {
    if (moves.length === 0) return 0;
    const endpoints = await this.webhooks.subscribers(manager, "SEGMENT_MOVED");
    // The usual case: nobody listens, and this one query is all a move costs.
    if (endpoints.length === 0) return 0;
    const wanted = moves.filter((move) => endpoints.some((endpoint) => endpoint.schemeId === null || endpoint.schemeId === move.schemeId));
    if (wanted.length === 0) return 0;
    const schemeIds = [...new Set(wanted.map((move) => move.schemeId))];
    const schemes = new Map((await manager.find(SegmentSchemeRecord, { select: { id: true, code: true }, where: { id: In(schemeIds) } })).map((scheme) => [scheme.id, scheme.code]));
    const segments = new Map((await manager.find(SegmentRecord, { select: { id: true, code: true }, where: { schemeId: In(schemeIds) } })).map((segment) => [segment.id, segment.code]));
    const coded = (id: number, codes: Map<number, string>): Coded => ({ id: String(id), code: codes.get(id) ?? "" });
    const events = wanted.map((move): WebhookEvent => {
      if (!Number.isSafeInteger(move.id)) throw new Error("A segment move was given to webhooks without its id.");
      const eventId = `segment-move:${move.id}`;
      const payload: SegmentMovedPayload = {
        id: eventId,
        type: "SEGMENT_MOVED",
        memberId: toGlobalId("Member", move.memberId),
        scheme: coded(move.schemeId, schemes),
        from: move.fromSegmentId === null ? null : coded(move.fromSegmentId, segments),
        to: coded(move.toSegmentId, segments),
        reason: move.reason,
        at: move.movedAt.toISOString(),
      };
      return { eventId, payload, schemeId: move.schemeId };
    });
    return this.webhooks.enqueue(manager, "SEGMENT_MOVED", endpoints, events);
  }
}
