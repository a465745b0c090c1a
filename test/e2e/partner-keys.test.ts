// Partner API keys over HTTP: rate limits per key, revocation, rotation, suspension, and the audit row of every call.
import { randomUUID } from "node:crypto";
import { AuditLogRecord } from "../../src/entities";
import { expectGlobalId } from "../../src/schema/global-id";
import { openPartnerRateLimits } from "../../src/services/partner-rate-limits";
import { testDatabaseKinds } from "../support/databases";
import { startTestApplication, type GraphqlResponse, type TestApplication } from "../support/test-application";

const createPartner = `mutation ($input: CreatePartnerInput!) { createPartner(input: $input) { id code name contactName contactEmail status } }`;
const issueKey = `mutation ($partnerId: ID!, $scopes: [PartnerScope!]!, $requestsPerMinute: Int) {
  issuePartnerApiKey(partnerId: $partnerId, scopes: $scopes, requestsPerMinute: $requestsPerMinute) { key apiKey { keyId scopes requestsPerMinute revokedAt } }
}`;
const rotateKey = `mutation ($keyId: String!) { rotatePartnerApiKey(keyId: $keyId) { key apiKey { keyId scopes requestsPerMinute revokedAt } } }`;
const revokeKey = `mutation ($keyId: String!) { revokePartnerApiKey(keyId: $keyId) { revokedAt } }`;
const setRateLimit = `mutation ($keyId: String!, $requestsPerMinute: Int!) { setPartnerApiKeyRateLimit(keyId: $keyId, requestsPerMinute: $requestsPerMinute) { keyId requestsPerMinute } }`;
const updatePartner = `mutation ($partnerId: ID!, $input: UpdatePartnerInput!) { updatePartner(partnerId: $partnerId, input: $input) { id name contactName contactEmail status } }`;
/** Public data a partner key may read. */
const partnerQuery = `query PartnerTiers { tiers { code } }`;

interface IssuedKey {
  authorization: string;
  keyId: string;
  scopes: string[];
  requestsPerMinute: number;
}

/** The audit rows about a partner, oldest first. */
async function auditRows(test: TestApplication, action: string, partnerGlobalId: string): Promise<AuditLogRecord[]> {
  const targetId = String(expectGlobalId(partnerGlobalId, "Partner", "partnerId"));
  return test.application.database.dataSource.getRepository(AuditLogRecord).find({ where: { action, targetType: "partner", targetId }, order: { id: "ASC" } });
}

async function partnerCallRows(test: TestApplication, keyId: string): Promise<AuditLogRecord[]> {
  const rows = await test.application.database.dataSource.getRepository(AuditLogRecord).find({ where: { action: "partner.call" }, order: { id: "ASC" } });
  return rows.filter((row) => row.details?.keyId === keyId);
}

/** As GraphQL clients send it: with the operation name beside the query, which is all a refused request's audit row can tell. */
async function postWithOperationName(test: TestApplication, query: string, operationName: string, authorization: string): Promise<GraphqlResponse> {
  const response = await fetch(test.url, { method: "POST", headers: { "content-type": "application/json", authorization }, body: JSON.stringify({ query, operationName }) });
  const body = (await response.json()) as { data?: any; errors?: GraphqlResponse["errors"] };
  return { status: response.status, data: body.data, errors: body.errors, headers: response.headers };
}

async function eventually<Value>(read: () => Promise<Value>, done: (value: Value) => boolean): Promise<Value> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function expectOk(response: GraphqlResponse): void {
  expect(response.errors).toBeUndefined();
  expect(response.status).toBe(200);
}

