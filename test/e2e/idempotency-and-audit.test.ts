import { AuditLogRecord, MemberRecord } from "../../src/entities";
import { testDatabaseKinds } from "../support/databases";
import { startTestApplication, type TestApplication } from "../support/test-application";

const createMember = `mutation ($input: CreateMemberInput!, $key: String!) { createMember(input: $input, idempotencyKey: $key) { id name phone } }`;

describe.each(testDatabaseKinds())("idempotent commands and the audit log on $name", (kind) => {
  let test: TestApplication;
  let operator: string;

  beforeAll(async () => {
    test = await startTestApplication(kind);
    operator = await test.staffToken("operator");
  });
  afterAll(async () => {
    await test?.close();
  });

  it("returns the first member for a retried key and writes nothing again", async () => {
    const input = { name: "门店新会员", phone: "13311112222", joinChannel: "OFFLINE_STORE" };
    const first = await test.graphql(createMember, { input, key: "counter-7-0001" }, operator);
    expect(first.errors).toBeUndefined();
    const retried = await Promise.all([1, 2, 3].map(() => test.graphql(createMember, { input, key: "counter-7-0001" }, operator)));
    for (const response of retried) expect(response.data?.createMember.id).toBe(first.data?.createMember.id);
    expect(await test.application.database.dataSource.getRepository(MemberRecord).countBy({ name: "门店新会员" })).toBe(1);
  });

  it("answers CONFLICT for the same key with another payload, and for a second member with the same phone", async () => {
    await test.graphql(createMember, { input: { name: "甲", phone: "13322223333", joinChannel: "APP" }, key: "counter-7-0002" }, operator);
    const otherPayload = await test.graphql(createMember, { input: { name: "乙", phone: "13322224444", joinChannel: "APP" }, key: "counter-7-0002" }, operator);
    expect(otherPayload.errors?.[0].extensions?.code).toBe("CONFLICT");
    expect(otherPayload.errors?.[0].message).toContain("idempotencyKey");
    const samePhone = await test.graphql(createMember, { input: { name: "丙", phone: "133 2222 3333", joinChannel: "APP" }, key: "counter-7-0003" }, operator);
    expect(samePhone.errors?.[0].extensions?.code).toBe("CONFLICT");
    expect(samePhone.errors?.[0].message).toContain("phone");
  });

  it("creates one member when the same key races on many connections", async () => {
    const input = { name: "并发会员", phone: "13344445555", joinChannel: "APP" };
    const responses = await Promise.all(Array.from({ length: 8 }, () => test.graphql(createMember, { input, key: "race-key-000001" }, operator)));
    const ids = new Set(responses.map((response) => response.data?.createMember.id));
    expect(responses.flatMap((response) => response.errors ?? [])).toEqual([]);
    expect(ids.size).toBe(1);
    expect(await test.application.database.dataSource.getRepository(MemberRecord).countBy({ name: "并发会员" })).toBe(1);
  });

  it("audits staff changes with the actor, the fields changed and the request id, but no personal data", async () => {
    const created = await test.graphql(createMember, { input: { name: "审计", phone: "13355556666", joinChannel: "APP" }, key: "audit-key-00001" }, operator);
    const update = await test.graphql(`mutation ($id: ID!) { updateMember(id: $id, input: { email: "secret@example.com", city: "杭州" }) { id } }`, { id: created.data?.createMember.id }, operator);
    const entries = await test.application.database.dataSource.getRepository(AuditLogRecord).find({ where: { action: "member.updateProfile" }, order: { id: "DESC" }, take: 1 });
    expect(entries[0]).toMatchObject({ actorType: "staff", targetType: "member", details: { changedFields: ["email", "city"] }, requestId: update.headers.get("x-request-id") });
    expect(JSON.stringify(entries[0])).not.toContain("secret@example.com");
  });
});
