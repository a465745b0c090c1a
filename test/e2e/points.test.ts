import { randomUUID } from "node:crypto";
import { verifyLedger } from "../../src/services/points/ledger-verifier";
import { testDatabaseKinds } from "../support/databases";
import { StaffSessions } from "../support/staff-sessions";
import { startTestApplication, type TestApplication } from "../support/test-application";

const earnPoints = `mutation ($input: EarnPointsInput!, $key: String!) {
  earnPoints(input: $input, idempotencyKey: $key) { balance debt entries { id type amount debtChange balanceAfter reason source sourceRef } }
}`;
const redeemPoints = `mutation ($input: RedeemPointsInput!, $key: String!) { redeemPoints(input: $input, idempotencyKey: $key) { balance debt entries { type amount } } }`;
const adjustPoints = `mutation ($input: AdjustPointsInput!, $key: String!) { adjustPoints(input: $input, idempotencyKey: $key) { balance entries { type amount reason } } }`;
const refundOrder = `mutation ($input: RefundOrderInput!, $key: String!) { refundOrder(input: $input, idempotencyKey: $key) { balance debt entries { type amount debtChange } } }`;
const memberPoints = `query ($id: ID!, $type: PointsEntryType) { member(id: $id) { points {
  balance debt lifetimeEarned periodEarned(period: THIS_MONTH)
  expiringSoon(days: 30) { points batches { points expiresAt } }
  history(first: 50, type: $type) { edges { node { type amount balanceAfter sourceRef } } }
} } }`;


