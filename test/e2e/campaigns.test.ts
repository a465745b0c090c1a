// Campaigns over GraphQL as the admin console and the member's app use them.
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { testDatabaseKinds } from "../support/databases";
import { StaffSessions } from "../support/staff-sessions";
import { startTestApplication, type TestApplication } from "../support/test-application";

const create = `mutation ($input: CampaignInput!) { createCampaign(input: $input) { id code state variants { code weight } controlPercent } }`;

describe.each(testDatabaseKinds())("campaigns over GraphQL on $name", (kind) => {
  let test: TestApplication;
  let staff: StaffSessions;
  const members: { id: number; globalId: string }[] = [];
  let segmentIds: string[];

  beforeAll(async () => {
    test = await startTestApplication(kind);
    staff = new StaffSessions(test);
    await staff.signIn();
    for (let index = 0; index < 3; index += 1) members.push(await staff.newMember());
    await test.application.services.segmentEvaluations.run("COMMAND_LINE", "test");
    const schemes = await test.graphql(`{ segmentSchemes { code segments { id } } }`, {}, staff.admin);
    segmentIds = schemes.data!.segmentSchemes.find((scheme: { code: string }) => scheme.code === "ACTIVITY").segments.map((segment: { id: string }) => segment.id);
  });
  afterAll(async () => {
    await test?.close();
  });

  const input = (overrides: Record<string, unknown> = {}) => ({
    code: "WELCOME_COUPON",
    name: "新人券",
    channel: "IN_APP_COUPON",
    trigger: { kind: "ONE_SHOT" },
    target: { segmentIds },
    variants: [{ code: "A", message: "{{name}}, 送您 {{couponCode}}", couponValue: 1_000 }],
    budget: 100_000,
    ...overrides,
  });

  it("lets operators create and run a campaign; members see their own coupons, staff the history and results", async () => {
    expect((await test.graphql(create, { input: input() }, staff.analyst)).errors![0].extensions!.code).toBe("FORBIDDEN");
    const created = await test.graphql(create, { input: input() }, staff.operator);
    expect(created.errors).toBeUndefined();
    expect(created.data!.createCampaign).toMatchObject({ code: "WELCOME_COUPON", state: "DRAFT", variants: [{ code: "A", weight: 1 }], controlPercent: 0 });
    const id = created.data!.createCampaign.id;

    const progressFeed: any[] = [];
    const client = createClient({ url: test.url.replace(/^http/, "ws"), webSocketImpl: WebSocket, connectionParams: { authorization: staff.analyst }, retryAttempts: 0 });
    client.subscribe({ query: `subscription ($id: ID) { campaignProgress(campaignId: $id) { campaignId sent skipped } }`, variables: { id } }, { next: (value) => progressFeed.push(value.data?.campaignProgress), error: () => undefined, complete: () => undefined });
    await new Promise((resolve) => setTimeout(resolve, 200));

    const scheduled = await test.graphql(`mutation ($id: ID!) { scheduleCampaign(id: $id) { state } }`, { id }, staff.operator);
    expect(scheduled.data!.scheduleCampaign.state).toBe("SCHEDULED");
    await test.application.services.campaignRunner.runUntilIdle();
    for (let attempt = 0; attempt < 100 && progressFeed.length === 0; attempt += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    await client.dispose();
    expect(progressFeed).toEqual([{ campaignId: id, sent: 3, skipped: 0 }]);

    const campaign = await test.graphql(
      `query ($id: ID!) { campaign(id: $id) { state spent progress { assigned pending sent skipped } results { variant members sent conversions cost verdict } } }`,
      { id },
      staff.analyst,
    );
    expect(campaign.data!.campaign).toEqual({
      state: "COMPLETED",
      spent: 3_000,
      progress: { assigned: 3, pending: 0, sent: 3, skipped: 0 },
      results: [{ variant: "A", members: 3, sent: 3, conversions: 0, cost: 3_000, verdict: null }],
    });

    const own = await test.graphql(`query ($id: ID!) { member(id: $id) { coupons { code value redeemedAt } } }`, { id: members[0].globalId }, await test.memberToken(members[0].id));
    expect(own.data!.member.coupons).toEqual([{ code: expect.stringMatching(/^[0-9A-F]{16}$/), value: 1_000, redeemedAt: null }]);
    // A code spends like cash: staff without personal-data access see it masked, admins in full.
    const code = own.data!.member.coupons[0].code;
    const seenBy = async (token: string) => (await test.graphql(`query ($id: ID!) { member(id: $id) { coupons { code } } }`, { id: members[0].globalId }, token)).data!.member.coupons[0].code;
    expect(await seenBy(staff.analyst)).toBe(`${code.slice(0, 4)}${"*".repeat(12)}`);
    expect(await seenBy(staff.admin)).toBe(code);
    const other = await test.graphql(`query ($id: ID!) { member(id: $id) { coupons { code } } }`, { id: members[1].globalId }, await test.memberToken(members[0].id));
    expect(other.errors![0].extensions!.code).toBe("FORBIDDEN");
    const history = await test.graphql(`query ($id: ID!) { member(id: $id) { campaignHistory { campaignCode variant channel status } } }`, { id: members[0].globalId }, staff.analyst);
    expect(history.data!.member.campaignHistory).toEqual([{ campaignCode: "WELCOME_COUPON", variant: "A", channel: "IN_APP_COUPON", status: "SENT" }]);
    const ownHistory = await test.graphql(`query ($id: ID!) { member(id: $id) { campaignHistory { campaignCode } } }`, { id: members[0].globalId }, await test.memberToken(members[0].id));
    expect(ownHistory.errors![0].extensions!.code).toBe("FORBIDDEN");

    const resumed = await test.graphql(`mutation ($id: ID!) { resumeCampaign(id: $id) { state } }`, { id }, staff.operator);
    expect(resumed.errors![0].extensions!.code).toBe("CONFLICT");
    expect(resumed.errors![0].message).toMatch(/completed campaign/i);
  });

  it("names the field at fault", async () => {
    const unknownVariable = await test.graphql(create, { input: input({ code: "BAD_TEMPLATE", variants: [{ code: "A", message: "{{nickname}} 你好", couponValue: 100 }] }) }, staff.operator);
    expect(unknownVariable.errors![0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.variants[0].message" });
    expect(unknownVariable.errors![0].message).toMatch(/nickname/);
    const noSegment = await test.graphql(create, { input: input({ code: "NO_SEGMENT", target: { segmentIds: ["999999"] } }) }, staff.operator);
    expect(noSegment.errors![0].extensions!.code).toBe("NOT_FOUND");
    const tooMuchControl = await test.graphql(create, { input: input({ code: "BIG_CONTROL", controlPercent: 80 }) }, staff.operator);
    expect(tooMuchControl.errors![0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.controlPercent" });
    const past = await test.graphql(create, { input: input({ code: "ENDED", endsAt: new Date(test.clock.now().getTime() - 3_600_000).toISOString() }) }, staff.operator);
    expect(past.errors![0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.endsAt" });
    const adHoc = await test.graphql(`mutation { createAdHocSegment(input: { code: "ANYONE", name: "所有", nameEn: "Anyone", rule: { field: cityTier, op: isNull } }) { id } }`, {}, staff.operator);
    const onAdHoc = await test.graphql(create, { input: input({ code: "ON_AD_HOC", trigger: { kind: "SEGMENT_ENTERED", segmentId: adHoc.data!.createAdHocSegment.id }, target: { segmentIds: [] } }) }, staff.operator);
    expect(onAdHoc.errors![0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.trigger.segmentId" });
    const taken = await test.graphql(create, { input: input() }, staff.operator);
    expect(taken.errors![0].extensions!.code).toBe("CONFLICT");
  });
});
