import fc from "fast-check";
import { daySlices, leaderboardPeriodAt, maskLeaderboardName, previousLeaderboardPeriod, rankBoard, rankMembers, type ScoredMember } from "../../src/engine/engagement/leaderboards";

describe("leaderboard periods", () => {
  it.each([
    // [instant, UTC offset in minutes, week key, week start, month key, month start]
    ["2026-11-22T15:59:59.999Z", 480, "2026-W47", "2026-11-15T16:00:00.000Z", "2026-11", "2026-10-31T16:00:00.000Z"], // Sunday 23:59:59.999 in China
    ["2026-11-22T16:00:00.000Z", 480, "2026-W48", "2026-11-22T16:00:00.000Z", "2026-11", "2026-10-31T16:00:00.000Z"], // Monday 00:00 in China
    ["2026-11-22T16:00:00.000Z", 0, "2026-W47", "2026-11-16T00:00:00.000Z", "2026-11", "2026-11-01T00:00:00.000Z"], // still Sunday in UTC
    ["2026-11-30T16:30:00.000Z", 480, "2026-W49", "2026-11-29T16:00:00.000Z", "2026-12", "2026-11-30T16:00:00.000Z"], // 1 December 00:30 in China
    ["2026-12-01T03:00:00.000Z", -300, "2026-W49", "2026-11-30T05:00:00.000Z", "2026-11", "2026-11-01T05:00:00.000Z"], // Monday 30 November 22:00 in New York
    ["2027-01-03T12:00:00.000Z", 480, "2026-W53", "2026-12-27T16:00:00.000Z", "2027-01", "2026-12-31T16:00:00.000Z"], // 2026 has 53 ISO weeks
    ["2027-01-04T00:00:00.000Z", 480, "2027-W01", "2027-01-03T16:00:00.000Z", "2027-01", "2026-12-31T16:00:00.000Z"],
    ["2025-12-29T08:00:00.000Z", 480, "2026-W01", "2025-12-28T16:00:00.000Z", "2025-12", "2025-11-30T16:00:00.000Z"], // Monday 29 December 2025 starts 2026's first week
    ["2028-02-29T20:00:00.000Z", 480, "2028-W09", "2028-02-27T16:00:00.000Z", "2028-03", "2028-02-29T16:00:00.000Z"], // 1 March 04:00 local, after a leap day
  ])("%s with offset %i: week %s from %s, month %s from %s", (instant, offset, weekKey, weekStart, monthKey, monthStart) => {
    const week = leaderboardPeriodAt("WEEK", new Date(instant), offset);
    expect({ key: week.key, start: week.start.toISOString(), days: (week.end.getTime() - week.start.getTime()) / 86_400_000 }).toEqual({ key: weekKey, start: weekStart, days: 7 });
    const month = leaderboardPeriodAt("MONTH", new Date(instant), offset);
    expect({ key: month.key, start: month.start.toISOString() }).toEqual({ key: monthKey, start: monthStart });
  });

  it("has each instant in exactly one period, periods following one another without gaps", () => {
    fc.assert(
      fc.property(fc.date({ min: new Date("2000-01-01"), max: new Date("2100-01-01"), noInvalidDate: true }), fc.integer({ min: -720, max: 840 }), fc.constantFrom("WEEK" as const, "MONTH" as const), (instant, offset, kind) => {
        const period = leaderboardPeriodAt(kind, instant, offset);
        expect(period.start.getTime()).toBeLessThanOrEqual(instant.getTime());
        expect(period.end.getTime()).toBeGreaterThan(instant.getTime());
        const previous = previousLeaderboardPeriod(period, offset);
        expect(previous.end.getTime()).toBe(period.start.getTime());
        expect(previous.key < period.key).toBe(true);
        expect(leaderboardPeriodAt(kind, period.end, offset).start.getTime()).toBe(period.end.getTime());
      }),
    );
  });

  it("slices a period into days for reading", () => {
    const month = leaderboardPeriodAt("MONTH", new Date("2027-02-10T00:00:00.000Z"), 480);
    const slices = daySlices(month.start, month.end);
    expect(slices).toHaveLength(28);
    expect(slices[0].start).toEqual(month.start);
    expect(slices[27].end).toEqual(month.end);
    slices.slice(1).forEach((slice, index) => expect(slice.start).toEqual(slices[index].end));
  });
});

