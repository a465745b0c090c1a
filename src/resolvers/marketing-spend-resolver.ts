// Marketing spend outside campaigns: recorded and cancelled by staff who run campaigns (campaigns:write), read by
// staff who read the KPIs (members:read).
import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from "type-graphql";
import { connectionBody } from "../schema/connection";
import { expectNumberId } from "../schema/global-id";
import { MarketingSpend, MarketingSpendConnection, RecordMarketingSpendInput } from "../schema/marketing-spend-types";
import { decodeCursor, encodeCursor, validFirst } from "../schema/paging";
import type { RequestContext } from "../server/request-context";

const cursorKind = "marketing-spend";

@Resolver()
export class MarketingSpendResolver {
  @Authorized("members:read")
  @Query(() => MarketingSpendConnection, { description: "Marketing spend recorded for the local days from `from` to `to` (YYYY-MM-DD, both included), by day. Staff." })
  async marketingSpend(
    @Arg("from") from: string,
    @Arg("to") to: string,
    @Ctx() context: RequestContext,
    @Arg("first", () => Int, { defaultValue: 50 }) first: number,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
    @Arg("includeCancelled", { defaultValue: false, description: "Cancelled records too (they no longer count)." }) includeCancelled?: boolean,
  ): Promise<MarketingSpendConnection> {
    const size = validFirst(first);
    const records = await context.services.marketingSpend.list({ from, to, first: size, after: decodeCursor(cursorKind, after), includeCancelled: includeCancelled ?? false });
    return connectionBody(records.slice(0, size).map(MarketingSpend.fromRecord), (spend) => encodeCursor(cursorKind, Number(spend.id)), records.length > size);
  }

  @Authorized("campaigns:write")
  @Mutation(() => MarketingSpend, { description: "Records marketing spend made outside campaigns, for ACQUISITION_COST. A retry with the same idempotencyKey returns the same record." })
  async recordMarketingSpend(
    @Arg("input", () => RecordMarketingSpendInput) input: RecordMarketingSpendInput,
    @Arg("idempotencyKey", { description: "A fresh UUID per record; reuse it only to retry." }) idempotencyKey: string,
    @Ctx() context: RequestContext,
  ): Promise<MarketingSpend> {
    return MarketingSpend.fromRecord(await context.services.marketingSpend.record(context, { ...input }, idempotencyKey));
  }

  @Authorized("campaigns:write")
  @Mutation(() => MarketingSpend, { description: "Cancels recorded marketing spend: it stays, marked cancelled, and no longer counts. Cancelling it again changes nothing." })
  async cancelMarketingSpend(@Arg("id", () => ID) id: string, @Ctx() context: RequestContext): Promise<MarketingSpend> {
    return MarketingSpend.fromRecord(await context.services.marketingSpend.cancel(context, expectNumberId(id, "id", "marketing spend", "MarketingSpend")));
  }
}
