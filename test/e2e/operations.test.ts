import { testDatabaseKinds } from "../support/databases";
import { startTestApplication, type TestApplication } from "../support/test-application";

describe.each(testDatabaseKinds())("operations on $name", (kind) => {
  let test: TestApplication;

  beforeAll(async () => {
    test = await startTestApplication(kind, { GRAPHQL_MAX_DEPTH: "4", GRAPHQL_MAX_ALIASES: "3" });
  });
  afterAll(async () => {
    await test?.close();
  });

  const base = () => test.url.replace(/\/graphql$/, "");

  it("reports health and readiness", async () => {
    const health = await fetch(`${base()}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    const ready = await fetch(`${base()}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("refuses a query deeper than the configured limit", async () => {
    const analyst = await test.staffToken("analyst");
    const shallow = await test.graphql(`{ members(first: 1) { edges { node { id } } } }`, {}, analyst);
    expect(shallow.errors).toBeUndefined();
    const deep = await test.graphql(`{ members(first: 1) { edges { node { tier { code } } } } }`, {}, analyst);
    expect(deep.errors?.[0].extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(deep.errors?.[0].message).toMatch(/depth/i);
  });

  it("refuses more aliases than the configured limit", async () => {
    const aliases = await test.graphql(`{ a: tiers { code } b: tiers { code } c: tiers { code } d: tiers { code } }`);
    expect(aliases.errors?.[0].extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(aliases.errors?.[0].message).toMatch(/alias/i);
    const fine = await test.graphql(`{ a: tiers { code } b: tiers { code } }`);
    expect(fine.errors).toBeUndefined();
  });

  it("blocks a cross-site GET without a preflight header (CSRF prevention)", async () => {
    const response = await fetch(`${test.url}?query=${encodeURIComponent("{ tiers { code } }")}`);
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/CSRF/i);
  });

  it("answers a body that is not JSON with a GraphQL error, not an HTML page", async () => {
    const response = await fetch(test.url, { method: "POST", headers: { "content-type": "application/json" }, body: '{"query": "{ tiers { code } }"' });
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toMatch(/application\/json/);
    const body = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors[0].extensions.code).toBe("BAD_REQUEST");
    expect(body.errors[0].message).toMatch(/not valid JSON/);
  });

  it("names the field at fault in input errors", async () => {
    const operator = await test.staffToken("operator");
    const badPhone = await test.graphql(`mutation { createMember(input: { name: "新人", phone: "12345", joinChannel: APP }, idempotencyKey: "bad-phone-0001") { id } }`, {}, operator);
    expect(badPhone.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.phone" });
    expect(badPhone.errors?.[0].message).toContain("11 digits");
    const badBirthday = await test.graphql(
      `mutation { createMember(input: { name: "新人", phone: "13512345678", joinChannel: APP, birthday: "1990-02-30" }, idempotencyKey: "bad-birthday-01") { id } }`,
      {},
      operator,
    );
    expect(badBirthday.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.birthday" });
    const badEnum = await test.graphql(`mutation { createMember(input: { name: "新人", phone: "13512345678", joinChannel: TELEPATHY }, idempotencyKey: "bad-enum-00001") { id } }`, {}, operator);
    expect(badEnum.errors?.[0].extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(badEnum.errors?.[0].message).toContain("TELEPATHY");
    expect(await test.application.services.members.findByPhone("13512345678")).toBeNull();
    // Gender is required on the table: clearing it is the client's mistake, not an internal error.
    const member = await test.createMember();
    const clearedGender = await test.graphql(`mutation { updateMyProfile(input: { gender: null }) { gender } }`, {}, await test.memberToken(member.id));
    expect(clearedGender.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.gender" });
    expect(clearedGender.errors?.[0].message).toContain("UNDISCLOSED");
  });

  it("says not ready and masks internal errors with a request id once the database is gone", async () => {
    const analyst = await test.staffToken("analyst");
    await test.application.database.dataSource.destroy();
    const ready = await fetch(`${base()}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: "unavailable" });

    const failed = await test.graphql(`{ members(first: 1) { edges { node { id } } } }`, {}, analyst);
    expect(failed.errors?.[0].extensions?.code).toBe("INTERNAL_SERVER_ERROR");
    expect(failed.errors?.[0].message).toContain("requestId");
    expect(failed.errors?.[0].extensions?.requestId).toBe(failed.headers.get("x-request-id"));
    expect(JSON.stringify(failed.errors)).not.toMatch(/typeorm|sqlite|mysql|stack/i);
  });
});
