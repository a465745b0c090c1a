// Who may see and do what. Resolvers call these before calling a service.
import { forbidden, unauthenticated } from "../errors";
import { hasPermission, type Identity } from "./identity";
import type { PartnerScope, Permission } from "./permissions";

export function requirePermission(identity: Identity, permission: Permission): void {
  if (identity.kind === "anonymous") throw unauthenticated();
  if (!hasPermission(identity, permission)) {
    throw forbidden(`This needs the ${permission} permission, which your ${identity.kind === "staff" ? `${identity.role} role does` : `${identity.kind} identity does`} not have.`);
  }
}

export function requireMember(identity: Identity): number {
  if (identity.kind === "anonymous") throw unauthenticated();
  if (identity.kind !== "member") throw forbidden("Only a signed-in member can do this for themself.");
  return identity.memberId;
}

/** A member reads only themself; staff need members:read. Partners see members only through their grants (pseudonymous ids). */
export function requireCanReadMember(identity: Identity, memberId: number): void {
  if (identity.kind === "anonymous") throw unauthenticated();
  if (identity.kind === "member") {
    if (identity.memberId !== memberId) throw forbidden("A member can only see their own profile.");
    return;
  }
  if (identity.kind === "partner") throw forbidden("Partners cannot read member profiles; use the partner look-up, which shows only what the member shared.");
  requirePermission(identity, "members:read");
}

/** Personal fields in clear: only for the member themself and staff with pii:read. */
export function canSeePersonalData(identity: Identity, memberId: number): boolean {
  return (identity.kind === "member" && identity.memberId === memberId) || hasPermission(identity, "pii:read");
}

/** A partner call needs its key to carry the scope; returns the partner's id. Anyone else is refused. */
export function requirePartnerScope(identity: Identity, scope: PartnerScope): number {
  if (identity.kind === "anonymous") throw unauthenticated("Partner calls need `Authorization: ApiKey <key>`.");
  if (identity.kind !== "partner") throw forbidden("Only a partner's API key can do this: it acts for that partner.");
  if (!identity.scopes.includes(scope)) throw forbidden(`This needs the ${scope} scope, which this API key was not issued with: ask the coalition's staff for a key that has it.`);
  return identity.partnerId;
}
