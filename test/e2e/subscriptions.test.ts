import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";
import { toGlobalId } from "../../src/schema/global-id";
import { testDatabaseKinds } from "../support/databases";
import { startTestApplication, type TestApplication } from "../support/test-application";

const memberChanged = `subscription ($memberId: ID) { memberChanged(memberId: $memberId) { member { id name phone } changedFields } }`;

/** Collects what a subscription delivers, and the error if it ends with one. */
function subscribe(client: Client, query: string, variables: Record<string, unknown> = {}) {
  const received: any[] = [];
  let failure: unknown = null;
  const unsubscribe = client.subscribe({ query, variables }, { next: (value) => received.push(value), error: (error) => (failure = error), complete: () => undefined });
  return { received, failure: () => failure, unsubscribe };
}

async function eventually(check: () => boolean, what: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe.each(testDatabaseKinds())("subscriptions over graphql-ws on $name", (kind) => {
  let test: TestApplication;
  const clients: Client[] = [];

  const connect = (authorization?: string) => {
    const client = createClient({ url: test.url.replace(/^http/, "ws"), webSocketImpl: WebSocket, connectionParams: authorization ? { authorization } : {}, retryAttempts: 0, lazy: true });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    test = await startTestApplication(kind);
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    await test?.close();
  });

  it("pushes a member's points changes to their own app only, and refuses the points feed to staff", async () => {
    const carol = await test.createMember({ name: "卡罗尔" });
    const dave = await test.createMember({ name: "戴夫" });
    const pointsChanged = `subscription { pointsChanged { points { balance } change entryTypes } }`;
    const carolFeed = subscribe(connect(await test.memberToken(carol.id)), pointsChanged);
    const daveFeed = subscribe(connect(await test.memberToken(dave.id)), pointsChanged);
    const staffFeed = subscribe(connect(await test.staffToken("admin")), pointsChanged);
    await new Promise((resolve) => setTimeout(resolve, 150));

    const earn = await test.graphql(
      `mutation ($input: EarnPointsInput!) { earnPoints(input: $input, idempotencyKey: "sub-earn-0001") { balance } }`,
      { input: { memberId: toGlobalId("Member", carol.id), points: 40, source: "CHECK_IN", reason: "Check-in" } },
      await test.staffToken("operator"),
    );
    expect(earn.errors).toBeUndefined();
    await eventually(() => carolFeed.received.length === 1, "the points change");
    expect(carolFeed.received[0].data.pointsChanged).toEqual({ points: { balance: 40 }, change: 40, entryTypes: ["EARN"] });
    const redeem = await test.graphql(
      `mutation { redeemPoints(input: { points: 15, reason: "Coffee" }, idempotencyKey: "sub-redeem-0001") { balance } }`,
      {},
      await test.memberToken(carol.id),
    );
    expect(redeem.errors).toBeUndefined();
    await eventually(() => carolFeed.received.length === 2, "the second points change");
    expect(carolFeed.received[1].data.pointsChanged).toEqual({ points: { balance: 25 }, change: -15, entryTypes: ["REDEEM"] });
    await eventually(() => staffFeed.failure() !== null || staffFeed.received.length > 0, "the staff refusal");
    expect(JSON.stringify(staffFeed.failure() ?? staffFeed.received)).toContain("FORBIDDEN");
    expect(daveFeed.received).toEqual([]);
  });

  it("pushes a member's committed changes to themself and to staff, but not to other members", async () => {
    const alice = await test.createMember({ name: "爱丽丝", phone: "13500001111" });
    const bob = await test.createMember({ name: "鲍勃" });
    const aliceFeed = subscribe(connect(await test.memberToken(alice.id)), memberChanged);
    const bobFeed = subscribe(connect(await test.memberToken(bob.id)), memberChanged);
    const staffFeed = subscribe(connect(await test.staffToken("analyst")), memberChanged, { memberId: toGlobalId("Member", alice.id) });
    await new Promise((resolve) => setTimeout(resolve, 150));

    const update = await test.graphql(`mutation { updateMyConsent(input: { sms: true, wechat: true }) { consent { sms wechat } } }`, {}, await test.memberToken(alice.id));
    expect(update.errors).toBeUndefined();

    await eventually(() => aliceFeed.received.length === 1 && staffFeed.received.length === 1, "both deliveries");
    expect(aliceFeed.received[0].data.memberChanged).toEqual({ member: { id: toGlobalId("Member", alice.id), name: "爱丽丝", phone: "13500001111" }, changedFields: ["consent.sms", "consent.wechat"] });
    // The analyst sees the change, with personal data masked.
    expect(staffFeed.received[0].data.memberChanged.member.phone).toBe("135****1111");
    expect(bobFeed.received).toEqual([]);
  });

  it("refuses a connection without a valid token, and a member following someone else", async () => {
    const alice = await test.createMember();
    const bob = await test.createMember();
    const anonymous = subscribe(connect(), memberChanged);
    await eventually(() => anonymous.failure() !== null, "the refusal of an anonymous subscription");
    expect((anonymous.failure() as { code?: number }).code).toBe(4403);
    const badToken = subscribe(connect("Bearer nonsense"), memberChanged);
    await eventually(() => badToken.failure() !== null, "the refusal of a bad token");
    expect((badToken.failure() as { code?: number }).code).toBe(4403);

    const nosy = subscribe(connect(await test.memberToken(alice.id)), memberChanged, { memberId: toGlobalId("Member", bob.id) });
    await eventually(() => nosy.failure() !== null || nosy.received.length > 0, "the refusal of a nosy subscription");
    const refusal = nosy.received[0] ?? nosy.failure();
    expect(JSON.stringify(refusal)).toContain("FORBIDDEN");
  });

  it("answers a subscription with UNAUTHENTICATED once the token has expired, keeping the socket open", async () => {
    const staff = connect(await test.staffToken("analyst"));
    const first = subscribe(staff, memberChanged);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(first.failure()).toBeNull();
    test.clock.advance(9 * 3600 * 1000);
    const late = subscribe(staff, memberChanged);
    await eventually(() => late.failure() !== null, "the refusal of an expired token");
    expect(JSON.stringify(late.failure())).toContain("UNAUTHENTICATED");
    // The socket stays open: the subscription made before expiry is still running.
    expect(first.failure()).toBeNull();
    test.clock.advance(-9 * 3600 * 1000);
  });

  it("applies the query limits to subscriptions too", async () => {
    const staff = connect(await test.staffToken("admin"));
    const aliases = Array.from({ length: 20 }, (_, index) => `a${index}: memberChanged { changedFields }`).join(" ");
    const flooded = subscribe(staff, `subscription { ${aliases} }`);
    await eventually(() => flooded.failure() !== null, "the refusal of too many aliases");
    expect(JSON.stringify(flooded.failure())).toMatch(/alias/i);
  });
});
