import { randomUUID } from "node:crypto";
import { testDatabaseKinds } from "../support/databases";
import { StaffSessions } from "../support/staff-sessions";
import { startTestApplication, type TestApplication } from "../support/test-application";

const schemesQuery = `{ segmentSchemes { code builtIn segments { code name catchAll size } } }`;
const preview = `query ($rule: SegmentRuleInput!) { previewSegment(rule: $rule, sample: 5) { size sample { id } } }`;

describe.each(testDatabaseKinds())("segments over GraphQL on $name", (kind) => {
  let test: TestApplication;
  let staff: StaffSessions;
  const members: { id: number; globalId: string }[] = [];

  beforeAll(async () => {
    test = await startTestApplication(kind);
    staff = new StaffSessions(test);
    await staff.signIn();
    for (let index = 0; index < 4; index += 1) members.push(await staff.newMember());
    const at = (daysAgo: number) => new Date(test.clock.now().getTime() - daysAgo * 86_400_000).toISOString();
    const events = [
      { source: "app", externalId: `L-${randomUUID()}`, kind: "LOGIN", memberId: members[0].globalId, occurredAt: at(1) },
      { source: "pos", externalId: `O-${randomUUID()}`, kind: "ORDER", memberId: members[1].globalId, occurredAt: at(2), amount: 30_000, channel: "OFFLINE_STORE", storeCode: "SH-001" },
    ];
    const recorded = await test.graphql(`mutation ($events: [BehaviourEventInput!]!) { recordEvents(events: $events) { accepted } }`, { events }, staff.operator);
    expect(recorded.data!.recordEvents.accepted).toBe(2);
    await test.application.services.scoring.runFull("MANUAL", "test");
    await test.application.services.segments.evaluateAll("SCHEDULE");
  });
  afterAll(async () => {
    await test?.close();
  });

  it("lists the built-in schemes, each with its segments in order and sizes that add up to every member", async () => {
    const response = await test.graphql(schemesQuery, {}, staff.admin);
    expect(response.errors).toBeUndefined();
    const schemes = response.data!.segmentSchemes as { code: string; builtIn: boolean; segments: { code: string; catchAll: boolean; size: number }[] }[];
    expect(schemes.map((scheme) => scheme.code)).toEqual(["RFM", "LIFECYCLE", "ACTIVITY", "VALUE_BAND", "CLUSTER"]);
    for (const scheme of schemes) {
      expect(scheme.builtIn).toBe(true);
      expect(scheme.segments[scheme.segments.length - 1].catchAll).toBe(true);
      expect(scheme.segments.filter((segment) => segment.catchAll)).toHaveLength(1);
      expect(scheme.segments.reduce((sum, segment) => sum + segment.size, 0)).toBe(members.length);
    }
    const activity = schemes.find((scheme) => scheme.code === "ACTIVITY")!;
    expect(activity.segments).toEqual([
      { code: "ACTIVE", name: "活跃会员", catchAll: false, size: 2 },
      { code: "DORMANT", name: "沉睡会员", catchAll: true, size: 2 },
    ]);
  });

  it("shows a member's segments to staff and not to the member", async () => {
    const query = `query ($id: ID!) { member(id: $id) { segments { scheme { code } segment { code } enteredAt } } }`;
    const byStaff = await test.graphql(query, { id: members[0].globalId }, staff.admin);
    expect(byStaff.errors).toBeUndefined();
    const segments = byStaff.data!.member.segments as { scheme: { code: string }; segment: { code: string } }[];
    expect(segments.map((entry) => entry.scheme.code)).toEqual(["RFM", "LIFECYCLE", "ACTIVITY", "VALUE_BAND", "CLUSTER"]);
    expect(segments.find((entry) => entry.scheme.code === "ACTIVITY")!.segment.code).toBe("ACTIVE");
    const byMember = await test.graphql(query, { id: members[0].globalId }, await test.memberToken(members[0].id));
    expect(byMember.errors?.[0].extensions?.code).toBe("FORBIDDEN");
  });

  it("previews a rule without saving it, and names the path of a fault", async () => {
    const spenders = await test.graphql(preview, { rule: { all: [{ field: "ordersInWindow", op: "gte", value: 1 }, { field: "spendInWindow", op: "between", value: [10_000, 50_000] }] } }, staff.operator);
    expect(spenders.errors).toBeUndefined();
    expect(spenders.data!.previewSegment).toEqual({ size: 1, sample: [{ id: members[1].globalId }] });
    const silent = await test.graphql(preview, { rule: { field: "lastLoginAt", op: "notWithinLastDays", value: 90 } }, staff.operator);
    expect(silent.data!.previewSegment.size).toBe(3);
    // Fields and operators are enums of the typed input: GraphQL itself refuses an unknown one, naming the path.
    const wrong = await test.graphql(preview, { rule: { any: [{ field: "gender", op: "eq", value: "FEMALE" }, { field: "shoeSize", op: "gt", value: 40 }] } }, staff.operator);
    expect(wrong.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
    expect(wrong.errors?.[0].message).toMatch(/"shoeSize" at "rule.any\[1\].field"; Value "shoeSize" does not exist in "SegmentRuleField" enum/);
    // What the types cannot say, the rule parser does, with the path in extensions.field.
    const impossible = await test.graphql(preview, { rule: { any: [{ field: "gender", op: "eq", value: "FEMALE" }, { field: "spendInWindow", op: "between", value: [500, 100] }] } }, staff.operator);
    expect(impossible.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "rule.any[1].value" });
    const mixed = await test.graphql(preview, { rule: { all: [{ field: "gender", op: "eq", value: "FEMALE" }], field: "cityTier", op: "eq", value: 1 } }, staff.operator);
    expect(mixed.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "rule" });
    // A rule too large to store is refused before it reaches the database (TEXT holds 64 KB on MariaDB).
    const cities = Array.from({ length: 3_000 }, (_, index) => `城市${index}`);
    const huge = await test.graphql(preview, { rule: { field: "city", op: "in", value: cities } }, staff.operator);
    expect(huge.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "rule" });
    expect(huge.errors?.[0].message).toMatch(/at most 16384/);
    // The same rule written inline in the query, enums bare, works as well as a variable.
    const inline = await test.graphql(`{ previewSegment(rule: { field: lastLoginAt, op: notWithinLastDays, value: 90 }) { size } }`, {}, staff.operator);
    expect(inline.data!.previewSegment.size).toBe(3);
  });

  it("lets operators create a scheme of their own, places every member at once, and re-evaluates it when a rule changes", async () => {
    const create = `mutation ($input: CreateSegmentSchemeInput!) { createSegmentScheme(input: $input) { id code builtIn segments { id code catchAll size } } }`;
    const input = {
      code: "BUYERS",
      name: "购买者",
      nameEn: "Buyers",
      segments: [{ code: "BIG", name: "大额", nameEn: "Big spenders", rule: { field: "spendInWindow", op: "gte", value: 50_000 } }],
      catchAll: { code: "REST", name: "其他", nameEn: "Everyone else" },
    };
    const byAnalyst = await test.graphql(create, { input }, await test.staffToken("analyst"));
    expect(byAnalyst.errors?.[0].extensions?.code).toBe("FORBIDDEN");
    const bad = await test.graphql(create, { input: { ...input, segments: [{ ...input.segments[0], rule: { field: "spendInWindow", op: "between", value: [9, 1] } }] } }, staff.operator);
    expect(bad.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.segments[0].rule.value" });

    const created = await test.graphql(create, { input }, staff.operator);
    expect(created.errors).toBeUndefined();
    const scheme = created.data!.createSegmentScheme;
    expect(scheme).toMatchObject({ code: "BUYERS", builtIn: false });
    expect(scheme.segments.map((segment: { code: string; size: number }) => [segment.code, segment.size])).toEqual([["BIG", 0], ["REST", members.length]]);
    const again = await test.graphql(create, { input }, staff.operator);
    expect(again.errors?.[0].extensions?.code).toBe("CONFLICT");

    const update = `mutation ($id: ID!, $rule: SegmentRuleInput!) { updateSegmentRule(segmentId: $id, rule: $rule) { code size } }`;
    const lowered = await test.graphql(update, { id: scheme.segments[0].id, rule: { field: "spendInWindow", op: "gte", value: 20_000 } }, staff.operator);
    expect(lowered.errors).toBeUndefined();
    expect(lowered.data!.updateSegmentRule).toEqual({ code: "BIG", size: 1 });
    const [move] = await test.application.database.dataSource.query(
      "SELECT mv.reason AS reason, mv.member_id AS member_id FROM segment_moves mv JOIN segments t ON t.id = mv.to_segment_id WHERE t.code = 'BIG'",
    );
    expect([move.reason, Number(move.member_id)]).toEqual(["RULE_CHANGE", members[1].id]);

    const builtIn = (await test.graphql(schemesQuery.replace("segments { code", "segments { id code"), {}, staff.admin)).data!.segmentSchemes[2].segments[0].id;
    const refused = await test.graphql(update, { id: builtIn, rule: { field: "logins30", op: "gt", value: 0 } }, staff.operator);
    expect(refused.errors?.[0].extensions?.code).toBe("CONFLICT");
    const catchAll = await test.graphql(update, { id: scheme.segments[1].id, rule: { field: "logins30", op: "gt", value: 0 } }, staff.operator);
    expect(catchAll.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "segmentId" });
  });

  it("re-evaluates on demand in the background, with progress to poll; analysts may watch but not start one", async () => {
    const start = `mutation ($schemeId: ID) { reevaluateSegments(schemeId: $schemeId) { id status trigger schemeId membersTotal } }`;
    const schemes = await test.graphql(`{ segmentSchemes { id code } }`, {}, staff.admin);
    const activity = schemes.data!.segmentSchemes.find((scheme: { code: string }) => scheme.code === "ACTIVITY").id;

    const started = await test.graphql(start, { schemeId: activity }, staff.operator);
    expect(started.errors).toBeUndefined();
    expect(started.data!.reevaluateSegments).toMatchObject({ trigger: "MANUAL", schemeId: activity, membersTotal: members.length });
    const runId = started.data!.reevaluateSegments.id;
    let run: any = null;
    for (let attempt = 0; attempt < 100 && run?.status !== "COMPLETED"; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      run = (await test.graphql(`query ($id: ID!) { segmentEvaluationRun(id: $id) { status membersDone moves finishedAt } }`, { id: runId }, staff.analyst)).data!.segmentEvaluationRun;
    }
    expect(run).toMatchObject({ status: "COMPLETED", membersDone: members.length, moves: 0 });
    expect(run.finishedAt).not.toBeNull();
    const listed = await test.graphql(`{ segmentEvaluationRuns(first: 5) { id trigger } }`, {}, staff.analyst);
    expect(listed.data!.segmentEvaluationRuns[0]).toEqual({ id: runId, trigger: "MANUAL" });

    const refused = await test.graphql(start, {}, staff.analyst);
    expect(refused.errors![0].extensions!.code).toBe("FORBIDDEN");
    const unknown = await test.graphql(start, { schemeId: "999999" }, staff.operator);
    expect(unknown.errors![0].extensions!.code).toBe("NOT_FOUND");
  });
});
