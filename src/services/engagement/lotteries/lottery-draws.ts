// A member's draw: pays the cost through the points ledger, keeps to the daily limit, derives the random number
// from the lottery's seed, takes the prize from stock and gives it, and records the draw, all in one transaction
// behind the member's account lock (the ledger's lock order: the account first, then the lottery's prize rows).
// Idempotent per key: a double tap gets the first draw back.
import { randomBytes } from "node:crypto";
import type { EntityManager } from "typeorm";
import { lockingRead } from "../../../database/transactions";
import { addDays, localDayNumber } from "../../../engine";
import { drawOutcome, drawRandomBits } from "../../../engine/engagement/lotteries";
import { CouponRecord, LotteryDrawRecord, LotteryPrizeRecord, LotteryRecord, MemberBenefitRecord, type PointEntryRecord } from "../../../entities";
import { notEligible, notFound } from "../../../errors";
import type { PersonalDataCipher } from "../../../privacy/personal-data-cipher";
import type { PointsLedger, LockedAccount } from "../../points/points-ledger";
import type { PointsCommandResult, PointsService } from "../../points/points-service";
import type { ServiceContext } from "../../service-context";
import { lotteryStatus } from "./lottery-status";

/** The points command's outcome, with the draw made (or, for a retry, the draw first made). */
export type DrawResult = PointsCommandResult & { lotteryDrawId: number };

/** What a prize gave, to be recorded on the draw. */
interface Grant {
  entries: PointEntryRecord[];
  prizeEntryId: number | null;
  couponId: number | null;
  memberBenefitId: number | null;
}

export class LotteryDraws {
  constructor(
    private readonly points: PointsService,
    private readonly ledger: PointsLedger,
    private readonly cipher: PersonalDataCipher,
    private readonly utcOffsetMinutes: number,
  ) {}

  async draw(context: ServiceContext, memberId: number, lotteryId: number, idempotencyKey: string): Promise<DrawResult> {
    const command = await this.points.run(context, "drawLottery", idempotencyKey, { lotteryId, memberId }, memberId, async (manager, locked, now, justExpired) => {
      // Every draw of this lottery waits here for the one before it: stock is read and taken under this lock.
      const prizes = await lockingRead(manager, LotteryPrizeRecord, "prize").where("prize.lotteryId = :lotteryId", { lotteryId }).orderBy("prize.position", "ASC").getMany();
      const lottery = await manager.findOneBy(LotteryRecord, { id: lotteryId });
      if (!lottery || prizes.length === 0) throw notFound("No lottery has this id: pick one from lotteries.");
      const status = lotteryStatus(lottery, now);
      if (status === "UPCOMING") throw notEligible(`This lottery opens at ${lottery.startsAt.toISOString()}: draw from then on.`, "NOT_STARTED");
      if (status === "ENDED") throw notEligible("This lottery has ended: no more draws.", "ENDED");

      const day = localDayNumber(now, this.utcOffsetMinutes);
      const { lastDrawNumber, drawsToday } = await this.memberDraws(manager, lotteryId, memberId, day);
      if (drawsToday >= lottery.dailyLimit) {
        throw notEligible(`You have drawn ${drawsToday} times today, the most this lottery allows a day: draw again tomorrow (from midnight, programme time).`, "DAILY_LIMIT_REACHED");
      }
      const drawNumber = lastDrawNumber + 1;
      const sourceRef = `${lottery.code}:${memberId}:${drawNumber}`;
      const entries: PointEntryRecord[] = [];
      let costEntryId: number | null = null;
      if (lottery.costPoints > 0) {
        const origin = this.points.origin(context, { reason: `Lottery draw: ${lottery.title} (${lottery.code})`, source: "LOTTERY", sourceRef, storeCode: null });
        const entry = await this.ledger.debit(manager, locked, "REDEEM", lottery.costPoints, origin, now, justExpired);
        entries.push(entry);
        costEntryId = entry.id;
      }

      const randomBits = drawRandomBits(this.cipher.decrypt(lottery.seedEncrypted), lottery.id, memberId, drawNumber);
      const outcome = drawOutcome(prizes, randomBits);
      const drawn = prizes[outcome.drawnIndex];
      const prize = prizes[outcome.awardedIndex];
      await manager.update(LotteryPrizeRecord, { id: prize.id }, { awarded: prize.awarded + 1, stock: prize.stock === null ? null : prize.stock - 1 });
      const grant = await this.grant(manager, context, locked, lottery, prize, memberId, sourceRef, now);
      entries.push(...grant.entries);

      const draw = manager.create(LotteryDrawRecord, {
        lotteryId, memberId, drawNumber, localDay: day, randomBits, drawnPrizeId: drawn.id, prizeId: prize.id, stockBefore: outcome.stockBefore,
        costPoints: lottery.costPoints, costEntryId, prizeEntryId: grant.prizeEntryId, couponId: grant.couponId, memberBenefitId: grant.memberBenefitId, drawnAt: now,
      });
      draw.id = Number((await manager.insert(LotteryDrawRecord, draw)).identifiers[0]?.id);
      return { entries, lotteryDrawId: draw.id };
    });
    // A replayed double tap carries the first draw's id: the member sees that draw again.
    return { ...command, lotteryDrawId: command.lotteryDrawId! };
  }

