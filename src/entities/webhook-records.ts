import { Column, Entity, Index, PrimaryGeneratedColumn, Unique } from "typeorm";
import { integerAsBoolean } from "./column-types";

/** What an endpoint can subscribe to; campaign channels will add theirs. */
export const webhookEventTypes = ["SEGMENT_MOVED", "CAMPAIGN_MESSAGE"] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];

/** PENDING until a 2xx answer (DELIVERED) or the last attempt failed (FAILED: given up). */
export const webhookDeliveryStatuses = ["PENDING", "DELIVERED", "FAILED"] as const;
export type WebhookDeliveryStatus = (typeof webhookDeliveryStatuses)[number];

/** Event types as one comma-separated column: endpoints are few and filtered in memory. */
const eventTypeList = {
  to: (value: readonly string[] | undefined) => (value === undefined ? value : value.join(",")),
  from: (value: string | null) => (value === null || value === undefined || value === "" ? [] : value.split(",")),
};

/** A URL an operator registered to receive events by HTTP POST, signed with its secret. */
@Entity({ name: "webhook_endpoints" })
export class WebhookEndpointRecord {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ type: "varchar", length: 2048 })
  url: string;

  @Column({ type: "varchar", length: 200 })
  description: string;

  @Column({ name: "event_types", type: "varchar", length: 255, transformer: eventTypeList })
  eventTypes: WebhookEventType[];

  /** Only segment moves of this scheme; null: every scheme. */
  @Column({ name: "scheme_id", type: "integer", nullable: true })
  schemeId: number | null;

  /** The signing secret, encrypted at rest; shown to the operator once, when created or rotated. */
  @Column({ name: "secret_encrypted", type: "varchar", length: 255 })
  secretEncrypted: string;

  @Column({ type: "boolean", default: true, transformer: integerAsBoolean })
  active: boolean;

  /** The actor who registered it, e.g. staff:12. */
  @Column({ name: "created_by", type: "varchar", length: 64 })
  createdBy: string;

  @Column({ name: "created_at", type: "datetime", precision: 3 })
  createdAt: Date;

  @Column({ name: "updated_at", type: "datetime", precision: 3 })
  updatedAt: Date;
}

/** One event for one endpoint: the outbox row, written with the change it reports, then sent and retried. */
@Entity({ name: "webhook_deliveries" })
@Unique("uq_webhook_deliveries_endpoint_event", ["endpointId", "eventId"])
@Index("idx_webhook_deliveries_due", ["status", "nextAttemptAt"])
@Index("idx_webhook_deliveries_endpoint", ["endpointId", "id"])
export class WebhookDeliveryRecord {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ name: "endpoint_id", type: "integer" })
  endpointId: number;

  @Column({ name: "event_type", type: "varchar", length: 32 })
  eventType: WebhookEventType;

  /** The event's own id (the same for every endpoint); with the endpoint, enqueueing it twice adds nothing. */
  @Column({ name: "event_id", type: "varchar", length: 64 })
  eventId: string;

  /** The JSON body, exactly as sent (and signed). */
  @Column({ type: "text" })
  payload: string;

  @Column({ type: "varchar", length: 16 })
  status: WebhookDeliveryStatus;

  /** Attempts started so far: counted when a dispatcher claims the row, so a crash mid-send still counts. */
  @Column({ type: "integer" })
  attempts: number;

  /** When a dispatcher may next pick the row up; while one sends it, the end of its lease. */
  @Column({ name: "next_attempt_at", type: "datetime", precision: 3 })
  nextAttemptAt: Date;

  @Column({ name: "last_attempt_at", type: "datetime", precision: 3, nullable: true })
  lastAttemptAt: Date | null;

  @Column({ name: "last_response_status", type: "integer", nullable: true })
  lastResponseStatus: number | null;

  @Column({ name: "last_error", type: "varchar", length: 255, nullable: true })
  lastError: string | null;

  @Column({ name: "delivered_at", type: "datetime", precision: 3, nullable: true })
  deliveredAt: Date | null;

  @Column({ name: "created_at", type: "datetime", precision: 3 })
  createdAt: Date;
}
