// What each member shares with each partner, managed by the member from their app. A grant names the extra fields
// the partner may see; having a grant at all also lets the partner find the member by a phone number it holds.
import type { DataSource } from "typeorm";
import type { Clock } from "../../clock";
import { runInTransaction } from "../../database/transactions";
import { MemberPartnerGrantRecord, PartnerRecord, partnerGrantFields, type PartnerGrantField } from "../../entities";
import { badUserInput, notFound } from "../../errors";
import type { AuditService } from "../audit-service";
import { isUniqueViolation } from "../idempotency-service";
import type { ServiceContext } from "../service-context";

export class PartnerGrantService {
  constructor(private readonly dataSource: DataSource, private readonly clock: Clock, private readonly audit: AuditService) {}

  grantsOf(memberId: number): Promise<MemberPartnerGrantRecord[]> {
    return this.dataSource.getRepository(MemberPartnerGrantRecord).find({ where: { memberId }, order: { partnerId: "ASC" } });
  }

  /** The fields the member granted the partner, or null when the member has no grant for it. */
  async fieldsGranted(partnerId: number, memberId: number): Promise<PartnerGrantField[] | null> {
    const grant = await this.dataSource.getRepository(MemberPartnerGrantRecord).findOneBy({ partnerId, memberId });
    return grant ? grant.fields : null;
  }

  /**
   * Sets the grant to exactly these fields (an empty list shares only the coalition basics). Two first grants at
   * once (a double tap) both try to insert: the loser retries once, and then finds the row to update.
   */
  async grant(context: ServiceContext, memberId: number, partnerId: number, fields: readonly PartnerGrantField[]): Promise<MemberPartnerGrantRecord> {
    try {
      return await this.setGrant(context, memberId, partnerId, fields);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      return this.setGrant(context, memberId, partnerId, fields);
    }
  }

  private async setGrant(context: ServiceContext, memberId: number, partnerId: number, fields: readonly PartnerGrantField[]): Promise<MemberPartnerGrantRecord> {
    const unknown = fields.filter((field) => !partnerGrantFields.includes(field));
    if (unknown.length > 0) throw badUserInput(`fields has unknown values ${unknown.join(", ")}: use ${partnerGrantFields.join(", ")}.`, "fields");
    const chosen = partnerGrantFields.filter((field) => fields.includes(field));
    const now = this.clock.now();
    return runInTransaction(this.dataSource, async (manager) => {
      const partner = await manager.findOneBy(PartnerRecord, { id: partnerId });
      if (!partner || partner.status !== "ACTIVE") throw notFound("No active partner has the id given: choose one from coalitionPartners.");
      const existing = await manager.findOneBy(MemberPartnerGrantRecord, { memberId, partnerId });
      const record = existing ?? manager.create(MemberPartnerGrantRecord, { memberId, partnerId, grantedAt: now });
      record.fields = chosen;
      record.updatedAt = now;
      await manager.save(MemberPartnerGrantRecord, record);
      await this.audit.record(manager, context, { action: existing ? "partnerGrant.update" : "partnerGrant.create", targetType: "member", targetId: memberId, details: { partnerId, fields: chosen } });
      return record;
    });
  }

  /** Withdraws the grant at once; withdrawing one that does not exist is harmless. */
  async revoke(context: ServiceContext, memberId: number, partnerId: number): Promise<boolean> {
    return runInTransaction(this.dataSource, async (manager) => {
      const result = await manager.delete(MemberPartnerGrantRecord, { memberId, partnerId });
      const removed = (result.affected ?? 0) > 0;
      if (removed) await this.audit.record(manager, context, { action: "partnerGrant.revoke", targetType: "member", targetId: memberId, details: { partnerId } });
      return removed;
    });
  }
}
