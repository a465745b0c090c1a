import type { Identity } from "../auth/identity";

/** What every service method gets first: who is asking, and the request id for logs and the audit trail. */
export interface ServiceContext {
  identity: Identity;
  requestId: string | null;
}

/** The context of a scheduled job or command-line tool: audited and written into the ledger as `system:<job>`. */
export function systemContext(job: string): ServiceContext {
  return { identity: { kind: "system", job }, requestId: null };
}
