import { randomUUID } from "node:crypto";
import { runInTransaction } from "../../src/database/transactions";
import { ChallengePointGrantRecord, MemberRecord, SegmentMembershipRecord, SegmentRecord, SegmentSchemeRecord, TierRecord } from "../../src/entities";
import { verifyLedger } from "../../src/services/points/ledger-verifier";
import { systemContext } from "../../src/services/service-context";
import { testDatabaseKinds } from "../support/databases";
import { StaffSessions } from "../support/staff-sessions";
import { startTestApplication, type TestApplication } from "../support/test-application";

const createChallenge = `mutation ($input: CreateChallengeInput!) { createChallenge(input: $input) {
  id code title titleEnglish active goal { kind measure target } eligibleTierCodes eligibleSegmentIds reward { points couponValue couponValidDays badge { code name } }
} }`;
const activateChallenge = `mutation ($id: ID!) { activateChallenge(id: $id) { id active } }`;
const deactivateChallenge = `mutation ($id: ID!) { deactivateChallenge(id: $id) { id active } }`;
const updateChallenge = `mutation ($id: ID!, $input: UpdateChallengeInput!) { updateChallenge(id: $id, input: $input) { id title endsAt } }`;
const definitions = `query { challengeDefinitions { code active figures { participants completions } } }`;
const recordEvents = `mutation ($events: [BehaviourEventInput!]!) { recordEvents(events: $events) { accepted duplicates rejected results { status code reason } } }`;
const earnPoints = `mutation ($input: EarnPointsInput!, $key: String!) { earnPoints(input: $input, idempotencyKey: $key) { balance } }`;
const createBadge = `mutation ($input: CreateBadgeInput!) { createBadge(input: $input) { id code isTitle } }`;
const memberView = `query {
  challenges { challenge { code } progress target percent completed completedAt eligible ineligibleReason }
  me {
    challenges { challenge { code } progress target completed eligible }
    badges { badge { code isTitle } reason }
    title { code }
    coupons { value validFrom validUntil }
    points { balance history(first: 50) { edges { node { type amount source sourceRef } } } }
  }
}`;

const day = 86_400_000;

