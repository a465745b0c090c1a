import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from "type-graphql";
import { expectNumberId } from "../schema/global-id";
import { BonusRule, CreateBonusRuleInput } from "../schema/bonus-rule-types";
import type { RequestContext } from "../server/request-context";

@Resolver(() => BonusRule)
export class BonusRuleResolver {
  @Authorized("members:read")
  @Query(() => [BonusRule], { description: "All bonus rules, active or not. Staff." })
  async bonusRules(@Ctx() context: RequestContext): Promise<BonusRule[]> {
    return (await context.services.bonusRules.list()).map(BonusRule.fromRecord);
  }

  @Authorized("rules:write")
  @Mutation(() => BonusRule, { description: "Adds a bonus rule, e.g. double points on beauty, or on a double-points day (startsAt/endsAt). Audited." })
  async createBonusRule(@Arg("input", () => CreateBonusRuleInput) input: CreateBonusRuleInput, @Ctx() context: RequestContext): Promise<BonusRule> {
    return BonusRule.fromRecord(await context.services.bonusRules.create(context, { ...input }));
  }

  @Authorized("rules:write")
  @Mutation(() => BonusRule, { description: "Switches a bonus rule on or off. Audited." })
  async setBonusRuleActive(@Arg("id", () => ID) id: string, @Arg("active") active: boolean, @Ctx() context: RequestContext): Promise<BonusRule> {
    return BonusRule.fromRecord(await context.services.bonusRules.setActive(context, expectNumberId(id, "id", "bonus rule", "bonus rule"), active));
  }
}
