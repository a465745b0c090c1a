import fc from "fast-check";
import {
  addMonths,
  allocateFirstExpiring,
  type BonusRule,
  lotExpiresAt,
  type OpenLot,
  parseExpiryPolicy,
  periodStart,
  pointsPeriods,
  pointsForPurchase,
  pointsToClawBack,
  type PurchaseForEarning,
  splitClawBack,
  splitIncomingPoints,
} from "../../src/engine";

const chinaOffset = 480;
const at = (iso: string) => new Date(iso);

describe("addMonths", () => {
  it("keeps the day of month and the time of day where the day exists", () => {
    expect(addMonths(at("2026-03-10T05:06:07.008Z"), 1).toISOString()).toBe("2026-04-10T05:06:07.008Z");
    expect(addMonths(at("2026-03-10T05:06:07.008Z"), 12).toISOString()).toBe("2027-03-10T05:06:07.008Z");
  });

  it("clamps to the last day of a shorter month (31 Jan + 1 month = 28/29 Feb)", () => {
    expect(addMonths(at("2026-01-31T10:00:00.000Z"), 1).toISOString()).toBe("2026-02-28T10:00:00.000Z");
    expect(addMonths(at("2028-01-31T10:00:00.000Z"), 1).toISOString()).toBe("2028-02-29T10:00:00.000Z");
    expect(addMonths(at("2026-03-31T10:00:00.000Z"), 1).toISOString()).toBe("2026-04-30T10:00:00.000Z");
    expect(addMonths(at("2024-02-29T00:00:00.000Z"), 12).toISOString()).toBe("2025-02-28T00:00:00.000Z");
  });

  it("does not carry a clamped day into the following month (31 Jan + 1 month is not 3 March)", () => {
    expect(addMonths(at("2026-01-31T00:00:00.000Z"), 1).getUTCMonth()).toBe(1);
  });

  it("crosses year ends in both directions and goes back with negative months", () => {
    expect(addMonths(at("2026-11-15T00:00:00.000Z"), 3).toISOString()).toBe("2027-02-15T00:00:00.000Z");
    expect(addMonths(at("2026-03-31T00:00:00.000Z"), -1).toISOString()).toBe("2026-02-28T00:00:00.000Z");
    expect(addMonths(at("2026-01-15T00:00:00.000Z"), -12).toISOString()).toBe("2025-01-15T00:00:00.000Z");
    expect(addMonths(at("2026-01-15T00:00:00.000Z"), -13).toISOString()).toBe("2024-12-15T00:00:00.000Z");
  });

  it("does not change its argument", () => {
    const instant = at("2026-01-31T00:00:00.000Z");
    addMonths(instant, 5);
    expect(instant.toISOString()).toBe("2026-01-31T00:00:00.000Z");
  });
});

