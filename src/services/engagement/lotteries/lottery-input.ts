// Checks a lottery's definition before anything is written, with errors naming the field to fix.
import { lotteryPrizeKinds, type LotteryPrizeKind } from "../../../entities";
import { badUserInput } from "../../../errors";
import { maximumPointsPerCommand, validCode } from "../../points/points-input";

export interface PrizeInput {
  name: string;
  kind: LotteryPrizeKind;
  /** POINTS: points; COUPON: fen; not given for BENEFIT and NOTHING. */
  value?: number | null;
  benefitCode?: string | null;
  /** COUPON and BENEFIT: days valid from the draw; default 30. */
  validDays?: number | null;
  weight: number;
  /** Units available; null or absent: unlimited. NOTHING is always unlimited. */
  stock?: number | null;
}

export interface NewLottery {
  code: string;
  title: string;
  description?: string | null;
  costPoints: number;
  dailyLimit: number;
  /** Default: now. */
  startsAt?: Date | null;
  endsAt: Date;
  prizes: PrizeInput[];
}

export interface LotteryChanges {
  title?: string | null;
  description?: string | null;
  costPoints?: number | null;
  dailyLimit?: number | null;
  startsAt?: Date | null;
  endsAt?: Date | null;
  /** Restocks (or reduces) prizes: units left from now on, null for unlimited. */
  prizeStocks?: { prizeId: number; stock: number | null }[] | null;
}

/** A valid prize line, as stored. */
export interface ValidPrize {
  name: string;
  kind: LotteryPrizeKind;
  value: number;
  benefitCode: string | null;
  validDays: number | null;
  weight: number;
  stock: number | null;
}

const maximumPrizes = 20;
const maximumWeight = 1_000_000;
const maximumCouponValue = 1_000_000; // 10,000 yuan in fen
const maximumStock = 1_000_000_000;

function wholeNumber(value: number, field: string, minimum: number, maximum: number, what: string): number {
  if (!Number.isInteger(value) || value < minimum || value > maximum) throw badUserInput(`${field} must be ${what} from ${minimum} to ${maximum} (got ${value}).`, field);
  return value;
}

export function validTitle(value: string, field: string): string {
  const text = value.trim();
  if (text.length === 0 || text.length > 64) throw badUserInput(`${field} must be 1 to 64 characters.`, field);
  return text;
}

export function validDescription(value: string | null | undefined, field: string): string | null {
  const text = (value ?? "").trim();
  if (text.length > 500) throw badUserInput(`${field} must be at most 500 characters.`, field);
  return text.length === 0 ? null : text;
}

export const validCostPoints = (value: number, field: string) => wholeNumber(value, field, 0, maximumPointsPerCommand, "a whole number of points (0: free)");
export const validDailyLimit = (value: number, field: string) => wholeNumber(value, field, 1, 1000, "a whole number of draws");

export function validStock(value: number | null | undefined, field: string): number | null {
  return value === null || value === undefined ? null : wholeNumber(value, field, 0, maximumStock, "a whole number of units (or null for unlimited)");
}

function validPrize(prize: PrizeInput, field: string): ValidPrize {
  if (!(lotteryPrizeKinds as readonly string[]).includes(prize.kind)) throw badUserInput(`${field}.kind must be one of ${lotteryPrizeKinds.join(", ")}.`, `${field}.kind`);
  const name = validTitle(prize.name, `${field}.name`);
  const base = { name, kind: prize.kind, benefitCode: null, validDays: null };
  switch (prize.kind) {
    case "NOTHING":
      if (prize.stock !== null && prize.stock !== undefined) throw badUserInput(`${field}.stock must be left out: "thanks for playing" never runs out, it is what an out-of-stock prize gives instead.`, `${field}.stock`);
      if (prize.value) throw badUserInput(`${field}.value must be left out for a NOTHING prize.`, `${field}.value`);
      return { ...base, value: 0, weight: wholeNumber(prize.weight, `${field}.weight`, 0, maximumWeight, "a whole number"), stock: null };
    case "POINTS":
      return { ...base, value: wholeNumber(prize.value ?? 0, `${field}.value`, 1, maximumPointsPerCommand, "the points won,"), weight: wholeNumber(prize.weight, `${field}.weight`, 1, maximumWeight, "a whole number"), stock: validStock(prize.stock, `${field}.stock`) };
    case "COUPON":
      return {
        ...base,
        value: wholeNumber(prize.value ?? 0, `${field}.value`, 1, maximumCouponValue, "the coupon's value in fen,"),
        validDays: wholeNumber(prize.validDays ?? 30, `${field}.validDays`, 1, 3650, "a number of days"),
        weight: wholeNumber(prize.weight, `${field}.weight`, 1, maximumWeight, "a whole number"),
        stock: validStock(prize.stock, `${field}.stock`),
      };
    case "BENEFIT":
      if (!prize.benefitCode) throw badUserInput(`${field}.benefitCode is required for a BENEFIT prize: it says what the member gets (shown in member.benefits).`, `${field}.benefitCode`);
      if (prize.value) throw badUserInput(`${field}.value must be left out for a BENEFIT prize: benefitCode and validDays say what it is.`, `${field}.value`);
      return {
        ...base,
        value: 0,
        benefitCode: validCode(prize.benefitCode, `${field}.benefitCode`, 64),
        validDays: wholeNumber(prize.validDays ?? 30, `${field}.validDays`, 1, 3650, "a number of days"),
        weight: wholeNumber(prize.weight, `${field}.weight`, 1, maximumWeight, "a whole number"),
        stock: validStock(prize.stock, `${field}.stock`),
      };
  }
}

/** The prize table: 2 to 20 prizes, exactly one NOTHING (the fallback for prizes out of stock), weights adding up above 0. */
export function validPrizeTable(prizes: PrizeInput[], field: string): ValidPrize[] {
  if (prizes.length < 2 || prizes.length > maximumPrizes) throw badUserInput(`${field} must list 2 to ${maximumPrizes} prizes, one of them a NOTHING prize ("thanks for playing").`, field);
  const valid = prizes.map((prize, index) => validPrize(prize, `${field}[${index}]`));
  if (valid.filter((prize) => prize.kind === "NOTHING").length !== 1) {
    throw badUserInput(`${field} must have exactly one NOTHING prize ("thanks for playing"): a draw that falls on a prize out of stock gives it instead. Give it weight 0 if no draw should fall on it otherwise.`, field);
  }
  return valid;
}

export function validPeriod(startsAt: Date, endsAt: Date, now: Date, field: string): void {
  if (Number.isNaN(startsAt.getTime()) || Number.isNaN(endsAt.getTime())) throw badUserInput(`${field} must be a valid date-time.`, field);
  if (endsAt.getTime() <= startsAt.getTime()) throw badUserInput("input.endsAt must be after input.startsAt.", "input.endsAt");
  if (endsAt.getTime() <= now.getTime()) throw badUserInput("input.endsAt must be in the future: an ended lottery reveals its seed and cannot be reopened.", "input.endsAt");
}

export { validCode };
