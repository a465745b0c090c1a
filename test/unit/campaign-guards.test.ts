import fc from "fast-check";
import { bestSendHour, frequencyCapDecision, isQuietHour, nextAllowedInstant, nextBestSendTime, nextLocalHour, quietHoursDecision, quietHoursProblem } from "../../src/engine";

const day = 86_400_000;
const hour = 3_600_000;
const china = 480;
// 2026-11-23 16:00 in China (08:00 UTC).
const now = new Date("2026-11-23T08:00:00.000Z");
const at = (text: string) => new Date(text);

describe("frequencyCapDecision", () => {
  const cap = { maxMessages: 2, perDays: 7 };

  it("allows a send while fewer than maxMessages fall in the rolling window", () => {
    expect(frequencyCapDecision([], cap, now)).toEqual({ allowed: true, sentInWindow: 0 });
    expect(frequencyCapDecision([new Date(now.getTime() - 2 * day)], cap, now)).toEqual({ allowed: true, sentInWindow: 1 });
  });

  it("refuses at the cap, and allows again when the oldest counted send leaves the window", () => {
    const sends = [new Date(now.getTime() - 1 * day), new Date(now.getTime() - 3 * day), new Date(now.getTime() - 30 * day)];
    // The sends 3 and 1 days ago count; the one 3 days ago leaves the window 4 days from now.
    expect(frequencyCapDecision(sends, cap, now)).toEqual({ allowed: false, sentInWindow: 2, nextAllowedAt: new Date(now.getTime() + 4 * day) });
    expect(frequencyCapDecision(sends, cap, new Date(now.getTime() + 4 * day))).toEqual({ allowed: true, sentInWindow: 1 });
  });

  it("waits for enough sends to leave when several are over the cap (counted across campaigns)", () => {
    const sends = [1, 2, 5, 6].map((daysAgo) => new Date(now.getTime() - daysAgo * day));
    // Four counted, room for one more needs three to leave: the sends 6, 5 and 2 days ago; the last of those leaves in 5 days.
    expect(frequencyCapDecision(sends, cap, now)).toEqual({ allowed: false, sentInWindow: 4, nextAllowedAt: new Date(now.getTime() + 5 * day) });
  });

  it("does not count a send exactly perDays ago, nor one after now", () => {
    const sends = [new Date(now.getTime() - 7 * day), new Date(now.getTime() + hour), new Date(now.getTime())];
    expect(frequencyCapDecision(sends, cap, now)).toEqual({ allowed: true, sentInWindow: 1 });
  });

  it("is never allowed earlier than it says, and allowed from then (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 * day }), { maxLength: 12 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 10 }), (ago, maxMessages, perDays) => {
        const sends = ago.map((milliseconds) => new Date(now.getTime() - milliseconds));
        const decision = frequencyCapDecision(sends, { maxMessages, perDays }, now);
        if (decision.allowed) return;
        expect(decision.nextAllowedAt.getTime()).toBeGreaterThan(now.getTime());
        expect(frequencyCapDecision(sends, { maxMessages, perDays }, decision.nextAllowedAt).allowed).toBe(true);
        expect(frequencyCapDecision(sends, { maxMessages, perDays }, new Date(decision.nextAllowedAt.getTime() - 1)).allowed).toBe(false);
      }),
      { seed: 17, numRuns: 1_000 },
    );
  });

  it("refuses a cap of no messages or no days", () => {
    expect(() => frequencyCapDecision([], { maxMessages: 0, perDays: 7 }, now)).toThrow(RangeError);
    expect(() => frequencyCapDecision([], { maxMessages: 1, perDays: 0 }, now)).toThrow(RangeError);
  });
});

