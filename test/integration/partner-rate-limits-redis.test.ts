// The partner rate limits against a real Redis (REDIS_URL, started by .ci/run): two server processes, here two
// instances, share one count. Skipped without REDIS_URL.
import { randomUUID } from "node:crypto";
import { loadConfig } from "../../src/config";
import { ClientError } from "../../src/errors";
import { Redis } from "ioredis";
import { openPartnerRateLimits, PartnerRateLimits } from "../../src/services/partner-rate-limits";
import { freePort } from "../support/cli";

const redisUrl = process.env.REDIS_URL;
const describeWithRedis = redisUrl ? describe : describe.skip;

async function codeOf(attempt: Promise<void>): Promise<string> {
  try {
    await attempt;
    return "ok";
  } catch (error) {
    if (error instanceof ClientError) return String(error.extensions.code);
    throw error;
  }
}

describeWithRedis("partner rate limits on Redis", () => {
  const opened: PartnerRateLimits[] = [];
  const open = async (prefix: string, lookupMissesPerHour = 20) => {
    const config = loadConfig({ NODE_ENV: "test", REDIS_URL: redisUrl!, REDIS_CHANNEL_PREFIX: prefix, PARTNER_LOOKUP_MISSES_PER_HOUR: String(lookupMissesPerHour) });
    const limits = await openPartnerRateLimits(config);
    opened.push(limits);
    return limits;
  };
  afterAll(async () => {
    await Promise.all(opened.map((limits) => limits.close()));
  });

  it("shares a key's count between instances with the same prefix, and not with another prefix", async () => {
    const prefix = `test-${randomUUID()}:`;
    const [first, second, elsewhere] = await Promise.all([open(prefix), open(prefix), open(`other-${randomUUID()}:`)]);
    await first.consumeRequest("key-a", 3);
    await second.consumeRequest("key-a", 3);
    await first.consumeRequest("key-a", 3);
    expect(await codeOf(second.consumeRequest("key-a", 3))).toBe("RATE_LIMITED");
    expect(await codeOf(first.consumeRequest("key-a", 3))).toBe("RATE_LIMITED");
    expect(await codeOf(second.consumeRequest("key-b", 3))).toBe("ok");
    expect(await codeOf(elsewhere.consumeRequest("key-a", 3))).toBe("ok");

    const refused = await second.consumeRequest("key-a", 3).then(() => null, (error: ClientError) => error);
    const seconds = refused?.extensions.retryAfterSeconds as number;
    expect(Number.isInteger(seconds) && seconds >= 1 && seconds <= 60).toBe(true);
  });

  it("shares a partner's look-up attempts between instances, and a returned attempt does not count", async () => {
    const prefix = `test-${randomUUID()}:`;
    const [first, second] = await Promise.all([open(prefix, 2), open(prefix, 2)]);
    await first.takeLookupAttempt(7);
    await second.takeLookupAttempt(7);
    await second.returnLookupAttempt(7);
    expect(await codeOf(second.takeLookupAttempt(7))).toBe("ok");
    expect(await codeOf(first.takeLookupAttempt(7))).toBe("RATE_LIMITED");
    expect(await codeOf(second.takeLookupAttempt(7))).toBe("RATE_LIMITED");
    expect(await codeOf(first.takeLookupAttempt(8))).toBe("ok");
  });

  it("lets exactly the allowance through when many attempts arrive at once on two instances", async () => {
    const prefix = `test-${randomUUID()}:`;
    const [first, second] = await Promise.all([open(prefix, 20), open(prefix, 20)]);
    const outcomes = await Promise.all(Array.from({ length: 60 }, (_, attempt) => codeOf((attempt % 2 === 0 ? first : second).takeLookupAttempt(7))));
    expect(outcomes.filter((outcome) => outcome === "ok")).toHaveLength(20);
    expect(outcomes.filter((outcome) => outcome === "RATE_LIMITED")).toHaveLength(40);
  });

  it("counts in the process while Redis cannot be reached, neither refusing every request nor letting them all through", async () => {
    const redis = new Redis(redisUrl!, { lazyConnect: true, enableOfflineQueue: false, retryStrategy: () => null });
    redis.on("error", () => undefined);
    await redis.connect();
    const limits = new PartnerRateLimits({ redis, keyPrefix: `test-${randomUUID()}:`, lookupMissesPerHour: 1 });
    await limits.consumeRequest("key-a", 2);
    redis.disconnect();
    expect(await codeOf(limits.consumeRequest("key-a", 2))).toBe("ok");
    expect(await codeOf(limits.consumeRequest("key-a", 2))).toBe("ok");
    expect(await codeOf(limits.consumeRequest("key-a", 2))).toBe("RATE_LIMITED");
    expect(await codeOf(limits.takeLookupAttempt(7))).toBe("ok");
    expect(await codeOf(limits.takeLookupAttempt(7))).toBe("RATE_LIMITED");
  });

  it("stops start-up with a clear message when Redis cannot be reached", async () => {
    const config = loadConfig({ NODE_ENV: "test", REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
    await expect(openPartnerRateLimits(config)).rejects.toThrow("Cannot connect to Redis");
  });
});
