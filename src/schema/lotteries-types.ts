// Lotteries (抽奖) in the graph: the published prize table with odds and stock, the seed commitment (and the seed
// once revealed), draws with what recomputing them needs, and staff's inputs.
import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { currentOdds, drawMessage } from "../engine/engagement/lotteries";
import { lotteryPrizeKinds, type LotteryDrawRecord, type LotteryPrizeKind, type LotteryPrizeRecord, type LotteryRecord } from "../entities";
import { lotteryStatuses } from "../services/engagement/lotteries/lottery-status";
import type { DescribedDraw } from "../services/engagement/lotteries/lottery-reader";
import { Coupon } from "./campaign-types";
import { connectionTypes } from "./connection";
import { enumObject } from "./enums";
import { toGlobalId } from "./global-id";

export const LotteryPrizeKindEnum = enumObject(lotteryPrizeKinds);
export const LotteryStatusEnum = enumObject(lotteryStatuses);
registerEnumType(LotteryPrizeKindEnum, {
  name: "LotteryPrizeKind",
  description: "POINTS (积分, through the ledger), COUPON (优惠券, value in fen), BENEFIT (权益, shown in member.benefits), NOTHING (谢谢参与: thanks for playing).",
});
registerEnumType(LotteryStatusEnum, { name: "LotteryStatus", description: "UPCOMING before startsAt, ACTIVE until endsAt, ENDED after (the seed is revealed)." });

@ObjectType({ simpleResolvers: true, description: "A line of a lottery's published prize table." })
export class LotteryPrize {
  @Field(() => ID)
  id: string;

  @Field(() => Int, { description: "Place in the table from 0: the random number is laid over the weights in this order." })
  position: number;

  @Field()
  name: string;

  @Field(() => LotteryPrizeKindEnum)
  kind: LotteryPrizeKind;

  @Field(() => Int, { description: "POINTS: points; COUPON: fen; 0 for BENEFIT and NOTHING." })
  value: number;

  @Field(() => String, { nullable: true, description: "BENEFIT: the benefit granted." })
  benefitCode: string | null;

  @Field(() => Int, { nullable: true, description: "COUPON and BENEFIT: days valid from the draw." })
  validDays: number | null;

  @Field(() => Int)
  weight: number;

  @Field(() => Float, { description: "Published chance of a draw falling on this prize: weight / total weight." })
  odds: number;

  @Field(() => Float, { description: "Chance of winning it on the next draw with the stock now: 0 once out of stock, whose share goes to NOTHING." })
  currentOdds: number;

  @Field(() => Int, { nullable: true, description: "Units left; null: unlimited." })
  stock: number | null;

  @Field(() => Int, { description: "Draws that won it so far." })
  awarded: number;

  /** The whole table, as odds depend on every line. */
  static table(records: LotteryPrizeRecord[]): LotteryPrize[] {
    const total = records.reduce((sum, record) => sum + record.weight, 0);
    const odds = currentOdds(records);
    return records.map((record, index) =>
      Object.assign(new LotteryPrize(), {
        id: String(record.id), position: record.position, name: record.name, kind: record.kind, value: record.value, benefitCode: record.benefitCode,
        validDays: record.validDays, weight: record.weight, odds: record.weight / total, currentOdds: odds[index], stock: record.stock, awarded: record.awarded,
      }),
    );
  }
}

@ObjectType({ simpleResolvers: true, description: "A lottery (抽奖): a published prize table, a cost in points per draw and a daily limit per member." })
export class Lottery {
  record: LotteryRecord;

  @Field(() => ID)
  id: string;

  @Field()
  code: string;

  @Field()
  title: string;

  @Field(() => String, { nullable: true })
  description: string | null;

  @Field(() => Int, { description: "Points per draw; 0: free." })
  costPoints: number;

  @Field(() => Int, { description: "Draws per member per day (midnight to midnight in the programme's time zone)." })
  dailyLimit: number;

