// Settlement between the coalition and its partners: what points and benefits are worth in fen, how many points a
// partner's sale earns, the statement periods, and a statement's totals. Money in integer fen, points in integers.
//
// The products below can pass 2^53 (10^12 fen × 100,000 points per 100 yuan), where doubles start losing whole
// numbers, so they are computed in BigInt and only the result, which is checked to be safe, goes back to a number.
import { addDays, addLocalMonths, startOfLocalDay, startOfLocalMonth } from "../calendar";

const minute = 60_000;

function wholeNumber(name: string, value: number): bigint {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${name} must be a whole number (got ${value}).`);
  return BigInt(value);
}

function wholeNumberOfZeroOrMore(name: string, value: number): bigint {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a whole number of 0 or more (got ${value}).`);
  return BigInt(value);
}

function safeNumber(name: string, value: bigint): number {
  const result = Number(value);
  if (!Number.isSafeInteger(result)) throw new RangeError(`${name} is too large to count exactly (${value}).`);
  return result;
}

/** numerator / denominator (denominator > 0) rounded half away from zero, so -x gives exactly -(x). */
function divideRoundingHalfAwayFromZero(numerator: bigint, denominator: bigint): bigint {
  const magnitude = numerator < 0n ? -numerator : numerator;
  const rounded = (2n * magnitude + denominator) / (2n * denominator);
  return numerator < 0n ? -rounded : rounded;
}

/**
 * What points are worth at a rate of fen per 100 points, rounded to the fen half away from zero: a reversal of
 * issued points is worth exactly the negative of the issue, so an issue and its reversal settle to nothing.
 */
export function pointsValueInFen(points: number, fenPer100Points: number): number {
  const value = wholeNumber("points", points) * wholeNumberOfZeroOrMore("fenPer100Points", fenPer100Points);
  return safeNumber("The points' value", divideRoundingHalfAwayFromZero(value, 100n));
}

/**
 * What the coalition pays a partner for points spent there: rounded down to the fen, so that splitting one
 * redemption into many small ones never pays more than the points are worth.
 */
export function redemptionValueInFen(points: number, fenPer100Points: number): number {
  const value = wholeNumberOfZeroOrMore("points", points) * wholeNumberOfZeroOrMore("fenPer100Points", fenPer100Points);
  return safeNumber("The points' value", value / 100n);
}

/**
 * What a partner is credited when `reversedNow` of an order's issued points are taken back after `reversedBefore`
 * already were: the difference of the cumulative values, so however a refund is split, the credits add up to
 * exactly what was paid for the points (never more).
 */
export function reversalValueInFen(reversedBefore: number, reversedNow: number, fenPer100Points: number): number {
  const before = wholeNumberOfZeroOrMore("reversedBefore", reversedBefore);
  const now = wholeNumberOfZeroOrMore("reversedNow", reversedNow);
  return pointsValueInFen(safeNumber("The points reversed", before + now), fenPer100Points) - pointsValueInFen(reversedBefore, fenPer100Points);
}

/** The coalition's share, `percent` (0-100) of a benefit's value in fen, rounded half up. */
export function benefitShareInFen(valueFen: number, percent: number): number {
  const value = wholeNumberOfZeroOrMore("valueFen", valueFen);
  if (!Number.isInteger(percent) || percent < 0 || percent > 100) throw new RangeError(`percent must be a whole number 0-100 (got ${percent}).`);
  // Both factors are 0 or more, so half away from zero is half up.
  return safeNumber("The share", divideRoundingHalfAwayFromZero(value * BigInt(percent), 100n));
}

/**
 * The points a sale of `amountFen` at a partner earns, at `pointsPer100Yuan` (100 yuan = 10,000 fen), rounded down:
 * points are never given for part of the step. A refund takes back the points of the sale's lines, not points
 * worked out from a negative amount, so both numbers must be 0 or more.
 */
export function partnerEarnPoints(amountFen: number, pointsPer100Yuan: number): number {
  const product = wholeNumberOfZeroOrMore("amountFen", amountFen) * wholeNumberOfZeroOrMore("pointsPer100Yuan", pointsPer100Yuan);
  // BigInt division truncates, which is rounding down for a product of 0 or more.
  return safeNumber("The points", product / 10_000n);
}

export const statementPeriods = ["MONTHLY", "WEEKLY"] as const;
export type StatementPeriod = (typeof statementPeriods)[number];

export interface StatementPeriodRange {
  start: Date;
  /** Exclusive: the start of the next period. */
  end: Date;
  /** "2026-11" for a month, "2026-W48" for an ISO week. */
  label: string;
}

/** The local calendar date of an instant in the programme's zone, read from the UTC fields of the shifted instant. */
function localDate(instant: Date, utcOffsetMinutes: number): Date {
  return new Date(instant.getTime() + utcOffsetMinutes * minute);
}

function twoDigits(value: number): string {
  return String(value).padStart(2, "0");
}

/**
 * The ISO week label of the week starting at `weekStart` (a local Monday midnight). The week belongs to the year its
 * Thursday falls in, so 29 December 2025 to 4 January 2026 is 2026-W01 and 1 January 2027 is in 2026-W53.
 */
