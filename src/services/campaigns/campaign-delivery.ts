// Delivers the sends that are due, a batch per transaction: each send is checked (the campaign still running,
// consent for its channel, the member's frequency cap, quiet hours, the budget), its reward given through the
// ledger or as a coupon, its message rendered and handed to the channel's webhook outbox, and the send marked, all
// in that transaction. A crash rolls the whole batch back; a send is never half made, and never made twice.
import { randomBytes } from "node:crypto";
import { In, type DataSource, type EntityManager } from "typeorm";
import type { Clock } from "../../clock";
import { insertRows } from "../../database/bulk-insert";
import { updateRowsById } from "../../database/bulk-update";
import { timeToDatabase } from "../../database/raw-values";
import { lockingRead, runInTransaction } from "../../database/transactions";
import { frequencyCapDecision, quietHoursDecision, renderTemplate } from "../../engine";
import { CampaignRecord, CampaignSendRecord, CouponRecord, MemberBenefitRecord, MemberRecord, PointAccountRecord, TierRecord, type CampaignChannel, type WebhookDeliveryRecord } from "../../entities";
import { topics, type EventBus } from "../../events/event-bus";
import type { PersonalDataCipher } from "../../privacy/personal-data-cipher";
import { fromGlobalId, toGlobalId } from "../../schema/global-id";
import type { PointsLedger } from "../points/points-ledger";
import type { WebhookService } from "../webhooks/webhook-service";
import { seriesTriggers, type CampaignDefinition, type StepContent } from "./campaign-input";
import { definitionOf } from "./campaign-record-mapping";
import type { CampaignSettings } from "./campaign-settings";

const day = 86_400_000;

/** Which consent a channel needs; an in-app coupon lands in the member's own app and needs none. */
const consentOf: Record<CampaignChannel, keyof Pick<MemberRecord, "consentSms" | "consentAppPush" | "consentEmail" | "consentWechat"> | null> = {
  SMS: "consentSms",
  APP_PUSH: "consentAppPush",
  EMAIL: "consentEmail",
  WECHAT: "consentWechat",
  IN_APP_COUPON: null,
};

/** What a send delivers: its variant's first message, or for a series' later step the follow-up of that step. */
function contentOfStep(definition: CampaignDefinition, send: CampaignSendRecord): StepContent {
  if (send.step > 0 && seriesTriggers.includes(definition.trigger.kind)) return definition.followUps[send.step - 1];
  return definition.variants.find((candidate) => candidate.code === send.variant)!;
}

export interface DeliveryResult {
  sent: number;
  skipped: number;
  postponed: number;
}

