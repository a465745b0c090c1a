// What operators do with segments before a campaign: ad-hoc segments that may overlap, their members page by page,
// breakdowns and overlaps, reordering a scheme, and placing a member by hand.
import { randomUUID } from "node:crypto";
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { testDatabaseKinds } from "../support/databases";
import { StaffSessions } from "../support/staff-sessions";
import { startTestApplication, type TestApplication } from "../support/test-application";

const createAdHoc = `mutation ($input: SegmentDefinitionInput!) { createAdHocSegment(input: $input) { id code size } }`;
const membersOf = `query ($first: Int, $after: String) { adHocSegments { code members(first: $first, after: $after) { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } } }`;

describe.each(testDatabaseKinds())("segment targeting over GraphQL on $name", (kind) => {
  let test: TestApplication;
  let staff: StaffSessions;
  const members: { id: number; globalId: string }[] = [];

  beforeAll(async () => {
    test = await startTestApplication(kind);
    staff = new StaffSessions(test);
    await staff.signIn();
    for (let index = 0; index < 6; index += 1) members.push(await staff.newMember({ cityTier: index < 3 ? 1 : 2, gender: index % 2 === 0 ? "FEMALE" : "MALE" }));
    const at = (daysAgo: number) => new Date(test.clock.now().getTime() - daysAgo * 86_400_000).toISOString();
    // Members 0-2 logged in lately; member 0 also ordered.
    const events = [0, 1, 2].map((index) => ({ source: "app", externalId: `L-${randomUUID()}`, kind: "LOGIN", memberId: members[index].globalId, occurredAt: at(1) }));
    events.push({ source: "pos", externalId: `O-${randomUUID()}`, kind: "ORDER", memberId: members[0].globalId, occurredAt: at(2), amount: 30_000, channel: "OFFLINE_STORE", storeCode: "SH-001" } as never);
    const recorded = await test.graphql(`mutation ($events: [BehaviourEventInput!]!) { recordEvents(events: $events) { accepted } }`, { events }, staff.operator);
    expect(recorded.data!.recordEvents.accepted).toBe(4);
    await test.application.services.scoring.runFull("MANUAL", "test");
    await test.application.services.segmentEvaluations.run("COMMAND_LINE", "test");
  });
  afterAll(async () => {
    await test?.close();
  });

  it("creates overlapping ad-hoc segments, pages their members, and counts overlaps and breakdowns", async () => {
    const tierOne = await test.graphql(createAdHoc, { input: { code: "TIER1_CITY", name: "一线城市", nameEn: "Tier-1 cities", rule: { field: "cityTier", op: "eq", value: 1 } } }, staff.operator);
    expect(tierOne.errors).toBeUndefined();
    expect(tierOne.data!.createAdHocSegment).toMatchObject({ code: "TIER1_CITY", size: 3 });
    const women = await test.graphql(createAdHoc, { input: { code: "WOMEN", name: "女性", nameEn: "Women", rule: { field: "gender", op: "eq", value: "FEMALE" } } }, staff.operator);
    expect(women.data!.createAdHocSegment.size).toBe(3);
    const again = await test.graphql(createAdHoc, { input: { code: "WOMEN", name: "女性", nameEn: "Women", rule: { field: "gender", op: "eq", value: "FEMALE" } } }, staff.operator);
    expect(again.errors![0].extensions!.code).toBe("CONFLICT");

    // Members 0 and 2 are women in tier-1 cities: the segments overlap by two.
    const overlaps = await test.graphql(
      `query ($ids: [ID!]!) { segmentOverlaps(segmentIds: $ids) { first { code } second { code } members } }`,
      { ids: [tierOne.data!.createAdHocSegment.id, women.data!.createAdHocSegment.id] },
      staff.analyst,
    );
    expect(overlaps.data!.segmentOverlaps).toEqual([{ first: { code: "TIER1_CITY" }, second: { code: "WOMEN" }, members: 2 }]);

    // Two members a page, in id order, until the end.
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 3; page += 1) {
      const response: any = await test.graphql(membersOf, { first: 2, after }, staff.analyst);
      const segment = response.data!.adHocSegments.find((candidate: { code: string }) => candidate.code === "TIER1_CITY").members;
      expect(segment.totalCount).toBe(3);
      seen.push(...segment.edges.map((edge: { node: { id: string } }) => edge.node.id));
      after = segment.pageInfo.endCursor;
      if (!segment.pageInfo.hasNextPage) break;
    }
    expect(seen).toEqual(members.slice(0, 3).map((member) => member.globalId));

    const breakdown = await test.graphql(`{ adHocSegments { code breakdown { byTier { tierCode members } byLifecycle { stage members } } } }`, {}, staff.analyst);
    const tierOneBreakdown = breakdown.data!.adHocSegments.find((candidate: { code: string }) => candidate.code === "TIER1_CITY").breakdown;
    expect(tierOneBreakdown.byTier.reduce((sum: number, row: { members: number }) => sum + row.members, 0)).toBe(3);
    expect(tierOneBreakdown.byLifecycle.reduce((sum: number, row: { members: number }) => sum + row.members, 0)).toBe(3);
    expect(tierOneBreakdown.byLifecycle.map((row: { stage: string }) => row.stage).every((stage: string) => /^(NEW|ACTIVE|DECLINING|DORMANT|CHURNED|NOT_SCORED)$/.test(stage))).toBe(true);

    // Editing an ad-hoc rule changes who it holds at once; renaming changes only names.
    const edited = await test.graphql(`mutation ($id: ID!) { updateSegmentRule(segmentId: $id, rule: { field: cityTier, op: eq, value: 2 }) { size } }`, { id: tierOne.data!.createAdHocSegment.id }, staff.operator);
    expect(edited.data!.updateSegmentRule.size).toBe(3);
    const renamed = await test.graphql(`mutation ($id: ID!) { renameSegment(segmentId: $id, name: "二线城市", nameEn: "Tier-2 cities") { code name nameEn size } }`, { id: tierOne.data!.createAdHocSegment.id }, staff.operator);
    expect(renamed.data!.renameSegment).toEqual({ code: "TIER1_CITY", name: "二线城市", nameEn: "Tier-2 cities", size: 3 });
  });

  it("reorders an operator's scheme and re-evaluates it: members who match several go to the first", async () => {
    const created = await test.graphql(
      `mutation ($input: CreateSegmentSchemeInput!) { createSegmentScheme(input: $input) { id segments { id code size } } }`,
      {
        input: {
          code: "ORDERING",
          name: "顺序",
          nameEn: "Ordering",
          segments: [
            { code: "TIER1", name: "一线", nameEn: "Tier 1", rule: { field: "cityTier", op: "eq", value: 1 } },
            { code: "WOMEN", name: "女性", nameEn: "Women", rule: { field: "gender", op: "eq", value: "FEMALE" } },
          ],
          catchAll: { code: "OTHERS", name: "其他", nameEn: "Others" },
        },
      },
      staff.operator,
    );
    expect(created.errors).toBeUndefined();
    const scheme = created.data!.createSegmentScheme;
    const size = (segments: { code: string; size: number }[]) => Object.fromEntries(segments.map((segment) => [segment.code, segment.size]));
    expect(size(scheme.segments)).toEqual({ TIER1: 3, WOMEN: 1, OTHERS: 2 });
    const [tierOne, women] = scheme.segments;
    const reordered = await test.graphql(`mutation ($scheme: ID!, $ids: [ID!]!) { reorderSegments(schemeId: $scheme, segmentIds: $ids) { segments { code position size } } }`, { scheme: scheme.id, ids: [women.id, tierOne.id] }, staff.operator);
    expect(reordered.errors).toBeUndefined();
    expect(reordered.data!.reorderSegments.segments).toEqual([
      { code: "WOMEN", position: 0, size: 3 },
      { code: "TIER1", position: 1, size: 1 },
      { code: "OTHERS", position: 2, size: 2 },
    ]);
    const incomplete = await test.graphql(`mutation ($scheme: ID!, $ids: [ID!]!) { reorderSegments(schemeId: $scheme, segmentIds: $ids) { id } }`, { scheme: scheme.id, ids: [women.id] }, staff.operator);
    expect(incomplete.errors![0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "segmentIds" });
    const builtIn = (await test.graphql(`{ segmentSchemes { id code segments { id } } }`, {}, staff.admin)).data!.segmentSchemes.find((candidate: { code: string }) => candidate.code === "ACTIVITY");
    const refused = await test.graphql(`mutation ($scheme: ID!, $ids: [ID!]!) { reorderSegments(schemeId: $scheme, segmentIds: $ids) { id } }`, { scheme: builtIn.id, ids: [builtIn.segments[0].id] }, staff.operator);
    expect(refused.errors![0].extensions!.code).toBe("CONFLICT");
  });

  it("re-evaluates a member when their profile changes: a move with reason EVENT", async () => {
    const member = members[5]; // a man in a tier-2 city: OTHERS in the ORDERING scheme
    const ordering = async () =>
      (await test.graphql(`query ($id: ID!) { member(id: $id) { segments { scheme { code } segment { code } } } }`, { id: member.globalId }, staff.admin)).data!.member.segments.find(
        (entry: { scheme: { code: string } }) => entry.scheme.code === "ORDERING",
      ).segment.code;
    expect(await ordering()).toBe("OTHERS");
    const updated = await test.graphql(`mutation ($id: ID!) { updateMember(id: $id, input: { cityTier: 1 }) { id } }`, { id: member.globalId }, staff.operator);
    expect(updated.errors).toBeUndefined();
    await test.application.services.scoring.idle();
    expect(await ordering()).toBe("TIER1");
    const [move] = await test.application.database.dataSource.query(
      "SELECT mv.reason AS reason FROM segment_moves mv JOIN segments t ON t.id = mv.to_segment_id WHERE mv.member_id = ? AND t.code = 'TIER1' ORDER BY mv.id DESC",
      [member.id],
    );
    expect(move).toEqual({ reason: "EVENT" });
  });

  it("places a member by hand, keeps them there through re-evaluations, and releases them back to the rules", async () => {
    const scheme = (await test.graphql(`{ segmentSchemes { id code segments { id code } } }`, {}, staff.admin)).data!.segmentSchemes.find((candidate: { code: string }) => candidate.code === "ORDERING");
    const others = scheme.segments.find((segment: { code: string }) => segment.code === "OTHERS");
    const member = members[0]; // a woman in a tier-1 city: the rules put her in WOMEN
    const placed = await test.graphql(`mutation ($member: ID!, $segment: ID!) { placeMemberInSegment(memberId: $member, segmentId: $segment) { segment { code } pinned } }`, { member: member.globalId, segment: others.id }, staff.operator);
    expect(placed.errors).toBeUndefined();
    expect(placed.data!.placeMemberInSegment).toEqual({ segment: { code: "OTHERS" }, pinned: true });

    await test.application.services.segmentEvaluations.run("COMMAND_LINE", "test");
    const segmentsOf = async () =>
      (await test.graphql(`query ($id: ID!) { member(id: $id) { segments { scheme { code } segment { code } pinned } } }`, { id: member.globalId }, staff.admin)).data!.member.segments.find(
        (entry: { scheme: { code: string } }) => entry.scheme.code === "ORDERING",
      );
    expect(await segmentsOf()).toEqual({ scheme: { code: "ORDERING" }, segment: { code: "OTHERS" }, pinned: true });

    const released = await test.graphql(`mutation ($member: ID!, $scheme: ID!) { releaseSegmentPlacement(memberId: $member, schemeId: $scheme) { segment { code } pinned } }`, { member: member.globalId, scheme: scheme.id }, staff.operator);
    expect(released.data!.releaseSegmentPlacement).toEqual({ segment: { code: "WOMEN" }, pinned: false });
    const history = await test.application.database.dataSource.query(
      "SELECT f.code AS from_code, t.code AS to_code, mv.reason AS reason FROM segment_moves mv JOIN segments f ON f.id = mv.from_segment_id JOIN segments t ON t.id = mv.to_segment_id WHERE mv.member_id = ? AND mv.scheme_id = ? AND mv.reason = 'MANUAL' ORDER BY mv.id",
      [member.id, Number(scheme.id)],
    );
    expect(history).toEqual([
      { from_code: "WOMEN", to_code: "OTHERS", reason: "MANUAL" },
      { from_code: "OTHERS", to_code: "WOMEN", reason: "MANUAL" },
    ]);

    const activity = (await test.graphql(`{ segmentSchemes { code segments { id } } }`, {}, staff.admin)).data!.segmentSchemes.find((candidate: { code: string }) => candidate.code === "ACTIVITY");
    const builtIn = await test.graphql(`mutation ($member: ID!, $segment: ID!) { placeMemberInSegment(memberId: $member, segmentId: $segment) { pinned } }`, { member: member.globalId, segment: activity.segments[0].id }, staff.operator);
    expect(builtIn.errors![0].extensions!.code).toBe("CONFLICT");
    const analyst = await test.graphql(`mutation ($member: ID!, $segment: ID!) { placeMemberInSegment(memberId: $member, segmentId: $segment) { pinned } }`, { member: member.globalId, segment: others.id }, staff.analyst);
    expect(analyst.errors![0].extensions!.code).toBe("FORBIDDEN");
  });

  it("never lets a member read a segment's members or breakdown, even through their own segment moves", async () => {
    const member = members[1];
    const memberToken = await test.memberToken(member.id);
    expect((await test.graphql(`{ adHocSegments { code } }`, {}, memberToken)).errors![0].extensions!.code).toBe("FORBIDDEN");

    const received: any[] = [];
    const client = createClient({ url: test.url.replace(/^http/, "ws"), webSocketImpl: WebSocket, connectionParams: { authorization: memberToken }, retryAttempts: 0 });
    try {
      client.subscribe(
        { query: `subscription { segmentMoves { to { code members(first: 5) { totalCount edges { node { id } } } breakdown { byTier { members } } } } }` },
        { next: (value) => received.push(value), error: (error) => received.push({ error }), complete: () => undefined },
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      const scheme = (await test.graphql(`{ segmentSchemes { code segments { id code } } }`, {}, staff.admin)).data!.segmentSchemes.find((candidate: { code: string }) => candidate.code === "ORDERING");
      const women = scheme.segments.find((segment: { code: string }) => segment.code === "WOMEN");
      await test.graphql(`mutation ($member: ID!, $segment: ID!) { placeMemberInSegment(memberId: $member, segmentId: $segment) { pinned } }`, { member: member.globalId, segment: women.id }, staff.operator);
      for (let attempt = 0; attempt < 100 && received.length === 0; attempt += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      await client.dispose();
    }
    expect(received).toHaveLength(1);
    const codes = (received[0].errors ?? []).map((error: { extensions?: { code?: string } }) => error.extensions?.code);
    expect(codes).toContain("FORBIDDEN");
    // A forbidden non-null field nulls the whole move: no member id of the segment reaches the member.
    expect(received[0].data ?? null).toBeNull();
  });
});
