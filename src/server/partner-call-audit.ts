// Every HTTP GraphQL request of a partner key leaves one audit row (action partner.call): which key, which
// operation and root fields, and how it ended. Written once the response is produced; a failure to write it is
// logged and never fails the partner's request.
import type { ApolloServerPlugin } from "@apollo/server";
import { GraphQLError, Kind, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from "graphql";
import type { Logger } from "pino";
import type { DataSource } from "typeorm";
import { runInTransaction } from "../database/transactions";
import type { Services } from "../services";
import type { ServiceContext } from "../services/service-context";
import type { RequestContext } from "./request-context";

export interface PartnerCallAuditDependencies {
  dataSource: DataSource;
  services: Services;
  logger: Logger;
}

export interface PartnerCall {
  operationName: string | null;
  /** The operation's root fields (names, not aliases), in the order first selected. */
  rootFields: string[];
  /** "ok", or the error codes of the response joined with commas. */
  outcome: string;
}

/** Operation names are the client's text: kept short in the audit log. */
const operationNameLength = 128;

export async function recordPartnerCall(dependencies: PartnerCallAuditDependencies, context: ServiceContext, call: PartnerCall): Promise<void> {
  const { identity } = context;
  if (identity.kind !== "partner") return;
  try {
    // In a transaction of its own: on SQLite a bare write would join whatever transaction holds the one
    // connection at that moment, and vanish if that one rolled back.
    await runInTransaction(dependencies.dataSource, (manager) =>
      dependencies.services.audit.record(manager, context, {
        action: "partner.call",
        targetType: "partner",
        targetId: identity.partnerId,
        details: { keyId: identity.keyId, operationName: call.operationName?.slice(0, operationNameLength) ?? null, rootFields: call.rootFields, outcome: call.outcome },
      }),
    );
  } catch (error) {
    dependencies.logger.error({ err: error, requestId: context.requestId, partnerId: identity.partnerId }, "the audit row of a partner call could not be written");
  }
}

/** Root field names, looking through inline fragments and fragment spreads at the root. */
export function rootFieldNames(operation: OperationDefinitionNode, document: DocumentNode | undefined): string[] {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document?.definitions ?? []) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const names = new Set<string>();
  const visitedFragments = new Set<string>();
  const visit = (selectionSet: SelectionSetNode) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) names.add(selection.name.value);
      else if (selection.kind === Kind.INLINE_FRAGMENT) visit(selection.selectionSet);
      else if (!visitedFragments.has(selection.name.value)) {
        visitedFragments.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) visit(fragment.selectionSet);
      }
    }
  };
  visit(operation.selectionSet);
  return [...names];
}

/** The code a client sees for an error that escaped Apollo's pipeline (graphql-armor reports its parser's as validation). */
function codeOfUnexpectedError(error: Error): string {
  if (error instanceof GraphQLError) return String(error.extensions.code ?? "GRAPHQL_VALIDATION_FAILED");
  return "INTERNAL_SERVER_ERROR";
}

/**
 * Audits the requests that reach Apollo's pipeline with a partner identity, whatever their end (a refused field,
 * success, a parse error). Requests refused at authentication never get here: an unknown or revoked key has no
 * partner to audit, and a rate-limited one is audited where it is refused (partner-rate-limit.ts).
 */
export function partnerCallAuditPlugin(dependencies: PartnerCallAuditDependencies): ApolloServerPlugin<RequestContext> {
  // One row per request even if a request both answers and fails afterwards.
  const audited = new WeakSet<RequestContext>();
  const audit = async (contextValue: RequestContext, call: PartnerCall) => {
    if (contextValue.identity.kind !== "partner" || audited.has(contextValue)) return;
    audited.add(contextValue);
    await recordPartnerCall(dependencies, contextValue, call);
  };
  return {
    async requestDidStart({ contextValue }) {
      if (contextValue.identity.kind !== "partner") return;
      return {
        async willSendResponse({ contextValue, response, operation, document, request }) {
          const errors = response.body.kind === "single" ? response.body.singleResult.errors : response.body.initialResult.errors;
          const codes = [...new Set((errors ?? []).map((error) => String(error.extensions?.code ?? "INTERNAL_SERVER_ERROR")))];
          await audit(contextValue, {
            operationName: operation?.name?.value ?? request.operationName ?? null,
            rootFields: operation ? rootFieldNames(operation, document) : [],
            outcome: codes.length === 0 ? "ok" : codes.join(","),
          });
        },
      };
    },
    // graphql-armor parses the document itself (to count its tokens) and throws its syntax errors out of the
    // pipeline, which then never calls willSendResponse. Apollo does not wait for this hook before answering.
    async unexpectedErrorProcessingRequest({ requestContext, error }) {
      await audit(requestContext.contextValue, { operationName: requestContext.request.operationName ?? null, rootFields: [], outcome: codeOfUnexpectedError(error) });
    },
  };
}
