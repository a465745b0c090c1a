// Benefits are "base + custom": what the member's tier gives everyone, plus benefits granted to the member alone.
import { type DataSource } from "typeorm";
import type { Clock } from "../clock";
import { runInTransaction } from "../database/transactions";
import { MemberBenefitRecord, MemberRecord, TierRecord } from "../entities";
import { badUserInput, notFound } from "../errors";
import type { AuditService } from "./audit-service";
import { validCode, validReason } from "./points/points-input";
import type { ServiceContext } from "./service-context";
import { describeActor } from "../auth/identity";

export interface HeldBenefit {
  code: string;
  source: "TIER" | "GRANTED";
  validFrom: Date | null;
  validUntil: Date | null;
  reason: string | null;
}

export interface BenefitGrant {
  memberId: number;
  code: string;
  reason: string;
  validUntil: Date | null;
}

export class BenefitService {
  constructor(private readonly dataSource: DataSource, private readonly clock: Clock, private readonly audit: AuditService) {}

  /** Tier benefits first, then granted ones valid now; a granted benefit the tier already gives is still listed (its validity differs). */
  async held(member: MemberRecord): Promise<HeldBenefit[]> {
    const now = this.clock.now();
    const tier = await this.dataSource.getRepository(TierRecord).findOneBy({ id: member.tierId });
    const granted = await this.dataSource
      .getRepository(MemberBenefitRecord)
      .createQueryBuilder("benefit")
      .where("benefit.memberId = :memberId AND benefit.validFrom <= :now AND (benefit.validUntil IS NULL OR benefit.validUntil > :now)", { memberId: member.id, now })
      .orderBy("benefit.validFrom", "ASC")
      .getMany();
    return [
      ...(tier?.baseBenefits ?? []).map((code) => ({ code, source: "TIER" as const, validFrom: null, validUntil: null, reason: null })),
      ...granted.map((benefit) => ({ code: benefit.code, source: "GRANTED" as const, validFrom: benefit.validFrom, validUntil: benefit.validUntil, reason: benefit.reason })),
    ];
  }

  async grant(context: ServiceContext, grant: BenefitGrant): Promise<MemberBenefitRecord> {
    const now = this.clock.now();
    const code = validCode(grant.code, "input.code", 64);
    const reason = validReason(grant.reason, "input.reason");
    if (grant.validUntil && grant.validUntil <= now) throw badUserInput("input.validUntil is in the past: a benefit must be valid for some time from now.", "input.validUntil");
    const actor = describeActor(context.identity);
    return runInTransaction(this.dataSource, async (manager) => {
      if (!(await manager.existsBy(MemberRecord, { id: grant.memberId }))) throw notFound("No member has the id given.");
      const record = manager.create(MemberBenefitRecord, { memberId: grant.memberId, code, reason, validFrom: now, validUntil: grant.validUntil, grantedBy: `${actor.actorType}:${actor.actorId ?? "-"}`, createdAt: now });
      await manager.save(MemberBenefitRecord, record);
      await this.audit.record(manager, context, { action: "benefit.grant", targetType: "member", targetId: grant.memberId, details: { code, validUntil: grant.validUntil?.toISOString() ?? null } });
      return record;
    });
  }
}
