// Checks one incoming behaviour event and says exactly what is wrong with it, field by field, so one bad item
// of a batch is rejected with a reason while the good ones are recorded.
import type { SalesChannel } from "../../engine";
import { behaviourEventKinds, interactionKinds, type BehaviourEventKind } from "../../entities";
import { badUserInput } from "../../errors";
import { validChannel, validCode, validOrderAmount } from "../points/points-input";

export interface BehaviourEventInput {
  source: string;
  externalId: string;
  kind: string;
  memberId: number;
  occurredAt: Date;
  /** Fen: an order's paid amount or a refund's amount. */
  amount?: number | null;
  channel?: string | null;
  storeCode?: string | null;
  brand?: string | null;
  categories?: string[] | null;
  /** The order a refund belongs to. */
  orderExternalId?: string | null;
  target?: string | null;
  durationSeconds?: number | null;
  csat?: number | null;
  nps?: number | null;
}

export interface ValidEvent {
  source: string;
  externalId: string;
  kind: BehaviourEventKind;
  memberId: number;
  occurredAt: Date;
  amount: number | null;
  channel: SalesChannel | null;
  storeCode: string | null;
  brand: string | null;
  categories: string[];
  orderExternalId: string | null;
  target: string | null;
  durationSeconds: number | null;
  csat: number | null;
  nps: number | null;
}

/** Events may arrive a little ahead of our clock (the sender's clock runs fast); beyond this they are refused. */
export const futureToleranceMilliseconds = 5 * 60_000;
const longestSessionSeconds = 24 * 3600;

/** Validates one event; `field` prefixes every error's field, e.g. "events[3]". Throws a BAD_USER_INPUT ClientError. */
export function validEvent(input: BehaviourEventInput, field: string, now: Date): ValidEvent {
  const kind = input.kind as BehaviourEventKind;
  if (!behaviourEventKinds.includes(kind)) throw badUserInput(`${field}.kind "${input.kind}" is not an event kind; use one of ${behaviourEventKinds.join(", ")}.`, `${field}.kind`);
  if (!Number.isSafeInteger(input.memberId) || input.memberId < 1) throw badUserInput(`${field}.memberId is not a member id: use the id field of a Member.`, `${field}.memberId`);
  const occurredAt = input.occurredAt;
  if (!(occurredAt instanceof Date) || Number.isNaN(occurredAt.getTime())) throw badUserInput(`${field}.occurredAt must be a date-time with its time zone, e.g. 2026-03-01T20:00:00+08:00.`, `${field}.occurredAt`);
  if (occurredAt.getTime() > now.getTime() + futureToleranceMilliseconds) {
    throw badUserInput(`${field}.occurredAt ${occurredAt.toISOString()} is in the future (more than 5 minutes after ${now.toISOString()}): send the time it happened.`, `${field}.occurredAt`);
  }
  const event: ValidEvent = {
    source: validCode(input.source, `${field}.source`, 32),
    externalId: validCode(input.externalId, `${field}.externalId`, 64),
    kind,
    memberId: input.memberId,
    occurredAt,
    amount: null,
    channel: null,
    storeCode: optionalCode(input.storeCode, `${field}.storeCode`, 32),
    brand: optionalCode(input.brand, `${field}.brand`, 32),
    categories: (input.categories ?? []).map((category, index) => validCode(category, `${field}.categories[${index}]`, 32)),
    orderExternalId: null,
    target: optionalCode(input.target, `${field}.target`, 64),
    durationSeconds: null,
    csat: null,
    nps: null,
  };
  if (event.categories.join(",").length > 255) throw badUserInput(`${field}.categories are too many: at most 255 characters together.`, `${field}.categories`);
  if (kind === "ORDER") {
    event.amount = validOrderAmount(input.amount ?? Number.NaN, `${field}.amount`);
    event.channel = validChannel(input.channel ?? "", `${field}.channel`);
    if (!event.storeCode) throw badUserInput(`${field}.storeCode is needed for an order: the store or shop it was paid at.`, `${field}.storeCode`);
  } else if (kind === "REFUND") {
    event.amount = validOrderAmount(input.amount ?? Number.NaN, `${field}.amount`);
    event.orderExternalId = validCode(input.orderExternalId ?? "", `${field}.orderExternalId`, 64);
  } else if (kind === "SESSION" || (kind === "LOGIN" && input.durationSeconds !== null && input.durationSeconds !== undefined)) {
    const duration = input.durationSeconds;
    if (typeof duration !== "number" || !Number.isInteger(duration) || duration < 0 || duration > longestSessionSeconds) {
      throw badUserInput(`${field}.durationSeconds must be whole seconds from 0 to ${longestSessionSeconds}.`, `${field}.durationSeconds`);
    }
    event.durationSeconds = duration;
  } else if (kind === "SURVEY") {
    event.csat = optionalScale(input.csat, 1, 5, `${field}.csat`);
    event.nps = optionalScale(input.nps, 0, 10, `${field}.nps`);
    if (event.csat === null && event.nps === null) throw badUserInput(`${field} is a survey without an answer: give csat (1-5), nps (0-10) or both.`, field);
  }
  return event;
}

export function isInteraction(kind: BehaviourEventKind): boolean {
  return interactionKinds.includes(kind);
}

function optionalCode(value: string | null | undefined, field: string, maximumLength: number): string | null {
  return value === null || value === undefined ? null : validCode(value, field, maximumLength);
}

function optionalScale(value: number | null | undefined, lowest: number, highest: number, field: string): number | null {
  if (value === null || value === undefined) return null;
  if (!Number.isInteger(value) || value < lowest || value > highest) throw badUserInput(`${field} must be a whole number from ${lowest} to ${highest}.`, field);
  return value;
}
