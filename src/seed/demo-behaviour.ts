// A member's year of behaviour for the demo: logins, sessions, interactions, the odd complaint or survey, and an
// event for each order the ledger simulation made; with the daily facts and aggregates the live path would have
// kept. Each member follows a habit (active, cooling down, gone quiet, gone) so every lifecycle stage and RFM
// segment has members in it.
import { localDayNumber, summariseTotals, summariseWindows, type DailyFacts } from "../engine";
import type { Random } from "../engine/random";
import { type BehaviourEventDetails, type BehaviourEventKind, type BehaviourEventRecord, type MemberAggregateRecord, type MemberDailyActivityRecord } from "../entities";
import type { OrderRow } from "./demo-ledger";

const day = 86_400_000;
const interactions: BehaviourEventKind[] = ["BROWSE", "BROWSE", "BROWSE", "CLICK", "CLICK", "LIKE", "SHARE", "REVIEW"];
const brands = ["LG-HOME", "LG-BEAUTY", "LG-SPORT", "PARTNER-TEA"] as const;

type Habit = { loginsPer30Days: number; quietForDays: number; coolingDown: boolean };

function habitOf(random: Random, joinedAt: Date, now: Date): Habit {
  const loginsPer30Days = random.integer(0, 5);
  const kind = random.weighted([["active", 50], ["cooling", 15], ["quiet", 22], ["gone", 13]] as const);
  const tenureDays = (now.getTime() - joinedAt.getTime()) / day;
  if (kind === "quiet") return { loginsPer30Days, quietForDays: Math.min(tenureDays, random.integer(91, 300)), coolingDown: false };
  if (kind === "gone") return { loginsPer30Days, quietForDays: Math.min(tenureDays, random.integer(366, 500)), coolingDown: false };
  return { loginsPer30Days, quietForDays: random.integer(0, 6), coolingDown: kind === "cooling" };
}

export interface DemoBehaviour {
  events: Omit<BehaviourEventRecord, "id">[];
  days: MemberDailyActivityRecord[];
  aggregates: MemberAggregateRecord;
}

export interface DemoBehaviourSettings {
  utcOffsetMinutes: number;
  windowDays: number;
}