  @Field(() => Date)
  startsAt: Date;

  @Field(() => Date, { description: "Exclusive. The seed is revealed from then on." })
  endsAt: Date;

  @Field({ description: "SHA-256 (hex) of the secret seed's 32 bytes, fixed when the lottery was made: the revealed seed must hash to it." })
  seedCommitment: string;

  static fromRecord(record: LotteryRecord): Lottery {
    return Object.assign(new Lottery(), {
      record, id: String(record.id), code: record.code, title: record.title, description: record.description, costPoints: record.costPoints,
      dailyLimit: record.dailyLimit, startsAt: record.startsAt, endsAt: record.endsAt, seedCommitment: record.seedCommitment,
    });
  }
}

@ObjectType({
  simpleResolvers: true,
  description:
    "One draw. Its random number is the first 52 bits of HMAC-SHA256(key: the seed's bytes, message: hmacMessage) divided by 2^52; the prize is the one whose stretch of the weights (in table order) holds floor(number × total weight), or NOTHING if that one was out of stock.",
})
export class LotteryDraw {
  @Field(() => ID)
  id: string;

  @Field(() => ID, { description: "The lottery's id." })
  lotteryId: string;

  @Field()
  lotteryCode: string;

  @Field(() => ID, { description: "The member who drew (a Member id)." })
  memberId: string;

  @Field(() => Int, { description: "The member's nth draw in this lottery, from 1." })
  drawNumber: number;

  @Field({ description: "lotteryId:memberNumber:drawNumber, the HMAC's message (the member's number is inside their Member id)." })
  hmacMessage: string;

  @Field({ description: "The random number's 52 bits as 13 hex digits: the HMAC's first 13 hex digits." })
  randomHex: string;

  @Field(() => Float, { description: "The random number in [0, 1)." })
  randomValue: number;

  @Field(() => LotteryPrize, { description: "The prize the random number fell on." })
  drawnPrize: LotteryPrize;

  @Field(() => LotteryPrize, { description: "The prize given: drawnPrize, or NOTHING when drawnPrize was out of stock." })
  prize: LotteryPrize;

  @Field(() => Int, { nullable: true, description: "drawnPrize's stock just before this draw; null: unlimited." })
  stockBefore: number | null;

  @Field(() => Int)
  costPoints: number;

  @Field(() => Coupon, { nullable: true, description: "The coupon won, for a COUPON prize." })
  coupon: Coupon | null;

  @Field(() => Date)
  drawnAt: Date;

  static fromDescribed({ draw, lottery, prizes, coupon }: DescribedDraw, maskCoupon: boolean): LotteryDraw {
    const table = LotteryPrize.table(prizes);
    const prizeOf = (id: number) => table.find((prize) => prize.id === String(id))!;
    return Object.assign(new LotteryDraw(), {
      id: String(draw.id), lotteryId: String(lottery.id), lotteryCode: lottery.code, memberId: toGlobalId("Member", draw.memberId), drawNumber: draw.drawNumber,
      hmacMessage: drawMessage(draw.lotteryId, draw.memberId, draw.drawNumber), randomHex: randomHexOf(draw), randomValue: draw.randomBits / 2 ** 52,
      drawnPrize: prizeOf(draw.drawnPrizeId), prize: prizeOf(draw.prizeId), stockBefore: draw.stockBefore, costPoints: draw.costPoints,
      coupon: coupon ? Coupon.fromRecord(coupon, maskCoupon) : null, drawnAt: draw.drawnAt,
    });
  }
}

function randomHexOf(draw: LotteryDrawRecord): string {
  return draw.randomBits.toString(16).padStart(13, "0");
}

@ObjectType()
export class LotteryDrawConnection extends connectionTypes(LotteryDraw, "LotteryDraw") {}

