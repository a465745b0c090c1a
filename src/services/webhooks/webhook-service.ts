// Webhook endpoints (registered, switched on and off, secrets rotated; audited) and the generic outbox: events of
// any type written as deliveries in the caller's transaction, so they commit or roll back with the change they
// report. WebhookDispatcher sends them; segment moves are one user (segment-move-webhooks.ts), campaigns the next.
import { BlockList, isIP } from "node:net";
import { LessThan, type DataSource, type EntityManager, type FindOptionsWhere } from "typeorm";
import { describeActor } from "../../auth/identity";
import type { Clock } from "../../clock";
import { insertRows } from "../../database/bulk-insert";
import { runInTransaction } from "../../database/transactions";
import { SegmentSchemeRecord, WebhookDeliveryRecord, WebhookEndpointRecord, webhookEventTypes, type WebhookDeliveryStatus, type WebhookEventType } from "../../entities";
import { hasPermission } from "../../auth/identity";
import { badUserInput, forbidden, notFound } from "../../errors";
import type { PersonalDataCipher } from "../../privacy/personal-data-cipher";
import type { AuditService } from "../audit-service";
import type { ServiceContext } from "../service-context";
import { newWebhookSecret } from "./webhook-signature";

/** The payload column is TEXT (64 KB on MySQL/MariaDB). */
const maximumPayloadBytes = 60_000;

export interface NewWebhookEndpoint {
  url: string;
  description?: string | null;
  eventTypes: readonly string[];
  /** Only segment moves of this scheme. */
  schemeId?: number | null;
}

/** An endpoint with its secret in clear: returned only when the secret is made (creation, rotation). */
export interface EndpointWithSecret {
  endpoint: WebhookEndpointRecord;
  secret: string;
}

export interface WebhookEvent {
  /** Unique for its type (e.g. segment-move:42): with the endpoint, enqueueing the same event again adds nothing. */
  eventId: string;
  /** Sent as JSON, exactly as given. */
  payload: object;
  /** The segment scheme the event concerns: an endpoint filtered to another scheme does not get it. */
  schemeId?: number | null;
}

/** Loopback, private and link-local networks: in production an endpoint may not point inside ours. */
const privateNetworks = new BlockList();
for (const [address, prefix] of [["127.0.0.0", 8], ["10.0.0.0", 8], ["172.16.0.0", 12], ["192.168.0.0", 16], ["169.254.0.0", 16], ["0.0.0.0", 8], ["100.64.0.0", 10]] as const) privateNetworks.addSubnet(address, prefix, "ipv4");
for (const [address, prefix] of [["::1", 128], ["fc00::", 7], ["fe80::", 10], ["::", 128]] as const) privateNetworks.addSubnet(address, prefix, "ipv6");

function isPrivateHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  const family = isIP(host);
  return family !== 0 && privateNetworks.check(host, family === 4 ? "ipv4" : "ipv6");
}

function validUrl(value: string, allowPrivateNetworks: boolean): string {
  const text = value.trim();
  const field = "input.url";
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw badUserInput(`input.url is not a URL: send an absolute http:// or https:// URL, e.g. https://crm.example.com/hooks/loyalty.`, field);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw badUserInput(`input.url must use http or https (got ${url.protocol.replace(/:$/, "")}).`, field);
  // The URL is shown to staff and written to the audit trail: credentials belong in the receiver's check of our signature.
  if (url.username || url.password) throw badUserInput("input.url must not carry a user name or password: receivers authenticate us by the signature.", field);
  if (text.length > 2048) throw badUserInput(`input.url must be at most 2048 characters (got ${text.length}).`, field);
  // Names that resolve inside are not caught here (no DNS at registration); the address literals and localhost are.
  if (!allowPrivateNetworks && isPrivateHost(url.hostname)) throw badUserInput(`input.url points at a loopback, private or link-local address (${url.hostname}): register the receiver's public address.`, field);
  return text;
}

function validEventTypes(values: readonly string[]): WebhookEventType[] {
  const types = [...new Set(values)];
  if (types.length === 0) throw badUserInput(`input.eventTypes needs at least one of ${webhookEventTypes.join(", ")}.`, "input.eventTypes");
  for (const type of types) {
    if (!(webhookEventTypes as readonly string[]).includes(type)) throw badUserInput(`input.eventTypes: ${type} is not an event type; use ${webhookEventTypes.join(", ")}.`, "input.eventTypes");
  }
  return types as WebhookEventType[];
}

