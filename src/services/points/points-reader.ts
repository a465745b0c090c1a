// Reads of a member's points for the app and the consoles: totals, period sums, what expires soon, history.
import { In, type DataSource } from "typeorm";
import type { Clock } from "../../clock";
import type { ProgrammeSettings } from "../../config";
import { addDays, periodStart, type PointsPeriod } from "../../engine";
import { PointAccountRecord, PointEntryRecord, PointLotRecord, type PointEntryType } from "../../entities";
import { badUserInput } from "../../errors";

export interface ExpiringPoints {
  points: number;
  /** Grouped by expiry instant, soonest first. */
  batches: { points: number; expiresAt: Date }[];
}

export interface EntryPage {
  records: PointEntryRecord[];
  hasNextPage: boolean;
}

export class PointsReader {
  constructor(private readonly dataSource: DataSource, private readonly clock: Clock, private readonly settings: ProgrammeSettings) {}

  account(memberId: number): Promise<PointAccountRecord | null> {
    return this.dataSource.getRepository(PointAccountRecord).findOneBy({ memberId });
  }

  /** Points earned (EARN entries) since the start of the period. */
  async periodEarned(memberId: number, period: PointsPeriod): Promise<number> {
    const now = this.clock.now();
    const row = await this.dataSource
      .getRepository(PointEntryRecord)
      .createQueryBuilder("entry")
      .select("COALESCE(SUM(entry.amount), 0)", "earned")
      .where("entry.memberId = :memberId AND entry.type = 'EARN' AND entry.createdAt >= :from", { memberId, from: periodStart(period, now, this.settings.utcOffsetMinutes) })
      .getRawOne<{ earned: string | number }>();
    return Number(row?.earned ?? 0);
  }

  /** Points in lots that expire within `days` from now; lots already past expiry are the expiry job's. */
  async expiringSoon(memberId: number, days: number): Promise<ExpiringPoints> {
    if (!Number.isInteger(days) || days < 1 || days > 366) throw badUserInput("days must be from 1 to 366.", "days");
    const now = this.clock.now();
    const lots = await this.dataSource
      .getRepository(PointLotRecord)
      .createQueryBuilder("lot")
      .where("lot.memberId = :memberId AND lot.remaining > 0 AND lot.expiresAt > :now AND lot.expiresAt <= :until", { memberId, now, until: addDays(now, days) })
      .orderBy("lot.expiresAt", "ASC")
      .getMany();
    const batches: ExpiringPoints["batches"] = [];
    for (const lot of lots) {
      const last = batches[batches.length - 1];
      if (last && last.expiresAt.getTime() === lot.expiresAt.getTime()) last.points += lot.remaining;
      else batches.push({ points: lot.remaining, expiresAt: lot.expiresAt });
    }
    return { points: batches.reduce((sum, batch) => sum + batch.points, 0), batches };
  }

  /** Newest first, keyset-paged by entry id. */
  async history(memberId: number, first: number, beforeId: number | null, type: PointEntryType | null): Promise<EntryPage> {
    const query = this.dataSource.getRepository(PointEntryRecord).createQueryBuilder("entry").where("entry.memberId = :memberId", { memberId });
    if (type) query.andWhere("entry.type = :type", { type });
    if (beforeId !== null) query.andWhere("entry.id < :beforeId", { beforeId });
    const rows = await query.orderBy("entry.id", "DESC").limit(first + 1).getMany();
    return { records: rows.slice(0, first), hasNextPage: rows.length > first };
  }

  findEntries(ids: readonly number[]): Promise<PointEntryRecord[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.dataSource.getRepository(PointEntryRecord).find({ where: { id: In([...ids]) }, order: { id: "ASC" } });
  }
}
