import { Field, Int, ObjectType } from "type-graphql";
import type { PointAccountRecord, PointEntryRecord, PointEntryType, PointSource } from "../entities";
import { connectionTypes } from "./connection";
import { PointsEntryTypeEnum, PointsSourceEnum } from "./enums";
import { toGlobalId } from "./global-id";
import { Node } from "./node";

@ObjectType({ implements: Node, simpleResolvers: true, description: "One line of the member's points ledger (积分明细). Entries are never changed or removed." })
export class PointsEntry extends Node {
  @Field(() => PointsEntryTypeEnum)
  type: PointEntryType;

  @Field(() => Int, { description: "Change of the balance: positive in, negative out." })
  amount: number;

  @Field(() => Int, { description: "Change of the points owed: positive when a refund took back more than the balance held." })
  debtChange: number;

  @Field(() => Int)
  balanceAfter: number;

  @Field()
  reason: string;

  @Field(() => PointsSourceEnum)
  source: PointSource;

  @Field(() => String, { nullable: true, description: "The order number, reward code or lot the entry is about." })
  sourceRef: string | null;

  @Field(() => String, { nullable: true, description: "The store where it happened (any store of the coalition)." })
  storeCode: string | null;

  @Field(() => Date)
  createdAt: Date;

  static fromRecord(record: PointEntryRecord): PointsEntry {
    return Object.assign(new PointsEntry(), {
      id: toGlobalId("PointsEntry", record.id),
      type: record.type,
      amount: record.amount,
      debtChange: record.debtChange,
      balanceAfter: record.balanceAfter,
      reason: record.reason,
      source: record.source,
      sourceRef: record.sourceRef,
      storeCode: record.storeCode,
      createdAt: record.createdAt,
    });
  }
}

@ObjectType()
export class PointsEntryConnection extends connectionTypes(PointsEntry, "PointsEntry") {}

@ObjectType({ simpleResolvers: true })
export class ExpiringBatch {
  @Field(() => Int)
  points: number;

  @Field(() => Date, { description: "The first instant these points can no longer be used." })
  expiresAt: Date;
}

@ObjectType({ simpleResolvers: true, description: "Points that expire soon (即将过期积分)." })
export class ExpiringPoints {
  @Field(() => Int)
  points: number;

  @Field(() => [ExpiringBatch], { description: "Soonest first." })
  batches: ExpiringBatch[];
}

@ObjectType({ description: "A member's points (积分): balance, totals, what expires soon and the ledger." })
export class MemberPoints {
  memberId: number;

  @Field(() => Int, { description: "Points the member can use now." })
  balance: number;

  @Field(() => Int, { description: "Points owed after a refund took back points already spent; paid off first by points earned later." })
  debt: number;

  @Field(() => Int, { description: "Points ever earned (累计积分), before any were spent or expired." })
  lifetimeEarned: number;

  static fromRecord(memberId: number, record: PointAccountRecord | null): MemberPoints {
    return Object.assign(new MemberPoints(), { memberId, balance: record?.balance ?? 0, debt: record?.debt ?? 0, lifetimeEarned: record?.lifetimeEarned ?? 0 });
  }
}

@ObjectType({ description: "The outcome of a points command. A retry with the same idempotencyKey returns the same outcome." })
export class PointsCommandPayload {
  memberId: number;
  entryIds: number[];
  orderId?: number;
  rewardRedemptionId?: number;

  @Field(() => Int, { description: "The balance right after this command." })
  balance: number;

  @Field(() => Int, { description: "Points owed right after this command." })
  debt: number;
}