describe("quiet hours", () => {
  const night = { startHour: 22, endHour: 8 };

  it.each([
    [21, false],
    [22, true],
    [23, true],
    [0, true],
    [7, true],
    [8, false],
    [12, false],
  ])("22 → 8: local hour %s is quiet: %s", (localHour, quiet) => {
    expect(isQuietHour(localHour, night)).toBe(quiet);
  });

  it("handles a window within one day, and none when start equals end", () => {
    expect(isQuietHour(13, { startHour: 12, endHour: 14 })).toBe(true);
    expect(isQuietHour(14, { startHour: 12, endHour: 14 })).toBe(false);
    expect([...Array(24).keys()].some((localHour) => isQuietHour(localHour, { startHour: 9, endHour: 9 }))).toBe(false);
  });

  it("gives the end of quiet hours after midnight the same local day, before midnight the next", () => {
    // 23:30 in China on 23 Nov is 15:30 UTC; quiet ends 08:00 on 24 Nov China time, 00:00 UTC.
    expect(quietHoursDecision(night, china, at("2026-11-23T15:30:00.000Z"))).toEqual({ quiet: true, nextAllowedAt: at("2026-11-24T00:00:00.000Z") });
    // 02:15 in China on 24 Nov (18:15 UTC on 23 Nov): the same 08:00.
    expect(quietHoursDecision(night, china, at("2026-11-23T18:15:00.000Z"))).toEqual({ quiet: true, nextAllowedAt: at("2026-11-24T00:00:00.000Z") });
    // 07:59:59.999 is still quiet; 08:00 is not.
    expect(quietHoursDecision(night, china, at("2026-11-23T23:59:59.999Z"))).toEqual({ quiet: true, nextAllowedAt: at("2026-11-24T00:00:00.000Z") });
    expect(quietHoursDecision(night, china, at("2026-11-24T00:00:00.000Z"))).toEqual({ quiet: false });
    expect(nextAllowedInstant(night, china, now)).toBe(now);
  });

  it("works for offsets west of UTC and not in whole hours", () => {
    // New York in winter (−300): 23:00 local on 23 Nov is 04:00 UTC on 24 Nov; quiet ends 08:00 local, 13:00 UTC.
    expect(nextAllowedInstant(night, -300, at("2026-11-24T04:00:00.000Z"))).toEqual(at("2026-11-24T13:00:00.000Z"));
    // India (+330): 22:30 local is 17:00 UTC; quiet ends 08:00 local, 02:30 UTC.
    expect(nextAllowedInstant(night, 330, at("2026-11-23T17:00:00.000Z"))).toEqual(at("2026-11-24T02:30:00.000Z"));
  });

  it("never answers with a quiet instant, nor one before now (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 23 }), fc.integer({ min: -720, max: 840 }), fc.integer({ min: 0, max: 400 * day }), (startHour, endHour, offset, later) => {
        const instant = new Date(now.getTime() + later);
        const allowed = nextAllowedInstant({ startHour, endHour }, offset, instant);
        expect(allowed.getTime()).toBeGreaterThanOrEqual(instant.getTime());
        expect(allowed.getTime() - instant.getTime()).toBeLessThanOrEqual(day);
        expect(quietHoursDecision({ startHour, endHour }, offset, allowed)).toEqual({ quiet: false });
      }),
      { seed: 19, numRuns: 2_000 },
    );
  });

  it("refuses hours that are not whole hours 0-23", () => {
    expect(quietHoursProblem({ startHour: 24, endHour: 8 })).toMatch(/startHour/);
    expect(quietHoursProblem({ startHour: 22, endHour: 7.5 })).toMatch(/endHour/);
    expect(() => isQuietHour(3, { startHour: -1, endHour: 8 })).toThrow(RangeError);
  });
});

describe("best send hour", () => {
  const histogram = (entries: Record<number, number>) => Array.from({ length: 24 }, (_, localHour) => entries[localHour] ?? 0);

  it("picks the hour with the most activity, the earliest of equals", () => {
    expect(bestSendHour(histogram({ 9: 3, 20: 7, 12: 7 }), { defaultHour: 10 })).toBe(12);
  });

  it("gives the default hour for an empty history", () => {
    expect(bestSendHour([], { defaultHour: 10 })).toBe(10);
    expect(bestSendHour(histogram({}), { defaultHour: 19 })).toBe(19);
  });

  it("skips quiet hours, falling back to the default and then to the end of quiet hours", () => {
    const quietHours = { startHour: 22, endHour: 8 };
    expect(bestSendHour(histogram({ 23: 50, 1: 40, 21: 5 }), { defaultHour: 10, quietHours })).toBe(21);
    expect(bestSendHour(histogram({ 23: 50 }), { defaultHour: 10, quietHours })).toBe(10);
    expect(bestSendHour(histogram({ 23: 50 }), { defaultHour: 2, quietHours })).toBe(8);
  });

  it("gives the next instant at that local hour, today when it is still ahead, else tomorrow", () => {
    // now is 16:00 in China: 20:00 today is 12:00 UTC; 09:00 is tomorrow, 01:00 UTC on 24 Nov.
    expect(nextBestSendTime(histogram({ 20: 4 }), china, now, { defaultHour: 10 })).toEqual({ hour: 20, at: at("2026-11-23T12:00:00.000Z") });
    expect(nextBestSendTime(histogram({ 9: 4 }), china, now, { defaultHour: 10 })).toEqual({ hour: 9, at: at("2026-11-24T01:00:00.000Z") });
    // Exactly 16:00 now: now itself.
    expect(nextLocalHour(16, china, now)).toEqual(now);
  });

  it("refuses a histogram that is not 24 counts", () => {
    expect(() => bestSendHour([1, 2, 3], { defaultHour: 10 })).toThrow(/24 entries/);
    expect(() => bestSendHour(histogram({ 3: -1 }), { defaultHour: 10 })).toThrow(/counts/);
    expect(() => bestSendHour([], { defaultHour: 24 })).toThrow(/defaultHour/);
  });
});
