import { createHash, createHmac } from "node:crypto";
import fc from "fast-check";
import {
  currentOdds,
  drawMessage,
  drawOutcome,
  drawRandomBits,
  LotteryDrawChecker,
  pickPrizeIndex,
  randomResolution,
  randomValueOf,
  seedCommitment,
  type RecordedDraw,
  type VerifiedPrize,
} from "../../src/engine/engagement/lotteries";

const seed = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

describe("the committed seed and each draw's random number", () => {
  it("commits to SHA-256 of the seed's bytes, not of its hex text", () => {
    expect(seedCommitment(seed)).toBe(createHash("sha256").update(Buffer.from(seed, "hex")).digest("hex"));
    expect(seedCommitment(seed)).not.toBe(createHash("sha256").update(seed).digest("hex"));
  });

  it("derives 52 bits from HMAC-SHA256(seed, lotteryId:memberId:drawNumber)", () => {
    expect(drawMessage(7, 42, 3)).toBe("7:42:3");
    const hex = createHmac("sha256", Buffer.from(seed, "hex")).update("7:42:3").digest("hex").slice(0, 13);
    expect(drawRandomBits(seed, 7, 42, 3)).toBe(Number.parseInt(hex, 16));
    // Every part of the message matters.
    const others = [drawRandomBits(seed, 8, 42, 3), drawRandomBits(seed, 7, 43, 3), drawRandomBits(seed, 7, 42, 4)];
    for (const other of others) expect(other).not.toBe(drawRandomBits(seed, 7, 42, 3));
  });

  it("refuses a seed that is not 32 bytes of lower-case hex", () => {
    expect(() => seedCommitment("abc")).toThrow();
    expect(() => drawRandomBits(seed.toUpperCase(), 1, 1, 1)).toThrow();
  });

  it("gives numbers in [0, 1) that are exact doubles", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 1, max: 1e9 }), fc.integer({ min: 1, max: 1000 }), (lotteryId, memberId, drawNumber) => {
        const bits = drawRandomBits(seed, lotteryId, memberId, drawNumber);
        expect(Number.isSafeInteger(bits)).toBe(true);
        expect(bits).toBeGreaterThanOrEqual(0);
        expect(bits).toBeLessThan(randomResolution);
        expect(randomValueOf(bits) * randomResolution).toBe(bits);
      }),
    );
  });
});

describe("picking a prize", () => {
  const table = [{ weight: 1 }, { weight: 0 }, { weight: 3 }];

  it("lays the weights over [0, 1) in table order, a zero weight taking no room", () => {
    const atValue = (value: number) => pickPrizeIndex(table, value * randomResolution);
    expect(atValue(0)).toBe(0);
    expect(atValue(0.25)).toBe(2); // 0.25 × 4 = 1: the first unit of the third prize
    expect(pickPrizeIndex(table, randomResolution / 4 - 1)).toBe(0);
    expect(pickPrizeIndex(table, randomResolution - 1)).toBe(2);
  });

  it("gives each prize exactly its share of the 2^52 numbers (checked over the boundaries)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 20 }).filter((weights) => weights.some((weight) => weight > 0)), fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), (weights, fraction) => {
        const prizes = weights.map((weight) => ({ weight }));
        const total = weights.reduce((sum, weight) => sum + weight, 0);
        const bits = Math.floor(fraction * randomResolution);
        const index = pickPrizeIndex(prizes, bits);
        const before = weights.slice(0, index).reduce((sum, weight) => sum + weight, 0);
        // bits × total / 2^52 falls within the prize's stretch [before, before + weight).
        const position = (BigInt(bits) * BigInt(total)) / BigInt(randomResolution);
        expect(weights[index]).toBeGreaterThan(0);
        expect(position >= BigInt(before) && position < BigInt(before + weights[index])).toBe(true);
      }),
    );
  });

  it("gives the NOTHING prize instead of one out of stock, keeping the published odds of the others", () => {
    const prizes = [
      { kind: "POINTS", weight: 1, stock: 0 },
      { kind: "COUPON", weight: 1, stock: null },
      { kind: "NOTHING", weight: 2, stock: null },
    ];
    expect(drawOutcome(prizes, 0)).toEqual({ drawnIndex: 0, awardedIndex: 2, stockBefore: 0 });
    expect(drawOutcome(prizes, randomResolution / 4)).toEqual({ drawnIndex: 1, awardedIndex: 1, stockBefore: null });
    expect(drawOutcome([{ ...prizes[0], stock: 1 }, prizes[1], prizes[2]], 0)).toEqual({ drawnIndex: 0, awardedIndex: 0, stockBefore: 1 });
    expect(currentOdds(prizes)).toEqual([0, 0.25, 0.75]);
  });

  it("shows current odds that always add up to 1", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ weight: fc.integer({ min: 1, max: 1000 }), stock: fc.option(fc.integer({ min: 0, max: 3 })) }), { minLength: 1, maxLength: 10 }), fc.integer({ min: 0, max: 1000 }), (lines, nothingWeight) => {
        const prizes = [...lines.map((line) => ({ kind: "POINTS", ...line })), { kind: "NOTHING", weight: nothingWeight, stock: null }];
        const sum = currentOdds(prizes).reduce((total, odds) => total + odds, 0);
        expect(sum).toBeCloseTo(1, 10);
      }),
    );
  });
});

