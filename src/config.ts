// Configuration is read once from the environment, typed and validated; a bad value stops start-up.
import { Cron } from "croner";
import path from "node:path";
import { parseExpiryPolicy, type ExpiryPolicy, type TierPolicy } from "./engine";
import { defaultScoringSettings, type ScoringSettings } from "./engine/scoring/types";
import type { CampaignSettings } from "./services/campaigns/campaign-settings";
import { defaultReferralSettings, type ReferralSettings } from "./services/engagement/referrals/referral-settings";
import type { BadgeRuleSettings } from "./services/engagement/badges/badge-rules";

export type Environment = "development" | "test" | "production";

export type DatabaseConfig =
  | { type: "sqlite"; path: string }
  | { type: "mysql"; url: string; host: string; port: number; username: string; password: string; database: string };

export interface GraphqlLimits {
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
  maxTokens: number;
}

export interface Config {
  environment: Environment;
  host: string;
  port: number;
  database: DatabaseConfig;
  jwtSecret: string;
  /** True when JWT_SECRET was not set and a development secret is in use. */
  jwtSecretIsDevelopmentDefault: boolean;
  memberTokenTtlSeconds: number;
  staffTokenTtlSeconds: number;
  personalDataKey: string;
  personalDataKeyIsDevelopmentDefault: boolean;
  /** Members the demo seed writes when the server starts on a database without members; 0 turns it off. */
  demoMembersOnFirstStart: number;
  demoSeed: number;
  logLevel: string;
  introspection: boolean;
  graphqlLimits: GraphqlLimits;
  programme: ProgrammeSettings;
  /** How often the server runs the points expiry and tier review jobs; 0 leaves them to the CLI commands. */
  jobsIntervalSeconds: number;
  /** How long the tier ladder and bonus rules are kept in memory between reads. */
  programmeCacheSeconds: number;
  scoring: ScoringSettings;
  /** A full rescoring runs from the jobs timer when the last one finished longer ago than this; 0 turns it off. */
  rescoreEveryHours: number;
  /** K-means clusters per full run; 0 lets the silhouette choose from 2 to 8. */
  scoringClusters: number;
  /** Cron (five fields, programme time zone) of the full segment re-evaluation; null: only on demand. */
  segmentsCron: string | null;
  /** Redis for the event bus (REDIS_URL); null keeps events in the process. */
  redisUrl: string | null;
  /** Prefix of the Redis channel names, so that deployments sharing one Redis do not hear each other. */
  redisChannelPrefix: string;
  webhooks: WebhookSettings;
  campaigns: CampaignSettings;
  /** How often the server starts due campaigns and delivers due sends; 0 leaves it to `npm run campaigns`. */
  campaignTickSeconds: number;
  /** How long a member code (the QR/barcode a member shows at a partner's till) stays valid. */
  memberCodeTtlSeconds: number;
  partnerLimits: PartnerLimitSettings;
  referrals: ReferralSettings;
  /** Rule-awarded badges (docs/engagement-challenges.md). */
  badges: BadgeRuleSettings;
  /** How often the server rebuilds the leaderboards; 0 leaves them to `npm run jobs -- leaderboards`. */
  leaderboardRefreshSeconds: number;
  /** How often the server folds appended KPI fact changes into the facts; 0 leaves it to `npm run jobs -- kpi-facts`. */
  kpiFactsFoldSeconds: number;
}

/** Rate limits on partners' API keys and look-ups (counted in Redis when REDIS_URL is set). */
export interface PartnerLimitSettings {
  /** Requests a minute of a newly issued key when staff give none; each key keeps its own. */
  defaultRequestsPerMinute: number;
  /** Phone look-ups that find no member a partner may make in an hour before its look-ups are refused. */
  lookupMissesPerHour: number;
}

