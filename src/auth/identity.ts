// Who is calling: nobody, a member, a staff user with a role, or a partner with key scopes.
import { permissionsOfRole, type PartnerScope, type Permission, type StaffRole } from "./permissions";

export type Identity =
  | { kind: "anonymous" }
  | { kind: "member"; memberId: number }
  | { kind: "staff"; staffUserId: number; role: StaffRole }
  | { kind: "partner"; partnerId: number; keyId: string; scopes: readonly PartnerScope[] }
  // Scheduled jobs and command-line tools; never the result of authenticating a request.
  | { kind: "system"; job: string };

export const anonymous: Identity = { kind: "anonymous" };

export function hasPermission(identity: Identity, permission: Permission): boolean {
  return identity.kind === "staff" && permissionsOfRole(identity.role).includes(permission);
}

/** A short, log-safe name for the caller: `member:12`, `staff:3`, `partner:5`, `system:points-expiry`. */
export function describeActor(identity: Identity): { actorType: string; actorId: string | null } {
  switch (identity.kind) {
    case "member":
      return { actorType: "member", actorId: String(identity.memberId) };
    case "staff":
      return { actorType: "staff", actorId: String(identity.staffUserId) };
    case "partner":
      return { actorType: "partner", actorId: String(identity.partnerId) };
    case "system":
      return { actorType: "system", actorId: identity.job };
    default:
      return { actorType: "anonymous", actorId: null };
  }
}
