import { toGlobalId } from "../../src/schema/global-id";
import { testDatabaseKinds } from "../support/databases";
import { startTestApplication, type TestApplication } from "../support/test-application";

const memberQuery = `query ($id: ID!) { member(id: $id) { id name phone email birthday personalDataMasked tier { code } } }`;

describe.each(testDatabaseKinds())("authorization on $name", (kind) => {
  let test: TestApplication;

  beforeAll(async () => {
    test = await startTestApplication(kind);
  });
  afterAll(async () => {
    await test?.close();
  });

  it("lets a member see themself in full and nobody else", async () => {
    const alice = await test.createMember({ name: "李雷", phone: "13812345678", email: "li.lei@example.com", birthday: "1991-07-09" });
    const bob = await test.createMember({ name: "韩梅梅" });
    const aliceToken = await test.memberToken(alice.id);

    const me = await test.graphql(`{ me { id name phone email birthday personalDataMasked } }`, {}, aliceToken);
    expect(me.errors).toBeUndefined();
    expect(me.data?.me).toEqual({ id: toGlobalId("Member", alice.id), name: "李雷", phone: "13812345678", email: "li.lei@example.com", birthday: "1991-07-09", personalDataMasked: false });

    const own = await test.graphql(memberQuery, { id: toGlobalId("Member", alice.id) }, aliceToken);
    expect(own.data?.member.phone).toBe("13812345678");

    const other = await test.graphql(memberQuery, { id: toGlobalId("Member", bob.id) }, aliceToken);
    expect(other.errors?.[0].extensions?.code).toBe("FORBIDDEN");
    expect(other.data).toBeNull();

    const list = await test.graphql(`{ members(first: 5) { edges { node { id } } } }`, {}, aliceToken);
    expect(list.errors?.[0].extensions?.code).toBe("FORBIDDEN");

    const node = await test.graphql(`query ($id: ID!) { node(id: $id) { id ... on Member { phone } } }`, { id: toGlobalId("Member", bob.id) }, aliceToken);
    expect(node.errors?.[0].extensions?.code).toBe("FORBIDDEN");
  });

  it("masks personal data for staff without pii:read and shows it to admins", async () => {
    const member = await test.createMember({ name: "张伟", phone: "13900001111", email: "zhang.wei@example.com", birthday: "1985-12-01" });
    const id = toGlobalId("Member", member.id);

    for (const role of ["analyst", "operator"] as const) {
      const masked = await test.graphql(memberQuery, { id }, await test.staffToken(role));
      expect(masked.errors).toBeUndefined();
      expect(masked.data?.member).toMatchObject({ name: "张伟", phone: "139****1111", email: "z***@example.com", birthday: "1985-**-**", personalDataMasked: true, tier: { code: "REGULAR" } });
    }

    const admin = await test.graphql(memberQuery, { id }, await test.staffToken("admin"));
    expect(admin.data?.member).toMatchObject({ phone: "13900001111", email: "zhang.wei@example.com", birthday: "1985-12-01", personalDataMasked: false });
  });

  it("refuses every mutation to an analyst", async () => {
    const member = await test.createMember();
    const analyst = await test.staffToken("analyst");
    const update = await test.graphql(`mutation ($id: ID!) { updateMember(id: $id, input: { name: "改名" }) { name } }`, { id: toGlobalId("Member", member.id) }, analyst);
    expect(update.errors?.[0].extensions?.code).toBe("FORBIDDEN");
    expect(update.errors?.[0].message).toContain("members:write");
    const create = await test.graphql(
      `mutation { createMember(input: { name: "新会员", phone: "13700000001", joinChannel: APP }, idempotencyKey: "analyst-create-1") { id } }`,
      {},
      analyst,
    );
    expect(create.errors?.[0].extensions?.code).toBe("FORBIDDEN");
    expect((await test.application.services.members.findById(member.id))?.name).toBe(member.name);
    expect(await test.application.services.members.findByPhone("13700000001")).toBeNull();

    const operator = await test.graphql(`mutation ($id: ID!) { updateMember(id: $id, input: { name: "改名" }) { name } }`, { id: toGlobalId("Member", member.id) }, await test.staffToken("operator"));
    expect(operator.errors).toBeUndefined();
    expect(operator.data?.updateMember.name).toBe("改名");
  });

  it("never shows member profiles or personal data to a partner key", async () => {
    const member = await test.createMember({ phone: "13600002222" });
    const admin = await test.staffToken("admin");
    const partner = await test.graphql(`mutation { createPartner(input: { code: "COFFEE_CO", name: "咖啡联盟" }) { id } }`, {}, admin);
    const issued = await test.graphql(
      `mutation ($partnerId: ID!) { issuePartnerApiKey(partnerId: $partnerId, scopes: [MEMBERS_LOOKUP, BENEFITS_READ]) { key apiKey { keyId scopes } } }`,
      { partnerId: partner.data?.createPartner.id },
      admin,
    );
    expect(issued.errors).toBeUndefined();
    expect(issued.data?.issuePartnerApiKey.apiKey.scopes).toEqual(["MEMBERS_LOOKUP", "BENEFITS_READ"]);
    const apiKey = `ApiKey ${issued.data?.issuePartnerApiKey.key}`;

    const single = await test.graphql(memberQuery, { id: toGlobalId("Member", member.id) }, apiKey);
    expect(single.errors?.[0].extensions?.code).toBe("FORBIDDEN");
    expect(JSON.stringify(single)).not.toContain("13600002222");
    const list = await test.graphql(`{ members(first: 5) { edges { node { phone } } } }`, {}, apiKey);
    expect(list.errors?.[0].extensions?.code).toBe("FORBIDDEN");
    const node = await test.graphql(`query ($id: ID!) { node(id: $id) { id } }`, { id: toGlobalId("Member", member.id) }, apiKey);
    expect(node.errors?.[0].extensions?.code).toBe("FORBIDDEN");

    // The key works for public data; revoked, it stops working at once.
    expect((await test.graphql(`{ tiers { code } }`, {}, apiKey)).data?.tiers).toHaveLength(4);
    await test.graphql(`mutation ($keyId: String!) { revokePartnerApiKey(keyId: $keyId) { revokedAt } }`, { keyId: issued.data?.issuePartnerApiKey.apiKey.keyId }, admin);
    const revoked = await test.graphql(`{ tiers { code } }`, {}, apiKey);
    expect(revoked.status).toBe(401);
    expect(revoked.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("answers a bad, expired or missing token with UNAUTHENTICATED", async () => {
    const member = await test.createMember();
    const forged = await test.graphql(`{ me { id } }`, {}, "Bearer not-a-jwt");
    expect(forged.status).toBe(401);
    expect(forged.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");

    const token = await test.memberToken(member.id);
    test.clock.advance(8 * 24 * 3600 * 1000);
    const expired = await test.graphql(`{ me { id } }`, {}, token);
    expect(expired.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
    expect(expired.errors?.[0].message).toContain("expired");

    const otherSecret = await test.graphql(
      `{ me { id } }`,
      {},
      "Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJraW5kIjoibWVtYmVyIiwic3ViIjoiMSJ9.2bXfwJdCaOc6h8m1Wn0ZyXoJxH1uW0Vn0nq4rQm1o6s",
    );
    expect(otherSecret.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");

    const anonymous = await test.graphql(`{ me { id } }`);
    expect(anonymous.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
    const unknownScheme = await test.graphql(`{ tiers { code } }`, {}, "Basic dXNlcjpwYXNz");
    expect(unknownScheme.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
  });
});