/** Outbound webhooks (docs/webhooks.md). */
export interface WebhookSettings {
  /** How often the server sends the deliveries that are due; 0 leaves them to `npm run jobs -- webhooks`. */
  dispatchIntervalSeconds: number;
  /** How long a receiver has to answer one POST. */
  timeoutMs: number;
  /** Attempts in all before a delivery is given up (FAILED). */
  maxAttempts: number;
  /** Whether endpoints may point at loopback, private or link-local addresses (off in production: no probing inside). */
  allowPrivateNetworks: boolean;
}

/** The loyalty programme's rules that are settings rather than data. */
export interface ProgrammeSettings {
  pointsPerYuan: number;
  expiryPolicy: ExpiryPolicy;
  /** Fixed offset of the business time zone, for "this month" and "end of the year" (China: 480). */
  utcOffsetMinutes: number;
  tierPolicy: TierPolicy;
}

export class ConfigError extends Error {
  constructor(readonly variable: string, message: string) {
    super(`${variable} ${message}`);
    this.name = "ConfigError";
  }
}

type Environment_ = Record<string, string | undefined>;

const DEVELOPMENT_JWT_SECRET = "loyalty-graph-development-secret-do-not-use-in-production";
const DEVELOPMENT_PERSONAL_DATA_KEY = "loyalty-graph-development-personal-data-key";

export function parseDatabaseUrl(value: string, variable = "DATABASE_URL"): DatabaseConfig {
  if (value.startsWith("sqlite:")) {
    const file = value.slice("sqlite:".length).replace(/^\/\//, "");
    if (file === "") throw new ConfigError(variable, `needs a file after "sqlite:", e.g. sqlite:./data/loyalty.sqlite (got "${value}")`);
    return { type: "sqlite", path: file === ":memory:" ? file : path.resolve(file) };
  }
  if (value.startsWith("mysql://") || value.startsWith("mariadb://")) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new ConfigError(variable, `is not a valid URL (expected mysql://user:password@host:3306/database)`);
    }
    const database = decodeURIComponent(url.pathname.replace(/^\//, ""));
    if (!url.hostname || !database) {
      throw new ConfigError(variable, `needs a host and a database name, e.g. mysql://user:password@127.0.0.1:3306/loyalty`);
    }
    return {
      type: "mysql",
      url: value,
      host: url.hostname,
      port: url.port ? Number(url.port) : 3306,
      username: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      database,
    };
  }
  const scheme = value.includes(":") ? value.slice(0, value.indexOf(":")) : value;
  throw new ConfigError(variable, `has an unknown scheme "${scheme}": use sqlite:<file> or mysql://user:password@host:port/database`);
}

function integer(environment: Environment_, variable: string, fallback: number, minimum: number, maximum: number): number {
  const raw = environment[variable];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw.trim()) || value < minimum || value > maximum) {
    throw new ConfigError(variable, `must be an integer from ${minimum} to ${maximum} (got "${raw}")`);
  }
  return value;
}

function boolean(environment: Environment_, variable: string, fallback: boolean): boolean {
  const raw = environment[variable];
  if (raw === undefined || raw === "") return fallback;
  if (["true", "1", "yes"].includes(raw.toLowerCase())) return true;
  if (["false", "0", "no"].includes(raw.toLowerCase())) return false;
  throw new ConfigError(variable, `must be true or false (got "${raw}")`);
}

function secret(environment: Environment_, variable: string, production: boolean, developmentDefault: string): { value: string; isDefault: boolean } {
  const raw = environment[variable];
  if (raw === undefined || raw === "") {
    if (production) throw new ConfigError(variable, "is required when NODE_ENV=production (at least 32 characters)");
    return { value: developmentDefault, isDefault: true };
  }
  if (raw.length < 32) throw new ConfigError(variable, `must be at least 32 characters long (got ${raw.length})`);
  return { value: raw, isDefault: false };
}

/** The programme's rules when no variable changes them; also what the demo seed uses by default. */
export const defaultProgrammeSettings: ProgrammeSettings = {
  pointsPerYuan: 1,
  expiryPolicy: { kind: "end-of-following-year" },
  utcOffsetMinutes: 480,
  tierPolicy: { windowMonths: 12, graceDays: 30, permanentSpend: 1000 * 100 },
};

