import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import { bigintAsNumber } from "./column-types";

/** POINTS through the ledger, a COUPON (fen), a BENEFIT (member_benefits), or NOTHING: "thanks for playing" (谢谢参与). */
export const lotteryPrizeKinds = ["POINTS", "COUPON", "BENEFIT", "NOTHING"] as const;
export type LotteryPrizeKind = (typeof lotteryPrizeKinds)[number];

/** A lottery (抽奖): a published prize table, a cost per draw, a daily limit per member, and a committed seed. */
@Entity({ name: "lotteries" })
@Index("idx_lotteries_ends", ["endsAt", "id"])
export class LotteryRecord {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ type: "varchar", length: 32, unique: true })
  code: string;

  @Column({ type: "varchar", length: 64 })
  title: string;

  @Column({ type: "varchar", length: 500, nullable: true })
  description: string | null;

  @Column({ name: "cost_points", type: "integer" })
  costPoints: number;

  /** Draws per member per local day (the programme's time zone). */
  @Column({ name: "daily_limit", type: "integer" })
  dailyLimit: number;

  @Column({ name: "starts_at", type: "datetime", precision: 3 })
  startsAt: Date;

  /** Exclusive. The seed is revealed from this instant on; ending a lottery early moves it to then. */
  @Column({ name: "ends_at", type: "datetime", precision: 3 })
  endsAt: Date;

  /** The secret seed (64 hex digits), encrypted like personal data: whoever reads it could foresee every draw. */
  @Column({ name: "seed_encrypted", type: "varchar", length: 255 })
  seedEncrypted: string;

  /** SHA-256 of the seed's bytes, hex: published from the start. */
  @Column({ name: "seed_commitment", type: "varchar", length: 64 })
  seedCommitment: string;

  @Column({ name: "created_by", type: "varchar", length: 64, nullable: true })
  createdBy: string | null;

  @Column({ name: "created_at", type: "datetime", precision: 3 })
  createdAt: Date;

  @Column({ name: "updated_at", type: "datetime", precision: 3 })
  updatedAt: Date;
}

/** One line of a lottery's prize table, in its published position; only the stock changes after creation. */
@Entity({ name: "lottery_prizes" })
@Index("uq_lottery_prizes_position", ["lotteryId", "position"], { unique: true })
export class LotteryPrizeRecord {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ name: "lottery_id", type: "integer" })
  lotteryId: number;

  /** 0-based place in the table: the random number is laid over the weights in this order. */
  @Column({ type: "integer" })
  position: number;

  @Column({ type: "varchar", length: 64 })
  name: string;

  @Column({ type: "varchar", length: 16 })
  kind: LotteryPrizeKind;

  /** POINTS: points; COUPON: fen; BENEFIT and NOTHING: 0. */
  @Column({ type: "bigint", transformer: bigintAsNumber })
  value: number;

  /** BENEFIT: the benefit code granted. */
  @Column({ name: "benefit_code", type: "varchar", length: 64, nullable: true })
  benefitCode: string | null;

  /** COUPON and BENEFIT: days valid from the draw. */
  @Column({ name: "valid_days", type: "integer", nullable: true })
  validDays: number | null;

  @Column({ type: "integer" })
  weight: number;

  /** Units left; null: unlimited (always for NOTHING). Never below zero. */
  @Column({ type: "integer", nullable: true })
  stock: number | null;

  /** Draws that won this prize. */
  @Column({ type: "integer" })
  awarded: number;
}

/** One draw, with everything needed to recompute it from the seed once revealed. Never updated. */
@Entity({ name: "lottery_draws" })
@Index("uq_lottery_draws_number", ["lotteryId", "memberId", "drawNumber"], { unique: true })
@Index("idx_lottery_draws_member", ["memberId", "id"])
@Index("idx_lottery_draws_lottery", ["lotteryId", "id"])
export class LotteryDrawRecord {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ name: "lottery_id", type: "integer" })
  lotteryId: number;

  @Column({ name: "member_id", type: "integer" })
  memberId: number;

  /** The member's nth draw in this lottery, from 1: part of the random number's input. */
  @Column({ name: "draw_number", type: "integer" })
  drawNumber: number;

  /** The local day (days since 1970-01-01 in the programme's time zone) the draw counts against. */
  @Column({ name: "local_day", type: "integer" })
  localDay: number;

  /** The random number's 52 bits as an integer; the number itself is this / 2^52. */
  @Column({ name: "random_bits", type: "bigint", transformer: bigintAsNumber })
  randomBits: number;

  /** The prize the random number fell on. */
  @Column({ name: "drawn_prize_id", type: "integer" })
  drawnPrizeId: number;

  /** The prize given: the drawn one, or the NOTHING prize when the drawn one was out of stock. */
  @Column({ name: "prize_id", type: "integer" })
  prizeId: number;

  /** The drawn prize's stock just before this draw; null: unlimited. */
  @Column({ name: "stock_before", type: "integer", nullable: true })
  stockBefore: number | null;

  @Column({ name: "cost_points", type: "integer" })
  costPoints: number;

  /** The ledger entry that paid for the draw (null when free). */
  @Column({ name: "cost_entry_id", type: "integer", nullable: true })
  costEntryId: number | null;

  /** The ledger entry of a POINTS prize. */
  @Column({ name: "prize_entry_id", type: "integer", nullable: true })
  prizeEntryId: number | null;

  @Column({ name: "coupon_id", type: "integer", nullable: true })
  couponId: number | null;

  @Column({ name: "member_benefit_id", type: "integer", nullable: true })
  memberBenefitId: number | null;

  @Column({ name: "drawn_at", type: "datetime", precision: 3 })
  drawnAt: Date;
}
