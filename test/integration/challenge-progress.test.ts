// Activities handed to the engagement hub by features that do not take the member's behaviour lock first
// (referrals publish for the referrer inside the friend's transaction; check-ins come from their own service): here
// only the challenge's progress row orders them.
import { randomUUID } from "node:crypto";
import { runInTransaction } from "../../src/database/transactions";
import { ChallengeActivityRecord, ChallengePointGrantRecord, ChallengeProgressRecord, MemberBadgeRecord, PointEntryRecord } from "../../src/entities";
import { systemContext } from "../../src/services/service-context";
import type { EngagementActivity } from "../../src/services/engagement/engagement-hub";
import { verifyLedger } from "../../src/services/points/ledger-verifier";
import { testDatabaseKinds } from "../support/databases";
import { startTestApplication, type TestApplication } from "../support/test-application";

const day = 86_400_000;

describe.each(testDatabaseKinds())("challenge progress from the engagement hub on $name", (kind) => {
  let test: TestApplication;

  beforeAll(async () => {
    test = await startTestApplication(kind);
  });
  afterAll(async () => {
    await test?.close();
  });

  const services = () => test.application.services;
  const dataSource = () => test.application.database.dataSource;

  async function referralChallenge(target: number, points: number) {
    const now = test.clock.now();
    const challenge = await services().challenges.create(systemContext("test"), {
      code: `INVITE-${randomUUID().slice(0, 8)}`,
      titleZh: "邀请好友",
      titleEn: "Invite friends",
      goal: { kind: "REFERRAL_QUALIFIED", target },
      startsAt: new Date(now.getTime() - day),
      endsAt: new Date(now.getTime() + 30 * day),
      reward: { points },
    });
    await services().challenges.setActive(systemContext("test"), challenge.id, true);
    return challenge;
  }

  /** Publishes as a feature would: in a transaction of its own that holds none of the member's locks. */
  function publish(memberId: number, reference: string, activityKind: EngagementActivity["kind"] = "REFERRAL_QUALIFIED", occurredAt = test.clock.now()) {
    return runInTransaction(dataSource(), (manager) => services().engagement.publish(manager, { memberId, kind: activityKind, occurredAt, amount: null, reference }));
  }

  it("completes once and pays once when two different activities race at the target", async () => {
    const challenge = await referralChallenge(2, 50);
    for (let round = 0; round < 5; round += 1) {
      const member = await test.createMember();
      await publish(member.id, `referral:${randomUUID()}`);
      await Promise.all([publish(member.id, `referral:${randomUUID()}`), publish(member.id, `referral:${randomUUID()}`), publish(member.id, `referral:${randomUUID()}`)]);
      await services().challengeRewards.settled();
      const progress = await dataSource().getRepository(ChallengeProgressRecord).findOneByOrFail({ challengeId: challenge.id, memberId: member.id });
      expect(progress.progress).toBe(2);
      expect(progress.completedAt).not.toBeNull();
      expect(await dataSource().getRepository(ChallengeActivityRecord).countBy({ challengeId: challenge.id, memberId: member.id })).toBe(2);
      expect(await dataSource().getRepository(ChallengePointGrantRecord).countBy({ challengeId: challenge.id, memberId: member.id })).toBe(1);
      const entries = await dataSource().getRepository(PointEntryRecord).findBy({ memberId: member.id, source: "CHALLENGE" });
      expect(entries.map((entry) => entry.amount)).toEqual([50]);
    }
    expect((await verifyLedger(dataSource())).differences).toEqual([]);
  });

  it("counts the same activity once, even when it arrives twice at the same moment", async () => {
    const challenge = await referralChallenge(3, 10);
    const member = await test.createMember();
    const reference = `referral:${randomUUID()}`;
    await Promise.all([publish(member.id, reference), publish(member.id, reference), publish(member.id, reference)]);
    await publish(member.id, reference);
    const progress = await dataSource().getRepository(ChallengeProgressRecord).findOneByOrFail({ challengeId: challenge.id, memberId: member.id });
    expect(progress.progress).toBe(1);
    expect(progress.completedAt).toBeNull();
  });

  it("gives the check-in streak badge on the seventh day in a row, in the check-in's transaction, and not across a gap", async () => {
    const streaker = await test.createMember();
    const gapped = await test.createMember();
    const start = test.clock.now().getTime() - 10 * day;
    for (let offset = 0; offset < 7; offset += 1) await publish(streaker.id, `check-in:${offset}`, "CHECK_IN", new Date(start + offset * day));
    // Seven check-ins over eight days: a gap on the fourth.
    for (const offset of [0, 1, 2, 4, 5, 6, 7]) await publish(gapped.id, `check-in:${offset}`, "CHECK_IN", new Date(start + offset * day));
    // The same check-in heard again changes nothing.
    await publish(streaker.id, "check-in:6", "CHECK_IN", new Date(start + 6 * day));
    const badge = await services().badges.byCode(dataSource().manager, "CHECK_IN_STREAK_7");
    expect(await dataSource().getRepository(MemberBadgeRecord).countBy({ memberId: streaker.id, badgeId: badge!.id })).toBe(1);
    expect(await dataSource().getRepository(MemberBadgeRecord).countBy({ memberId: gapped.id, badgeId: badge!.id })).toBe(0);
    expect((await services().badges.held(streaker.id)).map((held) => held.badge.code)).toEqual(["CHECK_IN_STREAK_7"]);
  });
});