function expiryPolicy(environment: Environment_): ExpiryPolicy {
  const raw = environment.POINTS_EXPIRY;
  if (raw === undefined || raw === "") return defaultProgrammeSettings.expiryPolicy;
  const policy = parseExpiryPolicy(raw);
  if (!policy) throw new ConfigError("POINTS_EXPIRY", `must be end-of-following-year or months:N with N from 1 to 120 (got "${raw}")`);
  return policy;
}

function segmentsCron(environment: Environment_): string | null {
  const value = (environment.SEGMENTS_CRON ?? "0 * * * *").trim();
  if (value === "off") return null;
  try {
    new Cron(value, { mode: "5-part", paused: true }).stop();
  } catch (error) {
    throw new ConfigError("SEGMENTS_CRON", `must be a cron expression of five fields (minute hour day month weekday) or off (got "${value}": ${error instanceof Error ? error.message : String(error)})`);
  }
  return value;
}

function shareUrlTemplate(environment: Environment_): string | null {
  const value = environment.REFERRAL_SHARE_URL;
  if (!value) return null;
  if (!/^https?:\/\/\S+$/.test(value) || !value.includes("{code}")) {
    throw new ConfigError("REFERRAL_SHARE_URL", `must be an http(s) URL with {code} where the referral code goes, e.g. https://m.example.com/join?ref={code} (got "${value}")`);
  }
  return value;
}

