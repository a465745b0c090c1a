import type { Identity } from "../auth/identity";

/** What every service method gets first: who is asking, and the request id for logs and the audit trail. */
export interface ServiceContext {
  identity: Identity;
  requestId: string | null;
}

export const systemContext: ServiceContext = { identity: { kind: "anonymous" }, requestId: null };
