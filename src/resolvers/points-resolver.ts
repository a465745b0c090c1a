import { Arg, Authorized, Ctx, FieldResolver, Int, Mutation, Resolver, Root } from "type-graphql";
import { requirePermission } from "../auth/policies";
import type { PointsPeriod } from "../engine";
import type { PointEntryType } from "../entities";
import { badUserInput, notFound } from "../errors";
import { connectionBody } from "../schema/connection";
import { PointsEntryTypeEnum, PointsPeriodEnum } from "../schema/enums";
import { expectGlobalId } from "../schema/global-id";
import { Member } from "../schema/member-type";
import { decodeCursor, encodeCursor, validFirst } from "../schema/paging";
import { AdjustPointsInput, EarnPointsInput, RedeemPointsInput, RefundOrderInput } from "../schema/points-inputs";
import { ExpiringPoints, MemberPoints, PointsCommandPayload, PointsEntry, PointsEntryConnection } from "../schema/points-types";
import { Reward } from "../schema/reward-types";
import type { PointsCommandResult } from "../services/points/points-service";
import type { RequestContext } from "../server/request-context";
import type { Identity } from "../auth/identity";

const historyCursorKind = "points-entry";
const idempotencyKeyDescription = "A fresh UUID per command; reuse it only to retry the same command.";

/** Members act on their own points; staff name the member and need the permission. */
export function commandMemberId(identity: Identity, memberId: string | null | undefined, permission: "points:write"): number {
  if (identity.kind === "member" && (memberId === null || memberId === undefined || expectGlobalId(memberId, "Member", "input.memberId") === identity.memberId)) {
    return identity.memberId;
  }
  requirePermission(identity, permission);
  if (memberId === null || memberId === undefined) throw badUserInput("input.memberId is required: say whose points these are.", "input.memberId");
  return expectGlobalId(memberId, "Member", "input.memberId");
}

export function commandPayload(result: PointsCommandResult): PointsCommandPayload {
  return Object.assign(new PointsCommandPayload(), result);
}

@Resolver(() => Member)
export class MemberPointsFieldResolver {
  @FieldResolver(() => MemberPoints, { description: "Points balance, totals and ledger (积分)." })
  async points(@Root() member: Member, @Ctx() context: RequestContext): Promise<MemberPoints> {
    return MemberPoints.fromRecord(member.record.id, await context.loaders.pointAccountByMemberId.load(member.record.id));
  }
}

@Resolver(() => MemberPoints)
export class MemberPointsResolver {
  @FieldResolver(() => Int, { description: "Points earned in the period (e.g. this month's 本月积分)." })
  periodEarned(@Root() points: MemberPoints, @Arg("period", () => PointsPeriodEnum) period: PointsPeriod, @Ctx() context: RequestContext): Promise<number> {
    return context.services.pointsReader.periodEarned(points.memberId, period);
  }

  @FieldResolver(() => ExpiringPoints)
  expiringSoon(@Root() points: MemberPoints, @Arg("days", () => Int, { defaultValue: 30 }) days: number, @Ctx() context: RequestContext): Promise<ExpiringPoints> {
    return context.services.pointsReader.expiringSoon(points.memberId, days);
  }

  @FieldResolver(() => PointsEntryConnection, { description: "The ledger, newest first." })
  async history(
    @Root() points: MemberPoints,
    @Ctx() context: RequestContext,
    @Arg("first", () => Int, { defaultValue: 20 }) first: number,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
    @Arg("type", () => PointsEntryTypeEnum, { nullable: true }) type?: PointEntryType | null,
  ): Promise<PointsEntryConnection> {
    const page = await context.services.pointsReader.history(points.memberId, validFirst(first), decodeCursor(historyCursorKind, after), type ?? null);
    const body = connectionBody(page.records, (record) => encodeCursor(historyCursorKind, record.id), page.hasNextPage);
    return Object.assign(new PointsEntryConnection(), { ...body, edges: body.edges.map((edge) => ({ cursor: edge.cursor, node: PointsEntry.fromRecord(edge.node) })) });
  }
}