describe("lotExpiresAt", () => {
  const endOfFollowingYear = { kind: "end-of-following-year" } as const;

  it("end-of-following-year: points earned in 2026 expire at 1 January 2028 00:00 local (UTC+8)", () => {
    expect(lotExpiresAt(endOfFollowingYear, at("2026-03-10T02:00:00.000Z"), chinaOffset).toISOString()).toBe("2027-12-31T16:00:00.000Z");
    expect(lotExpiresAt(endOfFollowingYear, at("2026-01-01T00:00:00.000Z"), chinaOffset).toISOString()).toBe("2027-12-31T16:00:00.000Z");
  });

  it("end-of-following-year: uses the local year, not the UTC year", () => {
    // 2026-12-31T17:00Z is already 2027-01-01 01:00 in China.
    expect(lotExpiresAt(endOfFollowingYear, at("2026-12-31T17:00:00.000Z"), chinaOffset).toISOString()).toBe("2028-12-31T16:00:00.000Z");
    // 2026-12-31T15:59Z is still 2026-12-31 23:59 in China.
    expect(lotExpiresAt(endOfFollowingYear, at("2026-12-31T15:59:59.999Z"), chinaOffset).toISOString()).toBe("2027-12-31T16:00:00.000Z");
    // Local midnight exactly belongs to the new year.
    expect(lotExpiresAt(endOfFollowingYear, at("2026-12-31T16:00:00.000Z"), chinaOffset).toISOString()).toBe("2028-12-31T16:00:00.000Z");
    // In UTC the same instants fall in 2026.
    expect(lotExpiresAt(endOfFollowingYear, at("2026-12-31T17:00:00.000Z"), 0).toISOString()).toBe("2028-01-01T00:00:00.000Z");
  });

  it("months-after-earning: adds the months to the earning instant, clamping month ends", () => {
    expect(lotExpiresAt({ kind: "months-after-earning", months: 6 }, at("2026-03-10T02:00:00.000Z"), chinaOffset).toISOString()).toBe("2026-09-10T02:00:00.000Z");
    expect(lotExpiresAt({ kind: "months-after-earning", months: 24 }, at("2026-03-10T02:00:00.000Z"), chinaOffset).toISOString()).toBe("2028-03-10T02:00:00.000Z");
    expect(lotExpiresAt({ kind: "months-after-earning", months: 1 }, at("2026-01-31T02:00:00.000Z"), chinaOffset).toISOString()).toBe("2026-02-28T02:00:00.000Z");
    // Months count on the local calendar: 1 March 01:00 in China is still 28 February in UTC.
    expect(lotExpiresAt({ kind: "months-after-earning", months: 1 }, at("2026-02-28T17:00:00.000Z"), chinaOffset).toISOString()).toBe("2026-03-31T17:00:00.000Z");
    expect(lotExpiresAt({ kind: "months-after-earning", months: 1 }, at("2026-03-30T17:00:00.000Z"), chinaOffset).toISOString()).toBe("2026-04-29T17:00:00.000Z");
  });
});

describe("parseExpiryPolicy", () => {
  it("reads the two policies", () => {
    expect(parseExpiryPolicy("end-of-following-year")).toEqual({ kind: "end-of-following-year" });
    expect(parseExpiryPolicy("months:1")).toEqual({ kind: "months-after-earning", months: 1 });
    expect(parseExpiryPolicy("months:24")).toEqual({ kind: "months-after-earning", months: 24 });
    expect(parseExpiryPolicy("months:120")).toEqual({ kind: "months-after-earning", months: 120 });
  });

  it.each([
    "",
    "months:0",
    "months:121",
    "months:999",
    "months:1000",
    "months:-1",
    "months:1.5",
    "months:",
    "months: 12",
    "months:12 ",
    "months:abc",
    "MONTHS:12",
    "12",
    "end-of-year",
    "End-Of-Following-Year",
    " end-of-following-year",
    "end-of-following-year ",
  ])("rejects %p", (text) => {
    expect(parseExpiryPolicy(text)).toBeNull();
  });
});

