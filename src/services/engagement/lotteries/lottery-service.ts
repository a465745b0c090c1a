// Staff's side of lotteries: creating one with its committed seed and published prize table, changing what may
// change (texts, cost, daily limit, dates before they pass, stock), and ending it, which reveals the seed. Audited.
import { randomBytes } from "node:crypto";
import type { DataSource, EntityManager } from "typeorm";
import { describeActor } from "../../../auth/identity";
import type { Clock } from "../../../clock";
import { lockingRead, runInTransaction } from "../../../database/transactions";
import { seedCommitment } from "../../../engine/engagement/lotteries";
import { LotteryPrizeRecord, LotteryRecord } from "../../../entities";
import { badUserInput, conflict, notFound } from "../../../errors";
import type { PersonalDataCipher } from "../../../privacy/personal-data-cipher";
import type { AuditService } from "../../audit-service";
import { isUniqueViolation } from "../../idempotency-service";
import type { ServiceContext } from "../../service-context";
import { validCode, validCostPoints, validDailyLimit, validDescription, validPeriod, validPrizeTable, validStock, validTitle, type LotteryChanges, type NewLottery, type ValidPrize } from "./lottery-input";
import { lotteryStatus } from "./lottery-status";

/** One line of the prize table for the audit trail, which keeps details as flat values. */
function describePrize(prize: ValidPrize, position: number): string {
  const value = prize.kind === "BENEFIT" ? `${prize.benefitCode} for ${prize.validDays} days` : prize.kind === "COUPON" ? `${prize.value} fen for ${prize.validDays} days` : String(prize.value);
  return `${position}: ${prize.name} ${prize.kind} ${value}, weight ${prize.weight}, stock ${prize.stock ?? "unlimited"}`;
}

