import fc from "fast-check";
import { dayOfLocalDate, isoWeekLabel, kpiPeriods, kpiSeriesCsv, kpiValue, emptyMeasures, localDateOfDay, periodIndexOfDay, shareByWeight } from "../../src/engine/analytics";

const china = 480;
const newYork = -300;

describe("KPI periods", () => {
  it("cuts months at local midnight and covers every whole month overlapping the range", () => {
    const periods = kpiPeriods(new Date("2026-01-31T16:30:00Z"), new Date("2026-03-31T16:00:00Z"), "MONTH", china, 400)!;
    // 2026-01-31T16:30Z is 1 February 00:30 in China; 2026-03-31T16:00Z is the first instant of April there.
    expect(periods.map((period) => [period.label, period.start.toISOString(), period.end.toISOString()])).toEqual([
      ["2026-02", "2026-01-31T16:00:00.000Z", "2026-02-28T16:00:00.000Z"],
      ["2026-03", "2026-02-28T16:00:00.000Z", "2026-03-31T16:00:00.000Z"],
    ]);
    expect(periods[0].endDay - periods[0].firstDay).toBe(28);
  });

  it("starts weeks on Monday in the programme's zone and labels them by ISO week", () => {
    // Sunday 2026-01-04 23:30 in New York is Monday 04:30 UTC: still the week of Monday 2025-12-29 there.
    const periods = kpiPeriods(new Date("2026-01-05T04:30:00Z"), new Date("2026-01-06T00:00:00Z"), "WEEK", newYork, 400)!;
    expect(periods.map((period) => [period.label, period.start.toISOString()])).toEqual([
      ["2026-W01", "2025-12-29T05:00:00.000Z"],
      ["2026-W02", "2026-01-05T05:00:00.000Z"],
    ]);
  });

  it("gives ISO week numbers across year ends", () => {
    const monday = (date: string) => Math.floor(Date.parse(`${date}T00:00:00Z`) / 86_400_000);
    expect(isoWeekLabel(monday("2024-12-30"))).toBe("2025-W01");
    expect(isoWeekLabel(monday("2020-12-28"))).toBe("2020-W53");
    expect(isoWeekLabel(monday("2021-01-04"))).toBe("2021-W01");
    expect(isoWeekLabel(monday("2026-06-01"))).toBe("2026-W23");
  });

  it("refuses more periods than the maximum", () => {
    expect(kpiPeriods(new Date("2026-01-01T00:00:00Z"), new Date("2027-06-01T00:00:00Z"), "DAY", china, 400)).toBeNull();
    expect(kpiPeriods(new Date("2026-01-01T00:00:00Z"), new Date("2026-01-02T00:00:00Z"), "DAY", china, 400)).toHaveLength(2);
  });

  it("finds the period of every day in range, and none outside", () => {
    fc.assert(
      // 399 days from a UTC midnight (08:00 in China) touch 400 local days: the most a series may hold.
      fc.property(fc.integer({ min: 0, max: 3_000 }), fc.integer({ min: 1, max: 399 }), fc.constantFrom("DAY" as const, "WEEK" as const, "MONTH" as const), fc.integer({ min: -600, max: 900 }), (startDay, length, granularity, probe) => {
        const from = new Date(Date.UTC(2024, 0, 1) + startDay * 86_400_000);
        const to = new Date(from.getTime() + length * 86_400_000);
        const periods = kpiPeriods(from, to, granularity, china, 400)!;
        const day = periods[0].firstDay + probe;
        const index = periodIndexOfDay(periods, day);
        const inside = periods.findIndex((period) => period.firstDay <= day && day < period.endDay);
        expect(index).toBe(inside);
        for (let position = 1; position < periods.length; position += 1) expect(periods[position].firstDay).toBe(periods[position - 1].endDay);
      }),
    );
  });
});

