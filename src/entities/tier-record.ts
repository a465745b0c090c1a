import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import { bigintAsNumber } from "./column-types";

/** One rung of the tier ladder (普通, 银卡, 金卡, 钻石 by default); the ladder is data, not code. */
@Entity({ name: "tiers" })
export class TierRecord {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ type: "varchar", length: 32, unique: true })
  code: string;

  @Column({ name: "name_zh", type: "varchar", length: 64 })
  nameZh: string;

  @Column({ name: "name_en", type: "varchar", length: 64 })
  nameEn: string;

  /** 0 for the entry tier; a higher rank is a better tier. */
  @Column({ type: "integer", unique: true })
  rank: number;

  /** Qualifying spend in the rolling window, in minor units (fen). */
  @Column({ name: "qualifying_spend", type: "bigint", transformer: bigintAsNumber })
  qualifyingSpend: number;

  /** Points multiplier in percent: 150 earns 1.5 times the base rate. */
  @Column({ name: "points_multiplier_percent", type: "integer" })
  pointsMultiplierPercent: number;

  /** Base benefits every member of the tier holds (codes such as BIRTHDAY_GIFT). */
  @Column({ name: "base_benefits", type: "simple-json" })
  baseBenefits: string[];

  @Column({ name: "created_at", type: "datetime", precision: 3 })
  createdAt: Date;

  @Column({ name: "updated_at", type: "datetime", precision: 3 })
  updatedAt: Date;
}
