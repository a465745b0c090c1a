// Staff roles and what each may do; partner key scopes. One table, so a reviewer sees all grants at once.

export const staffRoles = ["admin", "operator", "analyst"] as const;
export type StaffRole = (typeof staffRoles)[number];

export const permissions = [
  "members:read",
  "members:write",
  "pii:read",
  "tiers:write",
  "points:write",
  "points:adjust",
  "rewards:write",
  "rules:write",
  "webhooks:write",
  "campaigns:write",
  "events:write",
  "scores:run",
  "partners:manage",
  "staff:manage",
  // Check-ins, challenges, leaderboards, referrals and lotteries: configuring them, approving referrals by hand.
  // Running and configuring engagement features: leaderboards, check-ins, challenges, referrals, lotteries.
  "engagement:write",
] as const;
export type Permission = (typeof permissions)[number];

const rolePermissions: Record<StaffRole, readonly Permission[]> = {
  admin: permissions,
  // Marketing operators run the programme but see personal data masked. Manual points adjustments are the
  // admin's: they create points from nothing, so they stay with the role that also reads the audit trail.
  // Full rescoring is the admin's: it rewrites every member's scores and moves every segment at once.
  // Webhook endpoints send segment moves (no personal data) to systems the operators run campaigns from; an
  // endpoint for campaign messages, which carry phone numbers and e-mail addresses, needs pii:read as well.
  operator: ["members:read", "members:write", "points:write", "rewards:write", "rules:write", "webhooks:write", "campaigns:write", "engagement:write", "events:write"],
  // Analysts read, never write, and see personal data masked.
  analyst: ["members:read"],
};

export function permissionsOfRole(role: StaffRole): readonly Permission[] {
  return rolePermissions[role];
}

export function isStaffRole(value: unknown): value is StaffRole {
  return typeof value === "string" && (staffRoles as readonly string[]).includes(value);
}

export const partnerScopes = [
  "members:lookup",
  "benefits:read",
  "benefits:redeem",
  // Publishing the partner's own benefits to coalition members (offers, stock, eligibility).
  "benefits:publish",
  "points:earn",
  "points:redeem",
  "settlement:read",
] as const;
export type PartnerScope = (typeof partnerScopes)[number];
