// Errors clients caused pass through with their code; anything else is logged and shown masked with the request id.
import type { ApolloServerPlugin } from "@apollo/server";
import { unwrapResolverError } from "@apollo/server/errors";
import type { GraphQLError, GraphQLFormattedError } from "graphql";
import type { Logger } from "pino";
import { errorCodes } from "../errors";
import type { RequestContext } from "./request-context";

const clientErrorCodes = new Set<string>([
  ...errorCodes,
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_REQUEST",
  "OPERATION_RESOLUTION_FAILURE",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  // A subscription whose subscriber could not keep up (src/events/event-bus.ts): the client should subscribe again.
  "SUBSCRIBER_FELL_BEHIND",
]);

export const internalErrorMessage = "Internal server error: something went wrong on our side. Quote the requestId when you report it.";

function isClientError(formatted: GraphQLFormattedError): boolean {
  return clientErrorCodes.has(String(formatted.extensions?.code ?? ""));
}

export function formatError(formatted: GraphQLFormattedError): GraphQLFormattedError {
  if (isClientError(formatted)) {
    // `http` steers the status code only; the stack never leaves the server.
    const { http: _http, stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  return { message: internalErrorMessage, locations: formatted.locations, path: formatted.path, extensions: { code: "INTERNAL_SERVER_ERROR" } };
}

/** Logs unexpected errors with the request id and puts the id into the masked errors the client sees. */
export function errorLoggingPlugin(logger: Logger): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue, operationName }) {
          for (const error of errors) {
            const original = unwrapResolverError(error);
            const code = String(error.extensions?.code ?? "");
            if (!clientErrorCodes.has(code)) {
              logger.error({ err: original, requestId: contextValue?.requestId, operationName, path: error.path }, "unexpected error in a GraphQL request");
            }
          }
        },
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== "single") return;
          for (const error of response.body.singleResult.errors ?? []) {
            if (error.extensions?.code === "INTERNAL_SERVER_ERROR") {
              (error as { extensions: Record<string, unknown> }).extensions.requestId = contextValue?.requestId;
            }
          }
        },
      };
    },
  };
}

/**
 * The errors of an operation that never passed through Apollo (a WebSocket subscription), shown as Apollo would show
 * them over HTTP: an error without a code is INTERNAL_SERVER_ERROR, then formatError masks it; each unexpected one is
 * logged with the operation's request id, which its masked form carries.
 */
export function formatOperationErrors(errors: readonly GraphQLError[], requestId: string, logger: Logger): GraphQLFormattedError[] {
  return errors.map((error) => {
    const json = error.toJSON();
    const formatted = formatError({ ...json, extensions: { ...json.extensions, code: error.extensions.code ?? "INTERNAL_SERVER_ERROR" } });
    if (isClientError(formatted)) return formatted;
    logger.error({ err: error.originalError ?? error, requestId, path: error.path }, "unexpected error in a GraphQL operation over WebSocket");
    return { ...formatted, extensions: { ...formatted.extensions, requestId } };
  });
}