describe.each(testDatabaseKinds())("challenges on $name", (kind) => {
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
  // Each test's challenges end with it, so the next test's activities count only towards its own.
  const created: string[] = [];
  afterEach(async () => {
    for (const id of created.splice(0)) await test.graphql(deactivateChallenge, { id }, staff.operator);
  });

  const at = (offsetMilliseconds: number) => new Date(test.clock.now().getTime() + offsetMilliseconds);
  const moveTo = (instant: Date) => test.clock.advance(instant.getTime() - test.clock.now().getTime());

  async function newChallenge(input: Record<string, unknown>): Promise<{ id: string; code: string }> {
    const code = `C-${randomUUID().slice(0, 8)}`.toUpperCase();
    const response = await test.graphql(
      createChallenge,
      { input: { code, titleZh: "写3条评价", titleEn: "Write 3 reviews", goal: { kind: "REVIEW", target: 3 }, startsAt: at(-day).toISOString(), endsAt: at(30 * day).toISOString(), reward: { points: 100 }, ...input } },
      staff.operator,
    );
    expect(response.errors).toBeUndefined();
    const activated = await test.graphql(activateChallenge, { id: response.data!.createChallenge.id }, staff.operator);
    expect(activated.errors).toBeUndefined();
    created.push(response.data!.createChallenge.id);
    return { id: response.data!.createChallenge.id, code };
  }

  function event(memberId: string, kind: string, occurredAt: Date, extra: Record<string, unknown> = {}) {
    return { source: "app", externalId: `E-${randomUUID()}`, kind, memberId, occurredAt: occurredAt.toISOString(), ...extra };
  }

  async function send(events: Record<string, unknown>[]) {
    const response = await test.graphql(recordEvents, { events }, staff.operator);
    expect(response.errors).toBeUndefined();
    return response.data!.recordEvents;
  }

  async function view(memberId: number) {
    await test.application.services.challengeRewards.settled();
    const response = await test.graphql(memberView, {}, await test.memberToken(memberId));
    expect(response.errors).toBeUndefined();
    return response.data!;
  }

  const progressOn = (data: Record<string, any>, code: string) => data.challenges.find((item: { challenge: { code: string } }) => item.challenge.code === code);
  const challengeEntries = (data: Record<string, any>) => data.me.points.history.edges.map((edge: { node: unknown }) => edge.node).filter((entry: { source: string }) => entry.source === "CHALLENGE");

  async function expectLedgerVerifies() {
    const report = await verifyLedger(test.application.database.dataSource);
    expect(report.differences).toEqual([]);
  }

  it("lets operators define challenges and refuses analysts, bad goals and challenges without a reward", async () => {
    const input = { code: "REVIEWS-X", titleZh: "评价", titleEn: "Reviews", goal: { kind: "REVIEW", target: 3 }, startsAt: at(-day).toISOString(), endsAt: at(day).toISOString(), reward: { points: 10 } };
    const byAnalyst = await test.graphql(createChallenge, { input }, staff.analyst);
    expect(byAnalyst.errors?.[0].extensions?.code).toBe("FORBIDDEN");
    const byMember = await test.graphql(createChallenge, { input }, await test.memberToken((await staff.newMember()).id));
    expect(byMember.errors?.[0].extensions?.code).toBe("FORBIDDEN");

    const amountOfReviews = await test.graphql(createChallenge, { input: { ...input, goal: { kind: "REVIEW", measure: "AMOUNT", target: 100 } } }, staff.operator);
    expect(amountOfReviews.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.goal.measure" });
    const noReward = await test.graphql(createChallenge, { input: { ...input, reward: {} } }, staff.operator);
    expect(noReward.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.reward" });
    const backwards = await test.graphql(createChallenge, { input: { ...input, endsAt: at(-2 * day).toISOString() } }, staff.operator);
    expect(backwards.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.endsAt" });
    const unknownTier = await test.graphql(createChallenge, { input: { ...input, eligibleTierCodes: ["PLATINUM"] } }, staff.operator);
    expect(unknownTier.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.eligibleTierCodes" });
    const unknownBadge = await test.graphql(createChallenge, { input: { ...input, reward: { badgeCode: "NO_SUCH_BADGE" } } }, staff.operator);
    expect(unknownBadge.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.reward.badgeCode" });

    const created = await test.graphql(createChallenge, { input }, staff.operator);
    expect(created.errors).toBeUndefined();
    expect(created.data!.createChallenge).toMatchObject({ code: "REVIEWS-X", active: false, goal: { kind: "REVIEW", measure: "COUNT", target: 3 }, reward: { points: 10, couponValue: 0, badge: null } });
    const twice = await test.graphql(createChallenge, { input }, staff.operator);
    expect(twice.errors?.[0].extensions?.code).toBe("CONFLICT");

    // Started: the goal is what members were shown; the texts and the end may still change.
    const id = created.data!.createChallenge.id;
    const newGoal = await test.graphql(updateChallenge, { id, input: { goal: { kind: "REVIEW", target: 1 } } }, staff.operator);
    expect(newGoal.errors?.[0].extensions?.code).toBe("CONFLICT");
    const renamed = await test.graphql(updateChallenge, { id, input: { titleZh: "写评价", endsAt: at(10 * day).toISOString() } }, staff.operator);
    expect(renamed.errors).toBeUndefined();
    expect(renamed.data!.updateChallenge).toMatchObject({ title: "写评价", endsAt: at(10 * day).toISOString() });

    const audit = await test.application.database.dataSource.query("SELECT action FROM audit_log WHERE target_type = 'challenge' AND target_id = ? ORDER BY id", [id]);
    expect(audit.map((row: { action: string }) => row.action)).toEqual(["challenge.create", "challenge.update"]);
  });

  it("counts a member's reviews towards the goal, the same event once, and completes with points, a coupon and a badge exactly once", async () => {
    const badge = await test.graphql(createBadge, { input: { code: `REVIEWER-${randomUUID().slice(0, 6)}`, nameZh: "点评达人", nameEn: "Reviewer" } }, staff.operator);
    expect(badge.errors).toBeUndefined();
    const challenge = await newChallenge({ reward: { points: 100, couponValue: 2_000, couponValidDays: 7, badgeCode: badge.data!.createBadge.code } });
    const member = await staff.newMember();

    expect(progressOn(await view(member.id), challenge.code)).toMatchObject({ progress: 0, target: 3, percent: 0, completed: false, eligible: true, ineligibleReason: null });

    const first = event(member.globalId, "REVIEW", at(-60_000));
    expect(await send([first, first])).toMatchObject({ accepted: 1, duplicates: 1 });
    expect(await send([first])).toMatchObject({ accepted: 0, duplicates: 1 });
    // Other kinds do not count.
    await send([event(member.globalId, "LIKE", at(-60_000)), event(member.globalId, "SHARE", at(-60_000))]);
    expect(progressOn(await view(member.id), challenge.code)).toMatchObject({ progress: 1, percent: 33, completed: false });

    await send([event(member.globalId, "REVIEW", at(-30_000)), event(member.globalId, "REVIEW", at(-20_000)), event(member.globalId, "REVIEW", at(-10_000))]);
    const done = await view(member.id);
    expect(progressOn(done, challenge.code)).toMatchObject({ progress: 3, percent: 100, completed: true });
    expect(progressOn(done, challenge.code).completedAt).toBe(test.clock.now().toISOString());
    expect(done.me.challenges).toEqual([{ challenge: { code: challenge.code }, progress: 3, target: 3, completed: true, eligible: null }]);
    expect(challengeEntries(done)).toEqual([{ type: "EARN", amount: 100, source: "CHALLENGE", sourceRef: `challenge:${challenge.code}` }]);
    expect(done.me.points.balance).toBe(100);
    expect(done.me.coupons).toEqual([{ value: 2_000, validFrom: test.clock.now().toISOString(), validUntil: at(7 * day).toISOString() }]);
    expect(done.me.badges).toEqual([{ badge: { code: badge.data!.createBadge.code, isTitle: false }, reason: expect.stringContaining(challenge.code) }]);

    // More reviews after completion change nothing, and the sweep finds nothing left to grant.
    await send([event(member.globalId, "REVIEW", at(-5_000))]);
    expect(await test.application.services.challengeRewards.grantPending()).toEqual({ granted: 0 });
    const after = await view(member.id);
    expect(challengeEntries(after)).toHaveLength(1);
    expect(after.me.coupons).toHaveLength(1);
    expect(after.me.badges).toHaveLength(1);
    await expectLedgerVerifies();

    const figures = await test.graphql(definitions, {}, staff.analyst);
    expect(figures.data!.challengeDefinitions.find((item: { code: string }) => item.code === challenge.code).figures).toEqual({ participants: 1, completions: 1 });
  });

  it("sums the fen of orders for a spend goal, rewards the order that reaches it once, beside the order's own points", async () => {
    const challenge = await newChallenge({ titleZh: "消费满500元", titleEn: "Spend 500 yuan", goal: { kind: "ORDER", measure: "AMOUNT", target: 50_000 }, reward: { points: 500 } });
    const member = await staff.newMember();
    const purchase = (amount: number) =>
      test.graphql(earnPoints, { input: { memberId: member.globalId, purchase: { orderId: `O-${randomUUID()}`, amount, category: "APPAREL", channel: "OFFLINE_STORE", storeCode: "SH-001" } }, key: randomUUID() }, staff.operator);
    expect((await purchase(30_000)).errors).toBeUndefined();
    expect(progressOn(await view(member.id), challenge.code)).toMatchObject({ progress: 30_000, percent: 60, completed: false });
    expect((await purchase(25_000)).errors).toBeUndefined();
    const done = await view(member.id);
    expect(progressOn(done, challenge.code)).toMatchObject({ progress: 50_000, percent: 100, completed: true });
    // 300 + 250 for the orders, 500 for the challenge.
    expect(done.me.points.balance).toBe(1_050);
    expect(challengeEntries(done)).toEqual([{ type: "EARN", amount: 500, source: "CHALLENGE", sourceRef: `challenge:${challenge.code}` }]);
    await expectLedgerVerifies();
  });

  it("counts no imported history: events loaded without points earn no progress", async () => {
    const challenge = await newChallenge({ titleZh: "下单1次", titleEn: "One order", goal: { kind: "ORDER", target: 1 }, reward: { points: 100 } });
    const member = await staff.newMember();
    const history = [event(member.globalId, "ORDER", at(-60_000), { amount: 5_000, channel: "APP", storeCode: "S1", categories: ["FOOD"] }), event(member.globalId, "REVIEW", at(-60_000))];
    const imported = await test.application.services.behaviourEvents.recordEvents(
      systemContext("import-events"),
      history.map((item) => ({ ...item, memberId: member.id, occurredAt: new Date(item.occurredAt) })),
      { awardPoints: false, rescore: false },
    );
    expect(imported).toMatchObject({ accepted: 2 });
    const data = await view(member.id);
    expect(progressOn(data, challenge.code)).toMatchObject({ progress: 0, completed: false });
    expect(challengeEntries(data)).toEqual([]);
  });

  it("counts nothing for members outside the challenge's tiers or segments, and says why", async () => {
    const dataSource = test.application.database.dataSource;
    const now = test.clock.now();
    const scheme = await dataSource.getRepository(SegmentSchemeRecord).save({ code: `S-${randomUUID().slice(0, 8)}`, name: "测试", nameEn: "Test", builtIn: false, createdAt: now, updatedAt: now });
    const segment = await dataSource.getRepository(SegmentRecord).save({ schemeId: scheme.id, code: "LOYAL", name: "忠诚", nameEn: "Loyal", position: 0, rule: "{}", catchAll: false, createdAt: now, updatedAt: now });
    const goldOnly = await newChallenge({ eligibleTierCodes: ["GOLD"] });
    const loyalOnly = await newChallenge({ eligibleSegmentIds: [String(segment.id)] });

    const regular = await staff.newMember();
    const gold = await staff.newMember();
    const gold_ = await dataSource.getRepository(TierRecord).findOneByOrFail({ code: "GOLD" });
    await dataSource.getRepository(MemberRecord).update({ id: gold.id }, { tierId: gold_.id });
    await dataSource.getRepository(SegmentMembershipRecord).save({ memberId: regular.id, schemeId: scheme.id, segmentId: segment.id, enteredAt: now, pinned: false });

    await send([event(regular.globalId, "REVIEW", at(-1_000)), event(gold.globalId, "REVIEW", at(-1_000))]);
    const regularView = await view(regular.id);
    expect(progressOn(regularView, goldOnly.code)).toMatchObject({ progress: 0, eligible: false, ineligibleReason: "This challenge is for GOLD members." });
    expect(progressOn(regularView, loyalOnly.code)).toMatchObject({ progress: 1, eligible: true });
    const goldView = await view(gold.id);
    expect(progressOn(goldView, goldOnly.code)).toMatchObject({ progress: 1, eligible: true });
    expect(progressOn(goldView, loyalOnly.code)).toMatchObject({ progress: 0, eligible: false });
    expect(goldView.me.challenges.map((item: { challenge: { code: string } }) => item.challenge.code)).toEqual([goldOnly.code]);
  });

  it("counts activities inside [startsAt, endsAt) only, late reports for a day after the end, and nothing while inactive", async () => {
    const startsAt = at(-10 * day);
    const endsAt = at(-1_000);
    // Created before its window ends (the clock goes back for a moment), then the window closes.
    moveTo(new Date(startsAt.getTime() - day));
    await staff.signIn();
    const challenge = await newChallenge({ goal: { kind: "REVIEW", target: 100 }, startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString() });
    const member = await staff.newMember();
    moveTo(new Date(endsAt.getTime() + 1_000));
    await staff.signIn();

    await send([
      event(member.globalId, "REVIEW", new Date(startsAt.getTime() - 1)),
      event(member.globalId, "REVIEW", startsAt),
      event(member.globalId, "REVIEW", new Date(endsAt.getTime() - 1)),
      event(member.globalId, "REVIEW", endsAt),
    ]);
    const progress = async () => (await view(member.id)).me.challenges.find((item: { challenge: { code: string } }) => item.challenge.code === challenge.code)?.progress ?? 0;
    expect(await progress()).toBe(2);
    // Ended: no longer offered, but a late report of something inside the window counts within a day of the end.
    expect(progressOn(await view(member.id), challenge.code)).toBeUndefined();
    moveTo(new Date(endsAt.getTime() + day - 1_000));
    await staff.signIn();
    await send([event(member.globalId, "REVIEW", new Date(endsAt.getTime() - day))]);
    expect(await progress()).toBe(3);
    moveTo(new Date(endsAt.getTime() + day + 1_000));
    await staff.signIn();
    await send([event(member.globalId, "REVIEW", new Date(endsAt.getTime() - day))]);
    expect(await progress()).toBe(3);

    // Deactivated challenges count nothing and are not shown.
    moveTo(new Date("2026-11-23T08:00:00.000Z"));
    await staff.signIn();
    const paused = await newChallenge({});
    expect((await test.graphql(deactivateChallenge, { id: paused.id }, staff.operator)).errors).toBeUndefined();
    await send([event(member.globalId, "REVIEW", at(-1_000))]);
    const data = await view(member.id);
    expect(progressOn(data, paused.code)).toBeUndefined();
    expect(data.me.challenges.map((item: { challenge: { code: string } }) => item.challenge.code)).not.toContain(paused.code);
  });

  it("completes once when reviews and purchases of one member race at the target, without deadlocks, and pays the points once", async () => {
    const challenge = await newChallenge({ goal: { kind: "REVIEW", target: 3 }, reward: { points: 70 } });
    const member = await staff.newMember();
    const purchase = () =>
      test.graphql(earnPoints, { input: { memberId: member.globalId, purchase: { orderId: `O-${randomUUID()}`, amount: 1_000, category: "APPAREL", channel: "APP", storeCode: "APP" } }, key: randomUUID() }, staff.operator);
    // Six reviews and six purchases at once: the reviews lock the member's aggregates first, the purchases the point
    // account first; the challenge's points are paid after the completing review commits, under the account lock.
    const results = await Promise.all([...Array.from({ length: 6 }, () => send([event(member.globalId, "REVIEW", at(-1_000))])), ...Array.from({ length: 6 }, () => purchase())]);
    for (const result of results.slice(0, 6)) expect(result).toMatchObject({ accepted: 1 });
    for (const result of results.slice(6)) expect(result.errors).toBeUndefined();
    const data = await view(member.id);
    expect(progressOn(data, challenge.code)).toMatchObject({ progress: 3, completed: true });
    expect(challengeEntries(data)).toHaveLength(1);
    expect(data.me.points.balance).toBe(6 * 10 + 70);
    const grants = await test.application.database.dataSource.getRepository(ChallengePointGrantRecord).findBy({ memberId: member.id });
    expect(grants).toHaveLength(1);
    expect(grants[0].grantedAt).not.toBeNull();
    await expectLedgerVerifies();
  });

  it("grants points a crash left waiting when the challenge-rewards job runs, once", async () => {
    const challenge = await newChallenge({ goal: { kind: "LOGIN", target: 1 }, reward: { points: 40 } });
    const member = await staff.newMember();
    const dataSource = test.application.database.dataSource;
    // As if the process died between the completion's commit and its grant: a grant row nobody wrote to the ledger.
    const challengeRow = await dataSource.query("SELECT id FROM challenges WHERE code = ?", [challenge.code]);
    await runInTransaction(dataSource, (manager) => manager.insert(ChallengePointGrantRecord, { challengeId: Number(challengeRow[0].id), memberId: member.id, points: 40, createdAt: test.clock.now(), grantedAt: null, entryId: null }));
    const [first, second] = await Promise.all([test.application.services.challengeRewards.grantPending(), test.application.services.challengeRewards.grantPending()]);
    expect(first.granted + second.granted).toBe(1);
    expect(await test.application.services.challengeRewards.grantPending()).toEqual({ granted: 0 });
    const data = await view(member.id);
    expect(challengeEntries(data)).toEqual([{ type: "EARN", amount: 40, source: "CHALLENGE", sourceRef: `challenge:${challenge.code}` }]);
    await expectLedgerVerifies();
  });
});
