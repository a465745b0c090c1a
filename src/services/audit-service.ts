import type { EntityManager } from "typeorm";
import { describeActor } from "../auth/identity";
import type { Clock } from "../clock";
import { AuditLogRecord } from "../entities";
import type { AuditDetails } from "../entities/audit-log-record";
import type { ServiceContext } from "./service-context";

export interface AuditEntry {
  action: string;
  targetType: string;
  targetId: string | number | null;
  /** What changed; never personal data in clear. */
  details?: AuditDetails;
}

export class AuditService {
  constructor(private readonly clock: Clock) {}

  /** Written with the caller's transaction manager, so the entry commits or rolls back with the change. */
  async record(manager: EntityManager, context: ServiceContext, entry: AuditEntry): Promise<void> {
    const actor = describeActor(context.identity);
    await manager.insert(AuditLogRecord, {
      actorType: actor.actorType,
      actorId: actor.actorId,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId === null ? null : String(entry.targetId),
      details: entry.details ?? null,
      requestId: context.requestId,
      createdAt: this.clock.now(),
    });
  }
}
