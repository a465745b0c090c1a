// The rewards catalogue and redeeming points for a reward at any store of the coalition.
import type { DataSource } from "typeorm";
import type { Clock } from "../../clock";
import { lockingRead, runInTransaction } from "../../database/transactions";
import { addDays } from "../../engine";
import { MemberBenefitRecord, RewardRecord, RewardRedemptionRecord, rewardKinds, type RewardKind } from "../../entities";
import { badUserInput, conflict, notFound, outOfStock } from "../../errors";
import type { AuditService } from "../audit-service";
import { isUniqueViolation } from "../idempotency-service";
import type { ServiceContext } from "../service-context";
import { validCode, validOptionalStoreCode, validPoints } from "./points-input";
import type { PointsLedger } from "./points-ledger";
import type { PointsCommandResult, PointsService } from "./points-service";

export interface NewReward {
  code: string;
  nameZh: string;
  nameEn: string;
  kind: RewardKind;
  pointsCost: number;
  /** null: unlimited. */
  stock: number | null;
  benefitCode?: string | null;
  benefitValidDays?: number | null;
}

export interface RewardChanges {
  pointsCost?: number | null;
  /** A number sets the units left; null makes the reward unlimited; undefined leaves it. */
  stock?: number | null;
  active?: boolean | null;
}

export interface RedeemRewardInput {
  memberId: number;
  rewardId: number;
  storeCode?: string | null;
}

function validName(value: string, field: string): string {
  const text = value.trim();
  if (text.length === 0 || text.length > 64) throw badUserInput(`${field} must be 1 to 64 characters.`, field);
  return text;
}

