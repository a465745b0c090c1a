import { randomUUID } from "node:crypto";
import { runInTransaction } from "../../src/database/transactions";
import { testDatabaseKinds } from "../support/databases";
import { StaffSessions } from "../support/staff-sessions";
import { startTestApplication, type TestApplication } from "../support/test-application";

const recordEvents = `mutation ($events: [BehaviourEventInput!]!) { recordEvents(events: $events) { accepted rejected } }`;
const memberBadges = `query ($id: ID!) { member(id: $id) { badges { badge { code name isTitle } reason } title { code name } } }`;
const awardBadge = `mutation ($memberId: ID!, $badgeId: ID!, $reason: String!) { awardBadge(memberId: $memberId, badgeId: $badgeId, reason: $reason) { badge { code } reason revokedAt } }`;
const revokeBadge = `mutation ($memberId: ID!, $badgeId: ID!, $reason: String!) { revokeBadge(memberId: $memberId, badgeId: $badgeId, reason: $reason) { badge { code } revokedAt } }`;
const createBadge = `mutation ($input: CreateBadgeInput!) { createBadge(input: $input) { id code isTitle } }`;
const setDisplayedTitle = `mutation ($badgeId: ID) { setDisplayedTitle(badgeId: $badgeId) { code } }`;
const catalogue = `query { badges { id code name nameEnglish isTitle } }`;

const day = 86_400_000;