describe("ranking", () => {
  const member = (memberId: number, score: number, city: string | null = "上海", tierId = 1): ScoredMember => ({ memberId, score, city, tierId });

  it("shares a rank between ties (1, 2, 2, 4), orders a tie by member id, and leaves members without points out", () => {
    const ranked = rankMembers([member(5, 30), member(2, 50), member(9, 30), member(1, 0), member(4, 10), member(3, -5)]);
    expect(ranked.map((entry) => [entry.memberId, entry.positionAll, entry.rankAll])).toEqual([[2, 1, 1], [5, 2, 2], [9, 3, 2], [4, 4, 4]]);
  });

  it("ranks each city and each tier on its own; a member without a city is in no city's board", () => {
    const ranked = rankMembers([member(1, 100, "上海", 1), member(2, 90, "北京", 2), member(3, 80, "上海", 2), member(4, 80, null, 1), member(5, 70, "北京", 1)]);
    const of = (memberId: number) => ranked.find((entry) => entry.memberId === memberId)!;
    expect([1, 3].map((id) => [of(id).positionCity, of(id).rankCity])).toEqual([[1, 1], [2, 2]]);
    expect([2, 5].map((id) => [of(id).positionCity, of(id).rankCity])).toEqual([[1, 1], [2, 2]]);
    expect(of(4)).toMatchObject({ positionCity: null, rankCity: null, positionAll: 4, rankAll: 3, positionTier: 2, rankTier: 2 });
    expect([1, 4, 5].map((id) => of(id).positionTier)).toEqual([1, 2, 3]);
    expect([2, 3].map((id) => of(id).rankTier)).toEqual([1, 2]);
  });

  it("agrees with a plain comparator sort on any members", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.record({ memberId: fc.integer({ min: 1, max: 10_000 }), score: fc.integer({ min: -3, max: 20 }), city: fc.constantFrom("上海", "北京", null), tierId: fc.integer({ min: 1, max: 3 }) }), { selector: (entry) => entry.memberId, maxLength: 60 }),
        (members) => {
          const expected = members.filter((entry) => entry.score > 0).sort((a, b) => b.score - a.score || a.memberId - b.memberId);
          const ranked = rankMembers(members);
          expect(ranked.map((entry) => entry.memberId)).toEqual(expected.map((entry) => entry.memberId));
          for (const entry of ranked) {
            const better = (scope: (other: ScoredMember) => boolean) => expected.filter((other) => scope(other) && other.score > entry.score).length + 1;
            expect(entry.rankAll).toBe(better(() => true));
            expect(entry.rankTier).toBe(better((other) => other.tierId === entry.tierId));
            expect(entry.rankCity).toBe(entry.city === null ? null : better((other) => other.city === entry.city));
            expect(entry.positionTier).toBe(expected.filter((other) => other.tierId === entry.tierId).indexOf(expected.find((other) => other.memberId === entry.memberId)!) + 1);
          }
        },
      ),
    );
  });

  it("refuses columns out of member id order and scores it cannot key exactly", () => {
    const columns = (memberIds: number[], scores: number[]) => ({ memberIds: Int32Array.from(memberIds), scores: Float64Array.from(scores), cityIndexes: Int32Array.from(memberIds, () => -1), tierIds: Int32Array.from(memberIds, () => 1) });
    expect(() => rankBoard(columns([2, 1], [5, 5]))).toThrow(/ascending member id/);
    expect(() => rankBoard(columns([1], [2 ** 27]))).toThrow(/whole numbers below/);
    expect(() => rankBoard(columns([1], [2.5]))).toThrow(/whole numbers below/);
  });
});

describe("name masking", () => {
  it.each([
    ["张伟", "张**"],
    ["欧阳娜娜", "欧**"],
    ["Alice", "A**"],
    ["  李", "李**"],
    ["", "**"],
    ["😀smile", "😀**"],
  ])("masks %j as %j", (name, masked) => {
    expect(maskLeaderboardName(name)).toBe(masked);
  });
});
