// Campaign ROI and ROAS across campaigns and periods for the admin console (staff with members:read, as KPIs).
import { Args, Authorized, Ctx, Query, Resolver } from "type-graphql";
import { CampaignRollupArgs, CampaignRollupPoint } from "../schema/campaign-rollup-types";
import type { RequestContext } from "../server/request-context";

@Resolver()
export class CampaignRollupResolver {
  @Authorized("members:read")
  @Query(() => [CampaignRollupPoint], {
    description: "Campaigns' sends, cost, attributed conversions and revenue, ROI and ROAS per period (treated members only; docs/kpis.md). At most 400 periods. Staff.",
  })
  async campaignRollup(@Args() args: CampaignRollupArgs, @Ctx() context: RequestContext): Promise<CampaignRollupPoint[]> {
    return context.services.campaignRollup.rollup({ from: args.from, to: args.to, granularity: args.granularity, byCampaign: args.byCampaign });
  }
}
