// One Node http server: Apollo for queries and mutations, graphql-ws for subscriptions only, on the same path and port.
import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloServer } from "@apollo/server";
import { expressMiddleware } from "@as-integrations/express5";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { ApolloArmor } from "@escape.tech/graphql-armor";
import express, { type Request, type Response } from "express";
import type { GraphQLSchema } from "graphql";
import type { Logger } from "pino";
import type { DataSource } from "typeorm";
import { WebSocketServer } from "ws";
import type { Identity } from "../auth/identity";
import type { Clock } from "../clock";
import type { Config } from "../config";
import type { EventBus } from "../events/event-bus";
import { createLoaders, type Loaders } from "../loaders/create-loaders";
import type { Services } from "../services";
import type { AuthenticatedPartnerKey } from "../services/partner-service";
import { authenticate } from "./authenticate";
import { errorLoggingPlugin, formatError } from "./error-handling";
import { partnerCallAuditPlugin } from "./partner-call-audit";
import { countPartnerRequest, requestedOperationName } from "./partner-rate-limit";
import type { RequestContext } from "./request-context";
import { serveSubscriptions } from "./subscriptions-over-websocket";

export interface HttpServerDependencies {
  config: Config;
  schema: GraphQLSchema;
  dataSource: DataSource;
  services: Services;
  events: EventBus;
  clock: Clock;
  logger: Logger;
  /** Per-request loaders; replaced only by the benchmark's naive variant. */
  loaderFactory?: (dataSource: DataSource) => Loaders;
}

export interface RunningHttpServer {
  url: string;
  port: number;
  /** Stops accepting, drains HTTP requests and WebSocket subscriptions, then resolves. */
  stop(): Promise<void>;
}

const graphqlPath = "/graphql";

/** A client may send its own request id (kept if sane) so its logs and ours line up. */
function requestIdOf(request: Request): string {
  const given = request.header("x-request-id");
  return given && /^[A-Za-z0-9._-]{8,64}$/.test(given) ? given : randomUUID();
}

export async function startHttpServer(dependencies: HttpServerDependencies, listen: { host: string; port: number }): Promise<RunningHttpServer> {
  const { config, schema, dataSource, services, events, clock, logger } = dependencies;
  const loaderFactory = dependencies.loaderFactory ?? createLoaders;

  const contextFor = (identity: Identity, requestId: string): RequestContext => ({
    identity,
    requestId,
    services,
    loaders: loaderFactory(dataSource),
    clock,
    events,
    logger,
  });

  const app = express();
  app.disable("x-powered-by");
  app.use((request, response, next) => {
    const requestId = requestIdOf(request);
    response.locals.requestId = requestId;
    response.setHeader("x-request-id", requestId);
    const started = process.hrtime.bigint();
    response.on("finish", () => {
      logger.info(
        { requestId, method: request.method, path: request.path, status: response.statusCode, milliseconds: Number(process.hrtime.bigint() - started) / 1e6 },
        "request",
      );
    });
    next();
  });

  app.get("/healthz", (_request, response) => {
    response.json({ status: "ok" });
  });

  app.get("/readyz", async (_request: Request, response: Response) => {
    try {
      if (!dataSource.isInitialized) throw new Error("the database connection is closed");
      await dataSource.query("SELECT 1");
      response.json({ status: "ready", database: "ok" });
    } catch (error) {
      logger.warn({ err: error }, "readiness check failed");
      response.status(503).json({ status: "unavailable", database: "unreachable" });
    }
  });

  const httpServer = http.createServer(app);

  const limits = config.graphqlLimits;
  const armor = new ApolloArmor({
    maxDepth: { n: limits.maxDepth },
    maxAliases: { n: limits.maxAliases },
    costLimit: { maxCost: limits.maxCost },
    maxTokens: { n: limits.maxTokens },
    maxDirectives: { n: 20 },
    // Suggestions help developers; in production they would map the schema for attackers.
    blockFieldSuggestion: { enabled: !config.introspection },
  }).protect();

  // Subscriptions only, for members and staff; the same limits, introspection rule and error masking as HTTP.
  const webSocketCleanup = serveSubscriptions(new WebSocketServer({ server: httpServer, path: graphqlPath }), {
    schema,
    services,
    clock,
    logger,
    limitRules: armor.validationRules,
    maxTokens: limits.maxTokens,
    introspection: config.introspection,
    contextFor,
  });

  const apollo = new ApolloServer<RequestContext>({
    schema,
    introspection: config.introspection,
    csrfPrevention: true,
    formatError,
    validationRules: armor.validationRules,
    allowBatchedHttpRequests: false,
    // The entry point owns the signals: it drains, closes the database and exits 0 (Apollo would re-raise the signal).
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: false,
    plugins: [
      ...armor.plugins,
      // Every response is personal to its caller, so no CDN may cache it; the cache-control plugin would only
      // add a wrapper around every field resolver (a third of Apollo's time on a member list, see docs/benchmarks.md).
      ApolloServerPluginCacheControlDisabled(),
      errorLoggingPlugin(logger),
      partnerCallAuditPlugin({ dataSource, services, logger }),
      ApolloServerPluginDrainHttpServer({ httpServer }),
      {
        async serverWillStart() {
          return {
            async drainServer() {
              await webSocketCleanup.dispose();
            },
          };
        },
      },
      ...(config.environment === "production" ? [ApolloServerPluginLandingPageDisabled()] : []),
    ],
  });
  await apollo.start();

  app.use(
    graphqlPath,
    express.json({ limit: "1mb" }),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const requestId = res.locals.requestId as string;
        const countRequest = (key: AuthenticatedPartnerKey) => countPartnerRequest({ dataSource, services, logger }, key, { requestId, operationName: requestedOperationName(req) });
        return contextFor(await authenticate(req.header("authorization"), services, clock, countRequest), requestId);
      },
    }),
  );
  // A body that is not JSON, or too large, is the client's error: answered as GraphQL errors are, not with an HTML page.
  app.use(graphqlPath, (error: { type?: string; status?: number; message?: string }, _request: Request, response: Response, next: (error: unknown) => void) => {
    if (error.type === "entity.parse.failed" || error.type === "entity.too.large") {
      const message = error.type === "entity.too.large" ? "The request body is larger than 1 MB." : `The request body is not valid JSON: ${error.message ?? "it could not be parsed"}.`;
      response.status(error.status ?? 400).json({ errors: [{ message, extensions: { code: "BAD_REQUEST" } }] });
      return;
    }
    next(error);
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(listen.port, listen.host, () => resolve());
  });
  const port = (httpServer.address() as AddressInfo).port;

  let stopping: Promise<void> | null = null;
  return {
    url: `http://${listen.host}:${port}${graphqlPath}`,
    port,
    stop() {
      stopping ??= apollo.stop();
      return stopping;
    },
  };
}
