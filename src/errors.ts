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

const httpStatus: Partial<Record<ErrorCode, number>> = { UNAUTHENTICATED: 401 };

export class ClientError extends GraphQLError {
  constructor(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) {
    const status = httpStatus[code];
    super(message, { extensions: { code, ...extensions, ...(status ? { http: { status } } : {}) } });
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
export const rateLimited = (message: string, retryAfterSeconds: number) => new ClientError("RATE_LIMITED", message, { retryAfterSeconds });
export const insufficientPoints = (needed: number, available: number, justExpired: number) =>
  new ClientError(
    "INSUFFICIENT_POINTS",
    `This needs ${needed} points but the member has ${available}${justExpired > 0 ? ` (${justExpired} points expired and can no longer be used)` : ""}: redeem fewer points or earn more first.`,
    { needed, available },
  );
export const outOfStock = (rewardCode: string) => new ClientError("OUT_OF_STOCK", `Reward ${rewardCode} is out of stock: choose another reward from the catalogue.`);
/** The member may not use this (tier, segment, validity, their own limit): `reason` says which, for the till's screen. */
export const notEligible = (message: string, reason: string) => new ClientError("NOT_ELIGIBLE", message, { reason });