export function simulateDemoBehaviour(random: Random, member: { id: number; joinedAt: Date }, orders: readonly OrderRow[], settings: DemoBehaviourSettings, now: Date): DemoBehaviour {
  const events: Omit<BehaviourEventRecord, "id">[] = [];
  const days = new Map<number, MemberDailyActivityRecord>();
  const factsOf = (at: Date) => {
    const number = localDayNumber(at, settings.utcOffsetMinutes);
    let facts = days.get(number);
    if (!facts) {
      // Groups are filled in by the KPI facts rebuild that follows seeding (docs/kpis.md).
      facts = { memberId: member.id, day: number, orders: 0, spend: 0, refunds: 0, refundAmount: 0, logins: 0, sessionSeconds: 0, interactions: 0, complaints: 0, surveys: 0, groupChannel: null, groupCityTier: null, groupTierId: null, groupSegments: null };
      days.set(number, facts);
    }
    return facts;
  };
  const aggregates: MemberAggregateRecord = {
    memberId: member.id, windowsDay: localDayNumber(now, settings.utcOffsetMinutes), firstOrderAt: null, lastOrderAt: null, lastLoginAt: null, lastSurveyAt: null, lastCsat: null, lastNps: null,
    ordersTotal: 0, spendTotal: 0, refundsTotal: 0, refundAmountTotal: 0, loginsTotal: 0, interactionsTotal: 0, complaintsTotal: 0, ordersWindow: 0, spendWindow: 0, refundAmountWindow: 0,
    orders30: 0, orders90: 0, ordersPrevious90: 0, logins30: 0, logins90: 0, loginsPrevious90: 0, sessionSeconds30: 0, sessionSeconds90: 0, interactions30: 0, interactions90: 0, complaints90: 0, refunds90: 0, updatedAt: now,
  };
  // Built field by field (not by spreading) and with the same shape every time: a million members make tens of
  // millions of these.
  const event = (kind: BehaviourEventKind, at: Date, externalId: string, details: Partial<BehaviourEventDetails> = {}) =>
    events.push({
      memberId: member.id,
      source: kind === "ORDER" || kind === "REFUND" ? "demo-pos" : "demo-app",
      externalId,
      kind,
      occurredAt: at,
      receivedAt: at,
      amount: details.amount ?? null,
      channel: details.channel ?? null,
      storeCode: details.storeCode ?? null,
      brand: details.brand ?? null,
      categories: details.categories ?? null,
      orderExternalId: details.orderExternalId ?? null,
      target: details.target ?? null,
      durationSeconds: details.durationSeconds ?? null,
      csat: details.csat ?? null,
      nps: details.nps ?? null,
    });
  // Zero-padded, so a batch's ids arrive in index order (appending to the unique index instead of scattering).
  const memberKey = String(member.id).padStart(9, "0");

  for (const order of orders) {
    event("ORDER", order.placedAt, order.externalId, { amount: order.amount, channel: order.channel, storeCode: order.storeCode, brand: random.pick(brands), categories: order.category });
    const facts = factsOf(order.placedAt);
    facts.orders += 1;
    facts.spend += order.amount - order.refundedAmount;
    if (!aggregates.firstOrderAt || order.placedAt < aggregates.firstOrderAt) aggregates.firstOrderAt = order.placedAt;
    if (!aggregates.lastOrderAt || order.placedAt > aggregates.lastOrderAt) aggregates.lastOrderAt = order.placedAt;
    if (order.refundedAmount > 0) {
      // The ledger simulation refunds 3-20 days after the purchase; the exact day matters only to the refund count.
      const refundedAt = new Date(Math.min(now.getTime(), order.placedAt.getTime() + random.integer(3, 20) * day));
      event("REFUND", refundedAt, `${order.externalId}#refund-${order.refundedAmount}`, { amount: order.refundedAmount, orderExternalId: order.externalId });
      const refundDay = factsOf(refundedAt);
      refundDay.refunds += 1;
      refundDay.refundAmount += order.refundedAmount;
    }
  }

  // Logins over the last year (or since joining), until the member went quiet; a cooling member logs in a third
  // as often in the last 90 days as before.
  const habit = habitOf(random, member.joinedAt, now);
  const start = Math.max(member.joinedAt.getTime(), now.getTime() - 365 * day);
  const stop = now.getTime() - habit.quietForDays * day;
  let sequence = 0;
  for (let at = start + random.integer(0, 23) * 3_600_000; at <= stop; at += day) {
    const recent = now.getTime() - at < 90 * day;
    const rate = habit.loginsPer30Days / 30 / (habit.coolingDown && recent ? 3 : 1);
    if (!random.chance(rate)) continue;
    const moment = new Date(at + random.integer(0, 3_599) * 1000);
    const sessionSeconds = random.integer(30, 1_500);
    event("LOGIN", moment, `L${memberKey}-${sequence++}`, { durationSeconds: sessionSeconds });
    const facts = factsOf(moment);
    facts.logins += 1;
    facts.sessionSeconds += sessionSeconds;
    if (!aggregates.lastLoginAt || moment > aggregates.lastLoginAt) aggregates.lastLoginAt = moment;
    if (random.chance(0.35)) {
      event(random.pick(interactions), new Date(moment.getTime() + 60_000), `I${memberKey}-${sequence++}`, { target: `SKU-${random.integer(1000, 9999)}` });
      facts.interactions += 1;
    }
  }
  if (orders.length > 0 && random.chance(0.04)) {
    const at = new Date(orders[orders.length - 1].placedAt.getTime() + random.integer(1, 10) * day);
    if (at <= now) {
      event("COMPLAINT", at, `C${memberKey}-${sequence++}`, { target: orders[orders.length - 1].externalId });
      factsOf(at).complaints += 1;
    }
  }
  if (orders.length > 0 && random.chance(0.2)) {
    const at = new Date(Math.min(now.getTime(), orders[orders.length - 1].placedAt.getTime() + 2 * day));
    const csat = random.integer(1, 5);
    const nps = Math.min(10, Math.max(0, csat * 2 + random.integer(-2, 1)));
    event("SURVEY", at, `S${memberKey}-${sequence++}`, { csat, nps });
    factsOf(at).surveys += 1;
    Object.assign(aggregates, { lastSurveyAt: at, lastCsat: csat, lastNps: nps });
  }

  const facts: DailyFacts[] = [...days.values()];
  Object.assign(aggregates, summariseTotals(facts), summariseWindows(facts, aggregates.windowsDay, settings.windowDays));
  return { events, days: [...days.values()], aggregates };
}
