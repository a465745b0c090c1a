// Reads of lotteries for the API: the lists members and staff see, prize tables, draws a page at a time, how many
// draws a member has left today, and the seed once it may be revealed.
import { In, type DataSource } from "typeorm";
import type { Clock } from "../../../clock";
import { localDayNumber } from "../../../engine";
import { CouponRecord, LotteryDrawRecord, LotteryPrizeRecord, LotteryRecord } from "../../../entities";
import type { PersonalDataCipher } from "../../../privacy/personal-data-cipher";
import { lotteryStatus, type LotteryStatus } from "./lottery-status";

/** A draw with what showing it needs: its lottery, the lottery's prize table and the coupon it gave. */
export interface DescribedDraw {
  draw: LotteryDrawRecord;
  lottery: LotteryRecord;
  prizes: LotteryPrizeRecord[];
  coupon: CouponRecord | null;
}

export class LotteryReader {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly cipher: PersonalDataCipher,
    private readonly utcOffsetMinutes: number,
  ) {}

  /**
   * Lotteries in the given states: those not ended first, ending soonest first, then (when asked) ended ones, the
   * most recently ended first; at most 100 of each.
   */
  async list(statuses: readonly LotteryStatus[]): Promise<LotteryRecord[]> {
    const now = this.clock.now();
    const repository = this.dataSource.getRepository(LotteryRecord);
    const open = await repository.createQueryBuilder("lottery").where("lottery.endsAt > :now", { now }).orderBy("lottery.endsAt", "ASC").addOrderBy("lottery.id", "ASC").limit(100).getMany();
    const ended = statuses.includes("ENDED")
      ? await repository.createQueryBuilder("lottery").where("lottery.endsAt <= :now", { now }).orderBy("lottery.endsAt", "DESC").addOrderBy("lottery.id", "DESC").limit(100).getMany()
      : [];
    return [...open.filter((record) => statuses.includes(lotteryStatus(record, now))), ...ended];
  }

  byId(id: number): Promise<LotteryRecord | null> {
    return this.dataSource.getRepository(LotteryRecord).findOneBy({ id });
  }

  prizes(lotteryId: number): Promise<LotteryPrizeRecord[]> {
    return this.dataSource.getRepository(LotteryPrizeRecord).find({ where: { lotteryId }, order: { position: "ASC" } });
  }

  /** The seed, once the lottery has ended; null before. */
  revealedSeed(lottery: LotteryRecord): string | null {
    return lotteryStatus(lottery, this.clock.now()) === "ENDED" ? this.cipher.decrypt(lottery.seedEncrypted) : null;
  }

  /** Draws the member may still make today (the programme's local day); 0 when the lottery is not open. */
  async drawsLeftToday(lottery: LotteryRecord, memberId: number): Promise<number> {
    const now = this.clock.now();
    if (lotteryStatus(lottery, now) !== "ACTIVE") return 0;
    const drawsToday = await this.dataSource.getRepository(LotteryDrawRecord).countBy({ lotteryId: lottery.id, memberId, localDay: localDayNumber(now, this.utcOffsetMinutes) });
    return Math.max(0, lottery.dailyLimit - drawsToday);
  }

  drawCount(lotteryId: number): Promise<number> {
    return this.dataSource.getRepository(LotteryDrawRecord).countBy({ lotteryId });
  }

  /** A page of draws, newest first, of a lottery and/or a member, after the draw id `afterId`; one more than asked tells whether a next page exists. */
  async drawPage(filter: { lotteryId?: number | null; memberId?: number | null }, first: number, afterId: number | null): Promise<{ draws: DescribedDraw[]; hasNextPage: boolean }> {
    const query = this.dataSource.getRepository(LotteryDrawRecord).createQueryBuilder("draw").where("1 = 1");
    if (filter.lotteryId) query.andWhere("draw.lotteryId = :lotteryId", { lotteryId: filter.lotteryId });
    if (filter.memberId) query.andWhere("draw.memberId = :memberId", { memberId: filter.memberId });
    if (afterId !== null) query.andWhere("draw.id < :afterId", { afterId });
    const records = await query.orderBy("draw.id", "DESC").limit(first + 1).getMany();
    const page = records.slice(0, first);
    return { draws: await this.describe(page), hasNextPage: records.length > first };
  }

  async drawById(id: number): Promise<DescribedDraw | null> {
    const draw = await this.dataSource.getRepository(LotteryDrawRecord).findOneBy({ id });
    return draw ? (await this.describe([draw]))[0] : null;
  }

  /** Three reads for a whole page: the lotteries, their prize tables, the coupons won. */
  private async describe(draws: LotteryDrawRecord[]): Promise<DescribedDraw[]> {
    if (draws.length === 0) return [];
    const lotteryIds = [...new Set(draws.map((draw) => draw.lotteryId))];
    const lotteries = new Map((await this.dataSource.getRepository(LotteryRecord).findBy({ id: In(lotteryIds) })).map((lottery) => [lottery.id, lottery]));
    const prizes = await this.dataSource.getRepository(LotteryPrizeRecord).find({ where: { lotteryId: In(lotteryIds) }, order: { position: "ASC" } });
    const couponIds = draws.flatMap((draw) => (draw.couponId === null ? [] : [draw.couponId]));
    const coupons = new Map(couponIds.length === 0 ? [] : (await this.dataSource.getRepository(CouponRecord).findBy({ id: In(couponIds) })).map((coupon) => [coupon.id, coupon]));
    return draws.map((draw) => ({
      draw,
      lottery: lotteries.get(draw.lotteryId)!,
      prizes: prizes.filter((prize) => prize.lotteryId === draw.lotteryId),
      coupon: draw.couponId === null ? null : (coupons.get(draw.couponId) ?? null),
    }));
  }
}
