// Wires configuration, database, services and the HTTP/WebSocket server into one running application.
import type { Logger } from "pino";
import type { DataSource } from "typeorm";
import { systemClock, type Clock } from "../clock";
import type { Config } from "../config";
import { openDatabase, type Database } from "../database/data-source";
import type { EventBus } from "../events/event-bus";
import { openEventBus } from "../events/open-event-bus";
import type { ConnectedEventBus } from "../events/redis-event-bus";
import type { Loaders } from "../loaders/create-loaders";
import { createServices, type Services } from "../services";
import { openPartnerRateLimits, type PartnerRateLimits } from "../services/partner-rate-limits";
import { LoggingSignInCodeSender, type SignInCodeSender } from "../services/sign-in-code-sender";
import { buildSchema } from "./build-schema";
import { startHttpServer, type RunningHttpServer } from "./http-server";
import { createLogger } from "./logger";
import { campaignJob, kpiFactsJob, leaderboardJob, startJobTimer, webhookDispatchJob } from "./scheduled-jobs";
import { ensureKpiFacts } from "../services/analytics/kpi-facts-rebuild";

export interface ApplicationOptions {
  config: Config;
  clock?: Clock;
  logger?: Logger;
  signInCodeSender?: SignInCodeSender;
  /** Runs after migrations and the default ladder, before the server listens (the demo seed goes here). */
  beforeListen?: (application: Pick<Application, "database" | "services" | "logger" | "clock">) => Promise<void>;
  /** Per-request loaders; the benchmark swaps in naive ones to measure what batching saves. */
  loaderFactory?: (dataSource: DataSource) => Loaders;
  /** Overrides config.port; 0 picks a free port (tests). */
  port?: number;
}

export interface Application {
  config: Config;
  database: Database;
  services: Services;
  events: EventBus;
  clock: Clock;
  logger: Logger;
  server: RunningHttpServer;
  stop(): Promise<void>;
}

export async function startApplication(options: ApplicationOptions): Promise<Application> {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config.logLevel);
  const database = await openDatabase(config.database);
  let bus: ConnectedEventBus | null = null;
  let partnerRateLimits: PartnerRateLimits | null = null;
  try {
    bus = await openEventBus(config, (error) => logger.error({ err: error }, "event bus (Redis) error"));
    partnerRateLimits = await openPartnerRateLimits(config, (error) => logger.error({ err: error }, "partner rate limits (Redis) error"));
    const { events } = bus;
    const signInCodeSender = options.signInCodeSender ?? new LoggingSignInCodeSender(logger, config.environment !== "production");
    const onBackgroundError = (error: unknown, what: string) => logger.error({ err: error }, `background work failed: ${what}`);
    const services = createServices({ dataSource: database.dataSource, clock, config, events, signInCodeSender, onBackgroundError, partnerRateLimits });
    await services.tiers.ensureDefaultLadder();
    await services.segments.ensureBuiltInSchemes();
    // A database with activity from before the KPI facts existed gets them built once, before anything is recorded.
    if (await ensureKpiFacts(database.dataSource, config.programme.utcOffsetMinutes)) logger.info("KPI facts built from the members' daily activity");
    await options.beforeListen?.({ database, services, logger, clock });
    const schema = await buildSchema(events);
    const server = await startHttpServer(
      { config, schema, dataSource: database.dataSource, services, events, clock, logger, loaderFactory: options.loaderFactory },
      { host: config.host, port: options.port ?? config.port },
    );
    const stopWebhooks =
      config.webhooks.dispatchIntervalSeconds > 0
        ? startJobTimer([webhookDispatchJob(services)], config.webhooks.dispatchIntervalSeconds, (job, result) => {
            if (result instanceof Error) logger.error({ job, err: result }, "webhook dispatch failed");
            else if (Object.values(result).some((count) => count > 0)) logger.info({ job, ...result }, "webhook deliveries sent");
          })
        : async () => undefined;
    const stopCampaigns =
      config.campaignTickSeconds > 0
        ? startJobTimer([campaignJob(services)], config.campaignTickSeconds, (job, result) => {
            if (result instanceof Error) logger.error({ job, err: result }, "campaign tick failed");
            else if (Object.values(result).some((count) => count > 0)) logger.info({ job, ...result }, "campaigns moved on");
          })
        : async () => undefined;
    const stopLeaderboards =
      config.leaderboardRefreshSeconds > 0
        ? startJobTimer([leaderboardJob(services, config.leaderboardRefreshSeconds / 2)], config.leaderboardRefreshSeconds, (job, result) => {
            if (result instanceof Error) logger.error({ job, err: result }, "leaderboard refresh failed");
            else logger.info({ job, ...result }, "leaderboards refreshed");
          })
        : async () => undefined;
    const stopKpiFacts =
      config.kpiFactsFoldSeconds > 0
        ? startJobTimer([kpiFactsJob(database.dataSource, clock, config.programme.utcOffsetMinutes)], config.kpiFactsFoldSeconds, (job, result) => {
            if (result instanceof Error) logger.error({ job, err: result }, "KPI facts fold failed");
          })
        : async () => undefined;
    let stopping: Promise<void> | null = null;
    return {
      config,
      database,
      services,
      events,
      clock,
      logger,
      server,
      stop() {
        stopping ??= (async () => {
          await server.stop();
          services.webhookDispatcher.stop();
          await stopCampaigns();
          await stopLeaderboards();
          await stopKpiFacts();
          await stopWebhooks();
          await services.scoring.stop();
          await services.referralRewards.settle();
          await services.segmentEvaluations.settle();
          await services.challengeRewards.settled();
          await bus?.close();
          await partnerRateLimits?.close();
          if (database.dataSource.isInitialized) await database.dataSource.destroy();
        })();
        return stopping;
      },
    };
  } catch (error) {
    await bus?.close();
    await partnerRateLimits?.close();
    if (database.dataSource.isInitialized) await database.dataSource.destroy();
    throw error;
  }
}
