// Which partner a call acts for: a partner's key acts for its own brand (with the scope it needs); staff who manage
// partners name the partner.
import type { Identity } from "../auth/identity";
import type { PartnerScope } from "../auth/permissions";
import { requirePartnerScope, requirePermission } from "../auth/policies";
import { badUserInput, forbidden } from "../errors";
import { expectGlobalId } from "../schema/global-id";

export function actingPartnerId(identity: Identity, scope: PartnerScope, partnerIdArgument: string | null | undefined): number {
  if (identity.kind === "partner") {
    const partnerId = requirePartnerScope(identity, scope);
    if (partnerIdArgument && expectGlobalId(partnerIdArgument, "Partner", "partnerId") !== partnerId) throw forbidden("A partner's key acts only for its own brand: leave partnerId out.");
    return partnerId;
  }
  requirePermission(identity, "partners:manage");
  if (!partnerIdArgument) throw badUserInput("partnerId is required: say which partner this is for.", "partnerId");
  return expectGlobalId(partnerIdArgument, "Partner", "partnerId");
}
