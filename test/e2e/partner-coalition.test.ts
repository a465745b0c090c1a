import { randomUUID } from "node:crypto";
import { toGlobalId } from "../../src/schema/global-id";
import { verifySettlement } from "../../src/services/coalition/settlement-verifier";
import { createTestPartner, memberCode, type TestPartner } from "../support/coalition";
import { testDatabaseKinds } from "../support/databases";
import { startTestApplication, type TestApplication } from "../support/test-application";

const lookupQuery = `query ($lookup: PartnerMemberLookupInput!) { partnerMember(lookup: $lookup) { partnerMemberId grantedFields tier { code } pointsBalance name phone email birthday gender } }`;
const earnMutation = `mutation ($input: EarnPartnerPointsInput!) { earnPartnerPoints(input: $input) { partnerMemberId points pointsBalance } }`;
const redeemPointsMutation = `mutation ($input: RedeemPartnerPointsInput!) { redeemPartnerPoints(input: $input) { partnerMemberId points pointsBalance } }`;
const redeemBenefitMutation = `mutation ($input: RedeemPartnerBenefitInput!) { redeemPartnerBenefit(input: $input) { id benefitId usesLeft } }`;
const openPeriodQuery = `{ openSettlementPeriod { label pointsIssued pointsRedeemed benefitsRedeemed owedByPartner owedToPartner netAmount lineCount lines(first: 50) { edges { node { kind points amount rate reference } } } } }`;

