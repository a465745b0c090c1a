// What a partner can see, field by field: every field of every type a partner's calls reach is classified here, so
// a field added later fails this test until someone decides who may see it.
import { createTestPartner, memberCode, type TestPartner } from "../support/coalition";
import { testDatabaseKinds } from "../support/databases";
import { startTestApplication, type TestApplication } from "../support/test-application";

/**
 * The object types of every root field a partner's key may call (its own, and the public catalogue: partners,
 * tiers, rewards, the check-in rule), and everything reachable from them.
 */
const partnerRoots = ["PartnerMember", "PartnerPointsPayload", "PartnerBenefitRedemption", "PartnerBenefit", "SettlementStatementConnection", "SettlementStatement", "OpenSettlementPeriod", "CoalitionPartner", "Tier", "Reward", "CheckInRule"];
const partnerReachableTypes = [
  ...partnerRoots,
  "CheckInMilestone",
  "PartnerMemberTier",
  "PartnerBenefitOffer",
  "SettlementStatementEdge",
  "SettlementLineConnection",
  "SettlementLineEdge",
  "SettlementLine",
  "PageInfo",
].sort();

/** Fields of PartnerMember shown only when the member granted the partner the field. */
const grantedFieldOf: Record<string, string> = { pointsBalance: "POINTS_BALANCE", name: "NAME", phone: "PHONE", email: "EMAIL", birthday: "BIRTHDAY", gender: "GENDER" };
/** Fields every partner that finds the member sees: its own pseudonym, the tier, what was granted. */
const basicFields = ["partnerMemberId", "grantedFields", "tier"];
/** Fields behind a key scope rather than a grant. */
const scopedFields = ["benefits"];

interface TypeReference {
  name: string | null;
  ofType: TypeReference | null;
}

interface IntrospectedType {
  name: string;
  kind: string;
  fields: { name: string; type: TypeReference }[] | null;
}

/** The named type under any NON_NULL and LIST wrappers. */
function namedType(type: TypeReference | null): string | null {
  let current = type;
  while (current && current.name === null) current = current.ofType;
  return current?.name ?? null;
}

describe.each(testDatabaseKinds())("what partners can see on $name", (kind) => {
  let test: TestApplication;
  let coffee: TestPartner;
  let tea: TestPartner;
  let types: Map<string, IntrospectedType>;

  beforeAll(async () => {
    test = await startTestApplication(kind);
    coffee = await createTestPartner(test, "COFFEE");
    tea = await createTestPartner(test, "TEA");
    const introspection = await test.graphql(`{ __schema { types { name kind fields { name type { kind name ofType { kind name ofType { kind name ofType { name } } } } } } } }`, {}, await test.staffToken("admin"));
    types = new Map((introspection.data?.__schema.types as IntrospectedType[]).map((type) => [type.name, type]));
  });
  afterAll(async () => {
    await test?.close();
  });

  it("reaches no type beyond the partner's own: no Member, no staff data", () => {
    const reached = new Set<string>();
    const visit = (name: string) => {
      const type = types.get(name);
      if (!type || type.kind !== "OBJECT" || reached.has(name)) return;
      reached.add(name);
      for (const field of type.fields ?? []) {
        const target = namedType(field.type);
        if (target) visit(target);
      }
    };
    partnerRoots.forEach(visit);
    expect([...reached].sort()).toEqual(partnerReachableTypes);
  });

  it("classifies every field of PartnerMember", () => {
    const fields = (types.get("PartnerMember")?.fields ?? []).map((field) => field.name).sort();
    expect(fields).toEqual([...basicFields, ...scopedFields, ...Object.keys(grantedFieldOf)].sort());
  });

  it("shows each personal field only to the partner the member granted it, and nothing else with it", async () => {
    const member = await test.createMember({ name: "周杰", phone: "13822220001", email: "zhou.jie@example.com", birthday: "1988-08-08", gender: "MALE" });
    const expected: Record<string, unknown> = { pointsBalance: 0, name: "周杰", phone: "13822220001", email: "zhou.jie@example.com", birthday: "1988-08-08", gender: "MALE" };
    const allFields = `partnerMemberId grantedFields tier { code name } ${Object.keys(grantedFieldOf).join(" ")}`;
    const memberToken = await test.memberToken(member.id);
    for (const [apiField, grantField] of Object.entries(grantedFieldOf)) {
      const granted = await test.graphql(`mutation ($id: ID!, $fields: [PartnerGrantField!]!) { grantPartnerAccess(partnerId: $id, fields: $fields) { fields } }`, { id: coffee.id, fields: [grantField] }, memberToken);
      expect(granted.errors).toBeUndefined();
      const code = await memberCode(test, member.id);
      const seen = await test.graphql(`query ($code: String!) { partnerMember(lookup: { memberCode: $code }) { ${allFields} } }`, { code }, coffee.authorization);
      expect(seen.errors).toBeUndefined();
      const view = seen.data?.partnerMember;
      expect(view.grantedFields).toEqual([grantField]);
      expect(view.tier).toEqual({ code: "REGULAR", name: "普通" });
      for (const other of Object.keys(grantedFieldOf)) expect([other, view[other]]).toEqual([other, other === apiField ? expected[other] : null]);
      // The other partner was granted nothing and sees none of it.
      const elsewhere = await test.graphql(`query ($code: String!) { partnerMember(lookup: { memberCode: $code }) { ${allFields} } }`, { code }, tea.authorization);
      for (const other of Object.keys(grantedFieldOf)) expect([other, elsewhere.data?.partnerMember[other]]).toEqual([other, null]);
      expect(elsewhere.data?.partnerMember.grantedFields).toEqual([]);
    }
  });

  it("keeps each partner to its own benefits, statements and open period", async () => {
    const admin = await test.staffToken("admin");
    await test.graphql(`mutation ($id: ID!) { publishPartnerBenefit(partnerId: $id, input: { code: "TEA_GIFT", title: "Tea", kind: GIFT, valueFen: 1000 }) { id } }`, { id: tea.id }, admin);
    const own = await test.graphql(`{ partnerBenefits { code } }`, {}, coffee.authorization);
    expect(own.data?.partnerBenefits.map((benefit: { code: string }) => benefit.code)).not.toContain("TEA_GIFT");
    for (const query of [
      `query ($id: ID!) { partnerBenefits(partnerId: $id) { code } }`,
      `query ($id: ID!) { partnerStatements(partnerId: $id) { edges { node { id } } } }`,
      `query ($id: ID!) { openSettlementPeriod(partnerId: $id) { netAmount } }`,
    ]) {
      const response = await test.graphql(query, { id: tea.id }, coffee.authorization);
      expect([query, response.errors?.[0].extensions?.code]).toEqual([query, "FORBIDDEN"]);
    }
    const member = await test.createMember();
    const offers = await test.graphql(`query ($code: String!) { partnerMember(lookup: { memberCode: $code }) { benefits { benefit { code } } } }`, { code: await memberCode(test, member.id) }, coffee.authorization);
    expect(offers.data?.partnerMember.benefits.map((offer: { benefit: { code: string } }) => offer.benefit.code)).not.toContain("TEA_GIFT");
    // Staff queries stay closed to partner keys.
    for (const query of [`{ members(first: 1) { edges { node { id } } } }`, `{ partners { id } }`, `{ campaigns(first: 1) { edges { node { id } } } }`]) {
      const response = await test.graphql(query, {}, coffee.authorization);
      expect([query, response.errors?.[0].extensions?.code]).toEqual([query, "FORBIDDEN"]);
    }
  });
});
