// Rate limits on partners: requests a minute per API key, and phone look-ups that find no member per hour per
// partner. With REDIS_URL the counts live in Redis, so that every server process shares them; without it, each
// process counts on its own. Windows are fixed (they start at a key's first request) and run on real time, not
// the injected clock: they meter traffic as it happens.
import { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { Config } from "../config";
import { rateLimited } from "../errors";

const minuteInSeconds = 60;
const hourInSeconds = 3600;

export interface PartnerRateLimitOptions {
  /** A connected client of the limits' own, or null to count in this process. */
  redis: Redis | null;
  /** Put before every Redis key (REDIS_CHANNEL_PREFIX), so that deployments sharing one Redis keep their own counts. */
  keyPrefix: string;
  /** Look-ups that find no member a partner may make in an hour. */
  lookupMissesPerHour: number;
}

function retryAfterSeconds(state: RateLimiterRes): number {
  return Math.max(1, Math.ceil(state.msBeforeNext / 1000));
}

export class PartnerRateLimits {
  /** A limiter's allowance is fixed when it is made, so keys with different allowances need different limiters. */
  private readonly requestLimiters = new Map<number, RateLimiterAbstract>();
  private readonly lookupMisses: RateLimiterAbstract;

  constructor(private readonly options: PartnerRateLimitOptions) {
    this.lookupMisses = this.limiter("partner-lookup-misses", options.lookupMissesPerHour, hourInSeconds);
  }

  /** Counts one request of a key; past its allowance for the minute, throws RATE_LIMITED saying when to retry. */
  async consumeRequest(keyId: string, requestsPerMinute: number): Promise<void> {
    let limiter = this.requestLimiters.get(requestsPerMinute);
    if (!limiter) {
      // The allowance is in the key prefix: a key whose limit staff change starts a fresh count under the new one.
      limiter = this.limiter(`partner-requests:${requestsPerMinute}`, requestsPerMinute, minuteInSeconds);
      this.requestLimiters.set(requestsPerMinute, limiter);
    }
    try {
      await limiter.consume(keyId);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const seconds = retryAfterSeconds(rejection);
      throw rateLimited(`This API key may make ${requestsPerMinute} requests a minute and has made them: retry in ${seconds} seconds.`, seconds);
    }
  }

  /**
   * Takes one of the partner's look-up misses for the hour before a look-up runs; throws RATE_LIMITED when none is
   * left. Taken up front (one atomic count) rather than checked and counted after the miss: concurrent look-ups would
   * all pass a check made before any of them was counted.
   */
  async takeLookupAttempt(partnerId: number): Promise<void> {
    try {
      await this.lookupMisses.consume(String(partnerId));
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const seconds = retryAfterSeconds(rejection);
      throw rateLimited(
        `This partner's look-ups found no member ${this.options.lookupMissesPerHour} times this hour, all it may: retry in ${seconds} seconds.`,
        seconds,
      );
    }
  }

  /**
   * Gives back the attempt a look-up took when it found a member, so that only misses count. A hit whose attempt was
   * taken just before the window ended gives its point to the next window (one spare miss there).
   */
  async returnLookupAttempt(partnerId: number): Promise<void> {
    await this.lookupMisses.reward(String(partnerId), 1);
  }

  /** Closes the Redis client, if any; the server calls it once its requests have drained. */
  async close(): Promise<void> {
    if (this.options.redis && this.options.redis.status !== "end") await this.options.redis.quit().catch(() => undefined);
  }

  private limiter(name: string, points: number, duration: number): RateLimiterAbstract {
    if (this.options.redis === null) return new RateLimiterMemory({ points, duration });
    return new RateLimiterRedis({
      storeClient: this.options.redis,
      keyPrefix: `${this.options.keyPrefix}${name}`,
      points,
      duration,
      // While Redis cannot be reached, this process counts on its own: partners are neither refused nor unmetered.
      insuranceLimiter: new RateLimiterMemory({ points, duration }),
    });
  }
}

/**
 * The server's limits. With REDIS_URL they get a Redis client of their own, connected before the server listens;
 * like the event bus, a server that cannot reach Redis at start-up stops, and a lost connection is retried.
 */
export async function openPartnerRateLimits(
  config: Pick<Config, "redisUrl" | "redisChannelPrefix" | "partnerLimits">,
  onError: (error: Error) => void = () => undefined,
): Promise<PartnerRateLimits> {
  const settings = { keyPrefix: config.redisChannelPrefix, lookupMissesPerHour: config.partnerLimits.lookupMissesPerHour };
  if (config.redisUrl === null) return new PartnerRateLimits({ redis: null, ...settings });
  let connected = false;
  const redis = new Redis(config.redisUrl, {
    lazyConnect: true,
    connectionName: "loyalty-graph-rate-limits",
    // As the library advises: without an offline queue a command fails at once while Redis is away (and the
    // in-process insurance limiter counts) instead of holding the partner's request until Redis is back.
    enableOfflineQueue: false,
    retryStrategy: (attempt: number) => (connected ? Math.min(attempt * 100, 2_000) : null),
  });
  // ioredis reconnects by itself; without a listener an 'error' event would crash the process.
  redis.on("error", onError);
  try {
    await redis.connect();
    connected = true;
  } catch (error) {
    if (redis.status !== "end") redis.disconnect();
    throw new Error(`Cannot connect to Redis at ${config.redisUrl} for the partner rate limits: ${error instanceof Error ? error.message : String(error)}`);
  }
  return new PartnerRateLimits({ redis, ...settings });
}
