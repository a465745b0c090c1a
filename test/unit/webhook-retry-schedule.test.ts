import fc from "fast-check";
import { defaultRetryPolicy, nextAttempt, retryDelayMs } from "../../src/engine";

const second = 1_000;
const failedAt = new Date("2026-11-23T08:00:00.000Z");

describe("webhook retry schedule", () => {
  it("doubles from 30 s, keeping at least half of each wait, up to the one-hour cap", () => {
    const lowest = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((attempts) => retryDelayMs(attempts, 0));
    expect(lowest).toEqual([15, 30, 60, 120, 240, 480, 960, 1800, 1800].map((seconds) => seconds * second));
    const highest = [1, 2, 3, 7, 8, 20, 2000].map((attempts) => retryDelayMs(attempts, 0.9999999));
    expect(highest).toEqual([30, 60, 120, 1920, 3600, 3600, 3600].map((seconds) => seconds * second - 1));
    expect(retryDelayMs(1, 0.5)).toBe(22_500);
    // The largest draw below 1: 15,000 + 15,000 × 0.9999999999999999 rounds to 30,000 in floating point.
    expect(retryDelayMs(1, 0.9999999999999999)).toBe(29_999);
  });

  it("stays within [delay/2, delay) for every attempt and draw (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempts, random) => {
        const delay = Math.min(defaultRetryPolicy.maxDelayMs, defaultRetryPolicy.baseDelayMs * 2 ** (attempts - 1));
        const wait = retryDelayMs(attempts, random);
        expect(wait).toBeGreaterThanOrEqual(delay / 2);
        expect(wait).toBeLessThan(delay);
        // A later attempt never waits less than the earliest possible wait of the one before.
        if (attempts > 1) expect(wait).toBeGreaterThanOrEqual(retryDelayMs(attempts - 1, 0));
      }),
      { seed: 7, numRuns: 2_000 },
    );
  });

  it("retries after each failed attempt until the last one, then gives up", () => {
    const policy = { ...defaultRetryPolicy, maxAttempts: 3 };
    expect(nextAttempt(1, failedAt, 0, policy)).toEqual({ retry: true, at: new Date(failedAt.getTime() + 15 * second) });
    expect(nextAttempt(2, failedAt, 0, policy)).toEqual({ retry: true, at: new Date(failedAt.getTime() + 30 * second) });
    expect(nextAttempt(3, failedAt, 0, policy)).toEqual({ retry: false });
    expect(nextAttempt(7, failedAt, 0.5)).toMatchObject({ retry: true });
    expect(nextAttempt(8, failedAt, 0.5)).toEqual({ retry: false });
  });

  it("refuses attempt numbers below 1 and draws outside [0, 1)", () => {
    expect(() => retryDelayMs(0, 0.5)).toThrow(RangeError);
    expect(() => retryDelayMs(1.5, 0.5)).toThrow(RangeError);
    expect(() => retryDelayMs(1, 1)).toThrow(RangeError);
    expect(() => retryDelayMs(1, Number.NaN)).toThrow(RangeError);
  });
});
