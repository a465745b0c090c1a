// The partner rate limits counted in the process (no Redis): requests per key and minute, look-up misses per partner and hour.
import { ClientError } from "../../src/errors";
import { PartnerRateLimits } from "../../src/services/partner-rate-limits";

async function refusal(attempt: Promise<void>): Promise<ClientError> {
  try {
    await attempt;
  } catch (error) {
    if (error instanceof ClientError) return error;
    throw error;
  }
  throw new Error("expected RATE_LIMITED");
}

describe("partner rate limits in the process", () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it("lets a key make its requests for the minute, then refuses with when to retry; other keys count apart", async () => {
    const limits = new PartnerRateLimits({ redis: null, keyPrefix: "test:", lookupMissesPerHour: 20 });
    for (let request = 0; request < 3; request += 1) await limits.consumeRequest("key-a", 3);
    const refused = await refusal(limits.consumeRequest("key-a", 3));
    expect(refused.extensions).toMatchObject({ code: "RATE_LIMITED", http: { status: 429 } });
    expect(refused.message).toContain("3 requests a minute");
    const seconds = refused.extensions.retryAfterSeconds as number;
    expect(Number.isInteger(seconds) && seconds >= 1 && seconds <= 60).toBe(true);
    expect((refused.extensions.http as { headers: Map<string, string> }).headers.get("retry-after")).toBe(String(seconds));

    await expect(limits.consumeRequest("key-b", 3)).resolves.toBeUndefined();
    // A new allowance (staff changed the key's limit) starts a count of its own.
    await expect(limits.consumeRequest("key-a", 10)).resolves.toBeUndefined();
  });

  it("counts in fixed windows of a minute", async () => {
    jest.useFakeTimers({ now: new Date("2026-11-23T08:00:00.000Z") });
    const limits = new PartnerRateLimits({ redis: null, keyPrefix: "test:", lookupMissesPerHour: 20 });
    await limits.consumeRequest("key-a", 1);
    jest.advanceTimersByTime(20_000);
    expect((await refusal(limits.consumeRequest("key-a", 1))).extensions.retryAfterSeconds).toBe(40);
    jest.advanceTimersByTime(40_001);
    await expect(limits.consumeRequest("key-a", 1)).resolves.toBeUndefined();
  });

  it("lets a partner take look-up attempts up to the allowance in an hour, then refuses its look-ups; other partners are not affected", async () => {
    jest.useFakeTimers({ now: new Date("2026-11-23T08:00:00.000Z") });
    const limits = new PartnerRateLimits({ redis: null, keyPrefix: "test:", lookupMissesPerHour: 3 });
    for (let miss = 0; miss < 3; miss += 1) await limits.takeLookupAttempt(7);
    const refused = await refusal(limits.takeLookupAttempt(7));
    expect(refused.extensions).toMatchObject({ code: "RATE_LIMITED", retryAfterSeconds: 3600 });
    expect(refused.message).toContain("3 times this hour");

    await expect(limits.takeLookupAttempt(8)).resolves.toBeUndefined();

    jest.advanceTimersByTime(3600_001);
    await expect(limits.takeLookupAttempt(7)).resolves.toBeUndefined();
  });

  it("counts only the attempts not given back: a look-up that found a member returns its attempt", async () => {
    const limits = new PartnerRateLimits({ redis: null, keyPrefix: "test:", lookupMissesPerHour: 2 });
    for (let hit = 0; hit < 10; hit += 1) {
      await limits.takeLookupAttempt(7);
      await limits.returnLookupAttempt(7);
    }
    await limits.takeLookupAttempt(7);
    await limits.takeLookupAttempt(7);
    expect((await refusal(limits.takeLookupAttempt(7))).extensions.code).toBe("RATE_LIMITED");
  });

  it("lets exactly the allowance through when many attempts arrive at once", async () => {
    const limits = new PartnerRateLimits({ redis: null, keyPrefix: "test:", lookupMissesPerHour: 20 });
    const outcomes = await Promise.all(Array.from({ length: 60 }, () => limits.takeLookupAttempt(7).then(() => "ok", (error: ClientError) => String(error.extensions.code))));
    expect(outcomes.filter((outcome) => outcome === "ok")).toHaveLength(20);
    expect(outcomes.filter((outcome) => outcome === "RATE_LIMITED")).toHaveLength(40);
  });
});