describe.each(testDatabaseKinds())("partner coalition on $name", (kind) => {
  let test: TestApplication;
  let coffee: TestPartner;
  let tea: TestPartner;

  beforeAll(async () => {
    test = await startTestApplication(kind);
    coffee = await createTestPartner(test, "COFFEE");
    tea = await createTestPartner(test, "TEA");
  });
  afterAll(async () => {
    await test?.close();
  });

  it("identifies a member by the code they show, under a different pseudonymous id per partner, with nothing personal", async () => {
    const member = await test.createMember({ name: "王芳", phone: "13811110001" });
    const code = await memberCode(test, member.id);
    const atCoffee = await test.graphql(lookupQuery, { lookup: { memberCode: code } }, coffee.authorization);
    expect(atCoffee.errors).toBeUndefined();
    expect(atCoffee.data?.partnerMember).toEqual({ partnerMemberId: expect.stringMatching(/^pm_[0-9a-z]{26}$/), grantedFields: [], tier: { code: "REGULAR" }, pointsBalance: null, name: null, phone: null, email: null, birthday: null, gender: null });
    const atTea = await test.graphql(lookupQuery, { lookup: { memberCode: code.toLowerCase() } }, tea.authorization);
    expect(atTea.data?.partnerMember.partnerMemberId).not.toBe(atCoffee.data?.partnerMember.partnerMemberId);

    // The partner's own id finds the member again; the other partner's id does not.
    const again = await test.graphql(lookupQuery, { lookup: { partnerMemberId: atCoffee.data?.partnerMember.partnerMemberId } }, coffee.authorization);
    expect(again.data?.partnerMember.partnerMemberId).toBe(atCoffee.data?.partnerMember.partnerMemberId);
    const crossed = await test.graphql(lookupQuery, { lookup: { partnerMemberId: atTea.data?.partnerMember.partnerMemberId } }, coffee.authorization);
    expect(crossed.errors?.[0].extensions?.code).toBe("NOT_FOUND");

    // Codes expire.
    test.clock.advance(10 * 60_000);
    const expired = await test.graphql(lookupQuery, { lookup: { memberCode: code } }, coffee.authorization);
    expect(expired.errors?.[0]).toMatchObject({ extensions: { code: "BAD_USER_INPUT", field: "lookup.memberCode" } });
    expect(expired.errors?.[0].message).toContain("expired");
    const forged = await test.graphql(lookupQuery, { lookup: { memberCode: code.slice(0, -2) + (code.endsWith("00") ? "11" : "00") } }, coffee.authorization);
    expect(forged.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("finds a member by phone only after they share their membership with that partner, and shows only granted fields", async () => {
    const member = await test.createMember({ name: "赵敏", phone: "13811110002", email: "zhao.min@example.com", birthday: "1992-02-02" });
    const before = await test.graphql(lookupQuery, { lookup: { phone: "138 1111 0002" } }, coffee.authorization);
    expect(before.errors?.[0].extensions?.code).toBe("NOT_FOUND");

    const memberToken = await test.memberToken(member.id);
    const granted = await test.graphql(`mutation ($id: ID!) { grantPartnerAccess(partnerId: $id, fields: [NAME, POINTS_BALANCE]) { fields partner { code } } }`, { id: coffee.id }, memberToken);
    expect(granted.data?.grantPartnerAccess).toEqual({ fields: ["POINTS_BALANCE", "NAME"], partner: { code: "COFFEE" } });

    const found = await test.graphql(lookupQuery, { lookup: { phone: "13811110002" } }, coffee.authorization);
    expect(found.data?.partnerMember).toMatchObject({ grantedFields: ["POINTS_BALANCE", "NAME"], name: "赵敏", pointsBalance: 0, phone: null, email: null, birthday: null });
    // Tea was granted nothing: the same phone is "not found" there.
    expect((await test.graphql(lookupQuery, { lookup: { phone: "13811110002" } }, tea.authorization)).errors?.[0].extensions?.code).toBe("NOT_FOUND");

    const mine = await test.graphql(`{ me { partnerGrants { fields partner { code } } } }`, {}, memberToken);
    expect(mine.data?.me.partnerGrants).toEqual([{ fields: ["POINTS_BALANCE", "NAME"], partner: { code: "COFFEE" } }]);

    const revoked = await test.graphql(`mutation ($id: ID!) { revokePartnerAccess(partnerId: $id) }`, { id: coffee.id }, memberToken);
    expect(revoked.data?.revokePartnerAccess).toBe(true);
    expect((await test.graphql(lookupQuery, { lookup: { phone: "13811110002" } }, coffee.authorization)).errors?.[0].extensions?.code).toBe("NOT_FOUND");
    const byId = await test.graphql(lookupQuery, { lookup: { partnerMemberId: found.data?.partnerMember.partnerMemberId } }, coffee.authorization);
    expect(byId.data?.partnerMember).toMatchObject({ grantedFields: [], name: null, pointsBalance: null });
  });

  it("rate-limits phone look-ups that miss, so a partner cannot test which numbers are members", async () => {
    const prober = await createTestPartner(test, "PROBER");
    const member = await test.createMember({ phone: "13811110003" });
    await test.graphql(`mutation ($id: ID!) { grantPartnerAccess(partnerId: $id, fields: []) { fields } }`, { id: prober.id }, await test.memberToken(member.id));
    for (let miss = 0; miss < 20; miss += 1) {
      const response = await test.graphql(lookupQuery, { lookup: { phone: `1370000${String(miss).padStart(4, "0")}` } }, prober.authorization);
      expect(response.errors?.[0].extensions?.code).toBe("NOT_FOUND");
    }
    // Now even a number that would match is refused until the hour is over; other partners are unaffected.
    const refused = await test.graphql(lookupQuery, { lookup: { phone: "13811110003" } }, prober.authorization);
    expect(refused.status).toBe(429);
    expect(refused.errors?.[0].extensions).toMatchObject({ code: "RATE_LIMITED", retryAfterSeconds: expect.any(Number) });
    expect((await test.graphql(lookupQuery, { lookup: { phone: "13811110003" } }, coffee.authorization)).errors?.[0].extensions?.code).toBe("NOT_FOUND");
    const byCode = await test.graphql(lookupQuery, { lookup: { memberCode: await memberCode(test, member.id) } }, prober.authorization);
    expect(byCode.errors).toBeUndefined();
  });

  it("earns at the partner's rate, spends at another partner, and hides the balance from a partner not granted it", async () => {
    const member = await test.createMember();
    const code = await memberCode(test, member.id);
    const { data } = await test.graphql(lookupQuery, { lookup: { memberCode: code } }, coffee.authorization);
    const partnerMemberId = data?.partnerMember.partnerMemberId;
    await test.graphql(`mutation ($id: ID!) { grantPartnerAccess(partnerId: $id, fields: [POINTS_BALANCE]) { fields } }`, { id: coffee.id }, await test.memberToken(member.id));

    const input = { member: { partnerMemberId }, orderId: `C-${randomUUID().slice(0, 8)}`, amount: 12_345, storeCode: "SH-01", idempotencyKey: randomUUID() };
    const earned = await test.graphql(earnMutation, { input }, coffee.authorization);
    expect(earned.errors).toBeUndefined();
    expect(earned.data?.earnPartnerPoints).toEqual({ partnerMemberId, points: 123, pointsBalance: 123 });
    const retried = await test.graphql(earnMutation, { input }, coffee.authorization);
    expect(retried.data?.earnPartnerPoints).toEqual(earned.data?.earnPartnerPoints);
    const twice = await test.graphql(earnMutation, { input: { ...input, idempotencyKey: randomUUID() } }, coffee.authorization);
    expect(twice.errors?.[0].extensions?.code).toBe("CONFLICT");

    const spent = await test.graphql(redeemPointsMutation, { input: { memberCode: code, points: 50, storeCode: "TEA-1", reference: "R-1", idempotencyKey: randomUUID() } }, tea.authorization);
    expect(spent.errors).toBeUndefined();
    expect(spent.data?.redeemPartnerPoints).toMatchObject({ points: 50, pointsBalance: null });
    const reused = await test.graphql(redeemPointsMutation, { input: { memberCode: code, points: 1, idempotencyKey: randomUUID() } }, tea.authorization);
    expect(reused.errors?.[0]).toMatchObject({ extensions: { code: "BAD_USER_INPUT", field: "input.memberCode" } });
    const tooMany = await test.graphql(redeemPointsMutation, { input: { memberCode: await memberCode(test, member.id), points: 1000, idempotencyKey: randomUUID() } }, tea.authorization);
    expect(tooMany.errors?.[0].extensions).toEqual({ code: "INSUFFICIENT_POINTS", needed: 1000 });
    const tooManyAtCoffee = await test.graphql(redeemPointsMutation, { input: { memberCode: await memberCode(test, member.id), points: 1000, idempotencyKey: randomUUID() } }, coffee.authorization);
    expect(tooManyAtCoffee.errors?.[0].extensions).toMatchObject({ code: "INSUFFICIENT_POINTS", needed: 1000, available: 73 });

    const refunded = await test.graphql(`mutation ($input: RefundPartnerOrderInput!) { refundPartnerOrder(input: $input) { points pointsBalance } }`, { input: { orderId: input.orderId, amount: 6_000, idempotencyKey: randomUUID() } }, coffee.authorization);
    expect(refunded.data?.refundPartnerOrder).toEqual({ points: 59, pointsBalance: 14 });
    const notOurs = await test.graphql(`mutation ($input: RefundPartnerOrderInput!) { refundPartnerOrder(input: $input) { points } }`, { input: { orderId: input.orderId, amount: 100, idempotencyKey: randomUUID() } }, tea.authorization);
    expect(notOurs.errors?.[0].extensions?.code).toBe("NOT_FOUND");

    // Partner spend earns points but does not qualify for the programme's tiers.
    const tier = await test.graphql(`{ me { tierProgress { windowSpend } } }`, {}, await test.memberToken(member.id));
    expect(tier.data?.me.tierProgress.windowSpend).toBe(0);
  });

  it("redeems a benefit once per key, within per-member limits and stock", async () => {
    const published = await test.graphql(
      `mutation { publishPartnerBenefit(input: { code: "free_latte", title: "Free latte", kind: GIFT, valueFen: 2000, stock: 2, perMemberLimit: 1 }) { id code coalitionSharePercent stock } }`,
      {},
      coffee.authorization,
    );
    expect(published.errors).toBeUndefined();
    // A partner's own benefit is its own to fund; staff co-fund it at half.
    expect(published.data?.publishPartnerBenefit).toMatchObject({ code: "FREE_LATTE", coalitionSharePercent: 0, stock: 2 });
    const benefitId = published.data?.publishPartnerBenefit.id;
    const share = `mutation ($id: ID!, $partnerId: ID) { updatePartnerBenefit(id: $id, partnerId: $partnerId, input: { coalitionSharePercent: 50 }) { coalitionSharePercent } }`;
    expect((await test.graphql(share, { id: benefitId }, coffee.authorization)).errors?.[0].extensions?.code).toBe("FORBIDDEN");
    expect((await test.graphql(share, { id: benefitId, partnerId: coffee.id }, await test.staffToken("admin"))).data?.updatePartnerBenefit).toEqual({ coalitionSharePercent: 50 });
    const selfFunded = await test.graphql(`mutation { publishPartnerBenefit(input: { code: "BIG", title: "Big", kind: GIFT, valueFen: 100000000, coalitionSharePercent: 100 }) { id } }`, {}, coffee.authorization);
    expect(selfFunded.errors?.[0].extensions?.code).toBe("FORBIDDEN");
    const [first, second, third] = [await test.createMember(), await test.createMember(), await test.createMember()];

    const code = await memberCode(test, first.id);
    const offers = await test.graphql(`query ($code: String!) { partnerMember(lookup: { memberCode: $code }) { partnerMemberId benefits { eligible usesLeft benefit { code } } } }`, { code }, coffee.authorization);
    expect(offers.data?.partnerMember.benefits).toEqual([{ eligible: true, usesLeft: 1, benefit: { code: "FREE_LATTE" } }]);

    const input = { member: { memberCode: code }, benefitId, storeCode: "SH-01", idempotencyKey: randomUUID() };
    const redeemed = await test.graphql(redeemBenefitMutation, { input }, coffee.authorization);
    expect(redeemed.errors).toBeUndefined();
    expect(redeemed.data?.redeemPartnerBenefit).toMatchObject({ benefitId, usesLeft: 0 });
    const retried = await test.graphql(redeemBenefitMutation, { input }, coffee.authorization);
    expect(retried.data?.redeemPartnerBenefit).toEqual(redeemed.data?.redeemPartnerBenefit);
    const sameCode = await test.graphql(redeemBenefitMutation, { input: { ...input, idempotencyKey: randomUUID() } }, coffee.authorization);
    expect(sameCode.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.member.memberCode" });
    const again = await test.graphql(redeemBenefitMutation, { input: { ...input, member: { memberCode: await memberCode(test, first.id) }, idempotencyKey: randomUUID() } }, coffee.authorization);
    expect(again.errors?.[0].extensions).toMatchObject({ code: "NOT_ELIGIBLE", reason: "LIMIT_REACHED" });
    const withoutCode = await test.graphql(redeemBenefitMutation, { input: { ...input, member: { partnerMemberId: offers.data?.partnerMember.partnerMemberId ?? "pm_x" }, idempotencyKey: randomUUID() } }, coffee.authorization);
    expect(withoutCode.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.member.memberCode" });

    expect((await test.graphql(redeemBenefitMutation, { input: { ...input, member: { memberCode: await memberCode(test, second.id) }, idempotencyKey: randomUUID() } }, coffee.authorization)).errors).toBeUndefined();
    const soldOut = await test.graphql(redeemBenefitMutation, { input: { ...input, member: { memberCode: await memberCode(test, third.id) }, idempotencyKey: randomUUID() } }, coffee.authorization);
    expect(soldOut.errors?.[0].extensions?.code).toBe("OUT_OF_STOCK");
    // Another partner cannot redeem Coffee's benefit.
    const elsewhere = await test.graphql(redeemBenefitMutation, { input: { ...input, member: { memberCode: await memberCode(test, third.id) }, idempotencyKey: randomUUID() } }, tea.authorization);
    expect(elsewhere.errors?.[0].extensions?.code).toBe("NOT_FOUND");
    // The member sees the benefit from their app.
    const fromApp = await test.graphql(`query ($id: ID!) { me { partnerBenefits(partnerId: $id) { eligible refusal benefit { code } } } }`, { id: coffee.id }, await test.memberToken(first.id));
    expect(fromApp.data?.me.partnerBenefits).toEqual([{ eligible: false, refusal: "OUT_OF_STOCK", benefit: { code: "FREE_LATTE" } }]);
    // A retry after the scanned code has expired still gets its first answer; a new redemption with it does not.
    test.clock.advance(10 * 60_000);
    expect((await test.graphql(redeemBenefitMutation, { input }, coffee.authorization)).data?.redeemPartnerBenefit).toEqual(redeemed.data?.redeemPartnerBenefit);
    const stale = await test.graphql(redeemBenefitMutation, { input: { ...input, idempotencyKey: randomUUID() } }, coffee.authorization);
    expect(stale.errors?.[0]).toMatchObject({ extensions: { code: "BAD_USER_INPUT", field: "input.member.memberCode" } });
  });

  it("gives out a benefit's stock exactly once when tills redeem at the same moment", async () => {
    const tills = await createTestPartner(test, "RUSH");
    const published = await test.graphql(`mutation ($id: ID!) { publishPartnerBenefit(partnerId: $id, input: { code: "RUSH_GIFT", title: "Rush", kind: GIFT, valueFen: 1000, stock: 5 }) { id } }`, { id: tills.id }, await test.staffToken("admin"));
    const benefitId = published.data?.publishPartnerBenefit.id;
    const members = await Promise.all(Array.from({ length: 10 }, () => test.createMember()));
    const codes = await Promise.all(members.map((member) => memberCode(test, member.id)));
    const outcomes = await Promise.all(codes.map((code) => test.graphql(redeemBenefitMutation, { input: { member: { memberCode: code }, benefitId, idempotencyKey: randomUUID() } }, tills.authorization)));
    const codesSeen = outcomes.map((outcome) => outcome.errors?.[0].extensions?.code ?? "OK").sort();
    expect(codesSeen).toEqual([...Array(5).fill("OK"), ...Array(5).fill("OUT_OF_STOCK")]);
    const benefit = await test.graphql(`{ partnerBenefits { code stock redeemedCount } }`, {}, tills.authorization);
    expect(benefit.data?.partnerBenefits).toEqual([{ code: "RUSH_GIFT", stock: 0, redeemedCount: 5 }]);
    const open = await test.graphql(`{ openSettlementPeriod { benefitsRedeemed owedToPartner } }`, {}, tills.authorization);
    expect(open.data?.openSettlementPeriod).toEqual({ benefitsRedeemed: 5, owedToPartner: 5 * 500 });
  });

  it("closes a month into a statement that adds up, never changes, and sends later corrections to the next one", async () => {
    const open = await test.graphql(openPeriodQuery, {}, coffee.authorization);
    expect(open.errors).toBeUndefined();
    const period = open.data?.openSettlementPeriod;
    expect(period.label).toBe("2026-11");
    const lines = period.lines.edges.map((edge: { node: { kind: string; amount: number } }) => edge.node);
    expect(period.lineCount).toBe(lines.length);
    expect(period.netAmount).toBe(lines.reduce((sum: number, line: { amount: number }) => sum + line.amount, 0));
    // 123 issued at 1 fen a point, 59 reversed, two lattes at half of 20 yuan.
    expect(period).toMatchObject({ pointsIssued: 123 - 59, pointsRedeemed: 0, benefitsRedeemed: 2, owedByPartner: 123, owedToPartner: 59 + 2000 });
    const teaPeriod = (await test.graphql(openPeriodQuery, {}, tea.authorization)).data?.openSettlementPeriod;
    expect(teaPeriod).toMatchObject({ pointsIssued: 0, pointsRedeemed: 50, owedByPartner: 0, owedToPartner: 45 });

    let admin = await test.staffToken("admin");
    const tooEarly = await test.graphql(`mutation ($id: ID!) { closeSettlementPeriod(partnerId: $id) { id } }`, { id: coffee.id }, admin);
    expect(tooEarly.errors?.[0].extensions?.code).toBe("CONFLICT");

    test.clock.advance(9 * 86_400_000);
    admin = await test.staffToken("admin");
    const closed = await test.graphql(`mutation ($id: ID!) { closeSettlementPeriod(partnerId: $id) { id label netAmount lineCount owedToPartner } }`, { id: coffee.id }, admin);
    expect(closed.errors).toBeUndefined();
    expect(closed.data?.closeSettlementPeriod).toMatchObject({ label: "2026-11", netAmount: period.netAmount, lineCount: period.lineCount });
    const statementId = closed.data?.closeSettlementPeriod.id;

    const correction = await test.graphql(`mutation ($id: ID!) { addSettlementAdjustment(partnerId: $id, amount: 500, note: "November latte miscount", idempotencyKey: "adjust-nov-1") { kind amount } }`, { id: coffee.id }, admin);
    expect(correction.data?.addSettlementAdjustment).toEqual({ kind: "ADJUSTMENT", amount: 500 });
    const statement = await test.graphql(`query ($id: ID!) { settlementStatement(id: $id) { label netAmount lineCount lines(first: 50) { edges { node { kind } } } } }`, { id: statementId }, coffee.authorization);
    expect(statement.data?.settlementStatement).toMatchObject({ label: "2026-11", netAmount: period.netAmount, lineCount: period.lineCount });
    expect(statement.data?.settlementStatement.lines.edges).toHaveLength(period.lineCount);
    const next = (await test.graphql(openPeriodQuery, {}, coffee.authorization)).data?.openSettlementPeriod;
    expect(next).toMatchObject({ label: "2026-12", lineCount: 1, netAmount: 500 });

    // A partner reads only its own statements.
    expect((await test.graphql(`query ($id: ID!) { settlementStatement(id: $id) { id } }`, { id: statementId }, tea.authorization)).data?.settlementStatement).toBeNull();
    const teaStatements = await test.graphql(`{ partnerStatements { edges { node { id } } } }`, {}, tea.authorization);
    expect(teaStatements.data?.partnerStatements.edges).toEqual([]);

    const report = await verifySettlement(test.application.database.dataSource);
    expect(report.problems).toEqual([]);
    expect(report.statementsChecked).toBe(1);
  });

  it("keeps partner orders out of the programme's own refunds, and sums amounts past 32 bits", async () => {
    const shop = await createTestPartner(test, "SHOP");
    const member = await test.createMember();
    const orderId = `S-${randomUUID().slice(0, 8)}`;
    const earned = await test.graphql(earnMutation, { input: { member: { memberCode: await memberCode(test, member.id) }, orderId, amount: 10_000, storeCode: "S1", idempotencyKey: randomUUID() } }, shop.authorization);
    expect(earned.data?.earnPartnerPoints.points).toBe(100);
    const partnerId = (await test.application.services.partners.list()).find((partner) => partner.code === "SHOP")!.id;
    const admin = await test.staffToken("admin");
    const staffRefund = await test.graphql(`mutation ($input: RefundOrderInput!, $key: String!) { refundOrder(input: $input, idempotencyKey: $key) { balance } }`, { input: { orderId: `P${partnerId}:${orderId}`, amount: 10_000 }, key: randomUUID() }, admin);
    expect(staffRefund.errors?.[0].extensions?.code).toBe("NOT_FOUND");
    const disguised = await test.graphql(`mutation ($input: EarnPointsInput!, $key: String!) { earnPoints(input: $input, idempotencyKey: $key) { balance } }`, { input: { memberId: toGlobalId("Member", member.id), purchase: { orderId: "P1:FAKE", amount: 100, category: "FOOD", channel: "APP", storeCode: "S1" } }, key: randomUUID() }, admin);
    expect(disguised.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.purchase.orderId" });

    for (const key of ["big-adjust-1", "big-adjust-2"]) {
      const adjusted = await test.graphql(`mutation ($id: ID!, $key: String!) { addSettlementAdjustment(partnerId: $id, amount: 2000000000, note: "Year-end volume rebate", idempotencyKey: $key) { amount } }`, { id: shop.id, key }, admin);
      expect(adjusted.errors).toBeUndefined();
    }
    const open = await test.graphql(`{ openSettlementPeriod { owedByPartner netAmount } }`, {}, shop.authorization);
    expect(open.errors).toBeUndefined();
    expect(open.data?.openSettlementPeriod).toEqual({ owedByPartner: 4_000_000_100, netAmount: 4_000_000_100 });
  });

  it("answers double taps of a first grant, and twin publishes of one code, without a server error", async () => {
    const member = await test.createMember();
    const token = await test.memberToken(member.id);
    const grants = await Promise.all(Array.from({ length: 4 }, () => test.graphql(`mutation ($id: ID!) { grantPartnerAccess(partnerId: $id, fields: [NAME]) { fields } }`, { id: tea.id }, token)));
    expect(grants.map((grant) => grant.errors?.[0].extensions?.code ?? "OK")).toEqual(["OK", "OK", "OK", "OK"]);
    const publishes = await Promise.all(Array.from({ length: 4 }, () => test.graphql(`mutation { publishPartnerBenefit(input: { code: "TWIN", title: "Twin", kind: GIFT, valueFen: 100 }) { id } }`, {}, tea.authorization)));
    expect(publishes.map((publish) => publish.errors?.[0].extensions?.code ?? "OK").sort()).toEqual(["CONFLICT", "CONFLICT", "CONFLICT", "OK"]);
  });

  it("refuses partner calls without the scope, and member or staff callers on partner-only fields", async () => {
    const narrow = await createTestPartner(test, "NARROW", { scopes: ["MEMBERS_LOOKUP"] });
    const member = await test.createMember();
    const code = await memberCode(test, member.id);
    const benefits = await test.graphql(`query ($code: String!) { partnerMember(lookup: { memberCode: $code }) { partnerMemberId benefits { eligible } } }`, { code }, narrow.authorization);
    expect(benefits.errors?.[0]).toMatchObject({ path: ["partnerMember", "benefits"], extensions: { code: "FORBIDDEN" } });
    const earn = await test.graphql(earnMutation, { input: { member: { memberCode: code }, orderId: "N-1", amount: 100, storeCode: "S", idempotencyKey: randomUUID() } }, narrow.authorization);
    expect(earn.errors?.[0].extensions?.code).toBe("FORBIDDEN");
    expect(earn.errors?.[0].message).toContain("points:earn");
    const asMember = await test.graphql(lookupQuery, { lookup: { memberCode: code } }, await test.memberToken(member.id));
    expect(asMember.errors?.[0].extensions?.code).toBe("FORBIDDEN");
    const asStaff = await test.graphql(lookupQuery, { lookup: { memberCode: code } }, await test.staffToken("admin"));
    expect(asStaff.errors?.[0].extensions?.code).toBe("FORBIDDEN");
  });
});