function isoWeekLabel(weekStart: Date, utcOffsetMinutes: number): string {
  const thursday = localDate(addDays(weekStart, 3), utcOffsetMinutes);
  const year = thursday.getUTCFullYear();
  const dayOfYear = Math.round((thursday.getTime() - Date.UTC(year, 0, 1)) / 86_400_000);
  // Thursday midnight of week 1 is at most the 7th day of January, so days 0-6 are week 1, 7-13 week 2, and so on.
  return `${year}-W${twoDigits(Math.floor(dayOfYear / 7) + 1)}`;
}

/**
 * The statement period holding `instant`, in the programme's fixed-offset zone (China: +480): a local calendar month,
 * or an ISO week from Monday 00:00 local. A period holds its start and not its end.
 */
export function statementPeriodContaining(instant: Date, period: StatementPeriod, utcOffsetMinutes: number): StatementPeriodRange {
  if (Number.isNaN(instant.getTime())) throw new RangeError("The instant must be a valid date.");
  if (!Number.isInteger(utcOffsetMinutes) || Math.abs(utcOffsetMinutes) >= 24 * 60) {
    throw new RangeError(`utcOffsetMinutes must be a whole number of minutes under a day (got ${utcOffsetMinutes}).`);
  }
  switch (period) {
    case "MONTHLY": {
      const start = startOfLocalMonth(instant, utcOffsetMinutes);
      const local = localDate(start, utcOffsetMinutes);
      const label = `${String(local.getUTCFullYear()).padStart(4, "0")}-${twoDigits(local.getUTCMonth() + 1)}`;
      return { start, end: addLocalMonths(start, 1, utcOffsetMinutes), label };
    }
    case "WEEKLY": {
      const dayStart = startOfLocalDay(instant, utcOffsetMinutes);
      // getUTCDay counts from Sunday; days since Monday count from Monday. A fixed offset has no 23-hour days, so
      // whole days back from a local midnight land on a local midnight.
      const daysSinceMonday = (localDate(dayStart, utcOffsetMinutes).getUTCDay() + 6) % 7;
      const start = addDays(dayStart, -daysSinceMonday);
      return { start, end: addDays(start, 7), label: isoWeekLabel(start, utcOffsetMinutes) };
    }
  }
}

/** The period after `period`: the one holding its (exclusive) end. */
export function nextStatementPeriod(period: { end: Date }, kind: StatementPeriod, utcOffsetMinutes: number): StatementPeriodRange {
  return statementPeriodContaining(period.end, kind, utcOffsetMinutes);
}

/** See SettlementLineRecord: what each kind of line settles. The entities repeat this list rather than import it. */
export const settlementLineKinds = ["POINTS_ISSUED", "POINTS_ISSUE_REVERSED", "POINTS_REDEEMED", "BENEFIT_REDEEMED", "ADJUSTMENT"] as const;
export type SettlementLineKind = (typeof settlementLineKinds)[number];

export interface SettlementLineFigures {
  kind: SettlementLineKind;
  points: number;
  /** Fen: positive when the partner owes the coalition, negative when the coalition owes the partner. */
  amount: number;
}

export interface StatementTotals {
  /** Points issued at the partner less those reversed (reversal lines carry negative points). */
  pointsIssued: number;
  pointsRedeemed: number;
  /** How many benefit uses the statement settles. */
  benefitsRedeemed: number;
  /** Fen: the sum of the positive amounts. */
  owedByPartner: number;
  /** Fen: the sum of the negative amounts, as a positive number. */
  owedToPartner: number;
  /** Fen: owedByPartner − owedToPartner, the sum of all amounts; positive when the partner pays. */
  netAmount: number;
  lineCount: number;
}

export function statementTotals(lines: readonly SettlementLineFigures[]): StatementTotals {
  return statementTotalsOfGroups(lines.map((line) => ({ ...line, lines: 1 })));
}

/**
 * The same totals from lines already summed by kind and sign (what a database's GROUP BY gives for a month of a
 * million lines): each group's amounts are all above 0 or all 0 and below, so its sum goes to one side.
 */
export function statementTotalsOfGroups(groups: readonly (SettlementLineFigures & { lines: number })[]): StatementTotals {
  const totals: StatementTotals = { pointsIssued: 0, pointsRedeemed: 0, benefitsRedeemed: 0, owedByPartner: 0, owedToPartner: 0, netAmount: 0, lineCount: 0 };
  for (const group of groups) {
    if (!Number.isSafeInteger(group.points) || !Number.isSafeInteger(group.amount)) {
      throw new RangeError(`A settlement line's points and amount must be whole numbers (got ${group.points} and ${group.amount}).`);
    }
    totals.lineCount += group.lines;
    if (group.kind === "POINTS_ISSUED" || group.kind === "POINTS_ISSUE_REVERSED") totals.pointsIssued += group.points;
    else if (group.kind === "POINTS_REDEEMED") totals.pointsRedeemed += group.points;
    else if (group.kind === "BENEFIT_REDEEMED") totals.benefitsRedeemed += group.lines;
    if (group.amount > 0) totals.owedByPartner += group.amount;
    else totals.owedToPartner -= group.amount;
  }
  totals.netAmount = totals.owedByPartner - totals.owedToPartner;
  return totals;
}
