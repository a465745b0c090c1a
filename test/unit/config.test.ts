import path from "node:path";
import { ConfigError, loadConfig } from "../../src/config";

function configError(environment: Record<string, string>): ConfigError {
  try {
    loadConfig(environment);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("defaults to an embedded SQLite file on port 4000 in development", () => {
    const config = loadConfig({});
    expect(config.environment).toBe("development");
    expect(config.port).toBe(4000);
    expect(config.database).toEqual({ type: "sqlite", path: path.resolve("data/loyalty.sqlite") });
    expect(config.jwtSecretIsDevelopmentDefault).toBe(true);
    expect(config.introspection).toBe(true);
  });

  it("reads the segment schedule (hourly by default, off, or a five-field cron) and the Redis settings", () => {
    expect(loadConfig({})).toMatchObject({ segmentsCron: "0 * * * *", redisUrl: null, redisChannelPrefix: "loyalty-graph:" });
    expect(loadConfig({ SEGMENTS_CRON: "off" }).segmentsCron).toBeNull();
    expect(loadConfig({ SEGMENTS_CRON: "30 3 * * *", REDIS_URL: "redis://127.0.0.1:6390", REDIS_CHANNEL_PREFIX: "staging:" })).toMatchObject({ segmentsCron: "30 3 * * *", redisUrl: "redis://127.0.0.1:6390", redisChannelPrefix: "staging:" });
    for (const cron of ["0 0 * * * *", "61 * * * *", "hourly"]) expect(configError({ SEGMENTS_CRON: cron }).variable).toBe("SEGMENTS_CRON");
    expect(configError({ REDIS_URL: "127.0.0.1:6379" }).message).toContain("must start with redis://");
  });

  it("reads the partner limits: 600 requests a minute for new keys and 20 look-up misses an hour by default", () => {
    expect(loadConfig({}).partnerLimits).toEqual({ defaultRequestsPerMinute: 600, lookupMissesPerHour: 20 });
    expect(loadConfig({ PARTNER_REQUESTS_PER_MINUTE: "100000", PARTNER_LOOKUP_MISSES_PER_HOUR: "5" }).partnerLimits).toEqual({ defaultRequestsPerMinute: 100_000, lookupMissesPerHour: 5 });
    for (const value of ["0", "100001", "ten"]) expect(configError({ PARTNER_REQUESTS_PER_MINUTE: value }).variable).toBe("PARTNER_REQUESTS_PER_MINUTE");
    expect(configError({ PARTNER_LOOKUP_MISSES_PER_HOUR: "0" }).variable).toBe("PARTNER_LOOKUP_MISSES_PER_HOUR");
  });

  it("reads a MySQL URL into its parts", () => {
    const config = loadConfig({ DATABASE_URL: "mysql://shop:p%40ss@127.0.0.1:3307/loyalty" });
    expect(config.database).toMatchObject({ type: "mysql", host: "127.0.0.1", port: 3307, username: "shop", password: "p@ss", database: "loyalty" });
  });

  it("rejects an unknown DATABASE_URL scheme, naming the variable", () => {
    const error = configError({ DATABASE_URL: "postgres://localhost/loyalty" });
    expect(error.variable).toBe("DATABASE_URL");
    expect(error.message).toContain('unknown scheme "postgres"');
  });

  it.each(["0", "65536", "80a", "-1"])("rejects PORT=%s", (port) => {
    const error = configError({ PORT: port });
    expect(error.variable).toBe("PORT");
    expect(error.message).toContain("from 1 to 65535");
  });

  it("requires JWT_SECRET in production", () => {
    const error = configError({ NODE_ENV: "production", PERSONAL_DATA_KEY: "k".repeat(32) });
    expect(error.variable).toBe("JWT_SECRET");
    expect(error.message).toContain("required when NODE_ENV=production");
  });

  it("requires PERSONAL_DATA_KEY in production", () => {
    expect(configError({ NODE_ENV: "production", JWT_SECRET: "s".repeat(32) }).variable).toBe("PERSONAL_DATA_KEY");
  });

  it("rejects a short secret and turns introspection off in production", () => {
    expect(configError({ JWT_SECRET: "short" }).message).toContain("at least 32 characters");
    const production = loadConfig({ NODE_ENV: "production", JWT_SECRET: "s".repeat(32), PERSONAL_DATA_KEY: "k".repeat(32) });
    expect(production.introspection).toBe(false);
    expect(loadConfig({ NODE_ENV: "production", JWT_SECRET: "s".repeat(32), PERSONAL_DATA_KEY: "k".repeat(32), GRAPHQL_INTROSPECTION: "true" }).introspection).toBe(true);
  });

  it("rejects an unknown NODE_ENV and a bad boolean", () => {
    expect(configError({ NODE_ENV: "staging" }).variable).toBe("NODE_ENV");
    expect(configError({ GRAPHQL_INTROSPECTION: "maybe" }).variable).toBe("GRAPHQL_INTROSPECTION");
  });

  it("sends webhooks every 5 s with a 5 s timeout and 8 attempts, off in tests, and names a bad webhook setting", () => {
    expect(loadConfig({}).webhooks).toEqual({ dispatchIntervalSeconds: 5, timeoutMs: 5_000, maxAttempts: 8, allowPrivateNetworks: true });
    // Production keeps endpoints out of internal networks unless told otherwise.
    const production = { NODE_ENV: "production", JWT_SECRET: "j".repeat(40), PERSONAL_DATA_KEY: "k".repeat(40) };
    expect(loadConfig(production).webhooks.allowPrivateNetworks).toBe(false);
    expect(loadConfig({ ...production, WEBHOOK_ALLOW_PRIVATE_NETWORKS: "true" }).webhooks.allowPrivateNetworks).toBe(true);
    expect(loadConfig({ NODE_ENV: "test" }).webhooks.dispatchIntervalSeconds).toBe(0);
    expect(loadConfig({ WEBHOOK_TIMEOUT_SECONDS: "30", WEBHOOK_MAX_ATTEMPTS: "3" }).webhooks).toMatchObject({ timeoutMs: 30_000, maxAttempts: 3 });
    expect(configError({ WEBHOOK_TIMEOUT_SECONDS: "0" }).variable).toBe("WEBHOOK_TIMEOUT_SECONDS");
    expect(configError({ WEBHOOK_MAX_ATTEMPTS: "0" }).variable).toBe("WEBHOOK_MAX_ATTEMPTS");
    expect(configError({ WEBHOOK_DISPATCH_INTERVAL_SECONDS: "soon" }).variable).toBe("WEBHOOK_DISPATCH_INTERVAL_SECONDS");
  });
});