@Resolver(() => PointsCommandPayload)
export class PointsCommandResolver {
  @FieldResolver(() => Member)
  async member(@Root() payload: PointsCommandPayload, @Ctx() context: RequestContext): Promise<Member> {
    const record = await context.services.members.findById(payload.memberId);
    if (!record) throw notFound("The member no longer exists.");
    return Member.fromRecord(record);
  }

  @FieldResolver(() => [PointsEntry], { description: "The ledger entries this command wrote, including points that expired just before it." })
  async entries(@Root() payload: PointsCommandPayload, @Ctx() context: RequestContext): Promise<PointsEntry[]> {
    return (await context.services.pointsReader.findEntries(payload.entryIds)).map(PointsEntry.fromRecord);
  }

  @FieldResolver(() => Reward, { nullable: true, description: "For redeemReward: the reward taken." })
  async reward(@Root() payload: PointsCommandPayload, @Ctx() context: RequestContext): Promise<Reward | null> {
    if (payload.rewardRedemptionId === undefined) return null;
    const redemption = await context.services.rewards.findRedemption(payload.rewardRedemptionId);
    const reward = redemption && (await context.services.rewards.findById(redemption.rewardId));
    return reward ? Reward.fromRecord(reward) : null;
  }

  @Authorized("points:write")
  @Mutation(() => PointsCommandPayload, { description: "Credits points for a purchase (by the earning rules) or for another source. Staff with points:write." })
  async earnPoints(@Arg("input", () => EarnPointsInput) input: EarnPointsInput, @Arg("idempotencyKey", { description: idempotencyKeyDescription }) idempotencyKey: string, @Ctx() context: RequestContext) {
    const memberId = expectGlobalId(input.memberId, "Member", "input.memberId");
    const purchase = input.purchase ? { ...input.purchase } : null;
    return commandPayload(await context.services.points.earn(context, { ...input, memberId, purchase }, idempotencyKey));
  }

  @Mutation(() => PointsCommandPayload, { description: "Spends points at any store of the coalition: a member their own, staff with points:write anyone's." })
  async redeemPoints(@Arg("input", () => RedeemPointsInput) input: RedeemPointsInput, @Arg("idempotencyKey", { description: idempotencyKeyDescription }) idempotencyKey: string, @Ctx() context: RequestContext) {
    const memberId = commandMemberId(context.identity, input.memberId, "points:write");
    return commandPayload(await context.services.points.redeem(context, { ...input, memberId }, idempotencyKey));
  }

  @Authorized("points:adjust")
  @Mutation(() => PointsCommandPayload, { description: "A manual correction with a reason, audited. Admins only." })
  async adjustPoints(@Arg("input", () => AdjustPointsInput) input: AdjustPointsInput, @Arg("idempotencyKey", { description: idempotencyKeyDescription }) idempotencyKey: string, @Ctx() context: RequestContext) {
    const memberId = expectGlobalId(input.memberId, "Member", "input.memberId");
    return commandPayload(await context.services.points.adjust(context, { ...input, memberId }, idempotencyKey));
  }

  @Authorized("points:write")
  @Mutation(() => PointsCommandPayload, { description: "Takes back the points a refunded (part of an) order earned; what was already spent becomes points owed." })
  async refundOrder(@Arg("input", () => RefundOrderInput) input: RefundOrderInput, @Arg("idempotencyKey", { description: idempotencyKeyDescription }) idempotencyKey: string, @Ctx() context: RequestContext) {
    return commandPayload(await context.services.points.refund(context, { ...input }, idempotencyKey));
  }
}

export const pointsResolvers = [MemberPointsFieldResolver, MemberPointsResolver, PointsCommandResolver] as const;