describe("pointsForPurchase", () => {
  const placedAt = at("2026-06-15T04:00:00.000Z");
  const purchase = (amount: number, extra: Partial<PurchaseForEarning> = {}): PurchaseForEarning => ({ amount, category: "SHOES", channel: "APP", placedAt, ...extra });
  const rule = (code: string, extra: Partial<BonusRule> = {}): BonusRule => ({ code, category: null, channel: null, multiplierPercent: 200, startsAt: null, endsAt: null, ...extra });
  const plain = { pointsPerYuan: 1, tierMultiplierPercent: 100 };

  it("rounds the base points down per purchase", () => {
    expect(pointsForPurchase(purchase(999), plain, [])).toEqual({ basePoints: 9, tierBonusPoints: 0, ruleBonusPoints: 0, total: 9, appliedRuleCodes: [] });
    expect(pointsForPurchase(purchase(99), plain, []).total).toBe(0);
    expect(pointsForPurchase(purchase(100), plain, []).total).toBe(1);
    expect(pointsForPurchase(purchase(123_456), plain, []).basePoints).toBe(1234);
    expect(pointsForPurchase(purchase(999), { pointsPerYuan: 3, tierMultiplierPercent: 100 }, []).basePoints).toBe(29);
  });

  it("adds the tier's share of the base points, rounded down (150 percent adds half)", () => {
    const earned = pointsForPurchase(purchase(10_000), { pointsPerYuan: 1, tierMultiplierPercent: 150 }, []);
    expect(earned).toEqual({ basePoints: 100, tierBonusPoints: 50, ruleBonusPoints: 0, total: 150, appliedRuleCodes: [] });
    const odd = pointsForPurchase(purchase(10_100), { pointsPerYuan: 1, tierMultiplierPercent: 150 }, []);
    expect(odd).toMatchObject({ basePoints: 101, tierBonusPoints: 50, total: 151 });
  });

  it("adds each matching rule's bonus on the base points: a category rule and a date-window rule add up, not multiply", () => {
    const rules = [
      rule("SHOES_DOUBLE", { category: "SHOES", multiplierPercent: 200 }),
      rule("JUNE_150", { startsAt: at("2026-06-01T00:00:00.000Z"), endsAt: at("2026-07-01T00:00:00.000Z"), multiplierPercent: 150 }),
    ];
    const earned = pointsForPurchase(purchase(10_000), { pointsPerYuan: 1, tierMultiplierPercent: 150 }, rules);
    expect(earned).toEqual({ basePoints: 100, tierBonusPoints: 50, ruleBonusPoints: 150, total: 300, appliedRuleCodes: ["SHOES_DOUBLE", "JUNE_150"] });
  });

  it("rounds each rule bonus down on its own", () => {
    const rules = [rule("A", { multiplierPercent: 150 }), rule("B", { multiplierPercent: 150 })];
    // base 3: each bonus is floor(1.5) = 1, so 2 in all rather than floor(3) = 3.
    expect(pointsForPurchase(purchase(300), plain, rules)).toMatchObject({ basePoints: 3, ruleBonusPoints: 2, total: 5 });
  });

  it("ignores rules whose category, channel or window does not match", () => {
    const rules = [
      rule("BAGS", { category: "BAGS" }),
      rule("ONLINE", { channel: "ONLINE" }),
      rule("JULY", { startsAt: at("2026-07-01T00:00:00.000Z"), endsAt: at("2026-08-01T00:00:00.000Z") }),
      rule("MAY", { startsAt: at("2026-05-01T00:00:00.000Z"), endsAt: at("2026-06-01T00:00:00.000Z") }),
      rule("SHOES_ONLINE", { category: "SHOES", channel: "ONLINE" }),
      rule("APP_BAGS", { category: "BAGS", channel: "APP" }),
    ];
    expect(pointsForPurchase(purchase(10_000), plain, rules)).toEqual({ basePoints: 100, tierBonusPoints: 0, ruleBonusPoints: 0, total: 100, appliedRuleCodes: [] });
    const matching = [...rules, rule("SHOES_APP", { category: "SHOES", channel: "APP", multiplierPercent: 300 })];
    expect(pointsForPurchase(purchase(10_000), plain, matching)).toMatchObject({ ruleBonusPoints: 200, total: 300, appliedRuleCodes: ["SHOES_APP"] });
  });

  it("treats startsAt as inclusive and endsAt as exclusive", () => {
    const window = rule("DAY", { startsAt: at("2026-06-15T00:00:00.000Z"), endsAt: at("2026-06-16T00:00:00.000Z") });
    const earnedAt = (iso: string) => pointsForPurchase(purchase(10_000, { placedAt: at(iso) }), plain, [window]);
    expect(earnedAt("2026-06-14T23:59:59.999Z")).toMatchObject({ total: 100, appliedRuleCodes: [] });
    expect(earnedAt("2026-06-15T00:00:00.000Z")).toMatchObject({ total: 200, appliedRuleCodes: ["DAY"] });
    expect(earnedAt("2026-06-15T23:59:59.999Z")).toMatchObject({ total: 200, appliedRuleCodes: ["DAY"] });
    expect(earnedAt("2026-06-16T00:00:00.000Z")).toMatchObject({ total: 100, appliedRuleCodes: [] });
  });

  it("open-ended windows apply on the open side", () => {
    const fromJune = rule("FROM_JUNE", { startsAt: at("2026-06-01T00:00:00.000Z") });
    const untilJuly = rule("UNTIL_JULY", { endsAt: at("2026-07-01T00:00:00.000Z") });
    expect(pointsForPurchase(purchase(10_000, { placedAt: at("2030-01-01T00:00:00.000Z") }), plain, [fromJune, untilJuly]).appliedRuleCodes).toEqual(["FROM_JUNE"]);
    expect(pointsForPurchase(purchase(10_000, { placedAt: at("2020-01-01T00:00:00.000Z") }), plain, [fromJune, untilJuly]).appliedRuleCodes).toEqual(["UNTIL_JULY"]);
  });

  it("never takes points away for multipliers under 100 percent", () => {
    const earned = pointsForPurchase(purchase(10_000), { pointsPerYuan: 1, tierMultiplierPercent: 50 }, [rule("LOW", { multiplierPercent: 50 })]);
    expect(earned).toMatchObject({ basePoints: 100, tierBonusPoints: 0, ruleBonusPoints: 0, total: 100, appliedRuleCodes: ["LOW"] });
  });

  it("total is always the sum of its parts and at least the base points", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 500 }), fc.array(fc.integer({ min: 0, max: 500 }), { maxLength: 4 }), (amount, pointsPerYuan, tierMultiplierPercent, multipliers) => {
        const earned = pointsForPurchase(purchase(amount), { pointsPerYuan, tierMultiplierPercent }, multipliers.map((multiplierPercent, index) => rule(`R${index}`, { multiplierPercent })));
        expect(earned.basePoints).toBe(Math.floor((amount * pointsPerYuan) / 100));
        expect(earned.total).toBe(earned.basePoints + earned.tierBonusPoints + earned.ruleBonusPoints);
        expect(Number.isInteger(earned.total)).toBe(true);
        expect(earned.tierBonusPoints).toBeGreaterThanOrEqual(0);
        expect(earned.ruleBonusPoints).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});

