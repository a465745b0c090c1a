// Referrals over GraphQL as the member app and the admin console use them: codes, sign-ups judged by the fraud
// guards, qualification by the friend's first order (once, also under racing orders), rewards in the points ledger,
// hand approvals and brand ambassadors.
import { randomUUID } from "node:crypto";
import { ReferralRecord, ReferralRewardRecord } from "../../src/entities";
import { fromGlobalId, toGlobalId } from "../../src/schema/global-id";
import type { EngagementActivity } from "../../src/services/engagement/engagement-hub";
import { testDatabaseKinds } from "../support/databases";
import { StaffSessions } from "../support/staff-sessions";
import { startTestApplication, type TestApplication } from "../support/test-application";

const requestCode = `mutation ($phone: String!) { requestSignInCode(phone: $phone) { expiresAt } }`;
const signIn = `mutation ($input: SignInWithCodeInput!) { signInWithCode(input: $input) { token isNewMember referralStatus member { id } } }`;
const myReferral = `{ me { referral { code shareUrl referredCount qualifiedCount rewardsEarned ambassador referrals(first: 10) { edges { node { friendName status signedUpAt qualifiedAt } } } } } }`;
const staffReferrals = `query ($status: ReferralStatus) { referrals(status: $status, first: 50) { edges { node { id status reason approvedBy referrer { id } friend { id } rewards { role points paidAt } } } } }`;
const earnPoints = `mutation ($input: EarnPointsInput!, $key: String!) { earnPoints(input: $input, idempotencyKey: $key) { balance } }`;

const day = 86_400_000;
/** Phones far apart (blocks of 1,000) unless a test asks for a neighbour with `offset`: the phone guard's distance is 10. */
const phoneAt = (block: number, offset = 0) => `15${String(process.pid % 10_000).padStart(4, "0")}${String(block * 1_000 + offset).padStart(5, "0")}`;