describe.each(testDatabaseKinds())("points ledger on $name", (kind) => {
  let test: TestApplication;
  let staff: StaffSessions;

  beforeAll(async () => {
    // Lots expire 12 months after earning here, so the tests can reason in months.
    test = await startTestApplication(kind, { POINTS_EXPIRY: "months:12" });
    staff = new StaffSessions(test);
    await staff.signIn();
  });
  afterAll(async () => {
    await test?.close();
  });

  function purchase(memberId: string, orderId: string, amount: number, extra: Record<string, unknown> = {}) {
    return test.graphql(earnPoints, { input: { memberId, purchase: { orderId, amount, category: "APPAREL", channel: "OFFLINE_STORE", storeCode: "SH-001", ...extra } }, key: randomUUID() }, staff.operator);
  }

  async function points(memberId: string, type?: string) {
    const response = await test.graphql(memberPoints, { id: memberId, type }, staff.admin);
    expect(response.errors).toBeUndefined();
    return response.data!.member.points;
  }

  async function expectLedgerVerifies() {
    const report = await verifyLedger(test.application.database.dataSource);
    expect(report.differences).toEqual([]);
    expect(report.membersWithoutAccount).toBe(0);
  }

  it("earns base points per yuan for a purchase, with the order as source, and shows them in the member's totals", async () => {
    const member = await staff.newMember();
    const response = await purchase(member.globalId, `ORDER-${randomUUID()}`, 12_999);
    expect(response.errors).toBeUndefined();
    expect(response.data!.earnPoints.balance).toBe(129);
    expect(response.data!.earnPoints.entries).toMatchObject([{ type: "EARN", amount: 129, balanceAfter: 129, source: "ORDER" }]);
    const totals = await points(member.globalId);
    expect(totals).toMatchObject({ balance: 129, debt: 0, lifetimeEarned: 129, periodEarned: 129 });
    expect(totals.history.edges).toHaveLength(1);
    await expectLedgerVerifies();
  });

  it("adds the bonus of a matching rule (double points on beauty) but not of rules that do not match, until switched off", async () => {
    const createRule = `mutation ($input: CreateBonusRuleInput!) { createBonusRule(input: $input) { id code active } }`;
    const beauty = await test.graphql(createRule, { input: { code: `BEAUTY-${randomUUID().slice(0, 8)}`, nameZh: "美妆双倍积分", nameEn: "Double points on beauty", category: "BEAUTY", multiplierPercent: 200 } }, staff.operator);
    expect(beauty.errors).toBeUndefined();
    const app = await test.graphql(createRule, { input: { code: `APP-${randomUUID().slice(0, 8)}`, nameZh: "APP 加赠", nameEn: "App bonus", channel: "APP", multiplierPercent: 150 } }, staff.operator);
    expect(app.errors).toBeUndefined();
    const noCondition = await test.graphql(createRule, { input: { code: "EVERYTHING", nameZh: "全场", nameEn: "Everything", multiplierPercent: 300 } }, staff.operator);
    expect(noCondition.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input" });
    const byAnalyst = await test.graphql(createRule, { input: { code: "ANALYST-1", nameZh: "x", nameEn: "x", category: "FOOD", multiplierPercent: 200 } }, await test.staffToken("analyst"));
    expect(byAnalyst.errors?.[0].extensions?.code).toBe("FORBIDDEN");

    const member = await staff.newMember();
    const response = await purchase(member.globalId, `ORDER-${randomUUID()}`, 10_000, { category: "BEAUTY" });
    expect(response.data!.earnPoints.balance).toBe(200);
    expect(response.data!.earnPoints.entries[0].reason).toContain(beauty.data!.createBonusRule.code);

    const setActive = `mutation ($id: ID!) { setBonusRuleActive(id: $id, active: false) { active } }`;
    for (const rule of [beauty, app]) {
      const off = await test.graphql(setActive, { id: rule.data!.createBonusRule.id }, staff.operator);
      expect(off.data!.setBonusRuleActive.active).toBe(false);
    }
    const after = await purchase(member.globalId, `ORDER-${randomUUID()}`, 10_000, { category: "BEAUTY" });
    expect(after.data!.earnPoints.balance).toBe(300);
  });

  it("redeems from the lots that expire first, expires what is left, and says what expires soon", async () => {
    const member = await staff.newMember();
    await purchase(member.globalId, `ORDER-${randomUUID()}`, 10_000); // 100 points, expire in 12 months
    await staff.advanceDays(180);
    await purchase(member.globalId, `ORDER-${randomUUID()}`, 5_000); // 50 points, expire 6 months later
    const redeemed = await test.graphql(redeemPoints, { input: { memberId: member.globalId, points: 30, reason: "Coffee at the counter", storeCode: "BJ-009" }, key: randomUUID() }, staff.operator);
    expect(redeemed.data!.redeemPoints.balance).toBe(120);

    await staff.advanceDays(170); // the first lot (70 left after the redemption) expires within 30 days
    const soon = await points(member.globalId);
    expect(soon.expiringSoon.points).toBe(70);
    expect(soon.expiringSoon.batches).toHaveLength(1);

    await staff.advanceDays(20);
    const summary = await test.application.services.pointsExpiry.run();
    expect(summary.pointsExpired).toBeGreaterThanOrEqual(70);
    const after = await points(member.globalId, "EXPIRE");
    expect(after.balance).toBe(50);
    expect(after.history.edges.map((edge: any) => edge.node.amount)).toEqual([-70]);

    const tooMuch = await test.graphql(redeemPoints, { input: { memberId: member.globalId, points: 60, reason: "Too much" }, key: randomUUID() }, staff.operator);
    expect(tooMuch.errors?.[0].extensions).toMatchObject({ code: "INSUFFICIENT_POINTS", needed: 60, available: 50 });
    await expectLedgerVerifies();
  });

  it("never spends an expired lot even before the expiry job has run", async () => {
    const member = await staff.newMember();
    await purchase(member.globalId, `ORDER-${randomUUID()}`, 10_000);
    await staff.advanceDays(400);
    const response = await test.graphql(redeemPoints, { input: { memberId: member.globalId, points: 10, reason: "Late" }, key: randomUUID() }, staff.operator);
    expect(response.errors?.[0].extensions?.code).toBe("INSUFFICIENT_POINTS");
    expect(response.errors?.[0].message).toContain("100 points expired");
    await expectLedgerVerifies();
  });

  it("claws back a refunded order's points, records what was already spent as debt, and pays the debt from later earnings", async () => {
    const member = await staff.newMember();
    const orderId = `ORDER-${randomUUID()}`;
    await purchase(member.globalId, orderId, 10_000); // 100 points
    await test.graphql(redeemPoints, { input: { memberId: member.globalId, points: 80, reason: "Gift" }, key: randomUUID() }, staff.operator);

    const half = await test.graphql(refundOrder, { input: { orderId, amount: 5_000 }, key: randomUUID() }, staff.operator);
    expect(half.errors).toBeUndefined();
    expect(half.data!.refundOrder).toMatchObject({ balance: 0, debt: 30, entries: [{ type: "CLAWBACK", amount: -20, debtChange: 30 }] });

    const rest = await test.graphql(refundOrder, { input: { orderId, amount: 5_000 }, key: randomUUID() }, staff.operator);
    expect(rest.data!.refundOrder).toMatchObject({ balance: 0, debt: 80 });
    const overRefund = await test.graphql(refundOrder, { input: { orderId, amount: 1 }, key: randomUUID() }, staff.operator);
    expect(overRefund.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.amount" });

    const later = await purchase(member.globalId, `ORDER-${randomUUID()}`, 12_000); // 120 points: 80 pay the debt
    expect(later.data!.earnPoints).toMatchObject({ balance: 40, debt: 0 });
    expect(later.data!.earnPoints.entries.map((entry: any) => [entry.type, entry.amount, entry.debtChange])).toEqual([["EARN", 120, 0], ["DEBT_REPAYMENT", -80, -80]]);
    const totals = await points(member.globalId);
    expect(totals).toMatchObject({ balance: 40, debt: 0, lifetimeEarned: 220 });
    await expectLedgerVerifies();
  });

  it("returns the first result for a retried key, writes nothing again, and answers CONFLICT for the key with another payload", async () => {
    const member = await staff.newMember();
    const input = { memberId: member.globalId, points: 25, source: "CHECK_IN", reason: "Daily check-in" };
    const first = await test.graphql(earnPoints, { input, key: "check-in-key-0001" }, staff.operator);
    const retries = await Promise.all([1, 2, 3].map(() => test.graphql(earnPoints, { input, key: "check-in-key-0001" }, staff.operator)));
    for (const retry of retries) expect(retry.data).toEqual(first.data);
    expect((await points(member.globalId)).balance).toBe(25);

    const other = await test.graphql(earnPoints, { input: { ...input, points: 26 }, key: "check-in-key-0001" }, staff.operator);
    expect(other.errors?.[0].extensions?.code).toBe("CONFLICT");

    const sameOrder = `ORDER-${randomUUID()}`;
    await purchase(member.globalId, sameOrder, 1_000);
    const twice = await purchase(member.globalId, sameOrder, 1_000);
    expect(twice.errors?.[0].extensions?.code).toBe("CONFLICT");
    expect(twice.errors?.[0].message).toContain(sameOrder);
  });

  it("replays a retried redemption even after the balance has changed, instead of refusing it", async () => {
    const member = await staff.newMember();
    await test.graphql(earnPoints, { input: { memberId: member.globalId, points: 100, source: "CAMPAIGN", reason: "Welcome" }, key: randomUUID() }, staff.operator);
    const input = { memberId: member.globalId, points: 60, reason: "Gift card" };
    const first = await test.graphql(redeemPoints, { input, key: "redeem-retry-0001" }, staff.operator);
    expect(first.data!.redeemPoints.balance).toBe(40);
    await test.graphql(redeemPoints, { input: { ...input, points: 40 }, key: randomUUID() }, staff.operator);
    const retry = await test.graphql(redeemPoints, { input, key: "redeem-retry-0001" }, staff.operator);
    expect(retry.errors).toBeUndefined();
    expect(retry.data).toEqual(first.data);
    expect((await points(member.globalId)).balance).toBe(0);
  });

  it("never spends more than the balance when 50 redemptions race", async () => {
    const member = await staff.newMember();
    await test.graphql(earnPoints, { input: { memberId: member.globalId, points: 1_000, source: "CAMPAIGN", reason: "Welcome" }, key: randomUUID() }, staff.operator);
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => test.graphql(redeemPoints, { input: { memberId: member.globalId, points: 30, reason: "Race" }, key: randomUUID() }, staff.operator)),
    );
    const succeeded = responses.filter((response) => !response.errors);
    const refused = responses.filter((response) => response.errors?.[0].extensions?.code === "INSUFFICIENT_POINTS");
    expect(succeeded).toHaveLength(33);
    expect(refused).toHaveLength(17);
    expect((await points(member.globalId)).balance).toBe(10);
    await expectLedgerVerifies();
  });

  it("lets only admins adjust, requires a reason, and never adjusts below zero", async () => {
    const member = await staff.newMember();
    const byOperator = await test.graphql(adjustPoints, { input: { memberId: member.globalId, points: 10, reason: "Goodwill" }, key: randomUUID() }, staff.operator);
    expect(byOperator.errors?.[0].extensions?.code).toBe("FORBIDDEN");
    const noReason = await test.graphql(adjustPoints, { input: { memberId: member.globalId, points: 10, reason: "  " }, key: randomUUID() }, staff.admin);
    expect(noReason.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.reason" });
    const added = await test.graphql(adjustPoints, { input: { memberId: member.globalId, points: 10, reason: "Goodwill after a late delivery" }, key: randomUUID() }, staff.admin);
    expect(added.data!.adjustPoints).toMatchObject({ balance: 10, entries: [{ type: "ADJUST", amount: 10, reason: "Goodwill after a late delivery" }] });
    const belowZero = await test.graphql(adjustPoints, { input: { memberId: member.globalId, points: -11, reason: "Correction" }, key: randomUUID() }, staff.admin);
    expect(belowZero.errors?.[0].extensions?.code).toBe("INSUFFICIENT_POINTS");
  });

  it("shows a member their own points only, and refuses points commands to those without the right", async () => {
    const member = await staff.newMember();
    const other = await staff.newMember();
    const token = await test.memberToken(member.id);
    const own = await test.graphql(`{ me { points { balance } } }`, {}, token);
    expect(own.data!.me.points.balance).toBe(0);
    const others = await test.graphql(memberPoints, { id: other.globalId }, token);
    expect(others.errors?.[0].extensions?.code).toBe("FORBIDDEN");
    const selfEarn = await test.graphql(earnPoints, { input: { memberId: member.globalId, points: 5, source: "CAMPAIGN", reason: "Me" }, key: randomUUID() }, token);
    expect(selfEarn.errors?.[0].extensions?.code).toBe("FORBIDDEN");
    const spendOthers = await test.graphql(redeemPoints, { input: { memberId: other.globalId, points: 1, reason: "Not mine" }, key: randomUUID() }, token);
    expect(spendOthers.errors?.[0].extensions?.code).toBe("FORBIDDEN");
    const analyst = await test.staffToken("analyst");
    const analystRedeem = await test.graphql(redeemPoints, { input: { memberId: member.globalId, points: 1, reason: "No" }, key: randomUUID() }, analyst);
    expect(analystRedeem.errors?.[0].extensions?.code).toBe("FORBIDDEN");
  });
});