describe("pointsToClawBack", () => {
  it("takes back the refunded share of the points, rounded down", () => {
    expect(pointsToClawBack({ amount: 10_000, pointsEarned: 150, refundedBefore: 0, refundedNow: 10_000 })).toBe(150);
    expect(pointsToClawBack({ amount: 10_000, pointsEarned: 150, refundedBefore: 0, refundedNow: 5_000 })).toBe(75);
    expect(pointsToClawBack({ amount: 10_000, pointsEarned: 150, refundedBefore: 0, refundedNow: 3_333 })).toBe(49);
    expect(pointsToClawBack({ amount: 10_000, pointsEarned: 150, refundedBefore: 0, refundedNow: 0 })).toBe(0);
  });

  it("partial refunds adding up to the whole order take back exactly the points earned", () => {
    // Three thirds: 33 + 33 + 34, not 33 * 3 = 99.
    const order = { amount: 300, pointsEarned: 100 };
    const first = pointsToClawBack({ ...order, refundedBefore: 0, refundedNow: 100 });
    const second = pointsToClawBack({ ...order, refundedBefore: 100, refundedNow: 100 });
    const third = pointsToClawBack({ ...order, refundedBefore: 200, refundedNow: 100 });
    expect([first, second, third]).toEqual([33, 33, 34]);
  });

  it("never takes back more than the order earned, even when more is refunded than was paid", () => {
    expect(pointsToClawBack({ amount: 10_000, pointsEarned: 150, refundedBefore: 0, refundedNow: 20_000 })).toBe(150);
    expect(pointsToClawBack({ amount: 10_000, pointsEarned: 150, refundedBefore: 10_000, refundedNow: 500 })).toBe(0);
    expect(pointsToClawBack({ amount: 10_000, pointsEarned: 150, refundedBefore: 8_000, refundedNow: 5_000 })).toBe(30);
  });

  it("takes nothing back for an order of no amount", () => {
    expect(pointsToClawBack({ amount: 0, pointsEarned: 10, refundedBefore: 0, refundedNow: 0 })).toBe(0);
    expect(pointsToClawBack({ amount: 0, pointsEarned: 10, refundedBefore: 0, refundedNow: 100 })).toBe(0);
  });

  it("property: any split of the amount into partial refunds claws back exactly pointsEarned, never a negative part", () => {
    const order = fc
      .record({ amount: fc.integer({ min: 1, max: 5_000_000 }), pointsEarned: fc.integer({ min: 0, max: 100_000 }) })
      .chain(({ amount, pointsEarned }) =>
        fc.record({
          amount: fc.constant(amount),
          pointsEarned: fc.constant(pointsEarned),
          cuts: fc.uniqueArray(fc.integer({ min: 1, max: amount }), { maxLength: Math.min(amount, 12) }),
        }),
      );
    fc.assert(
      fc.property(order, ({ amount, pointsEarned, cuts }) => {
        const boundaries = [0, ...[...cuts].sort((a, b) => a - b).filter((cut) => cut < amount), amount];
        let refundedBefore = 0;
        let total = 0;
        for (let index = 1; index < boundaries.length; index++) {
          const refundedNow = boundaries[index] - boundaries[index - 1];
          const part = pointsToClawBack({ amount, pointsEarned, refundedBefore, refundedNow });
          expect(part).toBeGreaterThanOrEqual(0);
          expect(Number.isInteger(part)).toBe(true);
          total += part;
          refundedBefore += refundedNow;
        }
        expect(refundedBefore).toBe(amount);
        expect(total).toBe(pointsEarned);
      }),
    );
  });
});

