import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from "typeorm";
import type { CheckInMilestone } from "../engine/engagement/check-ins";

/** One member's check-in on one local day of the programme's time zone. */
@Entity({ name: "check_ins" })
export class CheckInRecord {
  @PrimaryColumn({ name: "member_id", type: "integer" })
  memberId: number;

  /** Days since 1970-01-01 in the programme's time zone. */
  @PrimaryColumn({ name: "local_day", type: "integer" })
  localDay: number;

  @Column({ type: "integer" })
  streak: number;

  @Column({ type: "integer" })
  points: number;

  @Column({ name: "bonus_points", type: "integer" })
  bonusPoints: number;

  @Column({ name: "checked_in_at", type: "datetime", precision: 3 })
  checkedInAt: Date;
}

/** The check-in rule from `createdAt` on; the newest row is in force. */
@Entity({ name: "check_in_rules" })
export class CheckInRuleRecord {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ name: "base_points", type: "integer" })
  basePoints: number;

  @Column({ type: "simple-json" })
  milestones: CheckInMilestone[];

  @Column({ name: "created_by", type: "varchar", length: 64 })
  createdBy: string;

  @Column({ name: "created_at", type: "datetime", precision: 3 })
  createdAt: Date;
}
