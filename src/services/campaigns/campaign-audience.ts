// Who a campaign reaches, and putting them in its queue: each member's variant (or control) is decided by the
// engine's hash and recorded once, and a PENDING send is written for every member outside control. Both writes
// skip what exists, so enqueuing again after a crash, or for a member who re-enters a segment, adds nothing.
import { In, type DataSource, type EntityManager } from "typeorm";
import { insertRows } from "../../database/bulk-insert";
import { isSqlite, lockingRead, runInTransaction } from "../../database/transactions";
import { assignVariant, controlGroupCode, nextBestSendTime } from "../../engine";
import { CampaignAssignmentRecord, CampaignRecord, CampaignSendRecord, SegmentRecord } from "../../entities";
import { memberFactsFrom } from "../segments/rule-columns";
import type { SqlFilter } from "../segments/rule-sql";
import type { SegmentAnalysis } from "../segments/segment-analysis";
import { definitionOf } from "./campaign-record-mapping";
import type { CampaignSettings } from "./campaign-settings";
import { hourOfDaySql } from "./hour-of-day-sql";

/** The hour a message is sent when a member has no recorded activity to choose one from. */
const defaultSendHour = 10;

export class CampaignAudience {
  constructor(
    private readonly dataSource: DataSource,
    private readonly analysis: SegmentAnalysis,
    private readonly settings: CampaignSettings,
  ) {}

  /** The condition on `m` selecting the audience now: in any target segment and in none of the excluded ones. */
  async audienceFilter(manager: EntityManager, campaign: CampaignRecord, now: Date): Promise<SqlFilter> {
    const { target } = definitionOf(campaign);
    const named = [...target.segmentIds, ...target.excludeSegmentIds];
    const segments = new Map((named.length === 0 ? [] : await manager.findBy(SegmentRecord, { id: In(named) })).map((segment) => [segment.id, segment]));
    const filterOf = (id: number) => this.analysis.filterOf(segments.get(id)!, now);
    const targets = target.segmentIds.map(filterOf);
    const exclusions = target.excludeSegmentIds.map(filterOf);
    const where = [
      targets.length === 0 ? "1 = 1" : `(${targets.map((filter) => `(${filter.where})`).join(" OR ")})`,
      ...exclusions.map((filter) => `NOT (${filter.where})`),
    ].join(" AND ");
    return { where, parameters: [...targets.flatMap((filter) => filter.parameters), ...exclusions.flatMap((filter) => filter.parameters)] };
  }

  /**
   * Enqueues the next chunk of a one-shot campaign's audience, in one transaction, resuming after the last member
   * already assigned (chunks commit in member order). Returns how many members it took; 0 when the audience is done.
   */
  async enqueueNextChunk(campaign: CampaignRecord, now: Date): Promise<number> {
    return runInTransaction(this.dataSource, async (manager) => {
      // The campaign's row lock makes two processes enqueue its chunks one after the other, each after the last.
      await lockingRead(manager, CampaignRecord, "campaign").where("campaign.id = :id", { id: campaign.id }).getOne();
      const [{ lastMemberId }] = await manager.query("SELECT MAX(member_id) AS lastMemberId FROM campaign_assignments WHERE campaign_id = ?", [campaign.id]);
      const filter = await this.audienceFilter(manager, campaign, now);
      const rows: { id: number | string }[] = await manager.query(`SELECT m.id AS id FROM ${memberFactsFrom} WHERE m.id > ? AND ${filter.where} ORDER BY m.id LIMIT ${this.settings.audienceChunkSize}`, [
        Number(lastMemberId ?? 0),
        ...filter.parameters,
      ]);
      await this.enqueue(manager, campaign, rows.map((row) => Number(row.id)), now);
      return rows.length;
    });
  }

  /**
   * Enqueues one occurrence of a recurring campaign: the whole target, in chunks, each send keyed by the occurrence
   * (minutes since 1970, the send's step). A crash part-way starts the occurrence again from the first member, and
   * what was enqueued already is skipped.
   */
  async enqueueOccurrence(campaign: CampaignRecord, occurrence: Date, now: Date): Promise<number> {
    const step = Math.floor(occurrence.getTime() / 60_000);
    let afterMemberId = 0;
    let total = 0;
    for (;;) {
      const ids = await runInTransaction(this.dataSource, async (manager) => {
        const filter = await this.audienceFilter(manager, campaign, now);
        const rows: { id: number | string }[] = await manager.query(`SELECT m.id AS id FROM ${memberFactsFrom} WHERE m.id > ? AND ${filter.where} ORDER BY m.id LIMIT ${this.settings.audienceChunkSize}`, [
          afterMemberId,
          ...filter.parameters,
        ]);
        const memberIds = rows.map((row) => Number(row.id));
        await this.enqueue(manager, campaign, memberIds, now, step);
        return memberIds;
      });
      if (ids.length === 0) return total;
      total += ids.length;
      afterMemberId = ids[ids.length - 1];
    }
  }