describe("allocateFirstExpiring", () => {
  const lot = (id: number, remaining: number, expiresAt: string): OpenLot => ({ id, remaining, expiresAt: at(expiresAt) });
  const lots = [lot(1, 100, "2027-12-31T16:00:00.000Z"), lot(2, 50, "2026-12-31T16:00:00.000Z"), lot(3, 30, "2028-12-31T16:00:00.000Z")];

  it("takes from the lot that expires first", () => {
    expect(allocateFirstExpiring(lots, 40)).toEqual([{ lotId: 2, points: 40 }]);
    expect(allocateFirstExpiring(lots, 120)).toEqual([
      { lotId: 2, points: 50 },
      { lotId: 1, points: 70 },
    ]);
  });

  it("takes the older lot first when expiries tie", () => {
    const tied = [lot(7, 10, "2027-12-31T16:00:00.000Z"), lot(4, 10, "2027-12-31T16:00:00.000Z"), lot(5, 10, "2027-12-31T16:00:00.000Z")];
    expect(allocateFirstExpiring(tied, 25)).toEqual([
      { lotId: 4, points: 10 },
      { lotId: 5, points: 10 },
      { lotId: 7, points: 5 },
    ]);
  });

  it("drains the preferred lot first, then the lots that expire first", () => {
    expect(allocateFirstExpiring(lots, 20, 3)).toEqual([{ lotId: 3, points: 20 }]);
    expect(allocateFirstExpiring(lots, 100, 3)).toEqual([
      { lotId: 3, points: 30 },
      { lotId: 2, points: 50 },
      { lotId: 1, points: 20 },
    ]);
  });

  it("ignores a preferred lot that is empty or unknown", () => {
    const withEmpty = [...lots, lot(9, 0, "2026-01-01T00:00:00.000Z")];
    expect(allocateFirstExpiring(withEmpty, 60, 9)).toEqual([
      { lotId: 2, points: 50 },
      { lotId: 1, points: 10 },
    ]);
    expect(allocateFirstExpiring(lots, 60, 42)).toEqual([
      { lotId: 2, points: 50 },
      { lotId: 1, points: 10 },
    ]);
  });

  it("returns fewer points only when the lots hold fewer, and skips empty lots", () => {
    expect(allocateFirstExpiring([...lots, lot(8, 0, "2025-01-01T00:00:00.000Z")], 1_000)).toEqual([
      { lotId: 2, points: 50 },
      { lotId: 1, points: 100 },
      { lotId: 3, points: 30 },
    ]);
    expect(allocateFirstExpiring([], 10)).toEqual([]);
    expect(allocateFirstExpiring(lots, 0)).toEqual([]);
  });

  it("does not reorder or change the lots it is given", () => {
    const copy = lots.map((each) => ({ ...each }));
    allocateFirstExpiring(lots, 120, 3);
    expect(lots).toEqual(copy);
  });

  const expiries = ["2026-06-30T16:00:00.000Z", "2026-12-31T16:00:00.000Z", "2027-12-31T16:00:00.000Z", "2028-12-31T16:00:00.000Z"].map(at);
  const lotsArbitrary = fc
    .uniqueArray(fc.record({ id: fc.integer({ min: 1, max: 60 }), remaining: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 500 })), expiry: fc.integer({ min: 0, max: expiries.length - 1 }) }), { selector: (each) => each.id, maxLength: 12 })
    .map((raw) => raw.map(({ id, remaining, expiry }): OpenLot => ({ id, remaining, expiresAt: expiries[expiry] })));
  const caseArbitrary = lotsArbitrary.chain((openLots) =>
    fc.record({
      lots: fc.constant(openLots),
      points: fc.integer({ min: 0, max: 3_000 }),
      preferredLotId: fc.oneof(fc.constant(null), fc.integer({ min: 1, max: 70 }), ...(openLots.length > 0 ? [fc.constantFrom(...openLots.map((each) => each.id))] : [])),
    }),
  );
  const before = (a: OpenLot, b: OpenLot) => a.expiresAt.getTime() < b.expiresAt.getTime() || (a.expiresAt.getTime() === b.expiresAt.getTime() && a.id < b.id);

  it("property: takes min(asked, held), never more than a lot holds, and only from later lots once earlier ones are empty", () => {
    fc.assert(
      fc.property(caseArbitrary, ({ lots: openLots, points, preferredLotId }) => {
        const allocations = allocateFirstExpiring(openLots, points, preferredLotId);
        const byId = new Map(openLots.map((each) => [each.id, each]));
        const taken = new Map<number, number>();
        for (const allocation of allocations) {
          const source = byId.get(allocation.lotId);
          expect(source).toBeDefined();
          expect(taken.has(allocation.lotId)).toBe(false);
          expect(allocation.points).toBeGreaterThan(0);
          expect(allocation.points).toBeLessThanOrEqual(source!.remaining);
          taken.set(allocation.lotId, allocation.points);
        }
        const held = openLots.reduce((sum, each) => sum + each.remaining, 0);
        expect(allocations.reduce((sum, each) => sum + each.points, 0)).toBe(Math.min(points, held));

        const leftIn = (each: OpenLot) => each.remaining - (taken.get(each.id) ?? 0);
        const preferred = openLots.find((each) => each.id === preferredLotId && each.remaining > 0);
        for (const touched of openLots.filter((each) => taken.has(each.id) && each !== preferred)) {
          // A touched lot that is not the preferred one: the preferred lot and every earlier-expiring lot are empty.
          if (preferred) expect(leftIn(preferred)).toBe(0);
          for (const earlier of openLots.filter((each) => each !== preferred && before(each, touched))) expect(leftIn(earlier)).toBe(0);
        }
      }),
    );
  });
});

