// Signs and verifies the bearer tokens of members and staff (HS256 JWTs, jose).
import { createSecretKey, type KeyObject } from "node:crypto";
import { errors as joseErrors, jwtVerify, SignJWT } from "jose";
import { isStaffRole, type StaffRole } from "./permissions";
import type { Identity } from "./identity";

const ISSUER = "loyalty-graph";
const AUDIENCE = "loyalty-graph-api";

export type TokenSubject = { kind: "member"; memberId: number } | { kind: "staff"; staffUserId: number; role: StaffRole };

export class InvalidTokenError extends Error {}

export class TokenService {
  private readonly key: KeyObject;

  constructor(secret: string, private readonly ttlSeconds: { member: number; staff: number }) {
    // A KeyObject made once: given raw bytes, jose would import the key again on every request.
    this.key = createSecretKey(Buffer.from(secret, "utf8"));
  }

  async issue(subject: TokenSubject, now: Date): Promise<{ token: string; expiresAt: Date }> {
    const issuedAt = Math.floor(now.getTime() / 1000);
    const expiresAtSeconds = issuedAt + (subject.kind === "member" ? this.ttlSeconds.member : this.ttlSeconds.staff);
    const claims = subject.kind === "member" ? { kind: "member" } : { kind: "staff", role: subject.role };
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setSubject(subject.kind === "member" ? String(subject.memberId) : String(subject.staffUserId))
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAtSeconds)
      .sign(this.key);
    return { token, expiresAt: new Date(expiresAtSeconds * 1000) };
  }

  /** Throws InvalidTokenError with a reason a person can act on. */
  async verify(token: string, now: Date): Promise<Identity> {
    let payload;
    try {
      ({ payload } = await jwtVerify(token, this.key, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ["HS256"],
        currentDate: now,
      }));
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw new InvalidTokenError("The token has expired: sign in again.");
      throw new InvalidTokenError("The token is not valid: sign in again.");
    }
    const subjectId = Number(payload.sub);
    if (!Number.isSafeInteger(subjectId) || subjectId <= 0) throw new InvalidTokenError("The token names no valid subject.");
    if (payload.kind === "member") return { kind: "member", memberId: subjectId };
    if (payload.kind === "staff" && isStaffRole(payload.role)) return { kind: "staff", staffUserId: subjectId, role: payload.role };
    throw new InvalidTokenError("The token names no known kind of user.");
  }
}
