// Recomputes a lottery's recorded draws from its seed: what an auditor (or a member, once the seed is revealed) does
// to convince themselves that no draw was chosen by hand. Pure; fed the draws a page at a time.
import { drawOutcome, drawRandomBits, pickPrizeIndex, seedCommitment, type StockedPrize } from "./lottery-draw";

export interface VerifiedPrize extends StockedPrize {
  id: number;
  /** How many draws the prize table says were won with this prize. */
  awarded: number;
}

export interface RecordedDraw {
  id: number;
  memberId: number;
  drawNumber: number;
  randomBits: number;
  drawnPrizeId: number;
  prizeId: number;
  stockBefore: number | null;
}

/** A page of draws at a time, in id order; `finish` adds what can only be judged over all of them. */
export class LotteryDrawChecker {
  readonly problems: string[] = [];
  private checked = 0;
  private readonly awardedCounts = new Map<number, number>();
  private readonly lastDrawNumbers = new Map<number, number>();
  private readonly nothingId: number | null;

  constructor(
    private readonly lotteryId: number,
    private readonly seedHex: string,
    commitment: string,
    private readonly prizes: readonly VerifiedPrize[],
  ) {
    if (seedCommitment(seedHex) !== commitment) this.problems.push("The seed does not match the published commitment: SHA-256 of the seed differs.");
    this.nothingId = prizes.find((prize) => prize.kind === "NOTHING")?.id ?? null;
  }

  check(draw: RecordedDraw): void {
    this.checked += 1;
    const name = `Draw ${draw.id} (member ${draw.memberId}, draw number ${draw.drawNumber})`;
    const expectedNumber = (this.lastDrawNumbers.get(draw.memberId) ?? 0) + 1;
    if (draw.drawNumber !== expectedNumber) this.problems.push(`${name}: expected the member's draw number ${expectedNumber}.`);
    this.lastDrawNumbers.set(draw.memberId, draw.drawNumber);
    const bits = drawRandomBits(this.seedHex, this.lotteryId, draw.memberId, draw.drawNumber);
    if (bits !== draw.randomBits) this.problems.push(`${name}: recorded random ${draw.randomBits} but the seed gives ${bits}.`);
    const drawn = this.prizes[pickPrizeIndex(this.prizes, bits)];
    if (drawn.id !== draw.drawnPrizeId) this.problems.push(`${name}: recorded drawn prize ${draw.drawnPrizeId} but the seed picks prize ${drawn.id}.`);
    // The award follows from the drawn prize and the stock recorded before the draw.
    const stocked = this.prizes.map((prize) => (prize.id === drawn.id ? { ...prize, stock: draw.stockBefore } : prize));
    const awarded = this.prizes[drawOutcome(stocked, bits).awardedIndex];
    if (awarded.id !== draw.prizeId) this.problems.push(`${name}: awarded prize ${draw.prizeId} but with stock ${draw.stockBefore ?? "unlimited"} before it the draw gives prize ${awarded.id}.`);
    if (draw.prizeId !== this.nothingId && draw.stockBefore !== null && draw.stockBefore <= 0) this.problems.push(`${name}: awarded a prize that had no stock left.`);
    this.awardedCounts.set(draw.prizeId, (this.awardedCounts.get(draw.prizeId) ?? 0) + 1);
  }

  /** The number of draws checked and every problem found. */
  finish(): { checkedDraws: number; problems: string[] } {
    for (const prize of this.prizes) {
      const counted = this.awardedCounts.get(prize.id) ?? 0;
      if (counted !== prize.awarded) this.problems.push(`Prize ${prize.id}: the table says ${prize.awarded} awarded but ${counted} draws awarded it.`);
      if (prize.stock !== null && prize.stock < 0) this.problems.push(`Prize ${prize.id}: stock is ${prize.stock}, below zero (oversold).`);
    }
    return { checkedDraws: this.checked, problems: this.problems };
  }
}