describe.each(testDatabaseKinds())("partner API keys on $name", (kind) => {
  let test: TestApplication;
  let admin: string;

  const newPartner = async (input: Record<string, unknown> = {}) => {
    const created = await test.graphql(createPartner, { input: { code: `P_${randomUUID().slice(0, 8).toUpperCase()}`, name: "咖啡联盟", ...input } }, admin);
    expect(created.errors).toBeUndefined();
    return created.data?.createPartner as { id: string; code: string; name: string; contactName: string | null; contactEmail: string | null; status: string };
  };
  const issue = async (partnerId: string, requestsPerMinute?: number, scopes = ["MEMBERS_LOOKUP", "BENEFITS_READ"]): Promise<IssuedKey> => {
    const issued = await test.graphql(issueKey, { partnerId, scopes, requestsPerMinute }, admin);
    expect(issued.errors).toBeUndefined();
    const { key, apiKey } = issued.data?.issuePartnerApiKey;
    return { authorization: `ApiKey ${key}`, keyId: apiKey.keyId, scopes: apiKey.scopes, requestsPerMinute: apiKey.requestsPerMinute };
  };

  beforeAll(async () => {
    // A default of its own, to show that keys issued without a limit take the configured one.
    test = await startTestApplication(kind, { PARTNER_REQUESTS_PER_MINUTE: "120" });
    admin = await test.staffToken("admin");
  });
  afterAll(async () => {
    await test?.close();
  });

  it("refuses a key's fourth request in a minute with 429, RATE_LIMITED and when to retry, and leaves the partner's other key alone", async () => {
    const partner = await newPartner();
    const limited = await issue(partner.id, 3);
    const other = await issue(partner.id, 3);
    expect(limited.requestsPerMinute).toBe(3);

    for (let request = 0; request < 3; request += 1) expectOk(await test.graphql(partnerQuery, {}, limited.authorization));
    const refused = await postWithOperationName(test, partnerQuery, "PartnerTiers", limited.authorization);
    expect(refused.status).toBe(429);
    expect(refused.errors?.[0].extensions?.code).toBe("RATE_LIMITED");
    expect(refused.errors?.[0].message).toContain("3 requests a minute");
    const seconds = refused.errors?.[0].extensions?.retryAfterSeconds;
    expect(Number.isInteger(seconds) && seconds >= 1 && seconds <= 60).toBe(true);
    expect(refused.headers.get("retry-after")).toBe(String(seconds));
    expect(refused.errors?.[0].extensions?.http).toBeUndefined();

    expectOk(await test.graphql(partnerQuery, {}, other.authorization));

    // The refused request was made with a valid key, so it is audited too, with what the body said it was.
    const rows = await partnerCallRows(test, limited.keyId);
    expect(rows.map((row) => row.details?.outcome)).toEqual(["ok", "ok", "ok", "RATE_LIMITED"]);
    expect(rows[3]).toMatchObject({ actorType: "partner", actorId: String(rows[3].targetId), requestId: refused.headers.get("x-request-id"), details: { operationName: "PartnerTiers", rootFields: [] } });
  });

  it("issues keys with the configured limit by default, changes a key's limit, and refuses a limit out of range naming the field", async () => {
    const partner = await newPartner();
    const key = await issue(partner.id);
    expect(key.requestsPerMinute).toBe(120);

    for (const requestsPerMinute of [0, -5, 100_001]) {
      const refused = await test.graphql(issueKey, { partnerId: partner.id, scopes: ["BENEFITS_READ"], requestsPerMinute }, admin);
      expect(refused.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "requestsPerMinute" });
      const refusedChange = await test.graphql(setRateLimit, { keyId: key.keyId, requestsPerMinute }, admin);
      expect(refusedChange.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "requestsPerMinute" });
    }

    const changed = await test.graphql(setRateLimit, { keyId: key.keyId, requestsPerMinute: 1 }, admin);
    expect(changed.data?.setPartnerApiKeyRateLimit).toEqual({ keyId: key.keyId, requestsPerMinute: 1 });
    expectOk(await test.graphql(partnerQuery, {}, key.authorization));
    expect((await test.graphql(partnerQuery, {}, key.authorization)).status).toBe(429);

    const audit = await auditRows(test, "partner.setApiKeyRateLimit", partner.id);
    expect(audit.map((row) => row.details)).toEqual([{ keyId: key.keyId, requestsPerMinute: 1, previousRequestsPerMinute: 120 }]);
  });

  it("refuses a revoked key on its very next request", async () => {
    const partner = await newPartner();
    const key = await issue(partner.id);
    expectOk(await test.graphql(partnerQuery, {}, key.authorization));
    await test.graphql(revokeKey, { keyId: key.keyId }, admin);
    const revoked = await test.graphql(partnerQuery, {}, key.authorization);
    expect(revoked.status).toBe(401);
    expect(revoked.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
    // No partner identity, so no partner.call row: the one request before the revocation is all.
    expect(await partnerCallRows(test, key.keyId)).toHaveLength(1);
  });

  it("rotates a key: the old one stops at once, the new one works with the same scopes and limit", async () => {
    const partner = await newPartner();
    const old = await issue(partner.id, 50, ["BENEFITS_READ", "POINTS_EARN"]);
    expectOk(await test.graphql(partnerQuery, {}, old.authorization));

    const rotated = await test.graphql(rotateKey, { keyId: old.keyId }, admin);
    expect(rotated.errors).toBeUndefined();
    const { key, apiKey } = rotated.data?.rotatePartnerApiKey;
    expect(apiKey).toMatchObject({ scopes: ["BENEFITS_READ", "POINTS_EARN"], requestsPerMinute: 50, revokedAt: null });
    expect(apiKey.keyId).not.toBe(old.keyId);

    expect((await test.graphql(partnerQuery, {}, old.authorization)).errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
    expectOk(await test.graphql(partnerQuery, {}, `ApiKey ${key}`));

    // A revoked key cannot be rotated back to life.
    const again = await test.graphql(rotateKey, { keyId: old.keyId }, admin);
    expect(again.errors?.[0].extensions?.code).toBe("CONFLICT");
    const unknown = await test.graphql(rotateKey, { keyId: "0000000000000000" }, admin);
    expect(unknown.errors?.[0].extensions?.code).toBe("NOT_FOUND");

    const keys = await test.graphql(`{ partners { code apiKeys { keyId revokedAt } } }`, {}, admin);
    const listed = keys.data?.partners.find((row: { code: string }) => row.code === partner.code).apiKeys;
    expect(listed).toHaveLength(2);
    expect(listed.find((row: { keyId: string }) => row.keyId === old.keyId).revokedAt).not.toBeNull();
    const audit = await auditRows(test, "partner.rotateApiKey", partner.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorType: "staff", details: { keyId: old.keyId, newKeyId: apiKey.keyId } });
  });

  it("rotates a key once when two staff rotate it at the same moment", async () => {
    const partner = await newPartner();
    const key = await issue(partner.id);
    const results = await Promise.all([1, 2].map(() => test.graphql(rotateKey, { keyId: key.keyId }, admin)));
    expect(results.map((result) => (result.errors ? result.errors[0].extensions?.code : "rotated")).sort()).toEqual(["CONFLICT", "rotated"]);
    const keys = await test.graphql(`{ partners { code apiKeys { revokedAt } } }`, {}, admin);
    const listed = keys.data?.partners.find((row: { code: string }) => row.code === partner.code).apiKeys;
    expect(listed.filter((row: { revokedAt: string | null }) => row.revokedAt === null)).toHaveLength(1);
  });

  it("updates a partner; suspending refuses its keys at once and reactivating lets them work again", async () => {
    const partner = await newPartner({ contactName: "王经理", contactEmail: "ops@coffee.example" });
    expect(partner).toMatchObject({ contactName: "王经理", contactEmail: "ops@coffee.example", status: "ACTIVE" });
    const key = await issue(partner.id);

    const renamed = await test.graphql(updatePartner, { partnerId: partner.id, input: { name: "咖啡联盟华东", contactName: "李经理", contactEmail: null } }, admin);
    expect(renamed.data?.updatePartner).toMatchObject({ name: "咖啡联盟华东", contactName: "李经理", contactEmail: null, status: "ACTIVE" });

    const suspended = await test.graphql(updatePartner, { partnerId: partner.id, input: { status: "SUSPENDED" } }, admin);
    expect(suspended.data?.updatePartner).toMatchObject({ name: "咖啡联盟华东", contactName: "李经理", status: "SUSPENDED" });
    const refused = await test.graphql(partnerQuery, {}, key.authorization);
    expect(refused.status).toBe(401);
    expect(refused.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");

    await test.graphql(updatePartner, { partnerId: partner.id, input: { status: "ACTIVE" } }, admin);
    expectOk(await test.graphql(partnerQuery, {}, key.authorization));

    const bad = await test.graphql(updatePartner, { partnerId: partner.id, input: { name: " ", contactName: "x".repeat(65) } }, admin);
    expect(bad.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.name" });
    const badContact = await test.graphql(updatePartner, { partnerId: partner.id, input: { contactName: "x".repeat(65) } }, admin);
    expect(badContact.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.contactName" });

    const updates = await auditRows(test, "partner.update", partner.id);
    expect(updates.map((row) => row.details)).toEqual([
      { changedFields: ["name", "contactName", "contactEmail"], status: "ACTIVE" },
      { changedFields: ["status"], status: "SUSPENDED" },
      { changedFields: ["status"], status: "ACTIVE" },
    ]);
    // Contact details are personal data: the audit trail names the fields, never the values.
    expect(JSON.stringify(updates)).not.toContain("李经理");
  });

  it("audits every partner request once, with the key, the operation, its root fields and how it ended", async () => {
    const partner = await newPartner();
    const key = await issue(partner.id);
    const rowsBefore = await test.application.database.dataSource.getRepository(AuditLogRecord).countBy({ action: "partner.call" });

    const refusedField = await test.graphql(`query Catalogue { first: tiers { code } again: tiers { name } ...More } fragment More on Query { partners { code } }`, {}, key.authorization);
    expect(refusedField.errors?.[0].extensions?.code).toBe("FORBIDDEN");
    await test.graphql(partnerQuery, {}, key.authorization);
    await test.graphql(`{ tiers { code }`, {}, key.authorization);
    // Staff calls are not partner calls.
    await test.graphql(partnerQuery, {}, admin);

    // The row of a document graphql-armor cannot parse is written just after the answer.
    const rows = await eventually(() => partnerCallRows(test, key.keyId), (found) => found.length === 3);
    expect(rows.map((row) => row.details)).toEqual([
      { keyId: key.keyId, operationName: "Catalogue", rootFields: ["tiers", "partners"], outcome: "FORBIDDEN" },
      { keyId: key.keyId, operationName: "PartnerTiers", rootFields: ["tiers"], outcome: "ok" },
      { keyId: key.keyId, operationName: null, rootFields: [], outcome: "GRAPHQL_VALIDATION_FAILED" },
    ]);
    expect(rows[1]).toMatchObject({ actorType: "partner", targetType: "partner", requestId: expect.any(String) });
    expect(rows[1].actorId).toBe(rows[1].targetId);
    expect(await test.application.database.dataSource.getRepository(AuditLogRecord).countBy({ action: "partner.call" })).toBe(rowsBefore + 3);
  });

  it("answers a partner's request even when its audit row cannot be written", async () => {
    const partner = await newPartner();
    const key = await issue(partner.id);
    const record = jest.spyOn(test.application.services.audit, "record").mockRejectedValueOnce(new Error("the audit table is unavailable"));
    try {
      const response = await test.graphql(partnerQuery, {}, key.authorization);
      expectOk(response);
      expect(response.data?.tiers).toHaveLength(4);
      expect(record).toHaveBeenCalledTimes(1);
    } finally {
      record.mockRestore();
    }
    expect(await partnerCallRows(test, key.keyId)).toHaveLength(0);
  });

  it("keeps partner management to staff with partners:manage", async () => {
    const partner = await newPartner();
    const key = await issue(partner.id);
    const operator = await test.staffToken("operator");
    for (const authorization of [operator, key.authorization]) {
      expect((await test.graphql(updatePartner, { partnerId: partner.id, input: { status: "SUSPENDED" } }, authorization)).errors?.[0].extensions?.code).toBe("FORBIDDEN");
      expect((await test.graphql(rotateKey, { keyId: key.keyId }, authorization)).errors?.[0].extensions?.code).toBe("FORBIDDEN");
      expect((await test.graphql(setRateLimit, { keyId: key.keyId, requestsPerMinute: 5 }, authorization)).errors?.[0].extensions?.code).toBe("FORBIDDEN");
    }
    expectOk(await test.graphql(partnerQuery, {}, key.authorization));
  });
});

// With REDIS_URL the server counts in Redis: requests made through another process (here, a second PartnerRateLimits
// on the same prefix) use up the same allowance. SQLite only: the database plays no part in the count.
const redisUrl = process.env.REDIS_URL;
(redisUrl ? describe : describe.skip)("partner rate limits of a server on Redis", () => {
  it("shares a key's allowance with another process", async () => {
    const environment = { REDIS_URL: redisUrl!, REDIS_CHANNEL_PREFIX: `test-${randomUUID()}:` };
    const test = await startTestApplication(testDatabaseKinds()[0], environment);
    const otherProcess = await openPartnerRateLimits(test.application.config);
    try {
      const admin = await test.staffToken("admin");
      const partner = await test.graphql(createPartner, { input: { code: "REDIS_CO", name: "Redis 联盟" } }, admin);
      const issued = await test.graphql(issueKey, { partnerId: partner.data?.createPartner.id, scopes: ["BENEFITS_READ"], requestsPerMinute: 3 }, admin);
      const { key, apiKey } = issued.data?.issuePartnerApiKey;
      await otherProcess.consumeRequest(apiKey.keyId, 3);
      await otherProcess.consumeRequest(apiKey.keyId, 3);
      expectOk(await test.graphql(partnerQuery, {}, `ApiKey ${key}`));
      const refused = await test.graphql(partnerQuery, {}, `ApiKey ${key}`);
      expect(refused.status).toBe(429);
      expect(refused.errors?.[0].extensions?.code).toBe("RATE_LIMITED");
    } finally {
      await otherProcess.close();
      await test.close();
    }
  });
});
