// Sends the webhook deliveries that are due: POST, signed, with a timeout; 2xx delivers, anything else retries with
// backoff until the last attempt (FAILED). Several dispatchers (server processes, a cron job) may run at once: each
// claims a row before sending it, so no two send the same delivery at the same time. A dispatcher that dies after
// sending but before recording leaves the row to be sent again when its lease ends: delivery is at least once.
import type { DataSource } from "typeorm";
import type { Clock } from "../../clock";
import { numberFromDatabase, timeToDatabase } from "../../database/raw-values";
import { runInTransaction } from "../../database/transactions";
import { defaultRetryPolicy, nextAttempt, type RetryPolicy } from "../../engine";
import { WebhookDeliveryRecord, WebhookEndpointRecord } from "../../entities";
import { webhookSignature } from "./webhook-signature";
import type { WebhookService } from "./webhook-service";

export interface WebhookDispatcherOptions {
  /** How long a receiver has to answer. */
  timeoutMs: number;
  retryPolicy?: RetryPolicy;
  /** A draw in [0, 1) for the retry jitter. */
  random?: () => number;
  /** Rows read per round, and how many of them are sent at once. */
  batchSize?: number;
  concurrency?: number;
  /**
   * Turns a stored payload into the body sent, just before it is signed: campaign messages get the recipient's
   * address here, so it is never stored in clear. Default: the payload as stored.
   */
  bodyOf?: (delivery: WebhookDeliveryRecord) => Promise<string>;
}

export interface DispatchResult {
  delivered: number;
  retried: number;
  failed: number;
}

type Outcome = keyof DispatchResult;

interface Claimed {
  delivery: WebhookDeliveryRecord;
  endpoint: WebhookEndpointRecord;
}

interface Answer {
  status: number | null;
  error: string | null;
}

/** Rounds per call: a large backlog is sent over several calls rather than in one that never ends. */
const maximumRounds = 20;

/** Read by shape, not instanceof: fetch's errors may come from another realm (a test runner's sandbox). */
function describeFailure(error: unknown, timeoutMs: number): string {
  const { name, message, cause } = (error ?? {}) as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (name === "TimeoutError" || name === "AbortError") return `no answer within ${timeoutMs / 1000} s`;
  const detail = cause?.code ?? cause?.message;
  return `${message ?? String(error)}${detail ? ` (${detail})` : ""}`;
}

