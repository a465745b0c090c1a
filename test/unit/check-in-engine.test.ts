import { checkInAward, checkInRuleProblem, currentStreak, defaultCheckInRule, nextMilestone, streakOnCheckIn } from "../../src/engine";

describe("check-in streaks", () => {
  it("grows on consecutive days and restarts after a missed one", () => {
    expect(streakOnCheckIn(null, 100)).toBe(1);
    expect(streakOnCheckIn({ day: 99, streak: 6 }, 100)).toBe(7);
    expect(streakOnCheckIn({ day: 98, streak: 6 }, 100)).toBe(1);
  });

  it("counts as current until a whole day is missed", () => {
    expect(currentStreak({ day: 100, streak: 3 }, 100)).toBe(3);
    expect(currentStreak({ day: 99, streak: 3 }, 100)).toBe(3);
    expect(currentStreak({ day: 98, streak: 3 }, 100)).toBe(0);
    expect(currentStreak(null, 100)).toBe(0);
  });

  it("pays the base points every day and a bonus exactly on a milestone day", () => {
    expect(checkInAward(6, defaultCheckInRule)).toEqual({ points: 5, bonusPoints: 0 });
    expect(checkInAward(7, defaultCheckInRule)).toEqual({ points: 5, bonusPoints: 20 });
    expect(checkInAward(8, defaultCheckInRule)).toEqual({ points: 5, bonusPoints: 0 });
    expect(checkInAward(30, defaultCheckInRule)).toEqual({ points: 5, bonusPoints: 100 });
  });

  it("names the next milestone and how far it is", () => {
    expect(nextMilestone(0, defaultCheckInRule)).toEqual({ streakDays: 7, bonusPoints: 20, checkInsToGo: 7 });
    expect(nextMilestone(7, defaultCheckInRule)).toEqual({ streakDays: 30, bonusPoints: 100, checkInsToGo: 23 });
    expect(nextMilestone(30, defaultCheckInRule)).toBeNull();
  });

  it("refuses unsound rules with the field to fix", () => {
    expect(checkInRuleProblem(defaultCheckInRule)).toBeNull();
    expect(checkInRuleProblem({ basePoints: 0, milestones: [] })?.field).toBe("basePoints");
    expect(checkInRuleProblem({ basePoints: 5, milestones: [{ streakDays: 1, bonusPoints: 5 }] })?.field).toBe("milestones[0].streakDays");
    expect(checkInRuleProblem({ basePoints: 5, milestones: [{ streakDays: 7, bonusPoints: 5 }, { streakDays: 7, bonusPoints: 9 }] })?.field).toBe("milestones[1].streakDays");
  });
});