describe.each(testDatabaseKinds())("badges and titles on $name", (kind) => {
  let test: TestApplication;
  let staff: StaffSessions;
  let members: { id: number; globalId: string }[];
  let badgeIds: Map<string, string>;

  beforeAll(async () => {
    // 20 members, 10%: the quota is 2 members, and those tied with the second are in too.
    test = await startTestApplication(kind, { BADGE_SOCIAL_STAR_TOP_PERCENT: "10", BADGE_SOCIAL_STAR_REFERRAL_WEIGHT: "10" });
    staff = new StaffSessions(test);
    await staff.signIn();
    members = [];
    for (let index = 0; index < 20; index += 1) members.push(await staff.newMember());
    const response = await test.graphql(catalogue, {}, staff.analyst);
    badgeIds = new Map(response.data!.badges.map((badge: { id: string; code: string }) => [badge.code, badge.id]));
  });
  afterAll(async () => {
    await test?.close();
  });

  async function interactions(member: { globalId: string }, count: number) {
    const kinds = ["LIKE", "SHARE", "REVIEW", "BROWSE", "CLICK"];
    const events = Array.from({ length: count }, (_, index) => ({
      source: "app", externalId: `E-${randomUUID()}`, kind: kinds[index % kinds.length], memberId: member.globalId, occurredAt: new Date(test.clock.now().getTime() - day).toISOString(),
    }));
    const response = await test.graphql(recordEvents, { events }, staff.operator);
    expect(response.data!.recordEvents).toMatchObject({ accepted: count, rejected: 0 });
  }

  /** A qualified referral as the referrals feature publishes it. */
  function referral(member: { id: number }) {
    const { database, services } = test.application;
    return runInTransaction(database.dataSource, (manager) =>
      services.engagement.publish(manager, { memberId: member.id, kind: "REFERRAL_QUALIFIED", occurredAt: test.clock.now(), amount: null, reference: `referral:${randomUUID()}` }),
    );
  }

  async function badgesOf(member: { globalId: string }, token = staff.analyst) {
    const response = await test.graphql(memberBadges, { id: member.globalId }, token);
    expect(response.errors).toBeUndefined();
    return response.data!.member;
  }

  it("lists the built-in 社交达人 title and the check-in streak badge", async () => {
    const response = await test.graphql(catalogue, {}, await test.memberToken(members[0].id));
    expect(response.data!.badges).toEqual([
      { id: expect.any(String), code: "SOCIAL_STAR", name: "社交达人", nameEnglish: "Social star", isTitle: true },
      { id: expect.any(String), code: "CHECK_IN_STREAK_7", name: "连续签到7天", nameEnglish: "7-day check-in streak", isTitle: false },
    ]);
  });

  it("gives 社交达人 to the top members by interactions and qualified referrals only, ties included, and again to nobody", async () => {
    const [leader, referrer, tied, runnerUp] = members;
    await interactions(leader, 12);
    await interactions(referrer, 1);
    await referral(referrer);
    await interactions(tied, 11);
    await interactions(runnerUp, 5);

    const first = await test.application.services.badgeRules.awardSocialStars();
    expect(first).toEqual({ population: 20, threshold: 11, qualified: 3, awarded: 3 });
    for (const star of [leader, referrer, tied]) {
      const data = await badgesOf(star);
      expect(data.badges).toEqual([{ badge: { code: "SOCIAL_STAR", name: "社交达人", isTitle: true }, reason: expect.stringMatching(/^Top 10% .*score 1[12]\)$/) }]);
      expect(data.title).toEqual({ code: "SOCIAL_STAR", name: "社交达人" });
    }
    for (const other of members.slice(3)) expect((await badgesOf(other)).badges).toEqual([]);

    expect(await test.application.services.badgeRules.awardSocialStars()).toEqual({ population: 20, threshold: 11, qualified: 3, awarded: 0 });
    expect((await badgesOf(leader)).badges).toHaveLength(1);
  });

  it("lets staff award and revoke by hand, audited; a revoked badge is not given back by the rule", async () => {
    const [, , tied, runnerUp] = members;
    const socialStar = badgeIds.get("SOCIAL_STAR")!;
    const byAnalyst = await test.graphql(revokeBadge, { memberId: tied.globalId, badgeId: socialStar, reason: "x" }, staff.analyst);
    expect(byAnalyst.errors?.[0].extensions?.code).toBe("FORBIDDEN");
    const noReason = await test.graphql(revokeBadge, { memberId: tied.globalId, badgeId: socialStar, reason: " " }, staff.operator);
    expect(noReason.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "reason" });

    const revoked = await test.graphql(revokeBadge, { memberId: tied.globalId, badgeId: socialStar, reason: "Interactions were bought" }, staff.operator);
    expect(revoked.errors).toBeUndefined();
    expect(revoked.data!.revokeBadge.revokedAt).toBe(test.clock.now().toISOString());
    expect(await badgesOf(tied)).toEqual({ badges: [], title: null });
    const again = await test.graphql(revokeBadge, { memberId: tied.globalId, badgeId: socialStar, reason: "Twice" }, staff.operator);
    expect(again.errors?.[0].extensions?.code).toBe("NOT_FOUND");
    expect(await test.application.services.badgeRules.awardSocialStars()).toMatchObject({ qualified: 3, awarded: 0 });
    expect((await badgesOf(tied)).badges).toEqual([]);

    const awarded = await test.graphql(awardBadge, { memberId: runnerUp.globalId, badgeId: socialStar, reason: "Hosted the spring meet-up" }, staff.operator);
    expect(awarded.errors).toBeUndefined();
    expect(awarded.data!.awardBadge).toEqual({ badge: { code: "SOCIAL_STAR" }, reason: "Hosted the spring meet-up", revokedAt: null });
    // Awarding what the member holds changes nothing and audits nothing.
    const retried = await test.graphql(awardBadge, { memberId: runnerUp.globalId, badgeId: socialStar, reason: "Hosted the spring meet-up" }, staff.operator);
    expect(retried.data!.awardBadge.reason).toBe("Hosted the spring meet-up");

    const audit = await test.application.database.dataSource.query("SELECT action, target_id FROM audit_log WHERE action LIKE 'badge.%' ORDER BY id");
    expect(audit.map((row: { action: string; target_id: string }) => [row.action, Number(row.target_id)])).toEqual([
      ["badge.revoke", tied.id],
      ["badge.award", runnerUp.id],
    ]);
  });

  it("shows the member's chosen title while they hold it, else their latest", async () => {
    const member = members[10];
    const token = await test.memberToken(member.id);
    const vip = await test.graphql(createBadge, { input: { code: "VIP_GUEST", nameZh: "贵宾", nameEn: "VIP guest", isTitle: true } }, staff.operator);
    const helper = await test.graphql(createBadge, { input: { code: "HELPER", nameZh: "热心会员", nameEn: "Helper" } }, staff.operator);
    for (const badgeId of [badgeIds.get("SOCIAL_STAR")!, helper.data!.createBadge.id]) {
      expect((await test.graphql(awardBadge, { memberId: member.globalId, badgeId, reason: "For the test" }, staff.operator)).errors).toBeUndefined();
    }
    test.clock.advance(60_000);
    await staff.signIn();
    expect((await test.graphql(awardBadge, { memberId: member.globalId, badgeId: vip.data!.createBadge.id, reason: "For the test" }, staff.operator)).errors).toBeUndefined();

    expect((await badgesOf(member, token)).title).toEqual({ code: "VIP_GUEST", name: "贵宾" });
    const chosen = await test.graphql(setDisplayedTitle, { badgeId: badgeIds.get("SOCIAL_STAR") }, token);
    expect(chosen.data!.setDisplayedTitle).toEqual({ code: "SOCIAL_STAR" });
    expect((await badgesOf(member, token)).title.code).toBe("SOCIAL_STAR");

    const notATitle = await test.graphql(setDisplayedTitle, { badgeId: helper.data!.createBadge.id }, token);
    expect(notATitle.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "badgeId" });
    const notHeld = await test.graphql(setDisplayedTitle, { badgeId: badgeIds.get("CHECK_IN_STREAK_7") }, token);
    expect(notHeld.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "badgeId" });
    const byStaff = await test.graphql(setDisplayedTitle, { badgeId: badgeIds.get("SOCIAL_STAR") }, staff.operator);
    expect(byStaff.errors?.[0].extensions?.code).toBe("FORBIDDEN");

    // Revoked, the chosen title is no longer shown: the latest one is.
    expect((await test.graphql(revokeBadge, { memberId: member.globalId, badgeId: badgeIds.get("SOCIAL_STAR"), reason: "For the test" }, staff.operator)).errors).toBeUndefined();
    expect((await badgesOf(member, token)).title.code).toBe("VIP_GUEST");
    expect((await test.graphql(setDisplayedTitle, { badgeId: null }, token)).data!.setDisplayedTitle).toEqual({ code: "VIP_GUEST" });

    // A member sees only their own badges.
    const other = await test.graphql(memberBadges, { id: members[11].globalId }, token);
    expect(other.errors?.[0].extensions?.code).toBe("FORBIDDEN");
  });
});
