// recordEvents: a batch of behaviour events, each checked and recorded on its own, so one bad item is rejected
// with its reason and the rest are kept. Orders and refunds go through the points ledger (they earn and claw
// back points and count for tiers); everything else is written with the member's daily facts and aggregates.
// Every touched member is rescored before the call returns.
import type { DataSource } from "typeorm";
import type { Clock } from "../../clock";
import { runInTransaction } from "../../database/transactions";
import { BehaviourEventRecord, MemberRecord, OrderRecord } from "../../entities";
import { badUserInput, ClientError, type ErrorCode } from "../../errors";
import { In, IsNull } from "typeorm";
import { isUniqueViolation } from "../idempotency-service";
import type { PointsService } from "../points/points-service";
import type { ScoringService } from "../scoring/scoring-service";
import type { ServiceContext } from "../service-context";
import type { ActivityRecorder, DailyChange, MomentChanges } from "./activity-recorder";
import { isInteraction, validEvent, type BehaviourEventInput, type ValidEvent } from "./event-input";

export const maximumEventsPerBatch = 1_000;

export type EventStatus = "ACCEPTED" | "DUPLICATE" | "REJECTED";

export interface EventResult {
  index: number;
  source: string;
  externalId: string;
  status: EventStatus;
  /** Why it was not recorded: a stable code, a sentence, and the field at fault. */
  code: ErrorCode | null;
  reason: string | null;
  field: string | null;
}

export interface RecordEventsResult {
  accepted: number;
  duplicates: number;
  rejected: number;
  results: EventResult[];
}

export interface RecordEventsOptions {
  /** Orders earn points (true for live events); a history import records them without points. */
  awardPoints: boolean;
  /** Rescore touched members before returning (default true); the import rescoring once at its end turns it off. */
  rescore?: boolean;
}