describe("KPI values", () => {
  it("gives null, not a division by zero, for ratios without a denominator", () => {
    expect(kpiValue("AVERAGE_ORDER_VALUE", emptyMeasures(), { days: 7, pointValueFen: 1 }).value).toBeNull();
    expect(kpiValue("ORDERS", emptyMeasures(), { days: 7, pointValueFen: 1 }).value).toBe(0);
  });

  it("computes stickiness as average daily actives over the period's actives", () => {
    const result = kpiValue("STICKINESS", { ...emptyMeasures(), loginMemberDays: 30, membersWithLogin: 5 }, { days: 30, pointValueFen: 1 });
    expect(result.value).toBeCloseTo(0.2);
    expect(result.figures).toEqual([{ name: "loginMemberDays", value: 30 }, { name: "membersWithLogin", value: 5 }, { name: "days", value: 30 }]);
  });

  it("divides spend per member by every member at the period's end, with both figures", () => {
    const result = kpiValue("SPEND_PER_MEMBER", { ...emptyMeasures(), spendFen: 90_000, members: 12, membersWithLoginOrOrder: 3 }, { days: 30, pointValueFen: 1 });
    expect(result).toEqual({ value: 7_500, figures: [{ name: "spendFen", value: 90_000 }, { name: "members", value: 12 }] });
    expect(kpiValue("SPEND_PER_MEMBER", { ...emptyMeasures(), spendFen: 100 }, { days: 30, pointValueFen: 1 }).value).toBeNull();
  });

  it("adds campaign spend and spend recorded outside campaigns into the acquisition cost, with each figure", () => {
    const measures = { ...emptyMeasures(), marketingSpendFen: 12_000, campaignSpendFen: 2_000, otherSpendFen: 10_000, sharedSpendFen: 4_000, newMembers: 8 };
    expect(kpiValue("ACQUISITION_COST", measures, { days: 30, pointValueFen: 1 })).toEqual({
      value: 1_500,
      figures: [{ name: "marketingSpendFen", value: 12_000 }, { name: "campaignSpendFen", value: 2_000 }, { name: "otherSpendFen", value: 10_000 }, { name: "sharedSpendFen", value: 4_000 }, { name: "newMembers", value: 8 }],
    });
  });

  it("writes CSV with a header row, quoted groups and empty cells for null values", () => {
    const csv = kpiSeriesCsv("AVERAGE_ORDER_VALUE", [
      { periodStart: new Date("2026-02-28T16:00:00Z"), periodEnd: new Date("2026-03-31T16:00:00Z"), periodLabel: "2026-03", group: 'A,"B"', value: null, figures: [{ name: "spendFen", value: 0 }, { name: "orders", value: 0 }] },
    ]);
    expect(csv).toBe('kpi,period_start,period_end,period_label,group,value,spendFen,orders\r\nAVERAGE_ORDER_VALUE,2026-02-28T16:00:00.000Z,2026-03-31T16:00:00.000Z,2026-03,"A,""B""",,0,0\r\n');
  });
});

describe("spend shared by weight", () => {
  it("gives whole fen that add up to the amount, each the exact share rounded down or up", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 6 }), (total, weightList) => {
        const weights = new Map(weightList.map((weight, index) => [`C${index}`, weight]));
        const shares = shareByWeight(total, weights);
        const weightSum = weightList.reduce((sum, weight) => sum + weight, 0);
        if (weightSum === 0 || total === 0) {
          expect(shares.size).toBe(0);
          return;
        }
        expect([...shares.values()].reduce((sum, share) => sum + share, 0)).toBe(total);
        for (const [key, weight] of weights) {
          const share = shares.get(key) ?? 0;
          expect(Number.isInteger(share)).toBe(true);
          // floor(exact ÷ W) ≤ share ≤ ceil(exact ÷ W) with exact = total × weight, in integers: share × W > exact − W and (share − 1) × W < exact.
          const exact = BigInt(total) * BigInt(weight);
          const sum = BigInt(weightSum);
          expect(BigInt(share) * sum > exact - sum).toBe(true);
          expect(BigInt(share - 1) * sum < exact).toBe(true);
          if (weight === 0) expect(share).toBe(0);
        }
      }),
    );
  });

  it("gives the fen left over to the largest remainders, ties to the key that sorts first", () => {
    expect(shareByWeight(100, new Map([["B", 1], ["A", 1], ["C", 1]]))).toEqual(new Map([["A", 34], ["B", 33], ["C", 33]]));
    expect(shareByWeight(10, new Map([["APP", 3], ["ONLINE", 1]]))).toEqual(new Map([["APP", 8], ["ONLINE", 2]]));
    expect(shareByWeight(10, new Map([["APP", 0], ["ONLINE", 0]]))).toEqual(new Map());
    // Past 2^53 in the products: exact all the same.
    expect(shareByWeight(1_000_000_000_000, new Map([["A", 999_999], ["B", 1]]))).toEqual(new Map([["A", 999_999_000_000], ["B", 1_000_000]]));
  });
});

describe("local dates", () => {
  it("turns real YYYY-MM-DD dates into day numbers and back, and nothing else", () => {
    expect(dayOfLocalDate("1970-01-02")).toBe(1);
    expect(dayOfLocalDate("2026-03-01")).toBe(Date.UTC(2026, 2, 1) / 86_400_000);
    expect(localDateOfDay(dayOfLocalDate("2024-02-29")!)).toBe("2024-02-29");
    for (const text of ["2026-02-29", "2026-13-01", "2026-3-1", "20260301", "2026-03-01T00:00:00Z", ""]) expect(dayOfLocalDate(text)).toBeNull();
  });
});
