// What the WebSocket refuses: partner keys (they use HTTP, where their calls are counted and audited), queries and
// mutations (HTTP's), introspection when it is off; and what it masks: unexpected errors, as HTTP does.
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";
import { SubscriberFellBehind, topics } from "../../src/events/event-bus";
import { toGlobalId } from "../../src/schema/global-id";
import { internalErrorMessage } from "../../src/server/error-handling";
import { createTestPartner } from "../support/coalition";
import { testDatabaseKinds } from "../support/databases";
import { startTestApplication, type TestApplication } from "../support/test-application";

const pointsChanged = `subscription { pointsChanged { change points { balance } } }`;

/** Collects what an operation delivers, and the error (a list of GraphQL errors, or the socket's close event) it ends with. */
function operation(client: Client, query: string, variables: Record<string, unknown> = {}) {
  const received: any[] = [];
  let failure: any = null;
  let completed = false;
  client.subscribe({ query, variables }, { next: (value) => received.push(value), error: (error) => (failure = error), complete: () => (completed = true) });
  return { received, failure: () => failure, completed: () => completed };
}

async function eventually(check: () => boolean, what: string): Promise<void> {
  for (let attempt = 0; attempt < 150; attempt += 1) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** An event stream that fails on its first read, as a broken Redis connection would. */
function failingStream(error: Error): AsyncIterableIterator<never> {
  return {
    next: () => Promise.reject(error),
    return: () => Promise.resolve({ value: undefined, done: true }),
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

describe.each(testDatabaseKinds())("the WebSocket's boundaries on $name", (kind) => {
  let test: TestApplication;
  const clients: Client[] = [];

  const connect = (authorization?: string) => {
    const client = createClient({ url: test.url.replace(/^http/, "ws"), webSocketImpl: WebSocket, connectionParams: authorization ? { authorization } : {}, retryAttempts: 0, lazy: true });
    clients.push(client);
    return client;
  };
  /** Waits until the subscription is running on the server, so that an event published next reaches it. */
  const settle = () => new Promise((resolve) => setTimeout(resolve, 150));

  beforeAll(async () => {
    test = await startTestApplication(kind, { GRAPHQL_INTROSPECTION: "false" });
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    await test?.close();
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it("refuses a partner key at connection time, valid or not, before any operation runs", async () => {
    const partner = await createTestPartner(test, "WS_PROBER");
    const lookUp = `query { partnerMember(lookup: { phone: "13700000001" }) { partnerMemberId } }`;
    for (const authorization of [partner.authorization, "ApiKey not-a-key"]) {
      const attempt = operation(connect(authorization), lookUp);
      await eventually(() => attempt.failure() !== null, "the refusal of a partner key");
      expect(attempt.failure()).toMatchObject({ code: 4403, reason: expect.stringContaining("HTTP") });
      expect(attempt.received).toEqual([]);
    }
    // Nothing reached the partner's services: no call was audited.
    const audited = await test.application.database.dataSource.query("SELECT COUNT(*) AS count FROM audit_log WHERE action = 'partner.call'");
    expect(Number(audited[0].count)).toBe(0);
  });

  it("refuses a member's queries and mutations with BAD_REQUEST, on a socket whose subscription keeps working", async () => {
    const member = await test.createMember();
    const client = connect(await test.memberToken(member.id));
    const feed = operation(client, pointsChanged);
    await settle();

    const query = operation(client, `query { me { id } }`);
    await eventually(() => query.failure() !== null, "the refusal of a query");
    expect(query.failure()).toEqual([expect.objectContaining({ message: expect.stringContaining("HTTP POST /graphql"), extensions: { code: "BAD_REQUEST" } })]);
    expect(query.received).toEqual([]);

    const consentBefore = (await test.graphql(`{ me { consent { sms } } }`, {}, await test.memberToken(member.id))).data!.me.consent.sms;
    const mutation = operation(client, `mutation ($sms: Boolean!) { updateMyConsent(input: { sms: $sms }) { consent { sms } } }`, { sms: !consentBefore });
    await eventually(() => mutation.failure() !== null, "the refusal of a mutation");
    expect(mutation.failure()).toEqual([expect.objectContaining({ extensions: { code: "BAD_REQUEST" } })]);
    expect((await test.graphql(`{ me { consent { sms } } }`, {}, await test.memberToken(member.id))).data!.me.consent.sms).toBe(consentBefore);

    // The subscription opened before them still delivers.
    const earned = await test.graphql(
      `mutation ($input: EarnPointsInput!) { earnPoints(input: $input, idempotencyKey: "ws-boundary-earn-01") { balance } }`,
      { input: { memberId: toGlobalId("Member", member.id), points: 30, source: "CHECK_IN", reason: "Check-in" } },
      await test.staffToken("operator"),
    );
    expect(earned.errors).toBeUndefined();
    await eventually(() => feed.received.length === 1, "the points change");
    expect(feed.received[0].data.pointsChanged).toEqual({ change: 30, points: { balance: 30 } });
    expect(feed.failure()).toBeNull();
  });

  it("refuses introspection when it is off, as HTTP does, and suggests no field names", async () => {
    const staff = connect(await test.staffToken("admin"));
    const introspection = operation(staff, `query { __type(name: "PartnerMember") { name } }`);
    await eventually(() => introspection.failure() !== null, "the refusal of introspection");
    expect(introspection.failure()).toEqual([expect.objectContaining({ message: expect.stringContaining("introspection"), extensions: { code: "GRAPHQL_VALIDATION_FAILED" } })]);
    expect(introspection.received).toEqual([]);
    const overHttp = await test.graphql(`query { __type(name: "PartnerMember") { name } }`, {}, await test.staffToken("admin"));
    expect(overHttp.errors?.[0].extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");

    const misspelt = operation(staff, `subscription { pointsChanged { chang } }`);
    await eventually(() => misspelt.failure() !== null, "the refusal of an unknown field");
    expect(misspelt.failure()[0].extensions).toEqual({ code: "GRAPHQL_VALIDATION_FAILED" });
    expect(misspelt.failure()[0].message).not.toMatch(/Did you mean/);
  });

  it("applies the token limit to subscriptions too", async () => {
    const member = await test.createMember();
    const tooLong = operation(connect(await test.memberToken(member.id)), `subscription { pointsChanged { ${"change ".repeat(2100)} } }`);
    await eventually(() => tooLong.failure() !== null, "the refusal of too many tokens");
    expect(tooLong.failure()[0].extensions).toEqual({ code: "GRAPHQL_PARSE_FAILED" });
  });

  it("masks an unexpected error in a subscription's result, with the request id", async () => {
    const member = await test.createMember();
    const feed = operation(connect(await test.memberToken(member.id)), pointsChanged);
    await settle();
    jest.spyOn(test.application.services.pointsReader, "account").mockRejectedValueOnce(new Error("ER_ACCESS_DENIED for loyalty@db-internal-7"));
    test.application.events.publish(topics.pointsChanged, { memberId: member.id, entryTypes: ["EARN"], change: 5, balance: 5, at: test.clock.now().toISOString() });
    await eventually(() => feed.received.length === 1, "the failed delivery");
    const [error] = feed.received[0].errors;
    expect(error).toEqual({ message: internalErrorMessage, path: ["pointsChanged"], locations: expect.any(Array), extensions: { code: "INTERNAL_SERVER_ERROR", requestId: expect.any(String) } });
    expect(JSON.stringify(feed.received)).not.toContain("db-internal");
  });

  it("masks a subscription's stream failing, but lets a subscriber that fell behind know to subscribe again", async () => {
    const member = await test.createMember();
    const client = connect(await test.memberToken(member.id));
    jest.spyOn(test.application.events, "subscribe").mockImplementationOnce(() => failingStream(new Error("Redis connection to redis-internal:6379 lost")));
    const broken = operation(client, pointsChanged);
    await eventually(() => broken.failure() !== null, "the failed stream");
    expect(broken.failure()).toEqual([{ message: internalErrorMessage, extensions: { code: "INTERNAL_SERVER_ERROR", requestId: expect.any(String) } }]);

    jest.spyOn(test.application.events, "subscribe").mockImplementationOnce(() => failingStream(new SubscriberFellBehind(10)));
    const behind = operation(client, pointsChanged);
    await eventually(() => behind.failure() !== null, "the end of a subscriber that fell behind");
    expect(behind.failure()).toEqual([expect.objectContaining({ message: expect.stringContaining("Subscribe again"), extensions: { code: "SUBSCRIBER_FELL_BEHIND" } })]);
  });
});