function redisUrl(environment: Environment_): string | null {
  const value = environment.REDIS_URL;
  if (!value) return null;
  if (!/^rediss?:\/\//.test(value)) throw new ConfigError("REDIS_URL", `must start with redis:// or rediss:// (got "${value}")`);
  return value;
}

export function loadConfig(environment: Environment_ = process.env): Config {
  const nodeEnvironment = environment.NODE_ENV || "development";
  if (!["development", "test", "production"].includes(nodeEnvironment)) {
    throw new ConfigError("NODE_ENV", `must be development, test or production (got "${nodeEnvironment}")`);
  }
  const production = nodeEnvironment === "production";
  const jwt = secret(environment, "JWT_SECRET", production, DEVELOPMENT_JWT_SECRET);
  const personalDataKey = secret(environment, "PERSONAL_DATA_KEY", production, DEVELOPMENT_PERSONAL_DATA_KEY);
  const logLevel = environment.LOG_LEVEL || (nodeEnvironment === "test" ? "silent" : "info");
  if (!["fatal", "error", "warn", "info", "debug", "trace", "silent"].includes(logLevel)) {
    throw new ConfigError("LOG_LEVEL", `must be one of fatal, error, warn, info, debug, trace, silent (got "${logLevel}")`);
  }
  // The programme's time zone, read once: points, tiers, segments and campaigns all keep their calendar in it.
  const utcOffsetMinutes = integer(environment, "BUSINESS_UTC_OFFSET_MINUTES", defaultProgrammeSettings.utcOffsetMinutes, -720, 840);
  const config: Config = {
    environment: nodeEnvironment as Environment,
    host: environment.HOST || "127.0.0.1",
    port: integer(environment, "PORT", 4000, 1, 65535),
    database: parseDatabaseUrl(environment.DATABASE_URL || "sqlite:./data/loyalty.sqlite"),
    jwtSecret: jwt.value,
    jwtSecretIsDevelopmentDefault: jwt.isDefault,
    memberTokenTtlSeconds: integer(environment, "MEMBER_TOKEN_TTL_SECONDS", 7 * 24 * 3600, 60, 90 * 24 * 3600),
    staffTokenTtlSeconds: integer(environment, "STAFF_TOKEN_TTL_SECONDS", 8 * 3600, 60, 7 * 24 * 3600),
    personalDataKey: personalDataKey.value,
    personalDataKeyIsDevelopmentDefault: personalDataKey.isDefault,
    // Demo members appear in production only when asked for; demo staff (published password) never do.
    demoMembersOnFirstStart: integer(environment, "DEMO_MEMBERS", production ? 0 : 3000, 0, 10_000_000),
    demoSeed: integer(environment, "DEMO_SEED", 1, 0, 2_147_483_647),
    logLevel,
    introspection: boolean(environment, "GRAPHQL_INTROSPECTION", !production),
    graphqlLimits: {
      maxDepth: integer(environment, "GRAPHQL_MAX_DEPTH", 10, 1, 100),
      maxAliases: integer(environment, "GRAPHQL_MAX_ALIASES", 15, 0, 1000),
      maxCost: integer(environment, "GRAPHQL_MAX_COST", 5000, 1, 1_000_000),
      maxTokens: integer(environment, "GRAPHQL_MAX_TOKENS", 2000, 10, 100_000),
    },
    programme: {
      pointsPerYuan: integer(environment, "POINTS_PER_YUAN", defaultProgrammeSettings.pointsPerYuan, 1, 1000),
      expiryPolicy: expiryPolicy(environment),
      utcOffsetMinutes,
      tierPolicy: {
        windowMonths: integer(environment, "TIER_WINDOW_MONTHS", defaultProgrammeSettings.tierPolicy.windowMonths, 1, 36),
        graceDays: integer(environment, "TIER_GRACE_DAYS", defaultProgrammeSettings.tierPolicy.graceDays, 0, 365),
        permanentSpend: integer(environment, "PERMANENT_MEMBER_SPEND_YUAN", defaultProgrammeSettings.tierPolicy.permanentSpend / 100, 1, 100_000_000) * 100,
      },
    },
    jobsIntervalSeconds: integer(environment, "JOBS_INTERVAL_SECONDS", 3600, 0, 7 * 24 * 3600),
    programmeCacheSeconds: integer(environment, "PROGRAMME_CACHE_SECONDS", nodeEnvironment === "test" ? 0 : 30, 0, 3600),
    scoring: {
      rfmWindowDays: integer(environment, "SCORING_RFM_WINDOW_DAYS", defaultScoringSettings.rfmWindowDays, 30, 1095),
      newMemberDays: integer(environment, "LIFECYCLE_NEW_MEMBER_DAYS", defaultScoringSettings.newMemberDays, 1, 365),
      dormantDays: integer(environment, "LIFECYCLE_DORMANT_DAYS", defaultScoringSettings.dormantDays, 7, 730),
      churnedDays: integer(environment, "LIFECYCLE_CHURNED_DAYS", defaultScoringSettings.churnedDays, 30, 1825),
      decliningRatio: integer(environment, "LIFECYCLE_DECLINING_PERCENT", defaultScoringSettings.decliningRatio * 100, 1, 99) / 100,
      marginRate: integer(environment, "CLV_MARGIN_PERCENT", defaultScoringSettings.marginRate * 100, 1, 100) / 100,
      discountRate: integer(environment, "CLV_DISCOUNT_PERCENT", defaultScoringSettings.discountRate * 100, 0, 100) / 100,
    },
    rescoreEveryHours: integer(environment, "RESCORE_EVERY_HOURS", 24, 0, 24 * 31),
    scoringClusters: integer(environment, "SCORING_CLUSTERS", 0, 0, 20),
    segmentsCron: segmentsCron(environment),
    redisUrl: redisUrl(environment),
    redisChannelPrefix: environment.REDIS_CHANNEL_PREFIX ?? "loyalty-graph:",
    campaigns: {
      frequencyCap: { maxMessages: integer(environment, "CAMPAIGN_MAX_MESSAGES", 2, 1, 100), perDays: integer(environment, "CAMPAIGN_MAX_MESSAGES_DAYS", 7, 1, 90) },
      quietHours: { startHour: integer(environment, "CAMPAIGN_QUIET_START_HOUR", 22, 0, 23), endHour: integer(environment, "CAMPAIGN_QUIET_END_HOUR", 8, 0, 23) },
      utcOffsetMinutes,
      messageCost: { SMS: integer(environment, "CAMPAIGN_SMS_COST_FEN", 5, 0, 1000), APP_PUSH: 0, EMAIL: 0, WECHAT: 0, IN_APP_COUPON: 0 },
      pointValue: integer(environment, "POINT_VALUE_FEN", 1, 0, 10_000),
      batchSize: integer(environment, "CAMPAIGN_BATCH_SIZE", 500, 1, 10_000),
      audienceChunkSize: integer(environment, "CAMPAIGN_AUDIENCE_CHUNK", 2_000, 1, 50_000),
    },
    campaignTickSeconds: integer(environment, "CAMPAIGN_TICK_SECONDS", nodeEnvironment === "test" ? 0 : 5, 0, 3600),
    memberCodeTtlSeconds: integer(environment, "MEMBER_CODE_TTL_SECONDS", 120, 30, 900),
    partnerLimits: {
      defaultRequestsPerMinute: integer(environment, "PARTNER_REQUESTS_PER_MINUTE", 600, 1, 100_000),
      lookupMissesPerHour: integer(environment, "PARTNER_LOOKUP_MISSES_PER_HOUR", 20, 1, 100_000),
    },
    referrals: {
      referrerPoints: integer(environment, "REFERRAL_REFERRER_POINTS", defaultReferralSettings.referrerPoints, 0, 1_000_000),
      friendPoints: integer(environment, "REFERRAL_FRIEND_POINTS", defaultReferralSettings.friendPoints, 0, 1_000_000),
      signUpsPerDay: integer(environment, "REFERRAL_SIGN_UPS_PER_DAY", defaultReferralSettings.signUpsPerDay, 0, 10_000),
      signUpsPer30Days: integer(environment, "REFERRAL_SIGN_UPS_PER_30_DAYS", defaultReferralSettings.signUpsPer30Days, 0, 100_000),
      phoneDistance: integer(environment, "REFERRAL_PHONE_DISTANCE", defaultReferralSettings.phoneDistance, 0, 1_000_000),
      ambassadorThreshold: integer(environment, "REFERRAL_AMBASSADOR_THRESHOLD", defaultReferralSettings.ambassadorThreshold, 0, 1_000_000),
      shareUrlTemplate: shareUrlTemplate(environment),
    },
    badges: {
      socialStarTopPercent: integer(environment, "BADGE_SOCIAL_STAR_TOP_PERCENT", 5, 1, 100),
      socialStarReferralWeight: integer(environment, "BADGE_SOCIAL_STAR_REFERRAL_WEIGHT", 10, 0, 1000),
      utcOffsetMinutes,
    },
    leaderboardRefreshSeconds: integer(environment, "LEADERBOARD_REFRESH_SECONDS", nodeEnvironment === "test" ? 0 : 300, 0, 86_400),
    // Queries read unfolded changes too, so folding only keeps them few; tests fold when they choose to.
    kpiFactsFoldSeconds: integer(environment, "KPI_FACTS_FOLD_SECONDS", nodeEnvironment === "test" ? 0 : 10, 0, 86_400),
    webhooks: {
      // Tests send deliveries when they choose to.
      dispatchIntervalSeconds: integer(environment, "WEBHOOK_DISPATCH_INTERVAL_SECONDS", nodeEnvironment === "test" ? 0 : 5, 0, 3600),
      timeoutMs: integer(environment, "WEBHOOK_TIMEOUT_SECONDS", 5, 1, 60) * 1000,
      maxAttempts: integer(environment, "WEBHOOK_MAX_ATTEMPTS", 8, 1, 50),
      allowPrivateNetworks: boolean(environment, "WEBHOOK_ALLOW_PRIVATE_NETWORKS", !production),
    },
  };
  if (config.scoring.churnedDays <= config.scoring.dormantDays) {
    throw new ConfigError("LIFECYCLE_CHURNED_DAYS", `must be more than LIFECYCLE_DORMANT_DAYS (${config.scoring.dormantDays}): a member is dormant before churned`);
  }
  return config;
}
