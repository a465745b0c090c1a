import { randomUUID } from "node:crypto";
import { toGlobalId } from "../../src/schema/global-id";
import { verifyLedger } from "../../src/services/points/ledger-verifier";
import { testDatabaseKinds } from "../support/databases";
import { StaffSessions } from "../support/staff-sessions";
import { startTestApplication, type TestApplication } from "../support/test-application";

const earnPoints = `mutation ($input: EarnPointsInput!, $key: String!) { earnPoints(input: $input, idempotencyKey: $key) { balance } }`;
const tierStatus = `query ($id: ID!) { member(id: $id) {
  tier { code }
  tierProgress { nextTier { code } spendNeeded windowSpend reviewAt permanent }
  tierHistory { fromTier { code } toTier { code } reason qualifyingSpend }
  benefits { code source validUntil }
} }`;
const createReward = `mutation ($input: CreateRewardInput!) { createReward(input: $input) { id code stock } }`;
const redeemReward = `mutation ($input: RedeemRewardInput!, $key: String!) { redeemReward(input: $input, idempotencyKey: $key) { balance reward { code stock } entries { type amount sourceRef } } }`;

const day = 86_400_000;

describe.each(testDatabaseKinds())("tiers, benefits and rewards on $name", (kind) => {
  let test: TestApplication;
  let staff: StaffSessions;

  beforeAll(async () => {
    test = await startTestApplication(kind);
    staff = new StaffSessions(test);
    await staff.signIn();
  });
  afterAll(async () => {
    await test?.close();
  });

  async function spend(memberId: string, fen: number) {
    const input = { memberId, purchase: { orderId: `ORDER-${randomUUID()}`, amount: fen, category: "HOME", channel: "ONLINE", storeCode: "ONLINE-1" } };
    const response = await test.graphql(earnPoints, { input, key: randomUUID() }, staff.operator);
    expect(response.errors).toBeUndefined();
  }

  async function status(memberId: string) {
    const response = await test.graphql(tierStatus, { id: memberId }, staff.admin);
    expect(response.errors).toBeUndefined();
    return response.data!.member;
  }

  it("upgrades as soon as the window spend reaches a threshold, and shows progress to the next tier", async () => {
    const member = await staff.newMember();
    await spend(member.globalId, 50_000); // 500 yuan: still Regular
    let current = await status(member.globalId);
    expect(current.tier.code).toBe("REGULAR");
    expect(current.tierProgress).toMatchObject({ nextTier: { code: "SILVER" }, spendNeeded: 250_000, windowSpend: 50_000, reviewAt: null, permanent: false });

    await spend(member.globalId, 260_000);
    current = await status(member.globalId);
    expect(current.tier.code).toBe("SILVER");
    expect(current.tierProgress).toMatchObject({ nextTier: { code: "GOLD" }, spendNeeded: 1_000_000 - 310_000, permanent: true });
    expect(new Date(current.tierProgress.reviewAt).getTime()).toBeGreaterThan(test.clock.now().getTime() + 360 * day);
    // Newest first: the upgrade, then permanent status (cumulative spend passed 1,000 yuan with the same purchase).
    expect(current.tierHistory).toEqual([
      { fromTier: { code: "SILVER" }, toTier: { code: "SILVER" }, reason: "PERMANENT", qualifyingSpend: 310_000 },
      { fromTier: { code: "REGULAR" }, toTier: { code: "SILVER" }, reason: "UPGRADE", qualifyingSpend: 310_000 },
    ]);
    expect(current.benefits.map((benefit: any) => benefit.code)).toContain("DISCOUNT_5_PERCENT");
  });

  it("downgrades only after the review date plus the grace period, to the tier the window spend still earns", async () => {
    const member = await staff.newMember();
    await spend(member.globalId, 100_000); // permanent at Regular: the floor does not hold them at Silver
    await spend(member.globalId, 200_000); // Silver
    expect((await status(member.globalId)).tier.code).toBe("SILVER");
    // A scheme that tests the tier: the downgrade must move the member out of SILVER_MEMBERS.
    const scheme = await test.graphql(
      `mutation ($input: CreateSegmentSchemeInput!) { createSegmentScheme(input: $input) { code } }`,
      { input: { code: "BY_TIER", name: "按等级", nameEn: "By tier", segments: [{ code: "SILVER_MEMBERS", name: "银卡", nameEn: "Silver", rule: { field: "tierCode", op: "eq", value: "SILVER" } }], catchAll: { code: "OTHERS", name: "其他", nameEn: "Others" } } },
      staff.operator,
    );
    expect(scheme.errors).toBeUndefined();
    const segmentByTier = async () =>
      (await test.graphql(`query ($id: ID!) { member(id: $id) { segments { scheme { code } segment { code } } } }`, { id: member.globalId }, staff.admin)).data!.member.segments.find(
        (entry: { scheme: { code: string } }) => entry.scheme.code === "BY_TIER",
      ).segment.code;
    expect(await segmentByTier()).toBe("SILVER_MEMBERS");

    await staff.advanceDays(365 + 29); // past the review date, inside the 30-day grace period
    await test.application.services.tierQualification.reviewDue();
    expect((await status(member.globalId)).tier.code).toBe("SILVER");

    await staff.advanceDays(2);
    await test.application.services.tierQualification.reviewDue();
    const after = await status(member.globalId);
    expect(after.tier.code).toBe("REGULAR");
    expect(after.tierHistory[0]).toMatchObject({ fromTier: { code: "SILVER" }, toTier: { code: "REGULAR" }, reason: "DOWNGRADE", qualifyingSpend: 0 });
    expect(after.tierProgress.reviewAt).toBeNull();
    await test.application.services.scoring.idle();
    expect(await segmentByTier()).toBe("OTHERS");
  });

  it("keeps the tier when the member spends enough again during the grace period", async () => {
    const member = await staff.newMember();
    await spend(member.globalId, 100_000);
    await spend(member.globalId, 200_000);
    await staff.advanceDays(365 + 10);
    await spend(member.globalId, 300_000);
    await staff.advanceDays(25);
    await test.application.services.tierQualification.reviewDue();
    const after = await status(member.globalId);
    expect(after.tier.code).toBe("SILVER");
    expect(after.tierHistory.filter((change: any) => change.reason === "DOWNGRADE")).toEqual([]);
    expect(new Date(after.tierProgress.reviewAt).getTime()).toBeGreaterThan(test.clock.now().getTime() + 360 * day);
  });

  it("never downgrades a permanent member below the tier they held when they became permanent", async () => {
    const member = await staff.newMember();
    await spend(member.globalId, 1_000_000); // Gold, and permanent at Gold in the same purchase
    await staff.advanceDays(365 * 2);
    await test.application.services.tierQualification.reviewDue();
    const after = await status(member.globalId);
    expect(after.tier.code).toBe("GOLD");
    expect(after.tierProgress.permanent).toBe(true);
  });

  it("reviews a permanent member who rose above their floor back down to the floor, not below", async () => {
    const member = await staff.newMember();
    await spend(member.globalId, 300_000); // Silver, and permanent at Silver
    await spend(member.globalId, 700_000); // Gold
    expect((await status(member.globalId)).tier.code).toBe("GOLD");
    await staff.advanceDays(365 + 31);
    await test.application.services.tierQualification.reviewDue();
    const after = await status(member.globalId);
    expect(after.tier.code).toBe("SILVER");
    expect(after.tierHistory[0]).toMatchObject({ fromTier: { code: "GOLD" }, toTier: { code: "SILVER" }, reason: "DOWNGRADE", qualifyingSpend: 0 });
  });

  it("shows base and granted benefits together, granted ones only while valid", async () => {
    const member = await staff.newMember();
    const until = new Date(test.clock.now().getTime() + 7 * day).toISOString();
    const grant = await test.graphql(
      `mutation ($input: GrantBenefitInput!) { grantBenefit(input: $input) { benefits { code source validUntil } } }`,
      { input: { memberId: member.globalId, code: "FREE_PARKING", reason: "Service recovery", validUntil: until } },
      staff.operator,
    );
    expect(grant.errors).toBeUndefined();
    expect(grant.data!.grantBenefit.benefits).toEqual([
      { code: "MEMBER_PRICE", source: "TIER", validUntil: null },
      { code: "BIRTHDAY_GIFT", source: "TIER", validUntil: null },
      { code: "FREE_PARKING", source: "GRANTED", validUntil: until },
    ]);
    await staff.advanceDays(8);
    expect((await status(member.globalId)).benefits.map((benefit: any) => benefit.code)).toEqual(["MEMBER_PRICE", "BIRTHDAY_GIFT"]);
  });

  it("redeems rewards at any store until stock runs out, grants benefit rewards, and refuses unknown rewards", async () => {
    const code = `CUP-${randomUUID().slice(0, 6)}`;
    const created = await test.graphql(createReward, { input: { code, nameZh: "保温杯", nameEn: "Thermos cup", kind: "GIFT", pointsCost: 100, stock: 3 } }, staff.operator);
    expect(created.errors).toBeUndefined();
    const rewardId = created.data!.createReward.id;
    const lounge = await test.graphql(createReward, { input: { code: `LOUNGE-${randomUUID().slice(0, 6)}`, nameZh: "贵宾室", nameEn: "Lounge pass", kind: "BENEFIT", pointsCost: 50, benefitCode: "VIP_LOUNGE", benefitValidDays: 30 } }, staff.operator);
    expect(lounge.errors).toBeUndefined();

    const members = await Promise.all([1, 2, 3, 4, 5].map(() => staff.newMember()));
    for (const member of members) {
      await test.graphql(earnPoints, { input: { memberId: member.globalId, points: 500, source: "CAMPAIGN", reason: "Launch" }, key: randomUUID() }, staff.operator);
    }
    // Five members race for three cups, each from their own app at a different store.
    const responses = await Promise.all(
      members.map(async (member, index) => test.graphql(redeemReward, { input: { rewardId, storeCode: `STORE-${index}` }, key: randomUUID() }, await test.memberToken(member.id))),
    );
    expect(responses.filter((response) => !response.errors)).toHaveLength(3);
    expect(responses.filter((response) => response.errors?.[0].extensions?.code === "OUT_OF_STOCK")).toHaveLength(2);
    // The members who missed out kept every point.
    for (const [index, response] of responses.entries()) {
      if (!response.errors) continue;
      const balance = await test.graphql(`{ me { points { balance } } }`, {}, await test.memberToken(members[index].id));
      expect(balance.data!.me.points.balance).toBe(500);
    }
    const winner = responses.find((response) => !response.errors)!.data!.redeemReward;
    expect(winner).toMatchObject({ balance: 400, reward: { code }, entries: [{ type: "REDEEM", amount: -100, sourceRef: code }] });

    const member = members[0];
    const token = await test.memberToken(member.id);
    const benefit = await test.graphql(redeemReward, { input: { rewardId: lounge.data!.createReward.id }, key: randomUUID() }, token);
    expect(benefit.errors).toBeUndefined();
    const held = await test.graphql(`{ me { benefits { code source } } }`, {}, token);
    expect(held.data!.me.benefits).toContainEqual({ code: "VIP_LOUNGE", source: "GRANTED" });

    const unknown = await test.graphql(redeemReward, { input: { rewardId: toGlobalId("Reward", 999_999) }, key: randomUUID() }, token);
    expect(unknown.errors?.[0].extensions?.code).toBe("NOT_FOUND");
    const catalogue = await test.graphql(`{ rewards { code stock } }`, {}, token);
    expect(catalogue.data!.rewards).toContainEqual({ code, stock: 0 });

    // Restocked, the next member gets one; withdrawn, the reward leaves the catalogue and cannot be redeemed.
    const updateReward = `mutation ($id: ID!, $input: UpdateRewardInput!) { updateReward(id: $id, input: $input) { stock active } }`;
    const restocked = await test.graphql(updateReward, { id: rewardId, input: { stock: 1 } }, staff.operator);
    expect(restocked.data!.updateReward).toEqual({ stock: 1, active: true });
    const loser = members[responses.findIndex((response) => response.errors)];
    const second = await test.graphql(redeemReward, { input: { rewardId }, key: randomUUID() }, await test.memberToken(loser.id));
    expect(second.errors).toBeUndefined();
    const withdrawn = await test.graphql(updateReward, { id: rewardId, input: { active: false, stock: null } }, staff.operator);
    expect(withdrawn.data!.updateReward).toEqual({ stock: null, active: false });
    const afterWithdrawal = await test.graphql(redeemReward, { input: { rewardId }, key: randomUUID() }, token);
    expect(afterWithdrawal.errors?.[0].extensions?.code).toBe("NOT_FOUND");
    const memberCatalogue = await test.graphql(`{ rewards { code } }`, {}, token);
    expect(memberCatalogue.data!.rewards.map((reward: { code: string }) => reward.code)).not.toContain(code);

    const report = await verifyLedger(test.application.database.dataSource);
    expect(report.differences).toEqual([]);
  });
});