export class WebhookService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly cipher: PersonalDataCipher,
    private readonly audit: AuditService,
    private readonly allowPrivateNetworks = true,
  ) {}

  async createEndpoint(context: ServiceContext, input: NewWebhookEndpoint): Promise<EndpointWithSecret> {
    const url = validUrl(input.url, this.allowPrivateNetworks);
    const description = (input.description ?? "").trim();
    if (description.length > 200) throw badUserInput(`input.description must be at most 200 characters (got ${description.length}).`, "input.description");
    const eventTypes = validEventTypes(input.eventTypes);
    // Campaign messages carry the phone number or e-mail address their channel needs: only staff who may read
    // personal data may send them somewhere.
    if (eventTypes.includes("CAMPAIGN_MESSAGE") && !hasPermission(context.identity, "pii:read")) {
      throw forbidden("CAMPAIGN_MESSAGE webhooks carry members' phone numbers and e-mail addresses: registering one needs pii:read (an admin).");
    }
    const schemeId = input.schemeId ?? null;
    const secret = newWebhookSecret();
    const actor = describeActor(context.identity);
    const now = this.clock.now();
    const endpoint = await runInTransaction(this.dataSource, async (manager) => {
      if (schemeId !== null && !(await manager.existsBy(SegmentSchemeRecord, { id: schemeId }))) {
        throw badUserInput("input.schemeId is not a segment scheme: use the id of one of segmentSchemes, or leave it out for every scheme.", "input.schemeId");
      }
      const record = await manager.save(WebhookEndpointRecord, {
        url, description, eventTypes, schemeId, secretEncrypted: this.cipher.encrypt(secret), active: true, createdBy: `${actor.actorType}:${actor.actorId ?? ""}`, createdAt: now, updatedAt: now,
      });
      await this.audit.record(manager, context, { action: "webhookEndpoint.create", targetType: "webhookEndpoint", targetId: record.id, details: { host: new URL(url).host, eventTypes, schemeId } });
      return record;
    });
    return { endpoint, secret };
  }

  /** A switched-off endpoint is sent nothing: no new deliveries, and those pending wait until it is on again. */
  setEndpointActive(context: ServiceContext, id: number, active: boolean): Promise<WebhookEndpointRecord> {
    return this.changeEndpoint(context, id, active ? "webhookEndpoint.activate" : "webhookEndpoint.deactivate", (endpoint) => {
      endpoint.active = active;
    });
  }

  /** A new secret at once: deliveries sent from now on, pending ones included, are signed with it. */
  async rotateSecret(context: ServiceContext, id: number): Promise<EndpointWithSecret> {
    const secret = newWebhookSecret();
    const endpoint = await this.changeEndpoint(context, id, "webhookEndpoint.rotateSecret", (record) => {
      record.secretEncrypted = this.cipher.encrypt(secret);
    });
    return { endpoint, secret };
  }

  private changeEndpoint(context: ServiceContext, id: number, action: string, change: (endpoint: WebhookEndpointRecord) => void): Promise<WebhookEndpointRecord> {
    return runInTransaction(this.dataSource, async (manager) => {
      const endpoint = await manager.findOneBy(WebhookEndpointRecord, { id });
      if (!endpoint) throw notFound("No webhook endpoint has this id.");
      change(endpoint);
      endpoint.updatedAt = this.clock.now();
      await manager.save(WebhookEndpointRecord, endpoint);
      await this.audit.record(manager, context, { action, targetType: "webhookEndpoint", targetId: id });
      return endpoint;
    });
  }

  endpoints(): Promise<WebhookEndpointRecord[]> {
    return this.dataSource.getRepository(WebhookEndpointRecord).find({ order: { id: "ASC" } });
  }

  /** An endpoint's deliveries, newest first. */
  async deliveries(endpointId: number, first: number, beforeId: number | null, status: WebhookDeliveryStatus | null): Promise<{ records: WebhookDeliveryRecord[]; hasNextPage: boolean }> {
    const where: FindOptionsWhere<WebhookDeliveryRecord> = { endpointId };
    if (beforeId !== null) where.id = LessThan(beforeId);
    if (status !== null) where.status = status;
    const records = await this.dataSource.getRepository(WebhookDeliveryRecord).find({ where, order: { id: "DESC" }, take: first + 1 });
    return { records: records.slice(0, first), hasNextPage: records.length > first };
  }

  /** The active endpoints that take events of this type. */
  async subscribers(manager: EntityManager, eventType: WebhookEventType): Promise<WebhookEndpointRecord[]> {
    return (await manager.findBy(WebhookEndpointRecord, { active: true })).filter((endpoint) => endpoint.eventTypes.includes(eventType));
  }

  /**
   * Writes one PENDING delivery per event and endpoint that takes it, with the caller's transaction manager (the
   * transactional outbox: nothing is sent from here). An event already enqueued for an endpoint is skipped.
   * Returns the deliveries written or skipped as already there.
   */
  async enqueue(manager: EntityManager, eventType: WebhookEventType, endpoints: readonly WebhookEndpointRecord[], events: readonly WebhookEvent[]): Promise<number> {
    const now = this.clock.now();
    const rows: Omit<WebhookDeliveryRecord, "id">[] = [];
    for (const event of events) {
      const payload = JSON.stringify(event.payload);
      if (Buffer.byteLength(payload, "utf8") > maximumPayloadBytes) throw new Error(`The ${eventType} event ${event.eventId} is larger than ${maximumPayloadBytes} bytes.`);
      for (const endpoint of endpoints) {
        if (!endpoint.active || !endpoint.eventTypes.includes(eventType)) continue;
        if (endpoint.schemeId !== null && endpoint.schemeId !== (event.schemeId ?? null)) continue;
        rows.push({
          endpointId: endpoint.id, eventType, eventId: event.eventId, payload, status: "PENDING", attempts: 0, nextAttemptAt: now,
          lastAttemptAt: null, lastResponseStatus: null, lastError: null, deliveredAt: null, createdAt: now,
        });
      }
    }
    await insertRows(manager, WebhookDeliveryRecord, rows, { ignoreDuplicates: true });
    return rows.length;
  }

  /** The endpoint's secret in clear, for signing. */
  secretOf(endpoint: WebhookEndpointRecord): string {
    return this.cipher.decrypt(endpoint.secretEncrypted);
  }
}