export class WebhookDispatcher {
  private readonly retryPolicy: RetryPolicy;
  private readonly random: () => number;
  private readonly batchSize: number;
  private readonly concurrency: number;
  /** A claim outlives the longest send, so the row is not taken over while its answer may still come. */
  private readonly leaseMs: number;
  private stopping = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly webhooks: WebhookService,
    private readonly options: WebhookDispatcherOptions,
  ) {
    this.retryPolicy = options.retryPolicy ?? defaultRetryPolicy;
    this.random = options.random ?? Math.random;
    this.batchSize = options.batchSize ?? 100;
    this.concurrency = options.concurrency ?? 10;
    this.leaseMs = options.timeoutMs + 60_000;
  }

  /** Sends what is due now, round after round until nothing is (or a call's limit); returns what became of it. */
  async dispatchDue(): Promise<DispatchResult> {
    const result: DispatchResult = { delivered: 0, retried: 0, failed: 0 };
    for (let round = 0; round < maximumRounds && !this.stopping; round += 1) {
      const due = await this.dueIds();
      let next = 0;
      const worker = async () => {
        while (next < due.length && !this.stopping) {
          const outcome = await this.attempt(due[next++]);
          if (outcome) result[outcome] += 1;
        }
      };
      await Promise.all(Array.from({ length: Math.min(this.concurrency, due.length) }, worker));
      if (due.length < this.batchSize) break;
    }
    return result;
  }

  /** Stops between deliveries: those being sent finish (within the timeout), the rest wait for the next dispatcher. */
  stop(): void {
    this.stopping = true;
  }

  /** Due rows of active endpoints. Read without a lock: the claim decides who sends. */
  private async dueIds(): Promise<number[]> {
    const rows: { id: unknown }[] = await this.dataSource.query(
      `SELECT d.id AS id FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
       WHERE d.status = 'PENDING' AND d.next_attempt_at <= ? AND e.active = 1 ORDER BY d.next_attempt_at, d.id LIMIT ?`,
      [timeToDatabase(this.dataSource, this.clock.now()), this.batchSize],
    );
    return rows.map((row) => numberFromDatabase(row.id));
  }

  private async attempt(id: number): Promise<Outcome | null> {
    const claimed = await this.claim(id);
    if (!claimed) return null;
    const answer = await this.send(claimed);
    return this.record(claimed.delivery, answer);
  }

  /**
   * Takes the row if it is still due, counting the attempt and leasing it: one conditional UPDATE, so of two
   * dispatchers only one changes the row. In a transaction of its own (on SQLite one connection is shared, and a
   * statement outside the queue could land inside another service's open transaction).
   */
  private claim(id: number): Promise<Claimed | null> {
    return runInTransaction(this.dataSource, async (manager) => {
      const now = this.clock.now();
      const taken = await manager
        .createQueryBuilder()
        .update(WebhookDeliveryRecord)
        .set({ attempts: () => "attempts + 1", nextAttemptAt: new Date(now.getTime() + this.leaseMs), lastAttemptAt: now })
        .where("id = :id AND status = 'PENDING' AND next_attempt_at <= :now", { id, now: timeToDatabase(this.dataSource, now) })
        .andWhere("endpoint_id IN (SELECT e.id FROM webhook_endpoints e WHERE e.active = 1)")
        .execute();
      if (taken.affected !== 1) return null;
      const delivery = await manager.findOneByOrFail(WebhookDeliveryRecord, { id });
      const endpoint = await manager.findOneByOrFail(WebhookEndpointRecord, { id: delivery.endpointId });
      return { delivery, endpoint };
    });
  }

  private async send({ delivery, endpoint }: Claimed): Promise<Answer> {
    const timestamp = Math.floor(this.clock.now().getTime() / 1000);
    try {
      const body = this.options.bodyOf ? await this.options.bodyOf(delivery) : delivery.payload;
      const response = await fetch(endpoint.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": "loyalty-graph-webhooks/1",
          "x-loyalty-event": delivery.eventType,
          "x-loyalty-delivery": String(delivery.id),
          "x-loyalty-timestamp": String(timestamp),
          "x-loyalty-signature": webhookSignature(this.webhooks.secretOf(endpoint), timestamp, body),
        },
        body,
        // A redirect is an answer like any other non-2xx: the signed body is not sent on to another address.
        redirect: "manual",
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      if (response.ok) {
        await response.body?.cancel();
        return { status: response.status, error: null };
      }
      // The status only: a receiver's body is not kept, so an endpoint cannot be used to read other services' answers.
      await response.body?.cancel();
      return { status: response.status, error: `HTTP ${response.status}` };
    } catch (error) {
      return { status: null, error: describeFailure(error, this.options.timeoutMs) };
    }
  }

  /** Records the answer, unless the lease ran out and another dispatcher has taken the row since (attempts moved on). */
  private async record(delivery: WebhookDeliveryRecord, answer: Answer): Promise<Outcome | null> {
    const now = this.clock.now();
    const delivered = answer.status !== null && answer.status >= 200 && answer.status < 300;
    const retry = delivered ? null : nextAttempt(delivery.attempts, now, this.random(), this.retryPolicy);
    const outcome: Outcome = delivered ? "delivered" : retry?.retry ? "retried" : "failed";
    const change: Partial<WebhookDeliveryRecord> = { lastResponseStatus: answer.status, lastError: answer.error === null ? null : answer.error.slice(0, 255) };
    if (delivered) Object.assign(change, { status: "DELIVERED", deliveredAt: now });
    else if (retry?.retry) change.nextAttemptAt = retry.at;
    else change.status = "FAILED";
    const written = await runInTransaction(this.dataSource, (manager) =>
      manager
        .createQueryBuilder()
        .update(WebhookDeliveryRecord)
        .set(change)
        .where("id = :id AND status = 'PENDING' AND attempts = :attempts", { id: delivery.id, attempts: delivery.attempts })
        .execute(),
    );
    return written.affected === 1 ? outcome : null;
  }
}
