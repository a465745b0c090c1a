// type-graphql's @Authorized(permission): anonymous callers get UNAUTHENTICATED, others without it FORBIDDEN.
import type { AuthChecker } from "type-graphql";
import type { RequestContext } from "../server/request-context";
import type { Permission } from "./permissions";
import { requirePermission } from "./policies";

export const authChecker: AuthChecker<RequestContext, Permission> = ({ context }, required) => {
  for (const permission of required) requirePermission(context.identity, permission);
  return true;
};
