import { Column, Entity, PrimaryColumn } from "typeorm";
import { bigintAsNumber } from "./column-types";

/**
 * A member's points totals, cached from the ledger and changed only in the same transaction as the entries that
 * explain them. Commands lock this row first, so one member's commands run one at a time.
 */
@Entity({ name: "point_accounts" })
export class PointAccountRecord {
  @PrimaryColumn({ name: "member_id", type: "integer" })
  memberId: number;

  /** The sum of every ledger entry's amount; never negative. */
  @Column({ type: "bigint", transformer: bigintAsNumber })
  balance: number;

  /** Points clawed back that the balance could not cover; later incoming points pay it off first. */
  @Column({ type: "bigint", transformer: bigintAsNumber })
  debt: number;

  @Column({ name: "lifetime_earned", type: "bigint", transformer: bigintAsNumber })
  lifetimeEarned: number;

  @Column({ name: "updated_at", type: "datetime", precision: 3 })
  updatedAt: Date;

  /**
   * The groups the member's points count in for POINTS_LIABILITY by a breakdown (channel|cityTier|tierId|segments,
   * src/engine/analytics/points-by-group.ts), changed only under this row's lock. Null only on rows no service wrote.
   */
  @Column({ name: "kpi_groups", type: "varchar", length: 1000, nullable: true })
  kpiGroups: string | null;
}
