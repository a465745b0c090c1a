import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import { integerAsBoolean } from "./column-types";

export const rewardKinds = ["COUPON", "GIFT", "BENEFIT"] as const;
export type RewardKind = (typeof rewardKinds)[number];

/** An item of the rewards catalogue members redeem points for. */
@Entity({ name: "rewards" })
export class RewardRecord {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ type: "varchar", length: 32, unique: true })
  code: string;

  @Column({ name: "name_zh", type: "varchar", length: 64 })
  nameZh: string;

  @Column({ name: "name_en", type: "varchar", length: 64 })
  nameEn: string;

  @Column({ type: "varchar", length: 16 })
  kind: RewardKind;

  @Column({ name: "points_cost", type: "integer" })
  pointsCost: number;

  /** Units left; null means unlimited. */
  @Column({ type: "integer", nullable: true })
  stock: number | null;

  /** For BENEFIT rewards: the benefit granted to the member, and for how many days. */
  @Column({ name: "benefit_code", type: "varchar", length: 64, nullable: true })
  benefitCode: string | null;

  @Column({ name: "benefit_valid_days", type: "integer", nullable: true })
  benefitValidDays: number | null;

  @Column({ type: "boolean", default: true, transformer: integerAsBoolean })
  active: boolean;

  @Column({ name: "partner_id", type: "integer", nullable: true })
  partnerId: number | null;

  @Column({ name: "created_at", type: "datetime", precision: 3 })
  createdAt: Date;

  @Column({ name: "updated_at", type: "datetime", precision: 3 })
  updatedAt: Date;
}