describe("splitIncomingPoints", () => {
  it("pays the debt first and puts the rest into a lot", () => {
    expect(splitIncomingPoints(100, 0)).toEqual({ debtRepaid: 0, toLot: 100 });
    expect(splitIncomingPoints(100, 30)).toEqual({ debtRepaid: 30, toLot: 70 });
    expect(splitIncomingPoints(100, 100)).toEqual({ debtRepaid: 100, toLot: 0 });
    expect(splitIncomingPoints(100, 250)).toEqual({ debtRepaid: 100, toLot: 0 });
  });

  it("property: the parts sum to the points, and neither the parts nor the remaining debt go negative", () => {
    fc.assert(
      fc.property(fc.nat(1_000_000), fc.nat(1_000_000), (points, debt) => {
        const { debtRepaid, toLot } = splitIncomingPoints(points, debt);
        expect(debtRepaid + toLot).toBe(points);
        expect(debtRepaid).toBeGreaterThanOrEqual(0);
        expect(toLot).toBeGreaterThanOrEqual(0);
        expect(debt - debtRepaid).toBeGreaterThanOrEqual(0);
        // No points go to a lot while debt remains.
        if (toLot > 0) expect(debtRepaid).toBe(debt);
      }),
    );
  });
});

describe("splitClawBack", () => {
  it("takes what the balance holds and records the shortfall as debt", () => {
    expect(splitClawBack(50, 200)).toEqual({ fromBalance: 50, addedDebt: 0 });
    expect(splitClawBack(200, 200)).toEqual({ fromBalance: 200, addedDebt: 0 });
    expect(splitClawBack(200, 80)).toEqual({ fromBalance: 80, addedDebt: 120 });
    expect(splitClawBack(200, 0)).toEqual({ fromBalance: 0, addedDebt: 200 });
  });

  it("property: the parts sum to the points and the balance never goes negative", () => {
    fc.assert(
      fc.property(fc.nat(1_000_000), fc.nat(1_000_000), (points, balance) => {
        const { fromBalance, addedDebt } = splitClawBack(points, balance);
        expect(fromBalance + addedDebt).toBe(points);
        expect(fromBalance).toBeGreaterThanOrEqual(0);
        expect(addedDebt).toBeGreaterThanOrEqual(0);
        expect(balance - fromBalance).toBeGreaterThanOrEqual(0);
        // Debt only when the balance is used up.
        if (addedDebt > 0) expect(fromBalance).toBe(balance);
      }),
    );
  });
});

