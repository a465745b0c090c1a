// Errors a client can cause, each with a stable `extensions.code` and a message a person can act on.
import { GraphQLError } from "graphql";

export const errorCodes = [
  "BAD_USER_INPUT",
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "NOT_FOUND",
  "CONFLICT",
  "RATE_LIMITED",
  "INSUFFICIENT_POINTS",
  "OUT_OF_STOCK",
  "NOT_ELIGIBLE",
] as const;
export type ErrorCode = (typeof errorCodes)[number];

const httpStatus: Partial<Record<ErrorCode, number>> = { UNAUTHENTICATED: 401, RATE_LIMITED: 429 };

export class ClientError extends GraphQLError {
  /** `httpHeaders` go on the HTTP response (Apollo reads `extensions.http`), e.g. Retry-After. */
  constructor(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}, httpHeaders: Record<string, string> = {}) {
    const status = httpStatus[code];
    const headers = Object.keys(httpHeaders).length > 0 ? { headers: new Map(Object.entries(httpHeaders)) } : {};
    super(message, { extensions: { code, ...extensions, ...(status ? { http: { status, ...headers } } : {}) } });
    this.name = "ClientError";
  }
}

/** `field` is the argument path the client should fix, e.g. `input.phone`. */
export const badUserInput = (message: string, field?: string) => new ClientError("BAD_USER_INPUT", message, field ? { field } : {});
export const unauthenticated = (message = "Sign in first: this needs an Authorization header with a valid token or API key.") =>
  new ClientError("UNAUTHENTICATED", message);
export const forbidden = (message: string) => new ClientError("FORBIDDEN", message);
export const notFound = (message: string) => new ClientError("NOT_FOUND", message);
export const conflict = (message: string) => new ClientError("CONFLICT", message);
/** HTTP 429 with a Retry-After header; `retryAfterSeconds` is rounded up to whole seconds, at least 1. */
export const rateLimited = (message: string, retryAfterSeconds: number) => {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  return new ClientError("RATE_LIMITED", message, { retryAfterSeconds: seconds }, { "retry-after": String(seconds) });
};
export const insufficientPoints = (needed: number, available: number, justExpired: number) =>
  new ClientError(
    "INSUFFICIENT_POINTS",
    `This needs ${needed} points but the member has ${available}${justExpired > 0 ? ` (${justExpired} points expired and can no longer be used)` : ""}: redeem fewer points or earn more first.`,
    { needed, available },
  );
export const outOfStock = (rewardCode: string) => new ClientError("OUT_OF_STOCK", `Reward ${rewardCode} is out of stock: choose another reward from the catalogue.`);
/** The member may not use this (tier, segment, validity, their own limit): `reason` says which, for the till's screen. */
export const notEligible = (message: string, reason: string) => new ClientError("NOT_ELIGIBLE", message, { reason });
