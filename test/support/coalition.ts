// Partners with agreements and keys, set up through the API as staff would.
import type { TestApplication } from "./test-application";

export const allPartnerScopes = ["MEMBERS_LOOKUP", "BENEFITS_READ", "BENEFITS_REDEEM", "BENEFITS_PUBLISH", "POINTS_EARN", "POINTS_REDEEM", "SETTLEMENT_READ"];

export interface TestPartner {
  id: string;
  code: string;
  key: string;
  authorization: string;
}

export const defaultAgreement = { earnPointsPer100Yuan: 100, issuedPointValue: 100, redeemedPointValue: 90, benefitSharePercent: 50, statementPeriod: "MONTHLY" };

export async function createTestPartner(test: TestApplication, code: string, options: { scopes?: string[]; agreement?: typeof defaultAgreement | null } = {}): Promise<TestPartner> {
  const admin = await test.staffToken("admin");
  const created = await test.graphql(`mutation ($code: String!) { createPartner(input: { code: $code, name: $code }) { id } }`, { code }, admin);
  if (created.errors) throw new Error(JSON.stringify(created.errors));
  const id = created.data!.createPartner.id as string;
  if (options.agreement !== null) {
    const agreement = await test.graphql(`mutation ($id: ID!, $input: PartnerAgreementInput!) { setPartnerAgreement(partnerId: $id, input: $input) { id } }`, { id, input: options.agreement ?? defaultAgreement }, admin);
    if (agreement.errors) throw new Error(JSON.stringify(agreement.errors));
  }
  const issued = await test.graphql(`mutation ($id: ID!, $scopes: [PartnerScope!]!) { issuePartnerApiKey(partnerId: $id, scopes: $scopes) { key } }`, { id, scopes: options.scopes ?? allPartnerScopes }, admin);
  if (issued.errors) throw new Error(JSON.stringify(issued.errors));
  const key = issued.data!.issuePartnerApiKey.key as string;
  return { id, code, key, authorization: `ApiKey ${key}` };
}

/** A fresh code, as the app shows one: a second later than the last, since codes issued in one second are the same code. */
export async function memberCode(test: TestApplication, memberId: number): Promise<string> {
  test.clock.advance(1000);
  const response = await test.graphql(`mutation { issueMemberCode { code expiresAt } }`, {}, await test.memberToken(memberId));
  if (response.errors) throw new Error(JSON.stringify(response.errors));
  return response.data!.issueMemberCode.code as string;
}