describe("periodStart", () => {
  it("THIS_MONTH starts at local midnight of the 1st, using the local month", () => {
    // 2026-11-30T20:00Z is already 1 December 04:00 in China.
    expect(periodStart("THIS_MONTH", at("2026-11-30T20:00:00.000Z"), chinaOffset).toISOString()).toBe("2026-11-30T16:00:00.000Z");
    expect(periodStart("THIS_MONTH", at("2026-11-30T15:59:59.999Z"), chinaOffset).toISOString()).toBe("2026-10-31T16:00:00.000Z");
    expect(periodStart("THIS_MONTH", at("2026-11-30T20:00:00.000Z"), 0).toISOString()).toBe("2026-11-01T00:00:00.000Z");
  });

  it("TODAY starts at local midnight", () => {
    expect(periodStart("TODAY", at("2026-11-30T20:00:00.000Z"), chinaOffset).toISOString()).toBe("2026-11-30T16:00:00.000Z");
    expect(periodStart("TODAY", at("2026-11-30T10:00:00.000Z"), chinaOffset).toISOString()).toBe("2026-11-29T16:00:00.000Z");
    expect(periodStart("TODAY", at("2026-11-30T16:00:00.000Z"), chinaOffset).toISOString()).toBe("2026-11-30T16:00:00.000Z");
  });

  it("THIS_YEAR starts at local midnight of 1 January, using the local year", () => {
    expect(periodStart("THIS_YEAR", at("2026-12-31T17:00:00.000Z"), chinaOffset).toISOString()).toBe("2026-12-31T16:00:00.000Z");
    expect(periodStart("THIS_YEAR", at("2026-06-15T00:00:00.000Z"), chinaOffset).toISOString()).toBe("2025-12-31T16:00:00.000Z");
  });

  it("LAST_30_DAYS starts 30 days of 24 hours before now", () => {
    expect(periodStart("LAST_30_DAYS", at("2026-11-30T20:00:00.000Z"), chinaOffset).toISOString()).toBe("2026-10-31T20:00:00.000Z");
    expect(periodStart("LAST_30_DAYS", at("2026-03-01T00:00:00.000Z"), chinaOffset).toISOString()).toBe("2026-01-30T00:00:00.000Z");
  });

  it("property: every period starts at or before now", () => {
    fc.assert(
      fc.property(fc.constantFrom(...pointsPeriods), fc.date({ min: at("2000-01-01T00:00:00.000Z"), max: at("2100-01-01T00:00:00.000Z"), noInvalidDate: true }), fc.integer({ min: -720, max: 840 }), (period, now, offset) => {
        expect(periodStart(period, now, offset).getTime()).toBeLessThanOrEqual(now.getTime());
      }),
    );
  });
});