export class LotteryService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly cipher: PersonalDataCipher,
    private readonly audit: AuditService,
  ) {}

  async create(context: ServiceContext, input: NewLottery): Promise<LotteryRecord> {
    const now = this.clock.now();
    const code = validCode(input.code, "input.code", 32);
    const title = validTitle(input.title, "input.title");
    const description = validDescription(input.description, "input.description");
    const costPoints = validCostPoints(input.costPoints, "input.costPoints");
    const dailyLimit = validDailyLimit(input.dailyLimit, "input.dailyLimit");
    const startsAt = input.startsAt ?? now;
    validPeriod(startsAt, input.endsAt, now, "input.startsAt");
    const prizes = validPrizeTable(input.prizes, "input.prizes");
    // The seed is fixed, and committed to, before anyone can draw: nothing about a draw can be chosen later.
    const seed = randomBytes(32).toString("hex");
    const actor = describeActor(context.identity);
    try {
      return await runInTransaction(this.dataSource, async (manager) => {
        const lottery = manager.create(LotteryRecord, {
          code, title, description, costPoints, dailyLimit, startsAt, endsAt: input.endsAt,
          seedEncrypted: this.cipher.encrypt(seed), seedCommitment: seedCommitment(seed),
          createdBy: `${actor.actorType}:${actor.actorId ?? "-"}`.slice(0, 64), createdAt: now, updatedAt: now,
        });
        await manager.save(LotteryRecord, lottery);
        await manager.insert(LotteryPrizeRecord, prizes.map((prize, position) => ({ ...prize, lotteryId: lottery.id, position, awarded: 0 })));
        await this.audit.record(manager, context, {
          action: "lottery.create", targetType: "lottery", targetId: lottery.id,
          details: { code, costPoints, dailyLimit, startsAt: startsAt.toISOString(), endsAt: input.endsAt.toISOString(), seedCommitment: lottery.seedCommitment, prizes: prizes.map(describePrize) },
        });
        return lottery;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`A lottery with code ${code} already exists: choose another code.`);
      throw error;
    }
  }

  /**
   * Changes what may change. The prize table's odds and values are what members were shown, and the seed was
   * committed to with them: they never change (a different table is a new lottery). Once ended nothing but the
   * texts changes: the seed is public, so reopening would let anyone foresee every draw.
   */
  async update(context: ServiceContext, lotteryId: number, changes: LotteryChanges): Promise<LotteryRecord> {
    return runInTransaction(this.dataSource, async (manager) => {
      const now = this.clock.now();
      const lottery = await this.lockLottery(manager, lotteryId);
      const status = lotteryStatus(lottery, now);
      const changesTerms = [changes.costPoints, changes.dailyLimit, changes.startsAt, changes.endsAt, changes.prizeStocks].some((value) => value !== undefined && value !== null);
      if (status === "ENDED" && changesTerms) throw conflict("This lottery has ended and its seed is revealed: only its title and description can change.");
      if (changes.title !== undefined && changes.title !== null) lottery.title = validTitle(changes.title, "input.title");
      if (changes.description !== undefined) lottery.description = validDescription(changes.description, "input.description");
      if (changes.costPoints !== undefined && changes.costPoints !== null) lottery.costPoints = validCostPoints(changes.costPoints, "input.costPoints");
      if (changes.dailyLimit !== undefined && changes.dailyLimit !== null) lottery.dailyLimit = validDailyLimit(changes.dailyLimit, "input.dailyLimit");
      if (changes.startsAt !== undefined && changes.startsAt !== null) {
        if (status !== "UPCOMING") throw conflict("This lottery has started: its start cannot move any more.");
        lottery.startsAt = changes.startsAt;
      }
      if (changes.endsAt !== undefined && changes.endsAt !== null) lottery.endsAt = changes.endsAt;
      validPeriod(lottery.startsAt, lottery.endsAt, now, "input.startsAt");
      lottery.updatedAt = now;
      await manager.update(LotteryRecord, { id: lottery.id }, { title: lottery.title, description: lottery.description, costPoints: lottery.costPoints, dailyLimit: lottery.dailyLimit, startsAt: lottery.startsAt, endsAt: lottery.endsAt, updatedAt: now });
      const restocked = await this.restock(manager, lottery.id, changes.prizeStocks ?? []);
      await this.audit.record(manager, context, {
        action: "lottery.update", targetType: "lottery", targetId: lottery.id,
        details: { title: lottery.title, costPoints: lottery.costPoints, dailyLimit: lottery.dailyLimit, startsAt: lottery.startsAt.toISOString(), endsAt: lottery.endsAt.toISOString(), restocked: restocked.map(({ prizeId, from, to }) => `prize ${prizeId}: ${from ?? "unlimited"} -> ${to ?? "unlimited"}`) },
      });
      return lottery;
    });
  }

  /** Ends the lottery now: no more draws, and its seed is revealed so every draw can be recomputed. */
  async end(context: ServiceContext, lotteryId: number): Promise<LotteryRecord> {
    return runInTransaction(this.dataSource, async (manager) => {
      const now = this.clock.now();
      const lottery = await this.lockLottery(manager, lotteryId);
      if (lotteryStatus(lottery, now) === "ENDED") throw conflict("This lottery has already ended.");
      // A lottery ended before it started has no draws; it starts and ends now.
      if (lottery.startsAt.getTime() > now.getTime()) lottery.startsAt = now;
      lottery.endsAt = now;
      lottery.updatedAt = now;
      await manager.update(LotteryRecord, { id: lottery.id }, { startsAt: lottery.startsAt, endsAt: now, updatedAt: now });
      await this.audit.record(manager, context, { action: "lottery.end", targetType: "lottery", targetId: lottery.id, details: { endedAt: now.toISOString() } });
      return lottery;
    });
  }

  private async lockLottery(manager: EntityManager, lotteryId: number): Promise<LotteryRecord> {
    const lottery = await lockingRead(manager, LotteryRecord, "lottery").where("lottery.id = :lotteryId", { lotteryId }).getOne();
    if (!lottery) throw notFound("No lottery has this id.");
    return lottery;
  }

  /** Sets prizes' stock under the same row locks draws take (after the lottery's row, which draws do not lock). */
  private async restock(manager: EntityManager, lotteryId: number, stocks: { prizeId: number; stock: number | null }[]): Promise<{ prizeId: number; from: number | null; to: number | null }[]> {
    if (stocks.length === 0) return [];
    const prizes = await lockingRead(manager, LotteryPrizeRecord, "prize").where("prize.lotteryId = :lotteryId", { lotteryId }).orderBy("prize.position", "ASC").getMany();
    const changes: { prizeId: number; from: number | null; to: number | null }[] = [];
    for (const [index, { prizeId, stock }] of stocks.entries()) {
      const field = `input.prizeStocks[${index}]`;
      const prize = prizes.find((candidate) => candidate.id === prizeId);
      if (!prize) throw badUserInput(`${field}.prizeId is not a prize of this lottery: use the id of one of its prizes.`, `${field}.prizeId`);
      if (prize.kind === "NOTHING") throw badUserInput(`${field}.prizeId is the NOTHING prize, which has no stock.`, `${field}.prizeId`);
      const to = validStock(stock, `${field}.stock`);
      await manager.update(LotteryPrizeRecord, { id: prize.id }, { stock: to });
      changes.push({ prizeId, from: prize.stock, to });
    }
    return changes;
  }
}
