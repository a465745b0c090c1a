import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { openDatabase } from "../../src/database/data-source";
import { runInTransaction } from "../../src/database/transactions";
import { SegmentMoveRecord, WebhookDeliveryRecord } from "../../src/entities";
import { SegmentService } from "../../src/services/segments/segment-service";
import { WebhookDispatcher } from "../../src/services/webhooks/webhook-dispatcher";
import { WebhookService } from "../../src/services/webhooks/webhook-service";
import { testDatabaseKinds } from "../support/databases";
import { StaffSessions } from "../support/staff-sessions";
import { startTestApplication, type TestApplication } from "../support/test-application";

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Checked as a receiver would: HMAC-SHA256 of "<timestamp>.<body>" with the endpoint's secret, compared in constant time. */
  signatureValid: boolean;
}

/** A webhook receiver on 127.0.0.1: answers each path from a script of statuses (then 200), and checks signatures. */
class Receiver {
  readonly received: Received[] = [];
  readonly secrets = new Map<string, string>();
  readonly answers = new Map<string, number[]>();
  delayMs = 0;
  private server: Server | null = null;
  url = "";

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const path = request.url ?? "";
        const body = Buffer.concat(chunks).toString("utf8");
        this.received.push({ path, headers: request.headers, body, signatureValid: this.verify(path, request.headers, body) });
        const status = this.answers.get(path)?.shift() ?? 200;
        setTimeout(() => response.writeHead(status, { "content-type": "text/plain" }).end(status === 200 ? "ok" : "receiver is unwell"), this.delayMs);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private verify(path: string, headers: IncomingHttpHeaders, body: string): boolean {
    const secret = this.secrets.get(path);
    const signature = String(headers["x-loyalty-signature"] ?? "");
    if (!secret || !signature.startsWith("sha256=")) return false;
    const expected = createHmac("sha256", secret).update(`${headers["x-loyalty-timestamp"]}.${body}`).digest();
    const given = Buffer.from(signature.slice("sha256=".length), "hex");
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  at(path: string): Received[] {
    return this.received.filter((request) => request.path === path);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

const createEndpoint = `mutation ($input: CreateWebhookEndpointInput!) {
  createWebhookEndpoint(input: $input) { secret endpoint { id url description eventTypes active createdBy scheme { code } } } }`;
const setActive = `mutation ($id: ID!, $active: Boolean!) { setWebhookEndpointActive(id: $id, active: $active) { id active } }`;
const deliveriesQuery = `query ($status: WebhookDeliveryStatus) { webhookEndpoints { id url deliveries(first: 50, status: $status) {
  edges { node { id eventType eventId status attempts nextAttemptAt lastAttemptAt lastResponseStatus lastError deliveredAt payload } } } } }`;

interface Delivery {
  id: string;
  eventId: string;
  status: string;
  attempts: number;
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  lastResponseStatus: number | null;
  lastError: string | null;
  deliveredAt: string | null;
  payload: Record<string, any>;
}

const hour = 3_600_000;

describe.each(testDatabaseKinds())("outbound webhooks on $name", (kind) => {
  let test: TestApplication;
  let staff: StaffSessions;
  const receiver = new Receiver();
  const schemeIds = new Map<string, string>();

  beforeAll(async () => {
    test = await startTestApplication(kind, { WEBHOOK_MAX_ATTEMPTS: "4" });
    staff = new StaffSessions(test);
    await staff.signIn();
    await receiver.start();
    const schemes = await test.graphql(`{ segmentSchemes { id code } }`, {}, staff.admin);
    for (const scheme of schemes.data!.segmentSchemes as { id: string; code: string }[]) schemeIds.set(scheme.code, scheme.id);
  });
  afterAll(async () => {
    await test?.close();
    await receiver.stop();
  });

  /** Registers the receiver's `path`, remembers the secret there, and returns the endpoint's id. */
  async function register(path: string, scheme: string | null): Promise<string> {
    const response = await test.graphql(createEndpoint, { input: { url: receiver.url + path, description: `test ${path}`, eventTypes: ["SEGMENT_MOVED"], schemeId: scheme && schemeIds.get(scheme) } }, staff.operator);
    expect(response.errors).toBeUndefined();
    const { secret, endpoint } = response.data!.createWebhookEndpoint;
    receiver.secrets.set(path, secret);
    return endpoint.id;
  }

  /** A new member placed in every scheme: one INITIAL move per scheme. */
  async function placedMember() {
    const member = await staff.newMember();
    expect(await test.application.services.segments.evaluateMembers([member.id], "EVENT")).toBe(5);
    return member;
  }

  const dispatch = () => test.application.services.webhookDispatcher.dispatchDue();

  async function deliveriesOf(endpointId: string): Promise<Delivery[]> {
    const response = await test.graphql(deliveriesQuery, {}, staff.admin);
    expect(response.errors).toBeUndefined();
    const endpoint = response.data!.webhookEndpoints.find((candidate: { id: string }) => candidate.id === endpointId);
    return endpoint.deliveries.edges.map((edge: { node: Delivery }) => edge.node);
  }

  const deactivate = async (endpointId: string) => expect((await test.graphql(setActive, { id: endpointId, active: false }, staff.operator)).errors).toBeUndefined();

  it("registers an endpoint, shows its secret once, and delivers a move once with a valid signature and no personal data", async () => {
    const created = await test.graphql(createEndpoint, { input: { url: `${receiver.url}/once`, eventTypes: ["SEGMENT_MOVED"], schemeId: schemeIds.get("ACTIVITY") } }, staff.operator);
    expect(created.errors).toBeUndefined();
    const { secret, endpoint } = created.data!.createWebhookEndpoint;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(endpoint).toMatchObject({ url: `${receiver.url}/once`, description: "", eventTypes: ["SEGMENT_MOVED"], active: true, scheme: { code: "ACTIVITY" } });
    expect(endpoint.createdBy).toMatch(/^staff:\d+$/);
    receiver.secrets.set("/once", secret);
    // The list never shows a secret again, and it is not stored in clear.
    const listed = await test.graphql(`{ webhookEndpoints { id url active } }`, {}, await test.staffToken("analyst"));
    expect(listed.data!.webhookEndpoints).toContainEqual({ id: endpoint.id, url: `${receiver.url}/once`, active: true });
    const [stored] = await test.application.database.dataSource.query("SELECT secret_encrypted FROM webhook_endpoints WHERE id = ?", [Number(endpoint.id)]);
    expect(stored.secret_encrypted).not.toContain(secret);

    const member = await placedMember();
    const [pending] = await deliveriesOf(endpoint.id);
    expect(pending).toMatchObject({ status: "PENDING", attempts: 0, nextAttemptAt: test.clock.now().toISOString(), deliveredAt: null });

    expect(await dispatch()).toEqual({ delivered: 1, retried: 0, failed: 0 });
    const [request] = receiver.at("/once");
    expect(receiver.at("/once")).toHaveLength(1);
    expect(request.signatureValid).toBe(true);
    expect(request.headers["content-type"]).toBe("application/json");
    expect(request.headers["x-loyalty-event"]).toBe("SEGMENT_MOVED");
    expect(request.headers["x-loyalty-delivery"]).toBe(pending.id);
    expect(request.headers["x-loyalty-timestamp"]).toBe(String(Math.floor(test.clock.now().getTime() / 1000)));
    const [move] = await test.application.database.dataSource.query(
      "SELECT mv.id AS id, t.id AS to_id FROM segment_moves mv JOIN segment_schemes s ON s.id = mv.scheme_id JOIN segments t ON t.id = mv.to_segment_id WHERE mv.member_id = ? AND s.code = 'ACTIVITY'",
      [member.id],
    );
    expect(JSON.parse(request.body)).toEqual({
      id: `segment-move:${move.id}`,
      type: "SEGMENT_MOVED",
      memberId: member.globalId,
      scheme: { id: schemeIds.get("ACTIVITY"), code: "ACTIVITY" },
      from: null,
      to: { id: String(move.to_id), code: "DORMANT" },
      reason: "INITIAL",
      at: test.clock.now().toISOString(),
    });
    expect(request.body).not.toContain("测试会员");
    expect(request.body).not.toMatch(/phone|name|email/i);

    // Delivered once: another round sends nothing.
    expect(await dispatch()).toEqual({ delivered: 0, retried: 0, failed: 0 });
    expect(receiver.at("/once")).toHaveLength(1);
    const [delivered] = await deliveriesOf(endpoint.id);
    expect(delivered).toMatchObject({ status: "DELIVERED", attempts: 1, lastResponseStatus: 200, lastError: null, nextAttemptAt: null, deliveredAt: test.clock.now().toISOString() });
    expect(delivered.payload).toEqual(JSON.parse(request.body));

    // Enqueueing the same move again (a retried transaction would) adds nothing and leaves the delivery as it was.
    const { dataSource } = test.application.database;
    const moveRecord = await dataSource.getRepository(SegmentMoveRecord).findOneByOrFail({ id: Number(move.id) });
    await runInTransaction(dataSource, (manager) => test.application.services.segmentMoveWebhooks.enqueueSegmentMoves(manager, [moveRecord]));
    expect(await deliveriesOf(endpoint.id)).toEqual([delivered]);

    const [audit] = await test.application.database.dataSource.query("SELECT action, actor_type FROM audit_log WHERE target_type = 'webhookEndpoint' AND target_id = ?", [endpoint.id]);
    expect(audit).toEqual({ action: "webhookEndpoint.create", actor_type: "staff" });
    await deactivate(endpoint.id);
  });

  it("retries a receiver that answers 500 twice with growing waits, and delivers on the third attempt", async () => {
    const endpointId = await register("/flaky", "ACTIVITY");
    receiver.answers.set("/flaky", [500, 500]);
    await placedMember();

    expect(await dispatch()).toEqual({ delivered: 0, retried: 1, failed: 0 });
    const [first] = await deliveriesOf(endpointId);
    expect(first).toMatchObject({ status: "PENDING", attempts: 1, lastResponseStatus: 500, lastError: "HTTP 500" });
    const firstWait = Date.parse(first.nextAttemptAt!) - Date.parse(first.lastAttemptAt!);
    expect(firstWait).toBeGreaterThanOrEqual(15_000);
    expect(firstWait).toBeLessThan(30_000);
    // Not due yet: nothing is sent before the wait is over.
    test.clock.advance(firstWait - 1);
    expect(await dispatch()).toEqual({ delivered: 0, retried: 0, failed: 0 });
    test.clock.advance(1);
    expect(await dispatch()).toEqual({ delivered: 0, retried: 1, failed: 0 });
    const [second] = await deliveriesOf(endpointId);
    const secondWait = Date.parse(second.nextAttemptAt!) - Date.parse(second.lastAttemptAt!);
    expect(second.attempts).toBe(2);
    expect(secondWait).toBeGreaterThanOrEqual(30_000);
    expect(secondWait).toBeLessThan(60_000);

    test.clock.advance(secondWait);
    expect(await dispatch()).toEqual({ delivered: 1, retried: 0, failed: 0 });
    const [third] = await deliveriesOf(endpointId);
    expect(third).toMatchObject({ status: "DELIVERED", attempts: 3, lastResponseStatus: 200, lastError: null, deliveredAt: test.clock.now().toISOString() });
    const requests = receiver.at("/flaky");
    expect(requests).toHaveLength(3);
    // The same delivery each time (receivers de-duplicate on it), each signed afresh with its own timestamp.
    expect(new Set(requests.map((request) => request.headers["x-loyalty-delivery"]))).toEqual(new Set([third.id]));
    expect(requests.every((request) => request.signatureValid)).toBe(true);
    expect(new Set(requests.map((request) => request.headers["x-loyalty-timestamp"])).size).toBe(3);
    await deactivate(endpointId);
  });

  it("gives a delivery up after the last attempt (FAILED) and sends it no more", async () => {
    const endpointId = await register("/down", "ACTIVITY");
    receiver.answers.set("/down", Array.from({ length: 10 }, () => 503));
    await placedMember();
    const outcomes = [];
    for (let attempt = 0; attempt < 4; attempt += 1) {
      outcomes.push(await dispatch());
      test.clock.advance(hour);
    }
    expect(outcomes).toEqual([...Array.from({ length: 3 }, () => ({ delivered: 0, retried: 1, failed: 0 })), { delivered: 0, retried: 0, failed: 1 }]);
    const [failed] = await deliveriesOf(endpointId);
    expect(failed).toMatchObject({ status: "FAILED", attempts: 4, lastResponseStatus: 503, nextAttemptAt: null, deliveredAt: null });
    expect(await dispatch()).toEqual({ delivered: 0, retried: 0, failed: 0 });
    expect(receiver.at("/down")).toHaveLength(4);
    expect((await deliveriesOf(endpointId)).map((delivery) => delivery.status)).toEqual(["FAILED"]);
    const failedOnly = await test.graphql(deliveriesQuery, { status: "FAILED" }, staff.admin);
    expect(failedOnly.data!.webhookEndpoints.find((endpoint: { id: string }) => endpoint.id === endpointId).deliveries.edges).toHaveLength(1);
    await deactivate(endpointId);
    await staff.signIn();
  });

  it("records a receiver that cannot be reached as an error without a status, and retries it", async () => {
    const endpointId = await register("/unreachable", "ACTIVITY");
    // A port nothing listens on: connection refused.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await test.application.database.dataSource.query("UPDATE webhook_endpoints SET url = ? WHERE id = ?", [`http://127.0.0.1:${port}/nowhere`, Number(endpointId)]);
    await placedMember();
    expect(await dispatch()).toEqual({ delivered: 0, retried: 1, failed: 0 });
    const [delivery] = await deliveriesOf(endpointId);
    expect(delivery).toMatchObject({ status: "PENDING", attempts: 1, lastResponseStatus: null });
    expect(delivery.lastError).toMatch(/ECONNREFUSED/);
    await deactivate(endpointId);
  });

  it("gives up waiting for a receiver that does not answer within the timeout, and retries it", async () => {
    const endpointId = await register("/silent", "ACTIVITY");
    // Accepts the request and never answers.
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    try {
      await test.application.database.dataSource.query("UPDATE webhook_endpoints SET url = ? WHERE id = ?", [`http://127.0.0.1:${(silent.address() as AddressInfo).port}/silent`, Number(endpointId)]);
      await placedMember();
      const { database, clock, services } = test.application;
      const impatient = new WebhookDispatcher(database.dataSource, clock, services.webhooks, { timeoutMs: 200 });
      expect(await impatient.dispatchDue()).toEqual({ delivered: 0, retried: 1, failed: 0 });
      const [delivery] = await deliveriesOf(endpointId);
      expect(delivery).toMatchObject({ status: "PENDING", attempts: 1, lastResponseStatus: null, lastError: "no answer within 0.2 s" });
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
      await deactivate(endpointId);
    }
  });

  it("enqueues nothing when the transaction that moved the member rolls back", async () => {
    const endpointId = await register("/rollback", null);
    const member = await staff.newMember();
    const { services, database, clock, events } = test.application;
    let enqueuedInside = -1;
    const crashing = new SegmentService(database.dataSource, clock, events, test.application.config.programme.utcOffsetMinutes, {
      async afterMovesWritten(manager, moves) {
        await services.segmentMoveWebhooks.enqueueSegmentMoves(manager, moves);
        enqueuedInside = await manager.countBy(WebhookDeliveryRecord, { endpointId: Number(endpointId) });
        throw new Error("crash before commit");
      },
    });
    await expect(crashing.evaluateMembers([member.id], "EVENT")).rejects.toThrow("crash before commit");
    expect(enqueuedInside).toBe(5);
    expect(await deliveriesOf(endpointId)).toEqual([]);
    const [{ moves }] = await database.dataSource.query("SELECT COUNT(*) AS moves FROM segment_moves WHERE member_id = ?", [member.id]);
    expect(Number(moves)).toBe(0);
    expect(await dispatch()).toEqual({ delivered: 0, retried: 0, failed: 0 });
    expect(receiver.at("/rollback")).toHaveLength(0);

    // The same moves, committed this time: one delivery per scheme.
    expect(await services.segments.evaluateMembers([member.id], "EVENT")).toBe(5);
    expect(await dispatch()).toEqual({ delivered: 5, retried: 0, failed: 0 });
    expect(receiver.at("/rollback").map((request) => JSON.parse(request.body).scheme.code).sort()).toEqual(["ACTIVITY", "CLUSTER", "LIFECYCLE", "RFM", "VALUE_BAND"]);
    await deactivate(endpointId);
  });

  it("sends an inactive endpoint nothing, holds its pending deliveries until it is active again, and honours the scheme filter", async () => {
    const lifecycle = await register("/lifecycle", "LIFECYCLE");
    const off = await register("/off", null);
    await deactivate(off);
    const paused = await register("/paused", "ACTIVITY");
    await placedMember();
    expect((await deliveriesOf(off)).length).toBe(0);
    expect((await deliveriesOf(lifecycle)).map((delivery) => delivery.payload.scheme.code)).toEqual(["LIFECYCLE"]);
    expect((await deliveriesOf(paused)).map((delivery) => delivery.status)).toEqual(["PENDING"]);

    await deactivate(paused);
    expect(await dispatch()).toEqual({ delivered: 1, retried: 0, failed: 0 });
    expect(receiver.at("/lifecycle").map((request) => JSON.parse(request.body).scheme.code)).toEqual(["LIFECYCLE"]);
    expect(receiver.at("/off")).toHaveLength(0);
    expect(receiver.at("/paused")).toHaveLength(0);

    expect((await test.graphql(setActive, { id: paused, active: true }, staff.operator)).data!.setWebhookEndpointActive).toEqual({ id: paused, active: true });
    expect(await dispatch()).toEqual({ delivered: 1, retried: 0, failed: 0 });
    expect(receiver.at("/paused")).toHaveLength(1);
    const actions = await test.application.database.dataSource.query("SELECT action FROM audit_log WHERE target_type = 'webhookEndpoint' AND target_id = ? ORDER BY id", [paused]);
    expect(actions.map((row: { action: string }) => row.action)).toEqual(["webhookEndpoint.create", "webhookEndpoint.deactivate", "webhookEndpoint.activate"]);
    await deactivate(lifecycle);
    await deactivate(paused);
  });

  it("signs with the new secret at once after a rotation", async () => {
    const endpointId = await register("/rotate", "ACTIVITY");
    const oldSecret = receiver.secrets.get("/rotate");
    const rotated = await test.graphql(`mutation ($id: ID!) { rotateWebhookSecret(id: $id) { secret endpoint { id } } }`, { id: endpointId }, staff.operator);
    expect(rotated.errors).toBeUndefined();
    const { secret } = rotated.data!.rotateWebhookSecret;
    expect(secret).not.toBe(oldSecret);
    await placedMember();
    receiver.secrets.set("/rotate", oldSecret!);
    await dispatch();
    const [request] = receiver.at("/rotate");
    expect(request.signatureValid).toBe(false);
    receiver.secrets.set("/rotate", secret);
    const signature = createHmac("sha256", secret).update(`${request.headers["x-loyalty-timestamp"]}.${request.body}`).digest("hex");
    expect(request.headers["x-loyalty-signature"]).toBe(`sha256=${signature}`);
    await deactivate(endpointId);
  });

  it("delivers each delivery once when two dispatchers race over the same rows", async () => {
    const endpointId = await register("/race", null);
    for (let index = 0; index < 6; index += 1) await placedMember();
    expect(await deliveriesOf(endpointId)).toHaveLength(30);
    // On MariaDB the rival has its own connections, as a second server would. better-sqlite3 is synchronous: a second
    // connection in this process waiting for the file lock would block the event loop of the first (two processes
    // do not), so on SQLite both dispatchers share the connection and every claim is a transaction of its own.
    const other = kind.name === "mysql" ? await openDatabase(test.application.config.database, { runMigrations: false }) : test.application.database;
    try {
      const { clock, services } = test.application;
      const rival = new WebhookDispatcher(other.dataSource, clock, new WebhookService(other.dataSource, clock, services.cipher, services.audit), { timeoutMs: 5_000, batchSize: 10, concurrency: 5 });
      receiver.delayMs = 10;
      const [ours, theirs] = await Promise.all([dispatch(), rival.dispatchDue()]);
      expect(ours.delivered + theirs.delivered).toBe(30);
      expect(ours.retried + theirs.retried + ours.failed + theirs.failed).toBe(0);
    } finally {
      receiver.delayMs = 0;
      if (other !== test.application.database) await other.dataSource.destroy();
    }
    const requests = receiver.at("/race");
    expect(requests.length).toBe(30);
    expect(new Set(requests.map((request) => request.headers["x-loyalty-delivery"])).size).toBe(30);
    expect((await deliveriesOf(endpointId)).every((delivery) => delivery.status === "DELIVERED" && delivery.attempts === 1)).toBe(true);
    await deactivate(endpointId);
  });

  it("refuses a URL that is not http(s) with BAD_USER_INPUT, and lets only staff with webhooks:write register", async () => {
    const input = (url: string, extra: Record<string, unknown> = {}) => ({ input: { url, eventTypes: ["SEGMENT_MOVED"], ...extra } });
    for (const url of ["ftp://example.com/hook", "not a url", "javascript:alert(1)", "https://user:secret@example.com/hook"]) {
      const refused = await test.graphql(createEndpoint, input(url), staff.operator);
      expect(refused.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.url" });
    }
    const noScheme = await test.graphql(createEndpoint, input("https://example.com/hook", { schemeId: "999999" }), staff.operator);
    expect(noScheme.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.schemeId" });
    const noTypes = await test.graphql(createEndpoint, { input: { url: "https://example.com/hook", eventTypes: [] } }, staff.operator);
    expect(noTypes.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.eventTypes" });

    const member = await staff.newMember();
    expect((await test.graphql(createEndpoint, input("https://example.com/hook"), await test.memberToken(member.id))).errors?.[0].extensions?.code).toBe("FORBIDDEN");
    expect((await test.graphql(createEndpoint, input("https://example.com/hook"), await test.staffToken("analyst"))).errors?.[0].extensions?.code).toBe("FORBIDDEN");
    expect((await test.graphql(createEndpoint, input("https://example.com/hook"))).errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
    const partner = await test.graphql(`mutation { createPartner(input: { code: "HOOK_CO", name: "钩子" }) { id } }`, {}, staff.admin);
    const issued = await test.graphql(
      `mutation ($partnerId: ID!) { issuePartnerApiKey(partnerId: $partnerId, scopes: [MEMBERS_LOOKUP]) { key } }`,
      { partnerId: partner.data?.createPartner.id },
      staff.admin,
    );
    const apiKey = `ApiKey ${issued.data!.issuePartnerApiKey.key}`;
    expect((await test.graphql(createEndpoint, input("https://example.com/hook"), apiKey)).errors?.[0].extensions?.code).toBe("FORBIDDEN");
    expect((await test.graphql(`{ webhookEndpoints { id } }`, {}, apiKey)).errors?.[0].extensions?.code).toBe("FORBIDDEN");
    expect((await test.graphql(setActive, { id: "1", active: true }, await test.memberToken(member.id))).errors?.[0].extensions?.code).toBe("FORBIDDEN");
    const [{ endpoints }] = await test.application.database.dataSource.query("SELECT COUNT(*) AS endpoints FROM webhook_endpoints WHERE url LIKE 'https://example.com/%' OR url LIKE 'ftp:%'");
    expect(Number(endpoints)).toBe(0);
  });

  it("sends on the server's own timer, and stops it cleanly", async () => {
    const timed = await startTestApplication(kind, { WEBHOOK_DISPATCH_INTERVAL_SECONDS: "1" });
    try {
      const operator = await timed.staffToken("operator");
      const schemes = await timed.graphql(`{ segmentSchemes { id code } }`, {}, operator);
      const activity = schemes.data!.segmentSchemes.find((scheme: { code: string }) => scheme.code === "ACTIVITY").id;
      const created = await timed.graphql(createEndpoint, { input: { url: `${receiver.url}/timer`, eventTypes: ["SEGMENT_MOVED"], schemeId: activity } }, operator);
      receiver.secrets.set("/timer", created.data!.createWebhookEndpoint.secret);
      const member = await timed.createMember();
      await timed.application.services.segments.evaluateMembers([member.id], "EVENT");
      for (let wait = 0; wait < 100 && receiver.at("/timer").length === 0; wait += 1) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(receiver.at("/timer")).toHaveLength(1);
      expect(receiver.at("/timer")[0].signatureValid).toBe(true);
    } finally {
      await timed.close();
    }
  });
});

describe.each(testDatabaseKinds().slice(0, 1))("webhook endpoints in production on $name", (kind) => {
  let test: TestApplication;
  let staff: StaffSessions;

  beforeAll(async () => {
    test = await startTestApplication(kind, { WEBHOOK_ALLOW_PRIVATE_NETWORKS: "false" });
    staff = new StaffSessions(test);
    await staff.signIn();
  });
  afterAll(async () => {
    await test?.close();
  });

  it.each(["http://127.0.0.1:9000/hook", "http://localhost/hook", "http://169.254.169.254/latest/meta-data", "http://10.1.2.3/hook", "http://[::1]:8080/hook", "http://192.168.1.20/hook"])(
    "refuses %s: an endpoint may not point inside the network",
    async (url) => {
      const response = await test.graphql(`mutation ($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret } }`, { input: { url, eventTypes: ["SEGMENT_MOVED"] } }, staff.admin);
      expect(response.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.url" });
      expect(response.errors?.[0].message).toMatch(/loopback, private or link-local/);
    },
  );

  it("accepts a public address", async () => {
    const response = await test.graphql(`mutation ($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret } }`, { input: { url: "https://crm.example.com/hooks/loyalty", eventTypes: ["SEGMENT_MOVED"] } }, staff.admin);
    expect(response.errors).toBeUndefined();
  });
});
