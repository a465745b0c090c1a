import { GraphQLJSON } from "graphql-scalars";
import { Field, ID, InputType, Int, ObjectType } from "type-graphql";
import type { WebhookDeliveryRecord, WebhookDeliveryStatus, WebhookEndpointRecord, WebhookEventType } from "../entities";
import { connectionTypes } from "./connection";
import { WebhookDeliveryStatusEnum, WebhookEventTypeEnum } from "./enums";

@ObjectType({ simpleResolvers: true, description: "A URL that receives events by signed HTTP POST (docs/webhooks.md). Its secret is shown only when made." })
export class WebhookEndpoint {
  @Field(() => ID, { description: "The endpoint's number; endpoints are configuration, not graph nodes." })
  id: string;

  @Field()
  url: string;

  @Field()
  description: string;

  @Field(() => [WebhookEventTypeEnum])
  eventTypes: WebhookEventType[];

  @Field({ description: "An inactive endpoint is sent nothing; its pending deliveries wait until it is active again." })
  active: boolean;

  @Field({ description: "Who registered it, e.g. staff:12." })
  createdBy: string;

  @Field(() => Date)
  createdAt: Date;

  @Field(() => Date)
  updatedAt: Date;

  record: WebhookEndpointRecord;

  static fromRecord(record: WebhookEndpointRecord): WebhookEndpoint {
    return Object.assign(new WebhookEndpoint(), {
      record,
      id: String(record.id),
      url: record.url,
      description: record.description,
      eventTypes: record.eventTypes,
      active: record.active,
      createdBy: record.createdBy,
      createdAt: record.createdAt,
      updatedAt: record.updatedAt,
    });
  }
}

@ObjectType({ simpleResolvers: true })
export class WebhookEndpointWithSecret {
  @Field(() => WebhookEndpoint)
  endpoint: WebhookEndpoint;

  @Field({ description: "The signing secret. Shown this once: store it where the receiver checks signatures." })
  secret: string;
}

@ObjectType({ simpleResolvers: true, description: "One event for one endpoint, and what became of sending it." })
export class WebhookDelivery {
  @Field(() => ID, { description: "Sent as x-loyalty-delivery: receivers de-duplicate on it." })
  id: string;

  @Field(() => WebhookEventTypeEnum)
  eventType: WebhookEventType;

  @Field({ description: "The event's id, the same for every endpoint (the payload's id)." })
  eventId: string;

  @Field(() => WebhookDeliveryStatusEnum)
  status: WebhookDeliveryStatus;

  @Field(() => Int, { description: "Attempts so far." })
  attempts: number;

  @Field(() => Date, { nullable: true, description: "When it will be tried next; null once delivered or given up." })
  nextAttemptAt: Date | null;

  @Field(() => Date, { nullable: true })
  lastAttemptAt: Date | null;

  @Field(() => Int, { nullable: true, description: "The HTTP status of the last answer; null when none came (timeout, refused connection)." })
  lastResponseStatus: number | null;

  @Field(() => String, { nullable: true, description: "Why the last attempt failed, shortened." })
  lastError: string | null;

  @Field(() => Date, { nullable: true })
  deliveredAt: Date | null;

  @Field(() => Date)
  createdAt: Date;

  @Field(() => GraphQLJSON, { description: "The body as stored; a campaign message's address (to) is filled in only when it is sent, and is null here." })
  payload: unknown;

  static fromRecord(record: WebhookDeliveryRecord): WebhookDelivery {
    return Object.assign(new WebhookDelivery(), {
      id: String(record.id),
      eventType: record.eventType,
      eventId: record.eventId,
      status: record.status,
      attempts: record.attempts,
      nextAttemptAt: record.status === "PENDING" ? record.nextAttemptAt : null,
      lastAttemptAt: record.lastAttemptAt,
      lastResponseStatus: record.lastResponseStatus,
      lastError: record.lastError,
      deliveredAt: record.deliveredAt,
      createdAt: record.createdAt,
      payload: JSON.parse(record.payload),
    });
  }
}

@ObjectType()
export class WebhookDeliveryConnection extends connectionTypes(WebhookDelivery, "WebhookDelivery") {}

@InputType()
export class CreateWebhookEndpointInput {
  @Field({ description: "An absolute http:// or https:// URL." })
  url: string;

  @Field(() => String, { nullable: true, description: "What the receiver is, for the people who read the list (at most 200 characters)." })
  description?: string | null;

  @Field(() => [WebhookEventTypeEnum])
  eventTypes: WebhookEventType[];

  @Field(() => ID, { nullable: true, description: "Only segment moves of this scheme (an id of segmentSchemes); leave out for every scheme." })
  schemeId?: string | null;
}
