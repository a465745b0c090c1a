import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, Subscription, type SubscribeResolverData } from "type-graphql";
import { hasPermission } from "../auth/identity";
import { requireCanReadMember, requirePermission } from "../auth/policies";
import type { CampaignAction } from "../engine";
import type { CampaignState } from "../entities";
import { notFound, unauthenticated } from "../errors";
import { topics, type CampaignProgressEvent as CampaignProgressPayload } from "../events/event-bus";
import { Campaign, CampaignConnection, CampaignHistoryEntry, CampaignInput, CampaignProgressEvent, CampaignProgressFigures, CampaignStateEnum, Coupon, VariantResult } from "../schema/campaign-types";
import { connectionBody } from "../schema/connection";
import { expectNumberId } from "../schema/global-id";
import { Member } from "../schema/member-type";
import { decodeCursor, encodeCursor, validFirst } from "../schema/paging";
import type { CampaignInput as ServiceCampaignInput } from "../services/campaigns/campaign-input";
import type { RequestContext } from "../server/request-context";

const campaignCursorKind = "campaign";
const campaignId = (id: string) => expectNumberId(id, "id", "campaign", "Campaign");

/** The typed input as the service takes it: segment ids as numbers. */
function serviceInput(input: CampaignInput): ServiceCampaignInput {
  const segment = (id: string, field: string) => expectNumberId(id, field, "segment", "Segment");
  return {
    ...input,
    trigger: { kind: input.trigger.kind, at: input.trigger.at ?? null, segmentId: input.trigger.segmentId ? segment(input.trigger.segmentId, "input.trigger.segmentId") : null, cron: input.trigger.cron ?? null },
    target: {
      segmentIds: input.target.segmentIds.map((id, index) => segment(id, `input.target.segmentIds[${index}]`)),
      excludeSegmentIds: (input.target.excludeSegmentIds ?? []).map((id, index) => segment(id, `input.target.excludeSegmentIds[${index}]`)),
    },
  };
}

@Resolver(() => Campaign)
export class CampaignResolver {
  @Authorized("members:read")
  @Query(() => CampaignConnection, { description: "Campaigns, newest first, optionally in some states. Staff." })
  async campaigns(
    @Arg("states", () => [CampaignStateEnum], { nullable: true }) states: CampaignState[] | null,
    @Arg("first", () => Int, { defaultValue: 20 }) first: number,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Ctx() context: RequestContext,
  ): Promise<CampaignConnection> {
    const page = await context.services.campaignReader.page(states, validFirst(first), decodeCursor(campaignCursorKind, after));
    return connectionBody(page.records.map(Campaign.fromRecord), (campaign) => encodeCursor(campaignCursorKind, campaign.record.id), page.hasNextPage);
  }

  @Authorized("members:read")
  @Query(() => Campaign)
  async campaign(@Arg("id", () => ID) id: string, @Ctx() context: RequestContext): Promise<Campaign> {
    const record = await context.services.campaignReader.byId(campaignId(id));
    if (!record) throw notFound(`No campaign ${id}.`);
    return Campaign.fromRecord(record);
  }

  @FieldResolver(() => CampaignProgressFigures)
  progress(@Root() campaign: Campaign, @Ctx() context: RequestContext): Promise<CampaignProgressFigures> {
    return context.services.campaignReader.progress(campaign.record.id);
  }

  @FieldResolver(() => [VariantResult], { description: "Per variant and control: reach, conversions, revenue, cost, ROI, and each variant against control; with segmentId, among that segment's members now." })
  async results(@Root() campaign: Campaign, @Ctx() context: RequestContext, @Arg("segmentId", () => ID, { nullable: true }) segmentId?: string | null): Promise<VariantResult[]> {
    const segment = segmentId ? await this.segmentFilter(context, segmentId) : null;
    return (await context.services.campaignResults.of(campaign.record, segment)).variants.map(VariantResult.fromOutcome);
  }

  private async segmentFilter(context: RequestContext, segmentId: string) {
    const id = expectNumberId(segmentId, "segmentId", "segment", "Segment");
    const [record] = await context.services.segmentReader.segments([id]);
    if (!record) throw notFound(`No segment ${segmentId}.`);
    return context.services.segmentAnalysis.filterOf(record, context.clock.now());
  }

  @Authorized("campaigns:write")
  @Mutation(() => Campaign, { description: "Creates a campaign as a DRAFT. Audited." })
  async createCampaign(@Arg("input", () => CampaignInput) input: CampaignInput, @Ctx() context: RequestContext): Promise<Campaign> {
    return Campaign.fromRecord(await context.services.campaigns.create(context, serviceInput(input)));
  }