  /**
   * Assigns the members and writes their sends, in the caller's transaction (a segment move's, for triggers). `step`
   * keys the send: 0 for a campaign's one send, the year for a birthday campaign's yearly one, the occurrence for a
   * recurring one.
   */
  async enqueue(manager: EntityManager, campaign: CampaignRecord, memberIds: readonly number[], now: Date, step = 0): Promise<void> {
    if (memberIds.length === 0) return;
    const definition = definitionOf(campaign);
    const settings = { campaignKey: campaign.code, variants: definition.variants, controlPercent: definition.controlPercent };
    const assignments: CampaignAssignmentRecord[] = memberIds.map((memberId) => ({ campaignId: campaign.id, memberId, variant: assignVariant(settings, memberId), assignedAt: now }));
    await insertRows(manager, CampaignAssignmentRecord, assignments, { ignoreDuplicates: true });
    // A member assigned before (a crash, or a second entry into the trigger segment) keeps their first variant. One
    // assigned by a concurrent transaction may be invisible to this one's snapshot: the hash gives the same variant.
    const kept = new Map(assignments.map((assignment) => [assignment.memberId, assignment.variant]));
    for (const assignment of await manager.findBy(CampaignAssignmentRecord, { campaignId: campaign.id, memberId: In([...memberIds]) })) kept.set(assignment.memberId, assignment.variant);
    const treated = memberIds.filter((memberId) => kept.get(memberId) !== controlGroupCode);
    const start = definition.startsAt && definition.startsAt.getTime() > now.getTime() ? definition.startsAt : now;
    const dueTimes = definition.sendTime === "BEST_HOUR" ? await this.bestSendTimes(manager, treated, start) : new Map<number, Date>();
    // The first step, then each follow-up of a series that many days later (all enqueued now, so a crash or restart
    // between them changes nothing).
    const steps = [{ step, afterDays: 0 }, ...definition.followUps.map((followUp, index) => ({ step: step + index + 1, afterDays: followUp.afterDays }))];
    const sends = treated.flatMap((memberId) =>
      steps.map(
        (planned): Omit<CampaignSendRecord, "id"> => ({
          campaignId: campaign.id,
          step: planned.step,
          memberId,
          variant: kept.get(memberId)!,
          channel: campaign.channel,
          status: "PENDING",
          skipReason: null,
          dueAt: new Date((dueTimes.get(memberId) ?? start).getTime() + planned.afterDays * 86_400_000),
          message: null,
          cost: 0,
          couponId: null,
          sentAt: null,
          createdAt: now,
        }),
      ),
    );
    await insertRows(manager, CampaignSendRecord, sends as CampaignSendRecord[], { ignoreDuplicates: true });
  }

  /**
   * A birthday campaign's members born on today's local date (29 February birthdays on the 28th in other years),
   * enqueued once a year: the year is the send's step.
   */
  async enqueueBirthdays(campaign: CampaignRecord, now: Date): Promise<number> {
    const local = new Date(now.getTime() + this.settings.utcOffsetMinutes * 60_000);
    const monthDay = local.toISOString().slice(5, 10);
    const year = local.getUTCFullYear();
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    const days = monthDay === "02-28" && !leap ? ["02-28", "02-29"] : [monthDay];
    return runInTransaction(this.dataSource, async (manager) => {
      const birthdayOf = isSqlite(manager.connection) ? "substr(m.birthday, 6, 5)" : "DATE_FORMAT(m.birthday, '%m-%d')";
      const filter = await this.audienceFilter(manager, campaign, now);
      const rows: { id: number | string }[] = await manager.query(`SELECT m.id AS id FROM ${memberFactsFrom} WHERE ${birthdayOf} IN (${days.map(() => "?").join(", ")}) AND ${filter.where} ORDER BY m.id`, [
        ...days,
        ...filter.parameters,
      ]);
      await this.enqueue(manager, campaign, rows.map((row) => Number(row.id)), now, year);
      return rows.length;
    });
  }

  /** Each member's next instant at their most active local hour (from their behaviour events), outside quiet hours. */
  private async bestSendTimes(manager: EntityManager, memberIds: readonly number[], after: Date): Promise<Map<number, Date>> {
    if (memberIds.length === 0) return new Map();
    const hour = hourOfDaySql(manager, "occurred_at", this.settings.utcOffsetMinutes);
    const rows: { member_id: number | string; hour: number | string; events: number | string }[] = await manager.query(
      `SELECT member_id, ${hour} AS hour, COUNT(*) AS events FROM behaviour_events WHERE member_id IN (${memberIds.map(() => "?").join(", ")}) GROUP BY member_id, ${hour}`,
      [...memberIds],
    );
    const histograms = new Map<number, number[]>();
    for (const row of rows) {
      const histogram = histograms.get(Number(row.member_id)) ?? new Array<number>(24).fill(0);
      histogram[Number(row.hour)] = Number(row.events);
      histograms.set(Number(row.member_id), histogram);
    }
    const times = new Map<number, Date>();
    for (const memberId of memberIds) {
      const { at } = nextBestSendTime(histograms.get(memberId) ?? [], this.settings.utcOffsetMinutes, after, { defaultHour: defaultSendHour, quietHours: this.settings.quietHours });
      times.set(memberId, at);
    }
    return times;
  }
}