describe.each(testDatabaseKinds())("referrals on $name", (kind) => {
  let test: TestApplication;
  let staff: StaffSessions;
  let nextBlock = 0;
  const heard: EngagementActivity[] = [];
  const freshPhone = () => phoneAt(nextBlock++);

  beforeAll(async () => {
    test = await startTestApplication(kind, {
      REFERRAL_REFERRER_POINTS: "200",
      REFERRAL_FRIEND_POINTS: "100",
      REFERRAL_SIGN_UPS_PER_DAY: "3",
      REFERRAL_SIGN_UPS_PER_30_DAYS: "5",
      REFERRAL_AMBASSADOR_THRESHOLD: "2",
      REFERRAL_SHARE_URL: "https://m.example.com/join?ref={code}",
    });
    staff = new StaffSessions(test);
    // What challenges will count: the referrer's qualified referrals, as the engagement hub hands them on.
    test.application.services.engagement.subscribe(async (_manager, activity) => {
      if (activity.kind === "REFERRAL_QUALIFIED") heard.push(activity);
    });
  });
  beforeEach(async () => {
    await staff.signIn();
  });
  afterAll(async () => {
    await test?.close();
  });

  /** A member created by staff, with the referral code they get on first ask. */
  async function referrer(phone = freshPhone()) {
    const record = await test.createMember({ phone, name: "推荐人" });
    const token = await test.memberToken(record.id);
    const { data, errors } = await test.graphql(myReferral, {}, token);
    expect(errors).toBeUndefined();
    return { id: record.id, globalId: toGlobalId("Member", record.id), phone, code: data!.me.referral.code as string };
  }

  async function signUp(phone: string, extra: Record<string, unknown> = {}) {
    await test.graphql(requestCode, { phone });
    const response = await test.graphql(signIn, { input: { phone, code: test.codes.lastCodeFor(phone), ...extra } });
    expect(response.errors).toBeUndefined();
    const session = response.data!.signInWithCode;
    return { id: fromGlobalId(session.member.id)!.id, globalId: session.member.id as string, referralStatus: session.referralStatus as string | null, isNewMember: session.isNewMember as boolean };
  }

  function order(memberId: number, orderId = `R-${randomUUID().slice(0, 12)}`) {
    return test.graphql(earnPoints, { input: { memberId: toGlobalId("Member", memberId), purchase: { orderId, amount: 5_000, category: "FOOD", channel: "APP", storeCode: "SH-001" } }, key: randomUUID() }, staff.operator);
  }

  async function referralOf(friendId: number) {
    const { data, errors } = await test.graphql(staffReferrals, {}, staff.analyst);
    expect(errors).toBeUndefined();
    return data!.referrals.edges.map((edge: { node: any }) => edge.node).find((node: any) => fromGlobalId(node.friend.id)!.id === friendId);
  }

  async function referralEntries(memberId: number): Promise<{ amount: number; source_ref: string }[]> {
    const rows: Record<string, unknown>[] = await test.application.database.dataSource.query("SELECT amount, source_ref FROM point_entries WHERE member_id = ? AND source = 'REFERRAL' ORDER BY id", [memberId]);
    return rows.map((row) => ({ amount: Number(row.amount), source_ref: String(row.source_ref) }));
  }

  it("makes a member's code on first ask and keeps it", async () => {
    const member = await test.createMember({ phone: freshPhone() });
    const token = await test.memberToken(member.id);
    const first = await test.graphql(myReferral, {}, token);
    expect(first.errors).toBeUndefined();
    const code = first.data!.me.referral.code;
    expect(code).toMatch(/^[0-9ABCDEFGHJKMNPQRSTVWXYZ]{8}$/);
    expect(first.data!.me.referral).toEqual({ code, shareUrl: `https://m.example.com/join?ref=${code}`, referredCount: 0, qualifiedCount: 0, rewardsEarned: 0, ambassador: false, referrals: { edges: [] } });
    expect((await test.graphql(myReferral, {}, token)).data!.me.referral.code).toBe(code);
    // Staff read it too; another member may not.
    const asStaff = await test.graphql(`query ($id: ID!) { member(id: $id) { referral { code } } }`, { id: toGlobalId("Member", member.id) }, staff.analyst);
    expect(asStaff.data!.member.referral.code).toBe(code);
    const other = await test.createMember({ phone: freshPhone() });
    const asOther = await test.graphql(`query ($id: ID!) { member(id: $id) { referral { code } } }`, { id: toGlobalId("Member", member.id) }, await test.memberToken(other.id));
    expect(asOther.errors![0].extensions!.code).toBe("FORBIDDEN");
  });

  it("qualifies a referral with the friend's first order exactly once and rewards both through the ledger", async () => {
    const inviter = await referrer();
    // Typed the forgiving way: lower case, a hyphen, O for zero.
    const typed = `${inviter.code.slice(0, 4)}-${inviter.code.slice(4)}`.toLowerCase().replace(/0/g, "o");
    const friend = await signUp(freshPhone(), { referralCode: typed, deviceId: "device-friend-0001", profile: { name: "林小雨" } });
    expect(friend).toMatchObject({ isNewMember: true, referralStatus: "PENDING" });

    const before = await test.graphql(myReferral, {}, await test.memberToken(inviter.id));
    expect(before.data!.me.referral).toMatchObject({ referredCount: 1, qualifiedCount: 0, rewardsEarned: 0 });
    expect(before.data!.me.referral.referrals.edges).toEqual([{ node: { friendName: "林**", status: "PENDING", signedUpAt: test.clock.now().toISOString(), qualifiedAt: null } }]);

    expect((await order(friend.id)).errors).toBeUndefined();
    await test.application.services.referralRewards.settle();
    expect(await referralEntries(friend.id)).toEqual([{ amount: 100, source_ref: expect.stringMatching(/^referral:\d+$/) }]);
    expect(await referralEntries(inviter.id)).toEqual([{ amount: 200, source_ref: expect.stringMatching(/^referral:\d+$/) }]);
    const balance = async (memberId: number) => (await test.graphql(`{ me { points { balance } } }`, {}, await test.memberToken(memberId))).data!.me.points.balance;
    expect(await balance(inviter.id)).toBe(200);
    expect(await balance(friend.id)).toBe(100 + 50);

    // A second order changes nothing.
    expect((await order(friend.id)).errors).toBeUndefined();
    await test.application.services.referralRewards.settle();
    expect(await referralEntries(friend.id)).toHaveLength(1);
    expect(await referralEntries(inviter.id)).toHaveLength(1);

    const after = await test.graphql(myReferral, {}, await test.memberToken(inviter.id));
    expect(after.data!.me.referral).toMatchObject({ referredCount: 1, qualifiedCount: 1, rewardsEarned: 200 });
    expect(after.data!.me.referral.referrals.edges[0].node).toMatchObject({ status: "QUALIFIED", qualifiedAt: test.clock.now().toISOString() });
    const seen = await referralOf(friend.id);
    expect(seen).toMatchObject({ status: "QUALIFIED", reason: null, referrer: { id: inviter.globalId } });
    expect(heard.filter((activity) => activity.memberId === inviter.id)).toEqual([{ memberId: inviter.id, kind: "REFERRAL_QUALIFIED", occurredAt: test.clock.now(), amount: null, reference: `referral:${seen.id}` }]);
    expect(seen.rewards.map((reward: any) => [reward.role, reward.points, reward.paidAt !== null]).sort()).toEqual([["FRIEND", 100, true], ["REFERRER", 200, true]]);
  });

  it("rewards once when the friend's first orders race", async () => {
    const inviter = await referrer();
    const friend = await signUp(freshPhone(), { referralCode: inviter.code });
    const results = await Promise.all([order(friend.id), order(friend.id), order(friend.id)]);
    expect(results.map((result) => result.errors)).toEqual([undefined, undefined, undefined]);
    await test.application.services.referralRewards.settle();
    expect(await referralEntries(friend.id)).toHaveLength(1);
    expect(await referralEntries(inviter.id)).toHaveLength(1);
    expect(heard.filter((activity) => activity.memberId === inviter.id)).toHaveLength(1);
    const rewardRows = await test.application.database.dataSource.query("SELECT COUNT(*) AS count FROM referral_rewards WHERE member_id IN (?, ?)", [friend.id, inviter.id]);
    expect(Number(rewardRows[0].count)).toBe(2);
  });

  it("rejects a sign-up on the referrer's device or a recent friend's device, and tells the friend only that", async () => {
    const inviterPhone = freshPhone();
    const inviter = await referrer(inviterPhone);
    // The referrer signs in on their phone: the device is remembered (as a keyed hash).
    expect((await signUp(inviterPhone, { deviceId: "shared-phone-A1" })).isNewMember).toBe(false);
    const onReferrersDevice = await signUp(freshPhone(), { referralCode: inviter.code, deviceId: "shared-phone-A1" });
    expect(onReferrersDevice.referralStatus).toBe("REJECTED");
    const first = await signUp(freshPhone(), { referralCode: inviter.code, deviceId: "farm-device-B2" });
    expect(first.referralStatus).toBe("PENDING");
    const second = await signUp(freshPhone(), { referralCode: inviter.code, deviceId: "farm-device-B2" });
    expect(second.referralStatus).toBe("REJECTED");
    expect(await referralOf(onReferrersDevice.id)).toMatchObject({ status: "REJECTED", reason: "SAME_DEVICE" });
    expect(await referralOf(second.id)).toMatchObject({ status: "REJECTED", reason: "SAME_DEVICE" });
    const stored = await test.application.database.dataSource.query("SELECT device_hash FROM member_devices WHERE member_id = ?", [first.id]);
    expect(stored).toEqual([{ device_hash: expect.stringMatching(/^[0-9a-f]{64}$/) }]);

    // A rejected referral rewards nobody, and the member app never learns why.
    expect((await order(second.id)).errors).toBeUndefined();
    await test.application.services.referralRewards.settle();
    expect(await referralEntries(second.id)).toEqual([]);
    expect(await referralEntries(inviter.id)).toEqual([]);
    const asMember = await test.graphql(`{ referrals(first: 5) { edges { node { reason } } } }`, {}, await test.memberToken(inviter.id));
    expect(asMember.errors![0].extensions!.code).toBe("FORBIDDEN");
    const ownList = await test.graphql(myReferral, {}, await test.memberToken(inviter.id));
    expect(ownList.data!.me.referral.referrals.edges.map((edge: any) => edge.node.status)).toEqual(["REJECTED", "PENDING", "REJECTED"]);
  });

  it("rejects phone numbers next to the referrer's or a recent friend's (sequential SIM cards)", async () => {
    const block = nextBlock;
    nextBlock += 1;
    const inviter = await referrer(phoneAt(block));
    const nextToReferrer = await signUp(phoneAt(block, 7), { referralCode: inviter.code });
    expect(nextToReferrer.referralStatus).toBe("REJECTED");
    expect(await referralOf(nextToReferrer.id)).toMatchObject({ reason: "PHONE_PATTERN" });
    const farAway = await signUp(phoneAt(block, 500), { referralCode: inviter.code });
    expect(farAway.referralStatus).toBe("PENDING");
    const nextToFriend = await signUp(phoneAt(block, 510), { referralCode: inviter.code });
    expect(await referralOf(nextToFriend.id)).toMatchObject({ status: "REJECTED", reason: "PHONE_PATTERN" });
    // Eleven away is not a pattern (another referrer: this one has used the day's three sign-ups).
    const second = nextBlock;
    nextBlock += 1;
    const otherInviter = await referrer(phoneAt(second));
    expect((await signUp(phoneAt(second, 11), { referralCode: otherInviter.code })).referralStatus).toBe("PENDING");
  });

  it("rejects a member's own code as self-referral", async () => {
    const member = await signUp(freshPhone());
    const token = await test.memberToken(member.id);
    const code = (await test.graphql(myReferral, {}, token)).data!.me.referral.code;
    const own = await test.graphql(`mutation ($code: String!) { enterReferralCode(code: $code) }`, { code }, token);
    expect(own.errors).toBeUndefined();
    expect(own.data!.enterReferralCode).toBe("REJECTED");
    expect(await referralOf(member.id)).toMatchObject({ status: "REJECTED", reason: "SELF_REFERRAL" });
    const again = await test.graphql(`mutation ($code: String!) { enterReferralCode(code: $code) }`, { code: (await referrer()).code }, token);
    expect(again.errors![0].extensions!.code).toBe("CONFLICT");
  });

  it("lets a member enter a friend's code later, only before their first order", async () => {
    const inviter = await referrer();
    const late = await signUp(freshPhone());
    const entered = await test.graphql(`mutation ($code: String!) { enterReferralCode(code: $code, deviceId: "late-device-D4") }`, { code: inviter.code }, await test.memberToken(late.id));
    expect(entered.data!.enterReferralCode).toBe("PENDING");
    const ordered = await signUp(freshPhone());
    await order(ordered.id);
    const tooLate = await test.graphql(`mutation ($code: String!) { enterReferralCode(code: $code) }`, { code: inviter.code }, await test.memberToken(ordered.id));
    expect(tooLate.errors![0].extensions!.code).toBe("CONFLICT");
    const unknown = await test.graphql(`mutation { enterReferralCode(code: "ZZZZZZZZ") }`, {}, await test.memberToken(ordered.id));
    expect(unknown.errors![0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "code" });
  });

  it("refuses an unknown code at sign-up without using up the sign-in code", async () => {
    const phone = freshPhone();
    await test.graphql(requestCode, { phone });
    const smsCode = test.codes.lastCodeFor(phone);
    const unknown = await test.graphql(signIn, { input: { phone, code: smsCode, referralCode: "ZZZZ-ZZZZ" } });
    expect(unknown.errors![0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.referralCode" });
    const malformed = await test.graphql(signIn, { input: { phone, code: smsCode, referralCode: "UUUU" } });
    expect(malformed.errors![0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.referralCode" });
    const joined = await test.graphql(signIn, { input: { phone, code: smsCode } });
    expect(joined.data!.signInWithCode).toMatchObject({ isNewMember: true, referralStatus: null });
  });

  it("lets staff approve a rejected referral, which then qualifies with the first order (at once if already ordered)", async () => {
    const inviterPhone = freshPhone();
    const inviter = await referrer(inviterPhone);
    await signUp(inviterPhone, { deviceId: "approval-device-E5" });
    const waiting = await signUp(freshPhone(), { referralCode: inviter.code, deviceId: "approval-device-E5" });
    const ordered = await signUp(freshPhone(), { referralCode: inviter.code, deviceId: "approval-device-E5" });
    await order(ordered.id);
    const waitingReferral = await referralOf(waiting.id);
    const orderedReferral = await referralOf(ordered.id);
    expect([waitingReferral.status, orderedReferral.status]).toEqual(["REJECTED", "REJECTED"]);

    const approve = `mutation ($id: ID!, $note: String!) { approveReferral(id: $id, note: $note) { status reason approvedBy } }`;
    expect((await test.graphql(approve, { id: waitingReferral.id, note: "Family shares one phone" }, staff.analyst)).errors![0].extensions!.code).toBe("FORBIDDEN");
    const approved = await test.graphql(approve, { id: waitingReferral.id, note: "Family shares one phone" }, staff.operator);
    expect(approved.errors).toBeUndefined();
    expect(approved.data!.approveReferral).toMatchObject({ status: "PENDING", reason: "SAME_DEVICE", approvedBy: expect.stringMatching(/^staff:\d+$/) });
    expect((await test.graphql(approve, { id: waitingReferral.id, note: "again" }, staff.operator)).errors![0].extensions!.code).toBe("CONFLICT");
    await order(waiting.id);
    await test.application.services.referralRewards.settle();
    expect(await referralEntries(waiting.id)).toEqual([{ amount: 100, source_ref: `referral:${waitingReferral.id}` }]);

    const atOnce = await test.graphql(approve, { id: orderedReferral.id, note: "Checked with the store" }, staff.operator);
    expect(atOnce.data!.approveReferral.status).toBe("QUALIFIED");
    await test.application.services.referralRewards.settle();
    expect(await referralEntries(ordered.id)).toEqual([{ amount: 100, source_ref: `referral:${orderedReferral.id}` }]);
    expect((await referralEntries(inviter.id)).map((entry) => entry.amount)).toEqual([200, 200]);
    const audit = await test.application.database.dataSource.query("SELECT action, target_id FROM audit_log WHERE action = 'referral.approve' ORDER BY id");
    expect(audit.map((row: Record<string, unknown>) => String(row.target_id))).toEqual([waitingReferral.id, orderedReferral.id]);
  });

  it("flags top referrers as ambassadors at the threshold, lists them, and keeps staff's decision", async () => {
    // Referrals of earlier tests qualified before this moment.
    test.clock.advance(60_000);
    const since = test.clock.now().toISOString();
    await staff.signIn();
    const star = await referrer();
    const other = await referrer();
    const flagOf = async (id: number) => (await test.graphql(myReferral, {}, await test.memberToken(id))).data!.me.referral.ambassador;
    for (const inviter of [star, star, other]) {
      const friend = await signUp(freshPhone(), { referralCode: inviter.code });
      await order(friend.id);
      await test.application.services.referralRewards.settle();
    }
    expect(await flagOf(star.id)).toBe(true);
    expect(await flagOf(other.id)).toBe(false);

    const list = await test.graphql(`query ($since: DateTimeISO!) { referralAmbassadors(since: $since, first: 10) { member { id } qualifiedCount ambassador ambassadorSource } }`, { since }, staff.analyst);
    expect(list.errors).toBeUndefined();
    expect(list.data!.referralAmbassadors).toEqual([
      { member: { id: star.globalId }, qualifiedCount: 2, ambassador: true, ambassadorSource: "AUTOMATIC" },
      { member: { id: other.globalId }, qualifiedCount: 1, ambassador: false, ambassadorSource: null },
    ]);
    const audit = await test.application.database.dataSource.query("SELECT actor_type, target_id FROM audit_log WHERE action = 'referral.ambassador' AND target_id IN (?, ?)", [String(star.id), String(other.id)]);
    expect(audit.map((row: Record<string, unknown>) => [row.actor_type, String(row.target_id)])).toEqual([["system", String(star.id)]]);

    // Staff unflag the star; a third qualified friend does not flag them again.
    const set = `mutation ($id: ID!, $on: Boolean!) { setReferralAmbassador(memberId: $id, ambassador: $on, reason: "Friends and family only") { ambassador ambassadorSource qualifiedCount } }`;
    expect((await test.graphql(set, { id: star.globalId, on: false }, staff.analyst)).errors![0].extensions!.code).toBe("FORBIDDEN");
    expect((await test.graphql(set, { id: star.globalId, on: false }, staff.operator)).data!.setReferralAmbassador).toEqual({ ambassador: false, ambassadorSource: "STAFF", qualifiedCount: 2 });
    const third = await signUp(freshPhone(), { referralCode: star.code });
    await order(third.id);
    await test.application.services.referralRewards.settle();
    expect(await flagOf(star.id)).toBe(false);
    // And staff may flag anyone by hand.
    expect((await test.graphql(set, { id: other.globalId, on: true }, staff.operator)).data!.setReferralAmbassador).toEqual({ ambassador: true, ambassadorSource: "STAFF", qualifiedCount: 1 });
  });

  it("pays rewards left owed (a crash between the order's commit and the payment) once, from the job", async () => {
    const inviter = await referrer();
    const friend = await signUp(freshPhone(), { referralCode: inviter.code });
    const { dataSource } = test.application.database;
    const [{ id }] = await dataSource.query("SELECT id FROM referrals WHERE friend_id = ?", [friend.id]);
    const referralId = Number(id);
    // What the order's transaction commits when the process dies before the payments start.
    const now = test.clock.now();
    await dataSource.getRepository(ReferralRecord).update({ id: referralId }, { status: "QUALIFIED", qualifiedAt: now, qualifyingReference: "order:test" });
    await dataSource.getRepository(ReferralRewardRecord).insert([
      { referralId, memberId: friend.id, role: "FRIEND", points: 100, createdAt: now, paidAt: null, entryId: null },
      { referralId, memberId: inviter.id, role: "REFERRER", points: 200, createdAt: now, paidAt: null, entryId: null },
    ]);
    expect(await test.application.services.referralRewards.payOwed()).toEqual({ paid: 2 });
    expect(await test.application.services.referralRewards.payOwed()).toEqual({ paid: 0 });
    expect(await referralEntries(friend.id)).toEqual([{ amount: 100, source_ref: `referral:${referralId}` }]);
    expect(await referralEntries(inviter.id)).toEqual([{ amount: 200, source_ref: `referral:${referralId}` }]);
  });

  it("limits sign-ups per referrer per day and per 30 days", async () => {
    const inviter = await referrer();
    const statuses: string[] = [];
    for (let index = 0; index < 4; index += 1) statuses.push((await signUp(freshPhone(), { referralCode: inviter.code })).referralStatus!);
    expect(statuses).toEqual(["PENDING", "PENDING", "PENDING", "REJECTED"]);
    test.clock.advance(day + 60_000);
    await staff.signIn();
    // A new day: one more fits the 30-day limit of five (the rejected sign-up counts too), the next does not.
    const nextDay = [(await signUp(freshPhone(), { referralCode: inviter.code })).referralStatus, (await signUp(freshPhone(), { referralCode: inviter.code })).referralStatus];
    expect(nextDay).toEqual(["PENDING", "REJECTED"]);
    const rejected = await test.graphql(staffReferrals, { status: "REJECTED" }, staff.analyst);
    expect(rejected.errors).toBeUndefined();
    const reasons = rejected.data!.referrals.edges.map((edge: any) => edge.node).filter((node: any) => node.referrer.id === inviter.globalId).map((node: any) => node.reason);
    expect(reasons).toEqual(["VELOCITY", "VELOCITY"]);
  });

  it("keeps the daily limit exact when friends sign up with one code at the same moment", async () => {
    const inviter = await referrer();
    const phones = [freshPhone(), freshPhone(), freshPhone(), freshPhone(), freshPhone()];
    for (const phone of phones) await test.graphql(requestCode, { phone });
    const sessions = await Promise.all(phones.map((phone) => test.graphql(signIn, { input: { phone, code: test.codes.lastCodeFor(phone), referralCode: inviter.code } })));
    expect(sessions.map((session) => session.errors)).toEqual(phones.map(() => undefined));
    const statuses = sessions.map((session) => session.data!.signInWithCode.referralStatus).sort();
    expect(statuses).toEqual(["PENDING", "PENDING", "PENDING", "REJECTED", "REJECTED"]);
  });
});
