// Bonus rules operators set up: extra points for a category, a channel or a period (double-points days).
import type { DataSource } from "typeorm";
import type { Clock } from "../../clock";
import { runInTransaction } from "../../database/transactions";
import { salesChannels } from "../../engine";
import { BonusRuleRecord } from "../../entities";
import { badUserInput, conflict, notFound } from "../../errors";
import type { AuditService } from "../audit-service";
import { isUniqueViolation } from "../idempotency-service";
import type { ProgrammeDataCache } from "../programme-data-cache";
import type { ServiceContext } from "../service-context";
import { validCode } from "./points-input";

export interface NewBonusRule {
  code: string;
  nameZh: string;
  nameEn: string;
  category?: string | null;
  channel?: string | null;
  multiplierPercent: number;
  startsAt?: Date | null;
  endsAt?: Date | null;
}

function validName(value: string, field: string): string {
  const text = value.trim();
  if (text.length === 0 || text.length > 64) throw badUserInput(`${field} must be 1 to 64 characters.`, field);
  return text;
}

export class BonusRuleService {
  constructor(private readonly dataSource: DataSource, private readonly clock: Clock, private readonly audit: AuditService, private readonly programmeData: ProgrammeDataCache) {}

  list(): Promise<BonusRuleRecord[]> {
    return this.dataSource.getRepository(BonusRuleRecord).find({ order: { id: "ASC" } });
  }

  async create(context: ServiceContext, input: NewBonusRule): Promise<BonusRuleRecord> {
    const code = validCode(input.code, "input.code", 32);
    if (!Number.isInteger(input.multiplierPercent) || input.multiplierPercent <= 100 || input.multiplierPercent > 1000) {
      throw badUserInput("input.multiplierPercent must be a whole number from 101 to 1000 (200 doubles the base points).", "input.multiplierPercent");
    }
    if (input.channel && !(salesChannels as readonly string[]).includes(input.channel)) {
      throw badUserInput(`input.channel must be one of ${salesChannels.join(", ")}.`, "input.channel");
    }
    if (input.startsAt && input.endsAt && input.endsAt <= input.startsAt) throw badUserInput("input.endsAt must be after input.startsAt.", "input.endsAt");
    if (!input.category && !input.channel && !input.startsAt && !input.endsAt) {
      throw badUserInput("A bonus rule needs at least one condition: a category, a channel, or a period (startsAt/endsAt).", "input");
    }
    const record = this.dataSource.getRepository(BonusRuleRecord).create({
      code,
      nameZh: validName(input.nameZh, "input.nameZh"),
      nameEn: validName(input.nameEn, "input.nameEn"),
      category: input.category ? validCode(input.category, "input.category", 32) : null,
      channel: input.channel ?? null,
      multiplierPercent: input.multiplierPercent,
      startsAt: input.startsAt ?? null,
      endsAt: input.endsAt ?? null,
      active: true,
      createdAt: this.clock.now(),
    });
    try {
      await runInTransaction(this.dataSource, async (manager) => {
        await manager.save(BonusRuleRecord, record);
        await this.audit.record(manager, context, { action: "bonusRule.create", targetType: "bonusRule", targetId: record.id, details: { code, multiplierPercent: record.multiplierPercent } });
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`A bonus rule with code ${code} already exists: choose another code.`);
      throw error;
    }
    this.programmeData.invalidate();
    return record;
  }

  /** Rules are switched off rather than deleted: past ledger entries name them. */
  async setActive(context: ServiceContext, id: number, active: boolean): Promise<BonusRuleRecord> {
    const record = await runInTransaction(this.dataSource, async (manager) => {
      const rule = await manager.findOneBy(BonusRuleRecord, { id });
      if (!rule) throw notFound("No bonus rule has this id.");
      rule.active = active;
      await manager.save(BonusRuleRecord, rule);
      await this.audit.record(manager, context, { action: active ? "bonusRule.activate" : "bonusRule.deactivate", targetType: "bonusRule", targetId: id });
      return rule;
    });
    this.programmeData.invalidate();
    return record;
  }
}
