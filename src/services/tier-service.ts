import { runInTransaction } from "../database/transactions";
import type { DataSource } from "typeorm";
import type { Clock } from "../clock";
import { TierRecord } from "../entities";

/** The ladder a new installation starts with; operators change it as data. Spend in fen. */
export const defaultTierLadder = [
  { code: "REGULAR", nameZh: "普通", nameEn: "Regular", rank: 0, qualifyingSpend: 0, pointsMultiplierPercent: 100, baseBenefits: ["MEMBER_PRICE", "BIRTHDAY_GIFT"] },
  { code: "SILVER", nameZh: "银卡", nameEn: "Silver", rank: 1, qualifyingSpend: 300_000, pointsMultiplierPercent: 120, baseBenefits: ["MEMBER_PRICE", "BIRTHDAY_GIFT", "DISCOUNT_5_PERCENT"] },
  { code: "GOLD", nameZh: "金卡", nameEn: "Gold", rank: 2, qualifyingSpend: 1_000_000, pointsMultiplierPercent: 150, baseBenefits: ["MEMBER_PRICE", "BIRTHDAY_GIFT", "DISCOUNT_10_PERCENT", "FREE_SHIPPING"] },
  { code: "DIAMOND", nameZh: "钻石", nameEn: "Diamond", rank: 3, qualifyingSpend: 3_000_000, pointsMultiplierPercent: 200, baseBenefits: ["MEMBER_PRICE", "BIRTHDAY_GIFT", "DISCOUNT_15_PERCENT", "FREE_SHIPPING", "VIP_CHANNEL", "EXCLUSIVE_SERVICE"] },
] as const;

export class TierService {
  constructor(private readonly dataSource: DataSource, private readonly clock: Clock) {}

  list(): Promise<TierRecord[]> {
    return this.dataSource.getRepository(TierRecord).find({ order: { rank: "ASC" } });
  }

  findById(id: number): Promise<TierRecord | null> {
    return this.dataSource.getRepository(TierRecord).findOneBy({ id });
  }

  /** The entry tier new members join at: the lowest rank. */
  async entryTier(): Promise<TierRecord> {
    const [tier] = await this.dataSource.getRepository(TierRecord).find({ order: { rank: "ASC" }, take: 1 });
    if (!tier) throw new Error("The tier ladder is empty: start the server once or run `npm run seed` to create the default ladder.");
    return tier;
  }

  /** Fills an empty ladder with the default; an existing ladder, however edited, is left alone. */
  async ensureDefaultLadder(): Promise<void> {
    await runInTransaction(this.dataSource, async (manager) => {
      if ((await manager.count(TierRecord)) > 0) return;
      const now = this.clock.now();
      await manager.insert(
        TierRecord,
        defaultTierLadder.map((tier) => ({ ...tier, baseBenefits: [...tier.baseBenefits], createdAt: now, updatedAt: now })),
      );
    });
  }
}
