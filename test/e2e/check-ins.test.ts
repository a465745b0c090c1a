import { testDatabaseKinds } from "../support/databases";
import { startTestApplication, type TestApplication } from "../support/test-application";

const checkIn = `mutation { checkIn { alreadyCheckedIn balance checkIn { date streak points bonusPoints } } }`;
const streak = `{ me { checkInStreak { current longest total checkedInToday daysThisMonth nextMilestone { streakDays checkInsToGo } } } }`;
const hour = 3_600_000;

describe.each(testDatabaseKinds())("daily check-in on $name", (kind) => {
  describe("in China (UTC+8)", () => {
    let test: TestApplication;
    beforeAll(async () => {
      test = await startTestApplication(kind);
    });
    afterAll(async () => {
      await test?.close();
    });

    it("checks in once per local day however many taps arrive at once", async () => {
      const member = await test.createMember();
      const token = await test.memberToken(member.id);
      const taps = await Promise.all(Array.from({ length: 5 }, () => test.graphql(checkIn, {}, token)));
      for (const tap of taps) expect(tap.errors).toBeUndefined();
      expect(new Set(taps.map((tap) => JSON.stringify(tap.data?.checkIn.checkIn))).size).toBe(1);
      expect(taps.map((tap) => tap.data?.checkIn.balance)).toEqual(Array(5).fill(5));
      const later = await test.graphql(checkIn, {}, token);
      expect(later.data?.checkIn).toMatchObject({ alreadyCheckedIn: true, balance: 5, checkIn: { streak: 1, points: 5 } });
      const history = await test.graphql(`{ me { points { balance history(first: 10) { edges { node { type amount source } } } } } }`, {}, token);
      expect(history.data?.me.points.history.edges).toEqual([{ node: { type: "EARN", amount: 5, source: "CHECK_IN" } }]);
    });

    it("keeps the streak across local midnight, pays the milestone bonus, and restarts after a missed day", async () => {
      // 2026-11-23T08:00Z is 16:00 in Shanghai. Check in at 23:30 local, then 00:30 local: consecutive days an hour apart.
      const member = await test.createMember();
      test.clock.advance(7.5 * hour);
      const lateEvening = await test.graphql(checkIn, {}, await test.memberToken(member.id));
      test.clock.advance(1 * hour);
      const afterMidnight = await test.graphql(checkIn, {}, await test.memberToken(member.id));
      expect([lateEvening.data?.checkIn.checkIn.date, afterMidnight.data?.checkIn.checkIn.date]).toEqual([expect.any(String), expect.any(String)]);
      expect(afterMidnight.data?.checkIn.checkIn.date).not.toBe(lateEvening.data?.checkIn.checkIn.date);
      expect(afterMidnight.data?.checkIn.checkIn.streak).toBe(2);
      for (let day = 3; day <= 7; day += 1) {
        test.clock.advance(24 * hour);
        const response = await test.graphql(checkIn, {}, await test.memberToken(member.id));
        expect(response.data?.checkIn.checkIn).toMatchObject({ streak: day, bonusPoints: day === 7 ? 20 : 0 });
      }
      const seventh = await test.graphql(streak, {}, await test.memberToken(member.id));
      expect(seventh.data?.me.checkInStreak).toMatchObject({ current: 7, longest: 7, total: 7, checkedInToday: true, nextMilestone: { streakDays: 30, checkInsToGo: 23 } });
      // A whole day missed: the streak shows 0, and the next check-in starts again at 1.
      test.clock.advance(48 * hour);
      const missed = await test.graphql(streak, {}, await test.memberToken(member.id));
      expect(missed.data?.me.checkInStreak).toMatchObject({ current: 0, longest: 7, checkedInToday: false });
      const again = await test.graphql(checkIn, {}, await test.memberToken(member.id));
      expect(again.data?.checkIn).toMatchObject({ alreadyCheckedIn: false, balance: 7 * 5 + 20 + 5, checkIn: { streak: 1 } });
    });

    it("lets operators change the rule, and only them", async () => {
      const member = await test.createMember();
      const rule = `mutation { setCheckInRule(input: { basePoints: 3, milestones: [{ streakDays: 2, bonusPoints: 10 }] }) { basePoints milestones { streakDays bonusPoints } } }`;
      expect((await test.graphql(rule, {}, await test.memberToken(member.id))).errors?.[0].extensions?.code).toBe("FORBIDDEN");
      expect((await test.graphql(rule, {}, await test.staffToken("analyst"))).errors?.[0].extensions?.code).toBe("FORBIDDEN");
      const bad = await test.graphql(`mutation { setCheckInRule(input: { basePoints: 3, milestones: [{ streakDays: 0, bonusPoints: 10 }] }) { basePoints } }`, {}, await test.staffToken("operator"));
      expect(bad.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.milestones[0].streakDays" });
      const set = await test.graphql(rule, {}, await test.staffToken("operator"));
      expect(set.data?.setCheckInRule).toEqual({ basePoints: 3, milestones: [{ streakDays: 2, bonusPoints: 10 }] });
      const first = await test.graphql(checkIn, {}, await test.memberToken(member.id));
      test.clock.advance(24 * hour);
      const second = await test.graphql(checkIn, {}, await test.memberToken(member.id));
      expect([first.data?.checkIn.checkIn.points, second.data?.checkIn.checkIn.bonusPoints, second.data?.checkIn.balance]).toEqual([3, 10, 16]);
      const staffCheckIn = await test.graphql(checkIn, {}, await test.staffToken("admin"));
      expect(staffCheckIn.errors?.[0].extensions?.code).toBe("FORBIDDEN");
    });
  });

  it("uses the programme's time zone for the day: at UTC-5 the day turns at 05:00 UTC", async () => {
    const test = await startTestApplication(kind, { BUSINESS_UTC_OFFSET_MINUTES: "-300" });
    try {
      // 2026-11-23T08:00Z is 03:00 in New York: still 23 November there.
      const member = await test.createMember();
      const first = await test.graphql(checkIn, {}, await test.memberToken(member.id));
      expect(first.data?.checkIn.checkIn.date).toBe("2026-11-23");
      test.clock.advance(20 * hour); // 2026-11-24T04:00Z, 23:00 on the 23rd locally: the same day
      const sameDay = await test.graphql(checkIn, {}, await test.memberToken(member.id));
      expect(sameDay.data?.checkIn).toMatchObject({ alreadyCheckedIn: true, checkIn: { date: "2026-11-23" } });
      test.clock.advance(1.5 * hour); // 05:30Z, 00:30 on the 24th locally
      const nextDay = await test.graphql(checkIn, {}, await test.memberToken(member.id));
      expect(nextDay.data?.checkIn).toMatchObject({ alreadyCheckedIn: false, checkIn: { date: "2026-11-24", streak: 2 } });
    } finally {
      await test.close();
    }
  });
});