export class BehaviourEventService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly activity: ActivityRecorder,
    private readonly points: PointsService,
    private readonly scoring: ScoringService,
    private readonly onError: (error: unknown, what: string) => void,
  ) {}

  async recordEvents(context: ServiceContext, inputs: readonly BehaviourEventInput[], options: RecordEventsOptions): Promise<RecordEventsResult> {
    if (inputs.length === 0 || inputs.length > maximumEventsPerBatch) {
      throw badUserInput(`events must hold 1 to ${maximumEventsPerBatch} events (got ${inputs.length}); split larger sends into batches.`, "events");
    }
    const now = this.clock.now();
    const memberIds = [...new Set(inputs.map((input) => input.memberId).filter((id) => Number.isInteger(id)))];
    const known = new Set((await this.dataSource.getRepository(MemberRecord).find({ select: { id: true }, where: { id: In(memberIds) } })).map((member) => member.id));
    const seen = new Set<string>();
    const touched = new Set<number>();
    const results: EventResult[] = [];
    for (const [index, input] of inputs.entries()) {
      const field = `events[${index}]`;
      const result: EventResult = { index, source: String(input.source), externalId: String(input.externalId), status: "ACCEPTED", code: null, reason: null, field: null };
      try {
        const event = validEvent(input, field, now);
        if (!known.has(event.memberId)) throw new ClientError("NOT_FOUND", `${field}.memberId: no member ${input.memberId}; sign the member up before sending their events.`, { field: `${field}.memberId` });
        const identity = `${event.source}\u0000${event.externalId}`;
        if (seen.has(identity) || (await this.alreadyRecorded(event))) {
          Object.assign(result, duplicateEvent(event));
        } else {
          const recorded = await this.recordOne(context, event, field, options, now);
          // Only a recorded event makes a later copy in the batch a duplicate: a rejected one wrote nothing.
          seen.add(identity);
          if (recorded.status === "DUPLICATE") Object.assign(result, recorded);
          else touched.add(event.memberId);
        }
      } catch (error) {
        if (!(error instanceof ClientError)) {
          // Something failed that the sender did not cause (e.g. a deadlock that outlasted its retries): the events
          // before this one are committed, so this one is reported and the rest of the batch goes on.
          this.onError(error, `recording ${field} (${String(input.source)}/${String(input.externalId)})`);
          Object.assign(result, { status: "REJECTED", code: "INTERNAL_SERVER_ERROR", reason: `${field} could not be recorded because of a server error; nothing of it was written. Send it again.`, field: null });
          results.push(result);
          continue;
        }
        // Orders and refunds are checked again by the points commands, whose fields are named input.*.
        const named = (text: string) => text.replace(/\binput\.(purchase\.)?/g, `${field}.`);
        const faultyField = error.extensions.field as string | undefined;
        Object.assign(result, { status: "REJECTED", code: error.extensions.code as ErrorCode, reason: named(error.message), field: faultyField ? named(faultyField) : null });
      }
      results.push(result);
    }
    // Best effort: the events are committed whatever happens here, and the next event or run rescores the member.
    if (options.rescore ?? true) await this.scoring.rescoreMembers([...touched]).catch((error: unknown) => this.onError(error, "rescoring after recordEvents"));
    return {
      accepted: results.filter((result) => result.status === "ACCEPTED").length,
      duplicates: results.filter((result) => result.status === "DUPLICATE").length,
      rejected: results.filter((result) => result.status === "REJECTED").length,
      results,
    };
  }

  /** An order an event names must be the event's member's: a refund cannot move another member's points. */
  private async expectOrderOf(event: ValidEvent, orderNumber: string, field: string): Promise<void> {
    // Partner orders settle through their partner (refundPartnerOrder), never through the programme's refunds.
    const order = await this.dataSource.getRepository(OrderRecord).findOne({ select: { memberId: true }, where: { externalId: orderNumber, partnerId: IsNull() } });
    if (order && order.memberId !== event.memberId) {
      throw new ClientError("CONFLICT", `${field}: order ${orderNumber} belongs to another member; check the memberId or the order number.`, { field: `${field}.memberId` });
    }
  }

  private async alreadyRecorded(event: ValidEvent): Promise<boolean> {
    return (await this.dataSource.getRepository(BehaviourEventRecord).countBy({ source: event.source, externalId: event.externalId })) > 0;
  }

  private async recordOne(context: ServiceContext, event: ValidEvent, field: string, options: RecordEventsOptions, now: Date): Promise<{ status: "ACCEPTED" | "DUPLICATE"; reason?: string }> {
    // The event's own identity is the idempotency key, so a batch re-sent after a timeout changes nothing.
    // The source's length first, so a ":" inside a source or an id cannot make two events share a key.
    const idempotencyKey = `event:${event.source.length}:${event.source}:${event.externalId}`;
    if (event.kind === "ORDER") {
      const purchase = {
        orderId: event.externalId,
        amount: event.amount as number,
        category: event.categories[0] ?? "GENERAL",
        channel: event.channel!,
        storeCode: event.storeCode as string,
        placedAt: event.occurredAt,
        behaviour: { source: event.source, brand: event.brand, categories: event.categories },
        awardPoints: options.awardPoints,
      };
      try {
        await this.points.earn(context, { memberId: event.memberId, purchase }, idempotencyKey);
      } catch (error) {
        if (!(error instanceof ClientError) || error.extensions.code !== "CONFLICT") throw error;
        // The same order number from another source (the POS and the app both reporting one order) is one order;
        // the same number for another member is a mistake to fix, not a duplicate.
        await this.expectOrderOf(event, event.externalId, field);
        return { status: "DUPLICATE", reason: `Order ${event.externalId} was already recorded (from another source or request); it counts once.` };
      }
      return { status: "ACCEPTED" };
    }
    if (event.kind === "REFUND") {
      await this.expectOrderOf(event, event.orderExternalId as string, field);
      const refund = { orderId: event.orderExternalId as string, amount: event.amount as number, refundedAt: event.occurredAt, behaviour: { source: event.source, externalId: event.externalId } };
      try {
        await this.points.refund(context, refund, idempotencyKey);
      } catch (error) {
        // The same refund event sent by two callers at once: one of them records it.
        if (isUniqueViolation(error)) return duplicateEvent(event);
        throw error;
      }
      return { status: "ACCEPTED" };
    }
    try {
      await runInTransaction(this.dataSource, (manager) => this.activity.record(manager, eventRow(event, now), dailyChanges(event, this.activity.dayOf(event.occurredAt)), momentChanges(event), now, !options.awardPoints));
    } catch (error) {
      if (isUniqueViolation(error)) return duplicateEvent(event);
      throw error;
    }
    return { status: "ACCEPTED" };
  }
}

function duplicateEvent(event: ValidEvent): { status: "DUPLICATE"; reason: string } {
  return { status: "DUPLICATE", reason: `Event ${event.externalId} from ${event.source} was already recorded; nothing was written again.` };
}

function eventRow(event: ValidEvent, now: Date): Omit<BehaviourEventRecord, "id"> {
  const { categories, ...rest } = event;
  return { ...rest, receivedAt: now, categories: categories.length > 0 ? categories.join(",") : null };
}

function dailyChanges(event: ValidEvent, day: number): DailyChange[] {
  if (event.kind === "LOGIN") return [{ day, logins: 1, sessionSeconds: event.durationSeconds ?? 0 }];
  if (event.kind === "SESSION") return [{ day, sessionSeconds: event.durationSeconds ?? 0 }];
  if (event.kind === "COMPLAINT") return [{ day, complaints: 1 }];
  if (event.kind === "SURVEY") return [{ day, surveys: 1 }];
  if (isInteraction(event.kind)) return [{ day, interactions: 1 }];
  throw new Error(`${event.kind} events are recorded through the points ledger`);
}

function momentChanges(event: ValidEvent): MomentChanges {
  if (event.kind === "LOGIN" || event.kind === "SESSION") return { loginAt: event.occurredAt };
  if (event.kind === "SURVEY") return { survey: { at: event.occurredAt, csat: event.csat, nps: event.nps } };
  return {};
}

