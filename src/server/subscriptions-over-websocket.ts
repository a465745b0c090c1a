// graphql-ws on the HTTP server's path, for the subscriptions of members and staff, and nothing else. Queries and
// mutations go over HTTP, where partner keys are counted against their rate limits and audited and Apollo masks
// errors; graphql-ws would execute them too, outside all of that, so it is told not to. Partners are refused at the
// door: they have nothing to subscribe to. What does run here passes the same validation rules as HTTP, and its
// errors are masked as HTTP's are.
import { randomUUID } from "node:crypto";
import {
  GraphQLError,
  getOperationAST,
  NoSchemaIntrospectionCustomRule,
  OperationTypeNode,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type ValidationRule,
} from "graphql";
import type { Context, SubscribePayload } from "graphql-ws";
import { useServer, type Extra } from "graphql-ws/use/ws";
import type { Logger } from "pino";
import type { WebSocketServer } from "ws";
import type { Identity } from "../auth/identity";
import type { Clock } from "../clock";
import type { Services } from "../services";
import { authenticate } from "./authenticate";
import { formatOperationErrors } from "./error-handling";
import type { RequestContext } from "./request-context";

export interface SubscriptionServerDependencies {
  schema: GraphQLSchema;
  services: Services;
  clock: Clock;
  logger: Logger;
  /** The rules HTTP operations pass beyond graphql's own: graphql-armor's limits. */
  limitRules: readonly ValidationRule[];
  /** graphql-armor's token limit, which it applies on HTTP while parsing. */
  maxTokens: number;
  /** When false, introspection is refused and validation errors suggest no field names, as on HTTP. */
  introspection: boolean;
  contextFor(identity: Identity, requestId: string): RequestContext;
}

/** What the client sends with connection_init (a type, not an interface: graphql-ws wants a record). */
type ConnectionParams = { authorization?: string };

/** What this server keeps on each socket: the request id of each running operation, for its errors. */
type SocketState = { requestIds?: Map<string, string> };

type Connection = Context<ConnectionParams, Extra & Partial<SocketState>>;

/** graphql-ws closes a socket whose connection it refuses with this code; bad or missing tokens get it too. */
const forbiddenCloseCode = 4403;
export const partnersUseHttpReason = "Partner API keys are for HTTP: send queries and mutations as POST /graphql.";

/**
 * An API key is refused before it is even looked up: a partner has nothing to subscribe to, and would otherwise
 * have a channel where its calls are neither counted nor audited.
 */
function isPartnerCredential(authorization: string | undefined): boolean {
  return /^\s*apikey(\s|$)/i.test(authorization ?? "");
}

/** graphql's own rules, armor's limits, and the introspection ban HTTP has (Apollo adds it when introspection is off). */
function validationRules(dependencies: SubscriptionServerDependencies): ValidationRule[] {
  return [...specifiedRules, ...dependencies.limitRules, ...(dependencies.introspection ? [] : [NoSchemaIntrospectionCustomRule])];
}

/** With the code Apollo gives the same error on HTTP; without introspection, with no field names suggested (as armor does). */
function requestError(error: GraphQLError, code: string, introspection: boolean): GraphQLError {
  const message = introspection ? error.message : error.message.replace(/Did you mean ".+"\?/g, "[Suggestion hidden]").trim();
  return new GraphQLError(message, { nodes: error.nodes, source: error.source, positions: error.positions, extensions: { ...error.extensions, code } });
}

/** Queries and mutations go over HTTP, where they are rate limited, audited and masked; this socket carries subscriptions. */
function refusalUnlessSubscription(document: DocumentNode, operationName: string | null | undefined): GraphQLError | null {
  const operation = getOperationAST(document, operationName);
  if (!operation) {
    return new GraphQLError("Could not tell which operation to run: send one operation, or name it in operationName.", { extensions: { code: "OPERATION_RESOLUTION_FAILURE" } });
  }
  if (operation.operation === OperationTypeNode.SUBSCRIPTION) return null;
  const kind = operation.operation === OperationTypeNode.QUERY ? "Queries" : "Mutations";
  // BAD_REQUEST, as Apollo answers a mutation sent by GET: the operation is fine, the transport is the wrong one.
  return new GraphQLError(`${kind} are not run over the WebSocket, which carries subscriptions only: send them as HTTP POST /graphql.`, {
    nodes: operation,
    extensions: { code: "BAD_REQUEST" },
  });
}

