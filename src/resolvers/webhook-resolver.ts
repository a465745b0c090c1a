import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import type { WebhookDeliveryStatus } from "../entities";
import { connectionBody } from "../schema/connection";
import { WebhookDeliveryStatusEnum } from "../schema/enums";
import { expectNumberId } from "../schema/global-id";
import { decodeCursor, encodeCursor, validFirst } from "../schema/paging";
import { SegmentScheme } from "../schema/segment-types";
import { CreateWebhookEndpointInput, WebhookDelivery, WebhookDeliveryConnection, WebhookEndpoint, WebhookEndpointWithSecret } from "../schema/webhook-types";
import type { RequestContext } from "../server/request-context";

const deliveryCursorKind = "webhook-delivery";
const endpointId = (id: string) => expectNumberId(id, "id", "webhook endpoint", "WebhookEndpoint");

@Resolver(() => WebhookEndpoint)
export class WebhookResolver {
  @Authorized("members:read")
  @Query(() => [WebhookEndpoint], { description: "Registered webhook endpoints, active or not. Staff." })
  async webhookEndpoints(@Ctx() context: RequestContext): Promise<WebhookEndpoint[]> {
    return (await context.services.webhooks.endpoints()).map(WebhookEndpoint.fromRecord);
  }

  @FieldResolver(() => SegmentScheme, { nullable: true, description: "Only segment moves of this scheme are sent; null: every scheme." })
  async scheme(@Root() endpoint: WebhookEndpoint, @Ctx() context: RequestContext): Promise<SegmentScheme | null> {
    if (endpoint.record.schemeId === null) return null;
    const scheme = (await context.services.segmentReader.schemes()).find((candidate) => candidate.id === endpoint.record.schemeId);
    return scheme ? SegmentScheme.fromRecord(scheme) : null;
  }

  @FieldResolver(() => WebhookDeliveryConnection, { description: "The delivery log, newest first." })
  async deliveries(
    @Root() endpoint: WebhookEndpoint,
    @Arg("first", () => Int, { defaultValue: 20 }) first: number,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Arg("status", () => WebhookDeliveryStatusEnum, { nullable: true }) status: WebhookDeliveryStatus | null,
    @Ctx() context: RequestContext,
  ): Promise<WebhookDeliveryConnection> {
    const page = await context.services.webhooks.deliveries(endpoint.record.id, validFirst(first), decodeCursor(deliveryCursorKind, after), status ?? null);
    return connectionBody(page.records.map(WebhookDelivery.fromRecord), (delivery) => encodeCursor(deliveryCursorKind, Number(delivery.id)), page.hasNextPage);
  }

  @Authorized("webhooks:write")
  @Mutation(() => WebhookEndpointWithSecret, { description: "Registers a URL to receive events. The answer holds the signing secret, shown this once. Audited." })
  async createWebhookEndpoint(@Arg("input", () => CreateWebhookEndpointInput) input: CreateWebhookEndpointInput, @Ctx() context: RequestContext): Promise<WebhookEndpointWithSecret> {
    const schemeId = input.schemeId ? expectNumberId(input.schemeId, "input.schemeId", "segment scheme", "SegmentScheme") : null;
    const { endpoint, secret } = await context.services.webhooks.createEndpoint(context, { url: input.url, description: input.description, eventTypes: input.eventTypes, schemeId });
    return { endpoint: WebhookEndpoint.fromRecord(endpoint), secret };
  }

  @Authorized("webhooks:write")
  @Mutation(() => WebhookEndpoint, { description: "Switches an endpoint on or off; while off it is sent nothing and its pending deliveries wait. Audited." })
  async setWebhookEndpointActive(@Arg("id", () => ID) id: string, @Arg("active") active: boolean, @Ctx() context: RequestContext): Promise<WebhookEndpoint> {
    return WebhookEndpoint.fromRecord(await context.services.webhooks.setEndpointActive(context, endpointId(id), active));
  }

  @Authorized("webhooks:write")
  @Mutation(() => WebhookEndpointWithSecret, { description: "Replaces an endpoint's signing secret at once and shows the new one, this once. Audited." })
  async rotateWebhookSecret(@Arg("id", () => ID) id: string, @Ctx() context: RequestContext): Promise<WebhookEndpointWithSecret> {
    const { endpoint, secret } = await context.services.webhooks.rotateSecret(context, endpointId(id));
    return { endpoint: WebhookEndpoint.fromRecord(endpoint), secret };
  }
}