describe("verifying recorded draws", () => {
  const lotteryId = 3;
  const prizeLines = [
    { id: 10, kind: "POINTS", weight: 1, stock: 1 },
    { id: 11, kind: "NOTHING", weight: 1, stock: null },
  ];

  /** Draws made by the rules, as the service makes them, for members 1..3 drawing four times each. */
  function simulate(lines: { id: number; kind: string; weight: number; stock: number | null }[] = prizeLines): { draws: RecordedDraw[]; prizes: VerifiedPrize[] } {
    const prizeLines = lines;
    const stock = new Map(prizeLines.map((prize) => [prize.id, prize.stock]));
    const awarded = new Map<number, number>();
    const draws: RecordedDraw[] = [];
    for (let drawNumber = 1; drawNumber <= 4; drawNumber += 1) {
      for (let memberId = 1; memberId <= 3; memberId += 1) {
        const randomBits = drawRandomBits(seed, lotteryId, memberId, drawNumber);
        const outcome = drawOutcome(prizeLines.map((prize) => ({ ...prize, stock: stock.get(prize.id)! })), randomBits);
        const prize = prizeLines[outcome.awardedIndex];
        if (prize.stock !== null) stock.set(prize.id, stock.get(prize.id)! - 1);
        awarded.set(prize.id, (awarded.get(prize.id) ?? 0) + 1);
        draws.push({ id: draws.length + 1, memberId, drawNumber, randomBits, drawnPrizeId: prizeLines[outcome.drawnIndex].id, prizeId: prize.id, stockBefore: outcome.stockBefore });
      }
    }
    return { draws, prizes: prizeLines.map((prize) => ({ ...prize, stock: stock.get(prize.id)!, awarded: awarded.get(prize.id) ?? 0 })) };
  }

  function check(draws: RecordedDraw[], prizes: VerifiedPrize[], commitment = seedCommitment(seed)) {
    const checker = new LotteryDrawChecker(lotteryId, seed, commitment, prizes);
    for (const draw of draws) checker.check(draw);
    return checker.finish();
  }

  it("finds nothing wrong with draws made by the rules", () => {
    const { draws, prizes } = simulate();
    expect(check(draws, prizes)).toEqual({ checkedDraws: 12, problems: [] });
    // The one unit of stock was won once; every later draw that fell on it got NOTHING.
    expect(prizes[0]).toMatchObject({ stock: 0, awarded: 1 });
  });

  it("finds a wrong commitment, a changed random number, a changed prize and a gap in a member's draw numbers", () => {
    const { draws, prizes } = simulate();
    expect(check(draws, prizes, "0".repeat(64)).problems).toEqual(["The seed does not match the published commitment: SHA-256 of the seed differs."]);
    const changedRandom = draws.map((draw, index) => (index === 0 ? { ...draw, randomBits: draw.randomBits + 1 } : draw));
    expect(check(changedRandom, prizes).problems.join()).toContain("Draw 1 (member 1, draw number 1): recorded random");
    const winner = draws.find((draw) => draw.prizeId === 10)!;
    const changedPrize = draws.map((draw) => (draw === winner ? { ...draw, prizeId: 11 } : draw));
    const problems = check(changedPrize, prizes).problems;
    expect(problems.some((problem) => problem.startsWith(`Draw ${winner.id} `))).toBe(true);
    expect(problems.some((problem) => problem.startsWith("Prize 10: the table says 1 awarded but 0"))).toBe(true);
    const gap = draws.filter((draw) => !(draw.memberId === 2 && draw.drawNumber === 2));
    expect(check(gap, prizes).problems.join()).toContain("member 2, draw number 3): expected the member's draw number 2");
  });

  it("finds a prize given from empty stock", () => {
    // Every draw falls on prize 10, whose one unit goes to the first.
    const { draws, prizes } = simulate([{ id: 10, kind: "POINTS", weight: 1_000_000, stock: 1 }, { id: 11, kind: "NOTHING", weight: 0, stock: null }]);
    const fellBack = draws[1];
    expect(fellBack).toMatchObject({ drawnPrizeId: 10, prizeId: 11, stockBefore: 0 });
    expect(check(draws, prizes).problems).toEqual([]);
    const oversold = draws.map((draw) => (draw === fellBack ? { ...draw, prizeId: 10 } : draw));
    expect(check(oversold, prizes).problems.join()).toContain("awarded a prize that had no stock left");
  });
});