export class CampaignDelivery {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly ledger: PointsLedger,
    private readonly webhooks: WebhookService,
    private readonly events: EventBus,
    private readonly settings: CampaignSettings,
  ) {}

  /** Delivers due sends in batches until none is due; returns the counts. */
  async deliverDue(): Promise<DeliveryResult> {
    const total: DeliveryResult = { sent: 0, skipped: 0, postponed: 0 };
    for (;;) {
      const batch = await this.deliverBatch();
      total.sent += batch.sent;
      total.skipped += batch.skipped;
      total.postponed += batch.postponed;
      if (batch.sent + batch.skipped + batch.postponed === 0) return total;
    }
  }

  /**
   * One transaction: the next due sends of running campaigns, each made, skipped with a reason, or postponed. The
   * running campaigns' rows are locked first (in id order), so their state and spend are current for the whole
   * batch: a pause or cancellation waits for the batch and then holds, and two processes never spend the same
   * budget twice (on MariaDB; SQLite transactions are serialized).
   */
  async deliverBatch(): Promise<DeliveryResult> {
    const now = this.clock.now();
    let result: DeliveryResult = { sent: 0, skipped: 0, postponed: 0 };
    let progress = new Map<number, DeliveryResult>();
    await runInTransaction(this.dataSource, async (manager) => {
      // Counted afresh on every attempt: a retried transaction must not count twice.
      result = { sent: 0, skipped: 0, postponed: 0 };
      progress = new Map();
      const running = await lockingRead(manager, CampaignRecord, "campaign").where("campaign.state = 'RUNNING'").orderBy("campaign.id", "ASC").getMany();
      if (running.length === 0) return;
      const campaigns = new Map(running.map((campaign) => [campaign.id, campaign]));
      const sends = await this.claimDue(manager, [...campaigns.keys()], now);
      if (sends.length === 0) return;
      const memberIds = [...new Set(sends.map((send) => send.memberId))];
      const memberRecords = await manager.findBy(MemberRecord, { id: In(memberIds) });
      const members = new Map(memberRecords.map((member) => [member.id, member]));
      const recentSends = await this.recentSendTimes(manager, memberIds, now);
      const variables = await this.memberVariables(manager, memberRecords, now);
      const messages: { send: CampaignSendRecord; campaign: CampaignRecord; member: MemberRecord; couponCode: string | null }[] = [];
      const coupons: { send: CampaignSendRecord; coupon: Omit<CouponRecord, "id"> }[] = [];
      for (const send of sends) {
        const campaign = campaigns.get(send.campaignId)!;
        const member = members.get(send.memberId)!;
        const counts = progress.get(campaign.id) ?? { sent: 0, skipped: 0, postponed: 0 };
        progress.set(campaign.id, counts);
        const outcome = await this.deliverOne(manager, send, campaign, member, recentSends, variables, coupons, now);
        counts[outcome.kind] += 1;
        result[outcome.kind] += 1;
        if (outcome.kind === "sent") messages.push({ send, campaign, member, couponCode: outcome.couponCode });
      }
      await this.insertCoupons(manager, coupons);
      // Every claimed send changed (made, skipped or postponed): one multi-row UPDATE, not a read and an UPDATE per send.
      await updateRowsById(manager, CampaignSendRecord, sends, ["status", "skipReason", "dueAt", "message", "cost", "couponId", "sentAt"]);
      const touched = new Set(sends.map((send) => send.campaignId));
      for (const campaign of running) if (touched.has(campaign.id)) await manager.update(CampaignRecord, { id: campaign.id }, { spent: campaign.spent, state: campaign.state, updatedAt: campaign.updatedAt });
      await this.enqueueMessages(manager, messages);
    });
    // After the commit: the admin console's progress feed.
    for (const [campaignId, counts] of progress) this.events.publish(topics.campaignProgress, { campaignId, ...counts, at: now.toISOString() });
    return result;
  }

  /**
   * The next due PENDING sends of the given (locked) campaigns, in due order along the (status, due_at, id) index,
   * locked too (FOR UPDATE on MariaDB; SQLite transactions are serialized).
   */
  private async claimDue(manager: EntityManager, campaignIds: number[], now: Date): Promise<CampaignSendRecord[]> {
    return lockingRead(manager, CampaignSendRecord, "send")
      .where("send.status = 'PENDING' AND send.dueAt <= :now AND send.campaignId IN (:...campaignIds)", { now, campaignIds })
      .orderBy("send.dueAt", "ASC")
      .addOrderBy("send.id", "ASC")
      .limit(this.settings.batchSize)
      .getMany();
  }

  private async deliverOne(
    manager: EntityManager,
    send: CampaignSendRecord,
    campaign: CampaignRecord,
    member: MemberRecord,
    recentSends: Map<number, Date[]>,
    variables: Map<number, Record<string, string>>,
    coupons: { send: CampaignSendRecord; coupon: Omit<CouponRecord, "id"> }[],
    now: Date,
  ): Promise<{ kind: "sent"; couponCode: string | null } | { kind: "skipped" } | { kind: "postponed" }> {
    const skip = (reason: string) => {
      Object.assign(send, { status: "SKIPPED", skipReason: reason, sentAt: null });
      return { kind: "skipped" as const };
    };
    if (campaign.state !== "RUNNING") return skip("BUDGET_SPENT");
    if (campaign.endsAt && campaign.endsAt.getTime() <= now.getTime()) return skip("CAMPAIGN_ENDED");
    const consent = consentOf[send.channel];
    if (consent !== null && !member[consent]) return skip("NO_CONSENT");
    if (send.channel !== "IN_APP_COUPON") {
      const quiet = quietHoursDecision(this.settings.quietHours, this.settings.utcOffsetMinutes, now);
      if (quiet.quiet) {
        send.dueAt = quiet.nextAllowedAt;
        return { kind: "postponed" };
      }
      const past = recentSends.get(member.id) ?? [];
      if (!frequencyCapDecision(past, this.settings.frequencyCap, now).allowed) return skip("FREQUENCY_CAP");
    }
    const variant = contentOfStep(definitionOf(campaign), send);
    const cost = this.settings.messageCost[send.channel] + variant.rewardPoints * this.settings.pointValue + variant.couponValue;
    if (campaign.spent + cost > campaign.budget) {
      // The budget is spent: the campaign stops, and this send and the rest are not made.
      Object.assign(campaign, { state: "COMPLETED", updatedAt: now });
      return skip("BUDGET_SPENT");
    }
    let couponCode: string | null = null;
    if (variant.couponValue > 0) {
      // 64 random bits: a collision (which would fail the batch, to be retried with new codes) is negligible.
      couponCode = randomBytes(8).toString("hex").toUpperCase();
      // Written with the batch's other coupons (insertCoupons), which sets the send's couponId.
      coupons.push({ send, coupon: { code: couponCode, campaignId: campaign.id, challengeId: null, memberId: member.id, value: variant.couponValue, validFrom: now, validUntil: new Date(now.getTime() + variant.couponValidDays * day), redeemedAt: null, createdAt: now } });
    }
    if (variant.benefitCode) {
      const validUntil = new Date(now.getTime() + variant.benefitValidDays * day);
      await manager.insert(MemberBenefitRecord, { memberId: member.id, code: variant.benefitCode, reason: `campaign ${campaign.code}`, validFrom: now, validUntil, grantedBy: `campaign:${campaign.code}`.slice(0, 48), createdAt: now });
    }
    if (variant.rewardPoints > 0) {
      const account = await this.ledger.lock(manager, member.id);
      await this.ledger.credit(manager, account, "EARN", variant.rewardPoints, { reason: `campaign ${campaign.code}`, source: "CAMPAIGN", sourceRef: `${campaign.code}:${send.id}`, storeCode: null, partnerId: null, actorType: "system", actorId: "campaigns" }, now);
    }
    const values = { ...(variables.get(member.id) ?? {}), couponCode: couponCode ?? "" };
    Object.assign(send, { status: "SENT", skipReason: null, sentAt: now, cost, message: renderTemplate(variant.message, values) });
    campaign.spent += cost;
    // Later sends to this member in the same batch count against the cap too.
    recentSends.set(member.id, [...(recentSends.get(member.id) ?? []), now]);
    return { kind: "sent", couponCode };
  }

  /** The batch's coupons in one INSERT; their ids, read back by their unique codes, go on their sends. */
  private async insertCoupons(manager: EntityManager, coupons: { send: CampaignSendRecord; coupon: Omit<CouponRecord, "id"> }[]): Promise<void> {
    if (coupons.length === 0) return;
    await insertRows(manager, CouponRecord, coupons.map(({ coupon }) => coupon));
    const codes = coupons.map(({ coupon }) => coupon.code);
    const rows: { id: number | string; code: string }[] = await manager.query(`SELECT id, code FROM coupons WHERE code IN (${codes.map(() => "?").join(", ")})`, codes);
    const ids = new Map(rows.map((row) => [row.code, Number(row.id)]));
    for (const { send, coupon } of coupons) send.couponId = ids.get(coupon.code)!;
  }

  /** When each member was last sent a message (any campaign, any message channel) within the cap's window. */
  private async recentSendTimes(manager: EntityManager, memberIds: number[], now: Date): Promise<Map<number, Date[]>> {
    const since = new Date(now.getTime() - this.settings.frequencyCap.perDays * day);
    // Only the member index's columns in SQL, status and channel checked here: given `status = 'SENT'`, SQLite's
    // planner (no statistics) took the status index and read every SENT send ever made, for every batch.
    const rows = await manager
      .getRepository(CampaignSendRecord)
      .createQueryBuilder("send")
      .select(["send.memberId", "send.sentAt", "send.status", "send.channel"])
      .where("send.memberId IN (:...memberIds) AND send.sentAt > :since", { memberIds, since })
      .getMany();
    const times = new Map<number, Date[]>();
    for (const row of rows) {
      if (row.status === "SENT" && row.channel !== "IN_APP_COUPON") times.set(row.memberId, [...(times.get(row.memberId) ?? []), row.sentAt!]);
    }
    return times;
  }

  /** The template variables each member's messages may use. */
  private async memberVariables(manager: EntityManager, members: MemberRecord[], now: Date): Promise<Map<number, Record<string, string>>> {
    const memberIds = members.map((member) => member.id);
    const tiers = new Map((await manager.find(TierRecord)).map((tier) => [tier.id, tier]));
    const accounts = new Map((await manager.findBy(PointAccountRecord, { memberId: In(memberIds) })).map((account) => [account.memberId, account]));
    const expiring: { member_id: number | string; points: number | string | null }[] = await manager.query(
      `SELECT member_id, SUM(remaining) AS points FROM point_lots WHERE member_id IN (${memberIds.map(() => "?").join(", ")}) AND remaining > 0 AND expires_at <= ? GROUP BY member_id`,
      [...memberIds, timeToDatabase(this.dataSource, new Date(now.getTime() + 30 * day))],
    );
    const expiringBy = new Map(expiring.map((row) => [Number(row.member_id), Number(row.points ?? 0)]));
    return new Map(
      members.map((member) => [
        member.id,
        { name: member.name, tier: tiers.get(member.tierId)?.nameZh ?? "", points: String(accounts.get(member.id)?.balance ?? 0), expiringPoints: String(expiringBy.get(member.id) ?? 0) },
      ]),
    );
  }

  /**
   * Each message sent goes to the channel's receivers as a CAMPAIGN_MESSAGE webhook in this transaction (the
   * outbox): the gateway gets it at least once, with the send's id to de-duplicate. The address the channel needs (a
   * phone number for SMS, an e-mail address) is stored as null and filled in only when the webhook is sent
   * (`campaignMessageBody`): personal data stays encrypted at rest.
   */
  private async enqueueMessages(manager: EntityManager, messages: { send: CampaignSendRecord; campaign: CampaignRecord; member: MemberRecord; couponCode: string | null }[]): Promise<void> {
    if (messages.length === 0) return;
    const endpoints = await this.webhooks.subscribers(manager, "CAMPAIGN_MESSAGE");
    if (endpoints.length === 0) return;
    const events = messages.map(({ send, campaign, member, couponCode }) => {
      const eventId = `campaign-send:${send.id}`;
      return {
        eventId,
        schemeId: null,
        payload: { id: eventId, type: "CAMPAIGN_MESSAGE", channel: send.channel, campaign: { id: String(campaign.id), code: campaign.code }, variant: send.variant, memberId: toGlobalId("Member", member.id), to: null, message: send.message, couponCode, at: send.sentAt!.toISOString() },
      };
    });
    await this.webhooks.enqueue(manager, "CAMPAIGN_MESSAGE", endpoints, events);
  }
}

/**
 * The body a webhook delivery is sent with: a campaign message's address filled in from the member's encrypted phone
 * or e-mail at that moment (it is stored as null); every other payload as stored.
 */
export function campaignMessageBody(dataSource: DataSource, cipher: PersonalDataCipher) {
  return async (delivery: WebhookDeliveryRecord): Promise<string> => {
    if (delivery.eventType !== "CAMPAIGN_MESSAGE") return delivery.payload;
    const payload = JSON.parse(delivery.payload) as { channel: CampaignChannel; memberId: string; to: string | null };
    if (payload.channel !== "SMS" && payload.channel !== "EMAIL") return delivery.payload;
    const memberId = fromGlobalId(payload.memberId)?.id;
    const member = memberId === undefined ? null : await dataSource.getRepository(MemberRecord).findOneBy({ id: memberId });
    const sealed = payload.channel === "SMS" ? member?.phoneEncrypted : member?.emailEncrypted;
    return JSON.stringify({ ...payload, to: sealed ? cipher.decrypt(sealed) : null });
  };
}
