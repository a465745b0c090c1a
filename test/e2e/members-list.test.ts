import { testDatabaseKinds } from "../support/databases";
import { startTestApplication, type TestApplication } from "../support/test-application";

const page = `query ($first: Int, $after: String, $filter: MemberFilterInput) {
  members(first: $first, after: $after, filter: $filter) {
    edges { cursor node { id name joinChannel tier { code name } } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

describe.each(testDatabaseKinds())("members list on $name", (kind) => {
  let test: TestApplication;
  let analyst: string;

  beforeAll(async () => {
    test = await startTestApplication(kind);
    const silver = (await test.application.services.tiers.list()).find((tier) => tier.code === "SILVER")!;
    const names = ["王芳", "王伟", "李娜", "刘洋", "陈静", "杨帆", "赵磊", "黄敏", "周杰", "吴婷", "王_下划线", "百分%号"];
    for (const [index, name] of names.entries()) {
      test.clock.advance(24 * 3600 * 1000);
      const member = await test.createMember({ name, joinChannel: index % 3 === 0 ? "MINI_PROGRAM" : "OFFLINE_STORE" });
      if (index % 4 === 0) await test.application.database.dataSource.getRepository("MemberRecord").update({ id: member.id }, { tierId: silver.id });
    }
    // 110 more members so a page of 100 can be full.
    for (let index = 0; index < 110; index += 1) await test.createMember({ name: `会员${index}` });
    analyst = await test.staffToken("analyst");
  });
  afterAll(async () => {
    await test?.close();
  });

  it("walks every member exactly once, page by page, in id order", async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const response: any = await test.graphql(page, { first: 25, after }, analyst);
      expect(response.errors).toBeUndefined();
      const connection = response.data.members;
      seen.push(...connection.edges.map((edge: any) => edge.node.id));
      expect(connection.pageInfo.hasPreviousPage).toBe(false);
      if (!connection.pageInfo.hasNextPage) break;
      expect(connection.pageInfo.endCursor).toBe(connection.edges[connection.edges.length - 1].cursor);
      after = connection.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(122);
    expect(new Set(seen).size).toBe(122);
    const totalCount = await test.graphql(`{ members(first: 1) { totalCount } }`, {}, analyst);
    expect(totalCount.data?.members.totalCount).toBe(122);
  });

  it("returns an empty page for first: 0 that still says whether members exist", async () => {
    const response = await test.graphql(page, { first: 0 }, analyst);
    expect(response.errors).toBeUndefined();
    expect(response.data?.members).toEqual({ edges: [], pageInfo: { hasNextPage: true, hasPreviousPage: false, startCursor: null, endCursor: null } });
  });

  it("serves 100 a page and refuses more, or a negative first", async () => {
    const full = await test.graphql(page, { first: 100 }, analyst);
    expect(full.data?.members.edges).toHaveLength(100);
    for (const first of [101, -1]) {
      const refused = await test.graphql(page, { first }, analyst);
      expect(refused.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "first" });
      expect(refused.errors?.[0].message).toContain("between 0 and 100");
    }
  });

  it("refuses a cursor it did not make", async () => {
    for (const after of ["garbage", Buffer.from("member:abc").toString("base64url"), Buffer.from("tier:3").toString("base64url")]) {
      const refused = await test.graphql(page, { first: 5, after }, analyst);
      expect(refused.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "after" });
    }
  });

  it("filters by tier, join channel, join date range and part of the name", async () => {
    const byTier = await test.graphql(page, { first: 100, filter: { tierCodes: ["SILVER"] } }, analyst);
    expect(byTier.data?.members.edges.map((edge: any) => edge.node.name)).toEqual(["王芳", "陈静", "周杰"]);
    expect(byTier.data?.members.edges.every((edge: any) => edge.node.tier.name === "银卡")).toBe(true);

    const byChannel = await test.graphql(page, { first: 100, filter: { joinChannels: ["MINI_PROGRAM"] } }, analyst);
    expect(byChannel.data?.members.edges.map((edge: any) => edge.node.name)).toEqual(["王芳", "刘洋", "赵磊", "吴婷"]);

    const byName = await test.graphql(page, { first: 100, filter: { nameContains: "王" } }, analyst);
    expect(byName.data?.members.edges.map((edge: any) => edge.node.name)).toEqual(["王芳", "王伟", "王_下划线"]);
    const wildcard = await test.graphql(page, { first: 100, filter: { nameContains: "%" } }, analyst);
    expect(wildcard.data?.members.edges.map((edge: any) => edge.node.name)).toEqual(["百分%号"]);
    const underscore = await test.graphql(page, { first: 100, filter: { nameContains: "_" } }, analyst);
    expect(underscore.data?.members.edges.map((edge: any) => edge.node.name)).toEqual(["王_下划线"]);

    // The first twelve joined one a day from 2026-11-24 08:00 UTC.
    const byDate = await test.graphql(page, { first: 100, filter: { joinedFrom: "2026-11-25T08:00:00.000Z", joinedBefore: "2026-11-27T08:00:00.000Z" } }, analyst);
    expect(byDate.data?.members.edges.map((edge: any) => edge.node.name)).toEqual(["王伟", "李娜"]);

    const combined = await test.graphql(page, { first: 100, filter: { tierCodes: ["SILVER"], joinChannels: ["MINI_PROGRAM"], nameContains: "王" } }, analyst);
    expect(combined.data?.members.edges.map((edge: any) => edge.node.name)).toEqual(["王芳"]);

    const unknownTier = await test.graphql(page, { first: 5, filter: { tierCodes: ["PLATINUM"] } }, analyst);
    expect(unknownTier.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "filter.tierCodes" });
  });

  it("sends the same number of SQL statements for 100 members with tiers as for 10", async () => {
    const counter = test.application.database.queryCounter;
    const statementsFor = async (first: number) => {
      const before = counter.statements;
      const response = await test.graphql(page, { first }, analyst);
      expect(response.data?.members.edges).toHaveLength(first);
      return counter.statements - before;
    };
    const forTen = await statementsFor(10);
    const forHundred = await statementsFor(100);
    expect(forHundred).toBe(forTen);
    // One for the page, one for the tiers it reaches.
    expect(forHundred).toBe(2);
  });
});
