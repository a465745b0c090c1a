import { Ctx, Query, Resolver } from "type-graphql";
import { Tier } from "../schema/tier-type";
import type { RequestContext } from "../server/request-context";

@Resolver(() => Tier)
export class TierResolver {
  @Query(() => [Tier], { description: "The tier ladder, lowest first. Public: sign-up pages show it." })
  async tiers(@Ctx() context: RequestContext): Promise<Tier[]> {
    return (await context.services.tiers.list()).map(Tier.fromRecord);
  }
}
