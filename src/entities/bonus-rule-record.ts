import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import { integerAsBoolean } from "./column-types";

/** Extra points for a category, a channel or a period (double-points days); every condition set must match. */
@Entity({ name: "bonus_rules" })
export class BonusRuleRecord {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ type: "varchar", length: 32, unique: true })
  code: string;

  @Column({ name: "name_zh", type: "varchar", length: 64 })
  nameZh: string;

  @Column({ name: "name_en", type: "varchar", length: 64 })
  nameEn: string;

  @Column({ type: "varchar", length: 32, nullable: true })
  category: string | null;

  @Column({ type: "varchar", length: 16, nullable: true })
  channel: string | null;

  /** 200 adds as many points again as the base rate gives (double points). */
  @Column({ name: "multiplier_percent", type: "integer" })
  multiplierPercent: number;

  @Column({ name: "starts_at", type: "datetime", precision: 3, nullable: true })
  startsAt: Date | null;

  @Column({ name: "ends_at", type: "datetime", precision: 3, nullable: true })
  endsAt: Date | null;

  @Column({ type: "boolean", default: true, transformer: integerAsBoolean })
  active: boolean;

  @Column({ name: "created_at", type: "datetime", precision: 3 })
  createdAt: Date;
}