@ObjectType({ simpleResolvers: true, description: "The outcome of drawLottery. A retry with the same idempotencyKey returns the same draw." })
export class DrawLotteryPayload {
  @Field(() => LotteryDraw)
  draw: LotteryDraw;

  @Field(() => Int, { description: "The member's points balance right after the draw." })
  balance: number;

  @Field(() => Int, { description: "Draws the member has left today, now." })
  drawsLeftToday: number;
}

@ObjectType({ simpleResolvers: true, description: "Every draw of a lottery recomputed from its seed." })
export class LotteryVerification {
  @Field(() => ID)
  lotteryId: string;

  @Field({ description: "SHA-256 of the seed equals the published seedCommitment." })
  seedMatchesCommitment: boolean;

  @Field({ description: "Whether the seed is public yet (the lottery has ended), so others can repeat this check." })
  seedRevealed: boolean;

  @Field(() => Int)
  checkedDraws: number;

  @Field(() => [String], { description: "Each draw whose random number, drawn prize or prize given does not follow from the seed and the stock, and each prize whose count of winners disagrees. Empty when all is well." })
  problems: string[];

  @Field()
  valid: boolean;
}

@InputType()
export class LotteryPrizeInput {
  @Field({ description: "Shown to members, e.g. 100积分, 5元优惠券, 谢谢参与." })
  name: string;

  @Field(() => LotteryPrizeKindEnum)
  kind: LotteryPrizeKind;

  @Field(() => Int, { nullable: true, description: "POINTS: points won; COUPON: the coupon's value in fen. Leave out for BENEFIT and NOTHING." })
  value?: number | null;

  @Field(() => String, { nullable: true, description: "BENEFIT: the benefit code granted, e.g. FREE_SHIPPING." })
  benefitCode?: string | null;

  @Field(() => Int, { nullable: true, description: "COUPON and BENEFIT: days valid from the draw; default 30." })
  validDays?: number | null;

  @Field(() => Int, { description: "Relative chance: odds are weight / total weight of the table. At least 1, or 0 for NOTHING." })
  weight: number;

  @Field(() => Int, { nullable: true, description: "Units available; leave out for unlimited. Never for NOTHING." })
  stock?: number | null;
}

@InputType()
export class CreateLotteryInput {
  @Field()
  code: string;

  @Field()
  title: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => Int, { description: "Points per draw; 0: free." })
  costPoints: number;

  @Field(() => Int, { description: "Draws per member per day in the programme's time zone." })
  dailyLimit: number;

  @Field(() => Date, { nullable: true, description: "Default: now." })
  startsAt?: Date | null;

  @Field(() => Date)
  endsAt: Date;

  @Field(() => [LotteryPrizeInput], { description: "2 to 20 prizes, exactly one of them NOTHING: a draw falling on a prize out of stock gives it instead. Fixed once created." })
  prizes: LotteryPrizeInput[];
}

@InputType()
export class LotteryPrizeStockInput {
  @Field(() => ID)
  prizeId: string;

  @Field(() => Int, { nullable: true, description: "Units left from now on; null: unlimited." })
  stock: number | null;
}

@InputType({ description: "Only the fields given change. The prize table's lines and odds never change; once ended only title and description do." })
export class UpdateLotteryInput {
  @Field(() => String, { nullable: true })
  title?: string | null;

  @Field(() => String, { nullable: true, description: "An explicit null removes it." })
  description?: string | null;

  @Field(() => Int, { nullable: true })
  costPoints?: number | null;

  @Field(() => Int, { nullable: true })
  dailyLimit?: number | null;

  @Field(() => Date, { nullable: true, description: "Only before the lottery starts." })
  startsAt?: Date | null;

  @Field(() => Date, { nullable: true, description: "Must stay in the future; to end now, use endLottery." })
  endsAt?: Date | null;

  @Field(() => [LotteryPrizeStockInput], { nullable: true, description: "Restocks (or reduces) prizes." })
  prizeStocks?: LotteryPrizeStockInput[] | null;
}
