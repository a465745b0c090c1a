// A partner key's HTTP request is counted against the key's rate limit at authentication, once per request, before
// its query is even parsed: malformed or over-complex requests count too. Partner keys cannot open a WebSocket
// (subscriptions-over-websocket.ts), so every partner call passes here.
import type { Request } from "express";
import { ClientError } from "../errors";
import type { AuthenticatedPartnerKey } from "../services/partner-service";
import { recordPartnerCall, type PartnerCallAuditDependencies } from "./partner-call-audit";

/** The operation name a refused request asked for, from its body; its query is not parsed to find its root fields. */
export function requestedOperationName(request: Request): string | null {
  const body: unknown = request.body;
  if (typeof body !== "object" || body === null) return null;
  const name = (body as { operationName?: unknown }).operationName;
  return typeof name === "string" ? name : null;
}

/**
 * Throws RATE_LIMITED (HTTP 429 with Retry-After) past the key's allowance. The key was valid, so a refused request
 * is audited here: it ends before Apollo's plugins run, and partner.call would miss it.
 */
export async function countPartnerRequest(dependencies: PartnerCallAuditDependencies, key: AuthenticatedPartnerKey, request: { requestId: string; operationName: string | null }): Promise<void> {
  try {
    await dependencies.services.partnerRateLimits.consumeRequest(key.identity.keyId, key.requestsPerMinute);
  } catch (error) {
    if (error instanceof ClientError && error.extensions.code === "RATE_LIMITED") {
      await recordPartnerCall(dependencies, { identity: key.identity, requestId: request.requestId }, { operationName: request.operationName, rootFields: [], outcome: "RATE_LIMITED" });
    }
    throw error;
  }
}
