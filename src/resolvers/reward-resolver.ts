import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from "type-graphql";
import { hasPermission } from "../auth/identity";
import { unauthenticated } from "../errors";
import { expectGlobalId } from "../schema/global-id";
import { RedeemRewardInput } from "../schema/points-inputs";
import { PointsCommandPayload } from "../schema/points-types";
import { CreateRewardInput, Reward, UpdateRewardInput } from "../schema/reward-types";
import type { RequestContext } from "../server/request-context";
import { commandMemberId, commandPayload } from "./points-resolver";

@Resolver(() => Reward)
export class RewardResolver {
  @Query(() => [Reward], { description: "The rewards catalogue, cheapest first. includeInactive needs rewards:write." })
  async rewards(@Ctx() context: RequestContext, @Arg("includeInactive", { defaultValue: false }) includeInactive: boolean): Promise<Reward[]> {
    if (context.identity.kind === "anonymous") throw unauthenticated();
    const records = await context.services.rewards.catalogue(includeInactive && hasPermission(context.identity, "rewards:write"));
    return records.map(Reward.fromRecord);
  }

  @Authorized("rewards:write")
  @Mutation(() => Reward, { description: "Adds a reward to the catalogue." })
  async createReward(@Arg("input", () => CreateRewardInput) input: CreateRewardInput, @Ctx() context: RequestContext): Promise<Reward> {
    return Reward.fromRecord(await context.services.rewards.create(context, { ...input, stock: input.stock ?? null }));
  }

  @Authorized("rewards:write")
  @Mutation(() => Reward, { description: "Restocks, reprices or withdraws a reward. Audited." })
  async updateReward(@Arg("id", () => ID) id: string, @Arg("input", () => UpdateRewardInput) input: UpdateRewardInput, @Ctx() context: RequestContext): Promise<Reward> {
    // graphql-js leaves out fields the client did not send, and keeps an explicit null.
    const changes = { ...input };
    return Reward.fromRecord(await context.services.rewards.update(context, expectGlobalId(id, "Reward"), changes));
  }

  @Mutation(() => PointsCommandPayload, { description: "Pays a reward with points and takes one from stock, at any store of the coalition. A member for themself, staff with points:write for anyone." })
  async redeemReward(
    @Arg("input", () => RedeemRewardInput) input: RedeemRewardInput,
    @Arg("idempotencyKey", { description: "A fresh UUID per redemption; reuse it only to retry." }) idempotencyKey: string,
    @Ctx() context: RequestContext,
  ): Promise<PointsCommandPayload> {
    const memberId = commandMemberId(context.identity, input.memberId, "points:write");
    const rewardId = expectGlobalId(input.rewardId, "Reward", "input.rewardId");
    return commandPayload(await context.services.rewards.redeem(context, { memberId, rewardId, storeCode: input.storeCode }, idempotencyKey));
  }
}
