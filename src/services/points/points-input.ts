// Checks command input before anything is written, with errors naming the field to fix.
import { salesChannels, type SalesChannel } from "../../engine";
import { pointSources, type PointSource } from "../../entities";
import { badUserInput } from "../../errors";

/** A single command moves at most ten million points: larger numbers are typing mistakes, not loyalty. */
export const maximumPointsPerCommand = 10_000_000;
/** 100 million yuan, in fen. */
const maximumOrderAmount = 10_000_000_000;

export function validPoints(points: number, field: string, allowNegative = false): number {
  const limit = maximumPointsPerCommand;
  if (!Number.isInteger(points) || points === 0 || Math.abs(points) > limit || (!allowNegative && points < 0)) {
    const range = allowNegative ? `-${limit} to ${limit}, not 0` : `1 to ${limit}`;
    throw badUserInput(`${field} must be a whole number of points from ${range} (got ${points}).`, field);
  }
  return points;
}

export function validReason(reason: string | null | undefined, field: string): string {
  const text = (reason ?? "").trim();
  if (text.length === 0) throw badUserInput(`${field} is required: say why, for the member's history and the audit trail.`, field);
  if (text.length > 255) throw badUserInput(`${field} must be at most 255 characters.`, field);
  return text;
}

export function validCode(value: string, field: string, maximumLength: number): string {
  if (!new RegExp(`^[A-Za-z0-9_.:-]{1,${maximumLength}}$`).test(value)) {
    throw badUserInput(`${field} must be 1 to ${maximumLength} letters, digits or _ . : - (got "${value.slice(0, 80)}").`, field);
  }
  return value;
}

export function validOptionalStoreCode(value: string | null | undefined, field: string): string | null {
  return value === null || value === undefined || value === "" ? null : validCode(value, field, 32);
}

export function validOrderAmount(amount: number, field: string): number {
  if (!Number.isInteger(amount) || amount <= 0 || amount > maximumOrderAmount) {
    throw badUserInput(`${field} must be a positive whole number of fen (1 yuan = 100), at most ${maximumOrderAmount} (got ${amount}).`, field);
  }
  return amount;
}

export function validChannel(channel: string, field: string): SalesChannel {
  if (!(salesChannels as readonly string[]).includes(channel)) throw badUserInput(`${field} must be one of ${salesChannels.join(", ")} (got "${channel}").`, field);
  return channel as SalesChannel;
}

/** Sources a points award may name; ORDER comes only with a purchase, EXPIRY only from the ledger itself. */
export function validAwardSource(source: string, field: string): PointSource {
  const allowed = pointSources.filter((candidate) => !["ORDER", "EXPIRY", "REWARD", "MEMBER", "CHALLENGE"].includes(candidate));
  if (!(allowed as readonly string[]).includes(source)) throw badUserInput(`${field} must be one of ${allowed.join(", ")} (got "${source}").`, field);
  return source as PointSource;
}