  /** The member's draws in this lottery so far: the last draw number, and how many fall on the given local day. */
  private async memberDraws(manager: EntityManager, lotteryId: number, memberId: number, day: number): Promise<{ lastDrawNumber: number; drawsToday: number }> {
    const row = await manager
      .getRepository(LotteryDrawRecord)
      .createQueryBuilder("draw")
      .select("MAX(draw.drawNumber)", "lastDrawNumber")
      .addSelect("SUM(CASE WHEN draw.localDay = :day THEN 1 ELSE 0 END)", "drawsToday")
      .where("draw.lotteryId = :lotteryId AND draw.memberId = :memberId", { lotteryId, memberId, day })
      .getRawOne<{ lastDrawNumber: number | string | null; drawsToday: number | string | null }>();
    return { lastDrawNumber: Number(row?.lastDrawNumber ?? 0), drawsToday: Number(row?.drawsToday ?? 0) };
  }

  private async grant(manager: EntityManager, context: ServiceContext, locked: LockedAccount, lottery: LotteryRecord, prize: LotteryPrizeRecord, memberId: number, sourceRef: string, now: Date): Promise<Grant> {
    const none: Grant = { entries: [], prizeEntryId: null, couponId: null, memberBenefitId: null };
    switch (prize.kind) {
      case "NOTHING":
        return none;
      case "POINTS": {
        const origin = this.points.origin(context, { reason: `Lottery prize: ${prize.name} (${lottery.code})`, source: "LOTTERY", sourceRef, storeCode: null });
        const entries = await this.ledger.credit(manager, locked, "EARN", prize.value, origin, now);
        return { ...none, entries, prizeEntryId: entries[0].id };
      }
      case "COUPON": {
        // 64 random bits, as campaigns' coupons: a collision fails the draw (retried with a new key), negligibly rarely.
        const code = randomBytes(8).toString("hex").toUpperCase();
        const inserted = await manager.insert(CouponRecord, { code, campaignId: null, lotteryId: lottery.id, memberId, value: prize.value, validFrom: now, validUntil: addDays(now, prize.validDays ?? 30), redeemedAt: null, createdAt: now });
        return { ...none, couponId: Number(inserted.identifiers[0]?.id) };
      }
      case "BENEFIT": {
        const inserted = await manager.insert(MemberBenefitRecord, {
          memberId, code: prize.benefitCode!, reason: `Lottery prize: ${prize.name} (${lottery.code})`, validFrom: now,
          validUntil: addDays(now, prize.validDays ?? 30), grantedBy: `lottery:${lottery.code}`.slice(0, 48), createdAt: now,
        });
        return { ...none, memberBenefitId: Number(inserted.identifiers[0]?.id) };
      }
    }
  }
}
