import { cityTiers, educationLevels, genders, incomeLevels, joinChannels, occupations } from "../../src/engine";
import { demoMemberProfile } from "../../src/seed/demo-members";
import { createRandom } from "../../src/engine/random";

const now = new Date("2026-11-23T08:00:00.000Z");
const profiles = Array.from({ length: 20_000 }, (_, index) => demoMemberProfile(42, index, now, 4));

function share(predicate: (profile: (typeof profiles)[number]) => boolean): number {
  return profiles.filter(predicate).length / profiles.length;
}

describe("demo member profiles", () => {
  it("are the same for the same seed and index, and differ across seeds", () => {
    expect(demoMemberProfile(42, 1234, now, 4)).toEqual(profiles[1234]);
    expect(demoMemberProfile(43, 1234, now, 4).name + demoMemberProfile(43, 1234, now, 4).phone).not.toBe(profiles[1234].name + profiles[1234].phone);
  });

  it("give every member a distinct valid mainland mobile number", () => {
    expect(profiles.filter((profile) => !/^1[3-9]\d{9}$/.test(profile.phone))).toEqual([]);
    expect(new Set(profiles.map((profile) => profile.phone.slice(3))).size).toBe(profiles.length);
  });

  it("use the vocabularies of the schema and plausible dates", () => {
    const faults: string[] = [];
    const check = (ok: boolean, what: string, index: number) => {
      if (!ok) faults.push(`${index}: ${what}`);
    };
    profiles.forEach((profile, index) => {
      check(genders.includes(profile.gender), "gender", index);
      check(joinChannels.includes(profile.joinChannel), "joinChannel", index);
      check(profile.education === null || educationLevels.includes(profile.education), "education", index);
      check(profile.occupation === null || occupations.includes(profile.occupation), "occupation", index);
      check(profile.incomeLevel === null || incomeLevels.includes(profile.incomeLevel), "incomeLevel", index);
      check((cityTiers as readonly number[]).includes(profile.cityTier ?? 0), "cityTier", index);
      const joinedDaysAgo = (now.getTime() - profile.joinedAt.getTime()) / 86_400_000;
      check(joinedDaysAgo >= 0 && joinedDaysAgo < 3 * 366, "joinedAt", index);
      if (profile.birthday !== null) {
        const age = (now.getTime() - Date.parse(profile.birthday)) / (365.25 * 86_400_000);
        check(age >= 18 && age < 72, "birthday", index);
      }
      check(profile.name.length >= 2 && profile.name.length <= 4, "name", index);
    });
    expect(faults).toEqual([]);
  });

  it("follow the shape of a retail membership: mostly regular tier, mini-program first, a female majority", () => {
    const tierShares = [0, 1, 2, 3].map((position) => share((profile) => profile.tierPosition === position));
    expect(tierShares[0]).toBeCloseTo(0.7, 1);
    expect(tierShares[1]).toBeCloseTo(0.2, 1);
    expect(tierShares[3]).toBeGreaterThan(0.01);
    expect(tierShares[3]).toBeLessThan(0.03);
    expect(share((profile) => profile.joinChannel === "MINI_PROGRAM")).toBeCloseTo(0.4, 1);
    expect(share((profile) => profile.gender === "FEMALE")).toBeCloseTo(0.6, 1);
    // Income follows the city: first-tier cities have a larger high-income share than third-tier ones.
    const highIncomeShare = (tier: number) => {
      const inTier = profiles.filter((profile) => profile.cityTier === tier && profile.incomeLevel !== null);
      return inTier.filter((profile) => profile.incomeLevel === "HIGH").length / inTier.length;
    };
    expect(highIncomeShare(1)).toBeGreaterThan(highIncomeShare(3) + 0.1);
    // Higher tiers take time to reach: nobody is diamond in their first months.
    const newest = Math.min(...profiles.filter((profile) => profile.tierPosition === 3).map((profile) => now.getTime() - profile.joinedAt.getTime()));
    expect(newest).toBeGreaterThanOrEqual(180 * 86_400_000);
  });

  it("spread the generator's output evenly", () => {
    const random = createRandom(7);
    const buckets = new Array(10).fill(0);
    for (let draw = 0; draw < 100_000; draw += 1) buckets[Math.floor(random.next() * 10)] += 1;
    for (const count of buckets) expect(Math.abs(count - 10_000)).toBeLessThan(500);
  });
});
