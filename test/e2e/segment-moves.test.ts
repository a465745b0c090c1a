import { randomUUID } from "node:crypto";
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";
import { testDatabaseKinds } from "../support/databases";
import { StaffSessions } from "../support/staff-sessions";
import { startTestApplication, type TestApplication } from "../support/test-application";

const moves = `subscription ($schemeId: ID, $memberId: ID) { segmentMoves(schemeId: $schemeId, memberId: $memberId) { member { id } scheme { code } from { code } to { code } reason } }`;

function subscribe(client: Client, variables: Record<string, unknown> = {}) {
  const received: any[] = [];
  let failure: unknown = null;
  client.subscribe({ query: moves, variables }, { next: (value) => received.push(value), error: (error) => (failure = error), complete: () => undefined });
  return { received, failure: () => failure };
}

async function eventually(check: () => boolean, what: string): Promise<void> {
  for (let attempt = 0; attempt < 150; attempt += 1) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe.each(testDatabaseKinds())("live segment moves over graphql-ws on $name", (kind) => {
  let test: TestApplication;
  let staff: StaffSessions;
  const clients: Client[] = [];
  let activitySchemeId: string;

  const connect = (authorization: string) => {
    const client = createClient({ url: test.url.replace(/^http/, "ws"), webSocketImpl: WebSocket, connectionParams: { authorization }, retryAttempts: 0, lazy: true });
    clients.push(client);
    return client;
  };
  const login = (memberId: string) =>
    test.graphql(`mutation ($events: [BehaviourEventInput!]!) { recordEvents(events: $events) { accepted } }`, {
      events: [{ source: "app", externalId: `L-${randomUUID()}`, kind: "LOGIN", memberId, occurredAt: test.clock.now().toISOString() }],
    }, staff.operator);

  beforeAll(async () => {
    test = await startTestApplication(kind);
    staff = new StaffSessions(test);
    await staff.signIn();
    // Members exist and are placed before anyone listens; the subscriptions then see only what happens next.
    await test.application.services.scoring.runFull("MANUAL", "test");
    const schemes = await test.graphql(`{ segmentSchemes { id code } }`, {}, staff.admin);
    activitySchemeId = schemes.data!.segmentSchemes.find((scheme: { code: string }) => scheme.code === "ACTIVITY").id;
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    await test?.close();
  });

  it("pushes exactly one move when an event moves a member, to staff and to that member only", async () => {
    const ann = await staff.newMember();
    const ben = await staff.newMember();
    await test.application.services.segments.evaluateAll("SCHEDULE");
    const staffFeed = subscribe(connect(staff.admin), { schemeId: activitySchemeId });
    const annFeed = subscribe(connect(await test.memberToken(ann.id)));
    const benFeed = subscribe(connect(await test.memberToken(ben.id)));
    await new Promise((resolve) => setTimeout(resolve, 200));

    expect((await login(ann.globalId)).data!.recordEvents.accepted).toBe(1);
    await eventually(() => staffFeed.received.length >= 1 && annFeed.received.length >= 1, "the move");
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(staffFeed.received.map((message) => message.data.segmentMoves)).toEqual([
      { member: { id: ann.globalId }, scheme: { code: "ACTIVITY" }, from: { code: "DORMANT" }, to: { code: "ACTIVE" }, reason: "EVENT" },
    ]);
    // Ann's own feed has her moves in every scheme that changed, never anyone else's.
    expect(annFeed.received.length).toBeGreaterThanOrEqual(1);
    expect(annFeed.received.every((message) => message.data.segmentMoves.member.id === ann.globalId)).toBe(true);
    expect(benFeed.received).toEqual([]);

    // A second login changes nothing: no move, nothing pushed.
    await login(ann.globalId);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(staffFeed.received).toHaveLength(1);
  });

  it("refuses a member who asks for another member's moves, and an analyst may watch", async () => {
    const ann = await staff.newMember();
    const ben = await staff.newMember();
    const intruder = subscribe(connect(await test.memberToken(ben.id)), { memberId: ann.globalId });
    // A refusal comes as the operation's error, or as a result carrying the error (graphql-ws sends either).
    await eventually(() => intruder.failure() !== null || intruder.received.length > 0, "the refusal");
    const refusal = JSON.stringify(intruder.failure() ?? intruder.received);
    expect(refusal).toContain("FORBIDDEN");
    expect(refusal).toMatch(/only see their own/);
    const analyst = subscribe(connect(await test.staffToken("analyst")), { memberId: ann.globalId });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await test.application.services.segments.evaluateAll("SCHEDULE");
    await eventually(() => analyst.received.length === 5, "the first placement in every scheme");
    expect(analyst.received.map((message) => message.data.segmentMoves.reason)).toEqual(["INITIAL", "INITIAL", "INITIAL", "INITIAL", "INITIAL"]);
    expect(analyst.failure()).toBeNull();
  });

  it("refuses partners, even with every scope, when they subscribe", async () => {
    const partner = await test.graphql(`mutation { createPartner(input: { code: "MOVES_WATCHER", name: "观察者" }) { id } }`, {}, staff.admin);
    const issued = await test.graphql(
      `mutation ($partnerId: ID!) { issuePartnerApiKey(partnerId: $partnerId, scopes: [BENEFITS_READ, BENEFITS_REDEEM, MEMBERS_LOOKUP, POINTS_EARN, POINTS_REDEEM, SETTLEMENT_READ]) { key } }`,
      { partnerId: partner.data!.createPartner.id },
      staff.admin,
    );
    const partnerFeed = subscribe(connect(`ApiKey ${issued.data!.issuePartnerApiKey.key}`));
    await eventually(() => partnerFeed.failure() !== null || partnerFeed.received.length > 0, "the refusal");
    // Refused at the door: partner keys cannot open a WebSocket connection at all (they use HTTP).
    expect(partnerFeed.failure()).toMatchObject({ code: 4403, reason: expect.stringContaining("HTTP") });
    // And nothing arrives afterwards when members move.
    const member = await staff.newMember();
    await test.application.services.segments.evaluateMembers([member.id], "EVENT");
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(partnerFeed.received.filter((message) => message.data?.segmentMoves)).toEqual([]);
  });
});