function rememberRequestId(connection: Connection, operationId: string): string {
  const requestId = randomUUID();
  connection.extra.requestIds ??= new Map();
  connection.extra.requestIds.set(operationId, requestId);
  return requestId;
}

/** The operation's request id, forgotten once its errors are reported or it completes. */
function forgetRequestId(connection: Connection, operationId: string): string {
  const requestId = connection.extra.requestIds?.get(operationId) ?? randomUUID();
  connection.extra.requestIds?.delete(operationId);
  return requestId;
}

/** Starts graphql-ws on the WebSocket server; dispose of what it returns to close every socket. */
export function serveSubscriptions(webSocketServer: WebSocketServer, dependencies: SubscriptionServerDependencies) {
  const { schema, services, clock, logger, introspection } = dependencies;
  const rules = validationRules(dependencies);

  const onConnect = async (connection: Connection): Promise<boolean> => {
    const authorization = connection.connectionParams?.authorization;
    if (isPartnerCredential(authorization)) {
      // Closed here for the reason; graphql-ws's own close after `false` finds the socket already closing.
      connection.extra.socket.close(forbiddenCloseCode, partnersUseHttpReason);
      return false;
    }
    // Every subscription follows someone's data, so an anonymous socket has nothing to receive: refuse it (4403).
    try {
      const identity = await authenticate(authorization, services, clock);
      return identity.kind === "member" || identity.kind === "staff";
    } catch {
      return false;
    }
  };

  const onSubscribe = async (connection: Connection, operationId: string, payload: SubscribePayload): Promise<ExecutionArgs | GraphQLError[]> => {
    const requestId = rememberRequestId(connection, operationId);
    let document: DocumentNode;
    try {
      document = parse(payload.query, { maxTokens: dependencies.maxTokens });
    } catch (error) {
      if (error instanceof GraphQLError) return [requestError(error, "GRAPHQL_PARSE_FAILED", introspection)];
      throw error;
    }
    const invalid = validate(schema, document, rules);
    if (invalid.length > 0) return invalid.map((error) => requestError(error, "GRAPHQL_VALIDATION_FAILED", introspection));
    const refusal = refusalUnlessSubscription(document, payload.operationName);
    if (refusal) return [refusal];
    // The token is checked again per operation: it may have expired since the connection opened.
    let identity: Identity;
    try {
      identity = await authenticate(connection.connectionParams?.authorization, services, clock);
    } catch (error) {
      // Returned rather than thrown, which would close the whole socket (4500) with the error's message as reason;
      // an unexpected one is masked in onError like any other.
      return [error instanceof GraphQLError ? error : new GraphQLError("The token could not be checked.", { originalError: error as Error })];
    }
    return { schema, document, variableValues: payload.variables, operationName: payload.operationName, contextValue: dependencies.contextFor(identity, requestId) };
  };

  return useServer<ConnectionParams, SocketState>(
    {
      schema,
      onConnect,
      onSubscribe,
      // Results of subscriptions (each event) carry errors of their resolvers: masked as on HTTP.
      onNext: (connection, operationId, _payload, _args, result) => {
        if (!result.errors) return undefined;
        const requestId = connection.extra.requestIds?.get(operationId) ?? randomUUID();
        return { ...result, errors: formatOperationErrors(result.errors, requestId, logger) };
      },
      // Refusals from onSubscribe, and a subscription's stream failing: the operation ends here.
      onError: (connection, operationId, _payload, errors): GraphQLFormattedError[] => formatOperationErrors(errors, forgetRequestId(connection, operationId), logger),
      onComplete: (connection, operationId) => {
        forgetRequestId(connection, operationId);
      },
    },
    webSocketServer,
  );
}
