import { localDayNumber, localMonthKey, oldestWindowDay, startOfLocalDayNumber, summariseTotals, summariseWindows, type DailyFacts } from "../../src/engine";

const today = 20_000;
const facts = (daysAgo: number, values: Partial<Omit<DailyFacts, "day">>): DailyFacts => ({
  day: today - daysAgo, orders: 0, spend: 0, refunds: 0, refundAmount: 0, logins: 0, sessionSeconds: 0, interactions: 0, complaints: 0, ...values,
});

describe("local day numbers", () => {
  it("count days in the business zone: 23:59 and 00:00 China time are different days, 16:00 UTC is the next local day", () => {
    const offset = 480;
    const lateEvening = new Date("2026-11-23T15:59:00.000Z"); // 23:59 in UTC+8
    const midnight = new Date("2026-11-23T16:00:00.000Z"); // 00:00 on the 24th in UTC+8
    expect(localDayNumber(midnight, offset) - localDayNumber(lateEvening, offset)).toBe(1);
    expect(localDayNumber(lateEvening, 0)).toBe(localDayNumber(midnight, 0));
    expect(startOfLocalDayNumber(localDayNumber(midnight, offset), offset).toISOString()).toBe("2026-11-23T16:00:00.000Z");
    expect(localMonthKey(new Date("2026-11-30T16:30:00.000Z"), offset)).toBe("2026-12");
    expect(localMonthKey(new Date("2026-11-30T16:30:00.000Z"), 0)).toBe("2026-11");
  });
});

describe("summariseWindows", () => {
  it.each([
    // [days ago, which windows count it]
    [0, { orders30: 1, orders90: 1, ordersPrevious90: 0, ordersWindow: 1 }],
    [29, { orders30: 1, orders90: 1, ordersPrevious90: 0, ordersWindow: 1 }],
    [30, { orders30: 0, orders90: 1, ordersPrevious90: 0, ordersWindow: 1 }],
    [89, { orders30: 0, orders90: 1, ordersPrevious90: 0, ordersWindow: 1 }],
    [90, { orders30: 0, orders90: 0, ordersPrevious90: 1, ordersWindow: 1 }],
    [179, { orders30: 0, orders90: 0, ordersPrevious90: 1, ordersWindow: 1 }],
    [180, { orders30: 0, orders90: 0, ordersPrevious90: 0, ordersWindow: 1 }],
    [364, { orders30: 0, orders90: 0, ordersPrevious90: 0, ordersWindow: 1 }],
    [365, { orders30: 0, orders90: 0, ordersPrevious90: 0, ordersWindow: 0 }],
    [-2, { orders30: 1, orders90: 1, ordersPrevious90: 0, ordersWindow: 1 }],
  ])("an order %i days ago counts in %j (the window ending today holds the last N days, today included)", (daysAgo, expected) => {
    expect(summariseWindows([facts(daysAgo, { orders: 1 })], today, 365)).toMatchObject(expected);
  });

  it("sums each measure into its own windows, net spend and refunds included", () => {
    const days = [
      facts(1, { orders: 2, spend: 30_000, logins: 3, sessionSeconds: 600, interactions: 4 }),
      facts(45, { orders: 1, spend: -5_000, refunds: 1, refundAmount: 5_000, complaints: 1, logins: 1, sessionSeconds: 300 }),
      facts(120, { orders: 1, spend: 9_000, logins: 5, interactions: 2 }),
      facts(400, { orders: 7, spend: 70_000, logins: 9 }),
    ];
    expect(summariseWindows(days, today, 365)).toEqual({
      ordersWindow: 4, spendWindow: 34_000, refundAmountWindow: 5_000,
      orders30: 2, orders90: 3, ordersPrevious90: 1,
      logins30: 3, logins90: 4, loginsPrevious90: 5,
      sessionSeconds30: 600, sessionSeconds90: 900,
      interactions30: 4, interactions90: 4, complaints90: 1, refunds90: 1,
    });
    expect(summariseWindows(days, today, 60)).toMatchObject({ ordersWindow: 3, spendWindow: 25_000 });
    expect(summariseTotals(days)).toEqual({ ordersTotal: 11, spendTotal: 104_000, refundsTotal: 1, refundAmountTotal: 5_000, loginsTotal: 18, interactionsTotal: 6, complaintsTotal: 1 });
  });

  it("reaches back far enough for the longest window, and no further", () => {
    expect(oldestWindowDay(today, 365)).toBe(today - 365);
    expect(oldestWindowDay(today, 30)).toBe(today - 180);
  });
});