  @Authorized("campaigns:write")
  @Mutation(() => Campaign, { description: "Replaces a campaign's definition. Once it runs only name, endsAt and budget may change. Audited." })
  async updateCampaign(@Arg("id", () => ID) id: string, @Arg("input", () => CampaignInput) input: CampaignInput, @Ctx() context: RequestContext): Promise<Campaign> {
    return Campaign.fromRecord(await context.services.campaigns.update(context, campaignId(id), serviceInput(input)));
  }

  @Authorized("campaigns:write")
  @Mutation(() => Campaign, { description: "DRAFT → SCHEDULED: it starts at startsAt (or its one-shot time), or at once. Audited." })
  scheduleCampaign(@Arg("id", () => ID) id: string, @Ctx() context: RequestContext): Promise<Campaign> {
    return this.act(context, id, "SCHEDULE");
  }

  @Authorized("campaigns:write")
  @Mutation(() => Campaign, { description: "RUNNING → PAUSED: nothing is sent until it is resumed. Audited." })
  pauseCampaign(@Arg("id", () => ID) id: string, @Ctx() context: RequestContext): Promise<Campaign> {
    return this.act(context, id, "PAUSE");
  }

  @Authorized("campaigns:write")
  @Mutation(() => Campaign, { description: "PAUSED → RUNNING. Audited." })
  resumeCampaign(@Arg("id", () => ID) id: string, @Ctx() context: RequestContext): Promise<Campaign> {
    return this.act(context, id, "RESUME");
  }

  @Authorized("campaigns:write")
  @Mutation(() => Campaign, { description: "Stops a campaign for good; its pending sends are skipped. Audited." })
  cancelCampaign(@Arg("id", () => ID) id: string, @Ctx() context: RequestContext): Promise<Campaign> {
    return this.act(context, id, "CANCEL");
  }

  private async act(context: RequestContext, id: string, action: CampaignAction): Promise<Campaign> {
    return Campaign.fromRecord(await context.services.campaigns.act(context, campaignId(id), action));
  }
}

@Resolver(() => Member)
export class MemberCampaignsResolver {
  @FieldResolver(() => [Coupon], { description: "Coupons campaigns (and lottery draws) gave the member, newest first: the member's own app, or staff (codes masked without personal-data access)." })
  async coupons(@Root() member: Member, @Ctx() context: RequestContext): Promise<Coupon[]> {
    requireCanReadMember(context.identity, member.record.id);
    // A code spends like cash: in full for the member and for staff who may read personal data, masked otherwise.
    const inFull = (context.identity.kind === "member" && context.identity.memberId === member.record.id) || hasPermission(context.identity, "pii:read");
    return (await context.services.campaignReader.coupons(member.record.id)).map((record) => Coupon.fromRecord(record, !inFull));
  }

  @Authorized("members:read")
  @FieldResolver(() => [CampaignHistoryEntry], { description: "The campaigns sent (or skipped) to the member, newest first. Staff only." })
  async campaignHistory(@Root() member: Member, @Ctx() context: RequestContext): Promise<CampaignHistoryEntry[]> {
    return (await context.services.campaignReader.history(member.record.id)).map((send) => ({ campaignCode: send.campaignCode, variant: send.variant, channel: send.channel, status: send.status, skipReason: send.skipReason, sentAt: send.sentAt }));
  }
}

/** Staff with members:read, for the admin console; checked when subscribing. */
function subscribeToCampaignProgress({ args, context }: SubscribeResolverData<unknown, { campaignId?: string | null }, RequestContext>) {
  if (context.identity.kind === "anonymous") throw unauthenticated();
  requirePermission(context.identity, "members:read");
  const only = args.campaignId ? campaignId(args.campaignId) : null;
  return context.events.subscribe(topics.campaignProgress, (event) => only === null || event.campaignId === only);
}

@Resolver()
export class CampaignProgressResolver {
  @Subscription(() => CampaignProgressEvent, { subscribe: subscribeToCampaignProgress, description: "Each delivery batch's counts, per campaign, after it commits. Staff." })
  campaignProgress(@Root() event: CampaignProgressPayload, @Arg("campaignId", () => ID, { nullable: true }) _campaignId?: string | null): CampaignProgressEvent {
    return { campaignId: String(event.campaignId), sent: event.sent, skipped: event.skipped, postponed: event.postponed, at: new Date(event.at) };
  }
}