export class RewardService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly points: PointsService,
    private readonly ledger: PointsLedger,
    private readonly audit: AuditService,
  ) {}

  /** The catalogue in points order; inactive rewards only for staff who manage it. */
  catalogue(includeInactive: boolean): Promise<RewardRecord[]> {
    return this.dataSource.getRepository(RewardRecord).find({ where: includeInactive ? {} : { active: true }, order: { pointsCost: "ASC", id: "ASC" } });
  }

  findById(id: number): Promise<RewardRecord | null> {
    return this.dataSource.getRepository(RewardRecord).findOneBy({ id });
  }

  async create(context: ServiceContext, input: NewReward): Promise<RewardRecord> {
    const code = validCode(input.code, "input.code", 32);
    if (!(rewardKinds as readonly string[]).includes(input.kind)) throw badUserInput(`input.kind must be one of ${rewardKinds.join(", ")}.`, "input.kind");
    if (input.stock !== null && (!Number.isInteger(input.stock) || input.stock < 0)) throw badUserInput("input.stock must be 0 or more, or null for unlimited.", "input.stock");
    const isBenefit = input.kind === "BENEFIT";
    if (isBenefit && (!input.benefitCode || !input.benefitValidDays || !Number.isInteger(input.benefitValidDays) || input.benefitValidDays < 1 || input.benefitValidDays > 3650)) {
      throw badUserInput("A BENEFIT reward needs input.benefitCode and input.benefitValidDays (1 to 3650): they say what the member gets and for how long.", "input.benefitCode");
    }
    const now = this.clock.now();
    const record = this.dataSource.getRepository(RewardRecord).create({
      code,
      nameZh: validName(input.nameZh, "input.nameZh"),
      nameEn: validName(input.nameEn, "input.nameEn"),
      kind: input.kind,
      pointsCost: validPoints(input.pointsCost, "input.pointsCost"),
      stock: input.stock,
      benefitCode: isBenefit ? validCode(input.benefitCode ?? "", "input.benefitCode", 64) : null,
      benefitValidDays: isBenefit ? (input.benefitValidDays ?? null) : null,
      active: true,
      partnerId: null,
      createdAt: now,
      updatedAt: now,
    });
    try {
      await runInTransaction(this.dataSource, async (manager) => {
        await manager.save(RewardRecord, record);
        await this.audit.record(manager, context, { action: "reward.create", targetType: "reward", targetId: record.id, details: { code, pointsCost: record.pointsCost, stock: record.stock } });
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`A reward with code ${code} already exists: choose another code.`);
      throw error;
    }
    return record;
  }

  /** Restocks, reprices or withdraws a reward; under the reward's row lock, so no redemption is lost. */
  async update(context: ServiceContext, id: number, changes: RewardChanges): Promise<RewardRecord> {
    if (changes.stock !== undefined && changes.stock !== null && (!Number.isInteger(changes.stock) || changes.stock < 0)) {
      throw badUserInput("input.stock must be 0 or more, or null for unlimited.", "input.stock");
    }
    const pointsCost = changes.pointsCost === undefined || changes.pointsCost === null ? undefined : validPoints(changes.pointsCost, "input.pointsCost");
    return runInTransaction(this.dataSource, async (manager) => {
      const reward = await lockingRead(manager, RewardRecord, "reward").where("reward.id = :id", { id }).getOne();
      if (!reward) throw notFound("No reward has this id.");
      if (pointsCost !== undefined) reward.pointsCost = pointsCost;
      if (changes.stock !== undefined) reward.stock = changes.stock;
      if (changes.active !== undefined && changes.active !== null) reward.active = changes.active;
      reward.updatedAt = this.clock.now();
      await manager.save(RewardRecord, reward);
      await this.audit.record(manager, context, { action: "reward.update", targetType: "reward", targetId: id, details: { pointsCost: reward.pointsCost, stock: reward.stock, active: reward.active } });
      return reward;
    });
  }

  /**
   * Pays the reward's cost from the member's points and takes one unit of stock, both or neither. The account is
   * locked before the reward, by every command, so two redemptions never wait on each other in a cycle.
   */
  redeem(context: ServiceContext, input: RedeemRewardInput, idempotencyKey: string): Promise<PointsCommandResult> {
    const storeCode = validOptionalStoreCode(input.storeCode, "input.storeCode");
    return this.points.run(context, "redeemReward", idempotencyKey, input, input.memberId, async (manager, locked, now, justExpired) => {
      const reward = await lockingRead(manager, RewardRecord, "reward").where("reward.id = :id", { id: input.rewardId }).getOne();
      if (!reward || !reward.active) throw notFound("This reward is not in the catalogue (any more): pick one from the rewards list.");
      if (reward.stock !== null && reward.stock <= 0) throw outOfStock(reward.code);
      const origin = this.points.origin(context, { reason: `Redeemed ${reward.nameZh} (${reward.code})`, source: "REWARD", sourceRef: reward.code, storeCode });
      const entry = await this.ledger.debit(manager, locked, "REDEEM", reward.pointsCost, origin, now, justExpired);
      if (reward.stock !== null) await manager.update(RewardRecord, { id: reward.id }, { stock: reward.stock - 1, updatedAt: now });
      const redemption = await manager.insert(RewardRedemptionRecord, {
        rewardId: reward.id, memberId: input.memberId, entryId: entry.id, points: reward.pointsCost, storeCode, partnerId: origin.partnerId, createdAt: now,
      });
      if (reward.kind === "BENEFIT" && reward.benefitCode) {
        await manager.insert(MemberBenefitRecord, {
          memberId: input.memberId, code: reward.benefitCode, reason: `Redeemed reward ${reward.code}`, validFrom: now,
          validUntil: addDays(now, reward.benefitValidDays ?? 1), grantedBy: `reward:${reward.code}`, createdAt: now,
        });
      }
      return { entries: [entry], rewardRedemptionId: Number(redemption.identifiers[0]?.id) };
    });
  }

  findRedemption(id: number): Promise<RewardRedemptionRecord | null> {
    return this.dataSource.getRepository(RewardRedemptionRecord).findOneBy({ id });
  }
}
