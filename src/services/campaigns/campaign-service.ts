// Operators' campaigns: create and edit them, and move them through their states (schedule, pause, resume,
// cancel). Every change is audited; what a state allows is the engine's campaign state machine.
import { In, type DataSource, type EntityManager } from "typeorm";
import { describeActor } from "../../auth/identity";
import type { Clock } from "../../clock";
import { lockingRead, runInTransaction } from "../../database/transactions";
import { transition, type CampaignAction } from "../../engine";
import { CampaignRecord, SegmentRecord } from "../../entities";
import { conflict, notFound, badUserInput } from "../../errors";
import type { AuditService } from "../audit-service";
import { isUniqueViolation } from "../idempotency-service";
import type { ServiceContext } from "../service-context";
import { campaignDefinitionOf, type CampaignDefinition, type CampaignInput } from "./campaign-input";
import { campaignColumns, definitionOf } from "./campaign-record-mapping";

function actorOf(context: ServiceContext): string {
  const actor = describeActor(context.identity);
  return `${actor.actorType}:${actor.actorId ?? ""}`;
}

export class CampaignService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  async create(context: ServiceContext, input: CampaignInput): Promise<CampaignRecord> {
    const definition = campaignDefinitionOf(input);
    const now = this.clock.now();
    this.checkFuture(definition, null);
    return runInTransaction(this.dataSource, async (manager) => {
      await this.checkSegmentsExist(manager, definition);
      const saved = await manager
        .save(CampaignRecord, { ...campaignColumns(definition), state: "DRAFT", spent: 0, audienceEnqueuedAt: null, createdBy: actorOf(context), createdAt: now, updatedAt: now } as CampaignRecord)
        .catch((error: unknown) => {
          throw isUniqueViolation(error) ? conflict(`A campaign ${definition.code} already exists: choose another code.`) : error;
        });
      await this.audit.record(manager, context, { action: "campaign.create", targetType: "campaign", targetId: saved.id, details: { code: definition.code, channel: definition.channel, trigger: definition.trigger.kind } });
      return saved;
    });
  }

  /**
   * Replaces a campaign's definition. A draft or scheduled campaign may change anything but its code; once it runs,
   * only its name, end and budget, since members were chosen and assigned by the rest.
   */
  async update(context: ServiceContext, campaignId: number, input: CampaignInput): Promise<CampaignRecord> {
    const definition = campaignDefinitionOf(input);
    return runInTransaction(this.dataSource, async (manager) => {
      const record = await this.locked(manager, campaignId);
      if (definition.code !== record.code) throw badUserInput(`A campaign's code does not change (it is ${record.code}).`, "input.code");
      if (record.state === "COMPLETED" || record.state === "CANCELLED") throw conflict(`Campaign ${record.code} is ${record.state.toLowerCase()}: it can no longer be edited.`);
      if (record.state === "RUNNING" || record.state === "PAUSED") {
        const current = definitionOf(record);
        const fixed: (keyof CampaignDefinition)[] = ["channel", "trigger", "target", "variants", "followUps", "controlPercent", "sendTime", "startsAt", "conversionWindowDays"];
        const changed = fixed.filter((field) => JSON.stringify(current[field]) !== JSON.stringify(definition[field]));
        if (changed.length > 0) throw conflict(`Campaign ${record.code} is ${record.state.toLowerCase()}: its ${changed.join(", ")} can no longer change (only name, endsAt and budget). Cancel it and create another to change them.`);
      }
      this.checkFuture(definition, definitionOf(record));
      await this.checkSegmentsExist(manager, definition);
      Object.assign(record, campaignColumns(definition), { updatedAt: this.clock.now() });
      await manager.save(CampaignRecord, record);
      await this.audit.record(manager, context, { action: "campaign.update", targetType: "campaign", targetId: record.id, details: { code: record.code } });
      return record;
    });
  }

  /** SCHEDULE, UNSCHEDULE, PAUSE, RESUME or CANCEL; a move the state machine refuses is CONFLICT with its reason. */
  async act(context: ServiceContext, campaignId: number, action: CampaignAction): Promise<CampaignRecord> {
    return runInTransaction(this.dataSource, async (manager) => {
      const record = await this.locked(manager, campaignId);
      const outcome = transition(record.state, action);
      if (!outcome.ok) throw conflict(`Campaign ${record.code}: ${outcome.message}`);
      const before = record.state;
      Object.assign(record, { state: outcome.state, updatedAt: this.clock.now() });
      await manager.save(CampaignRecord, record);
      await this.audit.record(manager, context, { action: `campaign.${action.toLowerCase()}`, targetType: "campaign", targetId: record.id, details: { before, after: outcome.state } });
      return record;
    });
  }

  /** The campaign's row, locked until the transaction ends: a delivery batch of it finishes first, or waits. */
  private async locked(manager: EntityManager, campaignId: number): Promise<CampaignRecord> {
    const record = await lockingRead(manager, CampaignRecord, "campaign").where("campaign.id = :campaignId", { campaignId }).getOne();
    if (!record) throw notFound(`No campaign ${campaignId}.`);
    return record;
  }

  private async checkSegmentsExist(manager: EntityManager, definition: CampaignDefinition): Promise<void> {
    const named = [...definition.target.segmentIds, ...definition.target.excludeSegmentIds, ...(definition.trigger.segmentId === null ? [] : [definition.trigger.segmentId])];
    if (named.length === 0) return;
    const found = new Map((await manager.findBy(SegmentRecord, { id: In(named) })).map((segment) => [segment.id, segment]));
    const missing = named.find((id) => !found.has(id));
    if (missing !== undefined) throw notFound(`No segment ${missing}: target existing segments (segmentSchemes, adHocSegments).`);
    const trigger = definition.trigger.segmentId === null ? null : found.get(definition.trigger.segmentId)!;
    // Only a scheme's segments have members who enter and leave them (moves); an ad-hoc segment is a rule read on demand.
    if (trigger && trigger.schemeId === null) throw badUserInput(`Segment ${trigger.code} is ad hoc: it records no moves, so nobody enters or leaves it. Trigger on a scheme's segment, or target the ad-hoc one.`, "input.trigger.segmentId");
  }

  /** A time the operator just set must lie ahead: a campaign ending in the past would enqueue its audience only to skip it. */
  private checkFuture(definition: CampaignDefinition, previous: CampaignDefinition | null): void {
    const now = this.clock.now().getTime();
    const changed = (before: Date | null | undefined, after: Date | null) => after !== null && after.getTime() !== before?.getTime();
    if (changed(previous?.endsAt, definition.endsAt) && definition.endsAt!.getTime() <= now) throw badUserInput("input.endsAt is in the past: a campaign must end after now.", "input.endsAt");
    if (changed(previous?.trigger.at, definition.trigger.at) && definition.trigger.at!.getTime() < now - 60_000) throw badUserInput("input.trigger.at is in the past: leave it out to send when the campaign starts.", "input.trigger.at");
  }
}
