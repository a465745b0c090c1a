// The fair draw of a lottery, all pure so anyone can recompute it. The server commits to a secret seed when the
// lottery is made (publishing SHA-256 of its bytes), derives each draw's random number from the seed and the draw's
// identity, and reveals the seed once the lottery has ended: every draw can then be checked, and none could have been
// chosen after the fact, because the seed was fixed (and committed to) before the first draw.
import { createHash, createHmac } from "node:crypto";

/** 2^52: random numbers have 52 bits, so every value is an exact double in [0, 1). */
export const randomResolution = 2 ** 52;

/** The seed's bytes from its hex form (64 hex digits, 32 bytes). */
function seedBytes(seedHex: string): Buffer {
  if (!/^[0-9a-f]{64}$/.test(seedHex)) throw new Error("A lottery seed is 64 lower-case hex digits (32 bytes).");
  return Buffer.from(seedHex, "hex");
}

/** What is published when the lottery is made: SHA-256 of the seed's 32 bytes, in hex. */
export function seedCommitment(seedHex: string): string {
  return createHash("sha256").update(seedBytes(seedHex)).digest("hex");
}

/** The text each draw's random number is derived from: `lotteryId:memberId:drawNumber` (the member's nth draw). */
export function drawMessage(lotteryId: number, memberId: number, drawNumber: number): string {
  return `${lotteryId}:${memberId}:${drawNumber}`;
}

/**
 * The draw's random number as an integer in [0, 2^52): the first 52 bits (13 hex digits) of
 * HMAC-SHA256(key = seed bytes, message = drawMessage). Divided by 2^52 it is uniform in [0, 1).
 */
export function drawRandomBits(seedHex: string, lotteryId: number, memberId: number, drawNumber: number): number {
  const digest = createHmac("sha256", seedBytes(seedHex)).update(drawMessage(lotteryId, memberId, drawNumber), "utf8").digest("hex");
  return Number.parseInt(digest.slice(0, 13), 16);
}

export function randomValueOf(bits: number): number {
  return bits / randomResolution;
}

export interface WeightedPrize {
  /** Weights are whole numbers; a prize's published odds are weight / total weight. */
  weight: number;
}

/**
 * The index of the prize a random number falls on: prizes take consecutive stretches of [0, total weight) in
 * their published order, and the number lands at floor(bits × total / 2^52), computed exactly.
 */
export function pickPrizeIndex(prizes: readonly WeightedPrize[], bits: number): number {
  const total = prizes.reduce((sum, prize) => sum + prize.weight, 0);
  if (total <= 0) throw new Error("A prize table needs a positive total weight.");
  const target = Number((BigInt(bits) * BigInt(total)) / BigInt(randomResolution));
  let cumulative = 0;
  for (let index = 0; index < prizes.length; index += 1) {
    cumulative += prizes[index].weight;
    if (target < cumulative) return index;
  }
  throw new Error(`Random bits ${bits} are outside [0, 2^52).`);
}

export interface StockedPrize extends WeightedPrize {
  kind: string;
  /** Units left; null: unlimited. */
  stock: number | null;
}

export interface DrawOutcome {
  /** The prize the random number fell on. */
  drawnIndex: number;
  /** The prize the member gets: the drawn one, or the NOTHING prize when the drawn one is out of stock. */
  awardedIndex: number;
  /** The drawn prize's stock before this draw (null: unlimited). */
  stockBefore: number | null;
}

/**
 * Fixed odds with a fallback: the random number picks a prize by the published weights whatever is left, and a
 * prize that has run out gives "thanks for playing" (the table's NOTHING prize) instead. So the odds members were
 * shown never shift towards other prizes as stock runs out.
 */
export function drawOutcome(prizes: readonly StockedPrize[], bits: number): DrawOutcome {
  const drawnIndex = pickPrizeIndex(prizes, bits);
  const stockBefore = prizes[drawnIndex].stock;
  if (stockBefore === null || stockBefore > 0) return { drawnIndex, awardedIndex: drawnIndex, stockBefore };
  const fallback = prizes.findIndex((prize) => prize.kind === "NOTHING");
  if (fallback < 0) throw new Error("A prize table needs a NOTHING prize to fall back on.");
  return { drawnIndex, awardedIndex: fallback, stockBefore };
}

/**
 * Each prize's chance on the next draw given the stock now: its published odds while in stock, 0 once out, and the
 * out-of-stock prizes' share added to the NOTHING prize.
 */
export function currentOdds(prizes: readonly StockedPrize[]): number[] {
  const total = prizes.reduce((sum, prize) => sum + prize.weight, 0);
  const outOfStock = prizes.filter((prize) => prize.kind !== "NOTHING" && prize.stock !== null && prize.stock <= 0).reduce((sum, prize) => sum + prize.weight, 0);
  return prizes.map((prize) => {
    if (prize.kind === "NOTHING") return (prize.weight + outOfStock) / total;
    return prize.stock !== null && prize.stock <= 0 ? 0 : prize.weight / total;
  });
}
