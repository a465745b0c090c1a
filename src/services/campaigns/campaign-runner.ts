// What moves campaigns along as time passes, one tick at a time (the server's timer, `npm run campaigns`): start the
// scheduled campaigns whose time has come, enqueue one-shot audiences (resuming where a crash left off), deliver
// the due sends, and complete what is done. Every step is safe to repeat; several processes may tick at once (state
// changes are conditional updates, a campaign's enqueuing and delivery lock its row), taking turns per campaign.
import { Cron } from "croner";
import { In, IsNull, type DataSource } from "typeorm";
import type { Clock } from "../../clock";
import { runInTransaction } from "../../database/transactions";
import { CampaignRecord, CampaignSendRecord } from "../../entities";
import type { CampaignAudience } from "./campaign-audience";
import type { CampaignDelivery } from "./campaign-delivery";
import { definitionOf } from "./campaign-record-mapping";

export interface TickResult {
  started: number;
  enqueued: number;
  sent: number;
  skipped: number;
  postponed: number;
  completed: number;
}

export class CampaignRunner {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly audience: CampaignAudience,
    private readonly delivery: CampaignDelivery,
    private readonly utcOffsetMinutes: number,
  ) {}

  async tick(): Promise<TickResult> {
    const now = this.clock.now();
    const result: TickResult = { started: 0, enqueued: 0, sent: 0, skipped: 0, postponed: 0, completed: 0 };
    result.started = await this.startDue(now);
    result.enqueued = await this.enqueueAudiences(now);
    Object.assign(result, await this.delivery.deliverDue());
    result.completed = await this.completeDone(this.clock.now());
    return result;
  }

  /** Runs ticks until one finds nothing to do (the command line, tests). */
  async runUntilIdle(): Promise<TickResult> {
    const total: TickResult = { started: 0, enqueued: 0, sent: 0, skipped: 0, postponed: 0, completed: 0 };
    for (;;) {
      const tick = await this.tick();
      for (const key of Object.keys(total) as (keyof TickResult)[]) total[key] += tick[key];
      if (tick.started + tick.enqueued + tick.sent + tick.skipped + tick.completed === 0) return total;
    }
  }

  /** Scheduled campaigns whose start (and one-shot time) has come begin; a conditional update lets one process win. */
  private async startDue(now: Date): Promise<number> {
    let started = 0;
    for (const campaign of await this.dataSource.getRepository(CampaignRecord).findBy({ state: "SCHEDULED" })) {
      const { startsAt, trigger } = definitionOf(campaign);
      const from = Math.max(startsAt?.getTime() ?? 0, trigger.at?.getTime() ?? 0);
      if (from > now.getTime()) continue;
      const changed = await runInTransaction(this.dataSource, (manager) => manager.update(CampaignRecord, { id: campaign.id, state: "SCHEDULED" }, { state: "RUNNING", updatedAt: now }));
      started += changed.affected ?? 0;
    }
    return started;
  }

  private async enqueueAudiences(now: Date): Promise<number> {
    let enqueued = 0;
    // Recurring campaigns: the latest occurrence not enqueued yet (one missed while the server was down is sent late,
    // once; older ones are not made up). The occurrence is recorded after its whole audience is enqueued.
    for (const campaign of await this.dataSource.getRepository(CampaignRecord).findBy({ state: "RUNNING", triggerKind: "RECURRING" })) {
      const { trigger, startsAt } = definitionOf(campaign);
      const [occurrence] = new Cron(trigger.cron!, { mode: "5-part", utcOffset: this.utcOffsetMinutes, paused: true }).previousRuns(1, now);
      if (!occurrence || occurrence.getTime() <= Math.max(campaign.audienceEnqueuedAt?.getTime() ?? 0, startsAt?.getTime() ?? 0, campaign.createdAt.getTime())) continue;
      enqueued += await this.audience.enqueueOccurrence(campaign, occurrence, now);
      await runInTransaction(this.dataSource, (manager) => manager.update(CampaignRecord, { id: campaign.id }, { audienceEnqueuedAt: occurrence }));
    }
    // Birthday campaigns look once per local day (finding the day's birthdays scans the members); the day looked at
    // is recorded after, and a member's send for the year exists once, so looking again adds nothing.
    const localDay = (instant: Date) => new Date(instant.getTime() + this.utcOffsetMinutes * 60_000).toISOString().slice(0, 10);
    for (const campaign of await this.dataSource.getRepository(CampaignRecord).findBy({ state: "RUNNING", triggerKind: "BIRTHDAY" })) {
      if (campaign.audienceEnqueuedAt && localDay(campaign.audienceEnqueuedAt) === localDay(now)) continue;
      await this.audience.enqueueBirthdays(campaign, now);
      await runInTransaction(this.dataSource, (manager) => manager.update(CampaignRecord, { id: campaign.id }, { audienceEnqueuedAt: now }));
    }
    const pending = await this.dataSource.getRepository(CampaignRecord).findBy({ state: "RUNNING", triggerKind: "ONE_SHOT", audienceEnqueuedAt: IsNull() });
    for (const campaign of pending) {
      for (;;) {
        const members = await this.audience.enqueueNextChunk(campaign, now);
        enqueued += members;
        if (members === 0) break;
      }
      await runInTransaction(this.dataSource, (manager) => manager.update(CampaignRecord, { id: campaign.id }, { audienceEnqueuedAt: now }));
    }
    return enqueued;
  }

  /**
   * Completes running campaigns past their end, and one-shot campaigns with their audience enqueued and nothing left
   * to send; sends left pending by a campaign that ended (its end, its budget, a cancellation) are skipped with why.
   */
  private async completeDone(now: Date): Promise<number> {
    let completed = 0;
    const campaigns = this.dataSource.getRepository(CampaignRecord);
    for (const campaign of await campaigns.findBy({ state: "RUNNING" })) {
      const ended = campaign.endsAt !== null && campaign.endsAt.getTime() <= now.getTime();
      const pending = await this.dataSource.getRepository(CampaignSendRecord).count({ where: { campaignId: campaign.id, status: "PENDING" }, take: 1 });
      const oneShotDone = campaign.triggerKind === "ONE_SHOT" && campaign.audienceEnqueuedAt !== null && pending === 0;
      if (!ended && !oneShotDone) continue;
      const changed = await runInTransaction(this.dataSource, (manager) => manager.update(CampaignRecord, { id: campaign.id, state: "RUNNING" }, { state: "COMPLETED", updatedAt: now }));
      completed += changed.affected ?? 0;
    }
    // Only campaigns that still have pending sends (found along the (status, due_at, id) index), not every one ever run.
    const withPending: { campaign_id: number | string }[] = await this.dataSource.query("SELECT DISTINCT campaign_id FROM campaign_sends WHERE status = 'PENDING'");
    const ids = withPending.map((row) => Number(row.campaign_id));
    const finished = ids.length === 0 ? [] : await campaigns.find({ where: { id: In(ids), state: In(["COMPLETED", "CANCELLED"]) }, select: { id: true, state: true, endsAt: true } });
    for (const campaign of finished) {
      const reason = campaign.state === "CANCELLED" ? "CAMPAIGN_CANCELLED" : campaign.endsAt !== null && campaign.endsAt.getTime() <= now.getTime() ? "CAMPAIGN_ENDED" : "BUDGET_SPENT";
      await runInTransaction(this.dataSource, (manager) => manager.update(CampaignSendRecord, { campaignId: campaign.id, status: "PENDING" }, { status: "SKIPPED", skipReason: reason }));
    }
    return completed;
  }
}
