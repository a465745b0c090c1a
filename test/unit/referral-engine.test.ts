import fc from "fast-check";
import { loadConfig } from "../../src/config";
import { crockfordAlphabet } from "../../src/engine";
import { judgeReferralSignUp, maskName, normalizeReferralCode, phonesAreNear, referralCodeFromBytes, type ReferralGuardSettings, type ReferralSignUpFacts } from "../../src/engine/engagement/referrals";

const settings: ReferralGuardSettings = { signUpsPerDay: 3, signUpsPer30Days: 5, phoneDistance: 10 };
const now = new Date("2026-11-23T08:00:00.000Z");
const hoursAgo = (hours: number) => new Date(now.getTime() - hours * 3_600_000);
const facts = (overrides: Partial<ReferralSignUpFacts> = {}): ReferralSignUpFacts => ({
  referrerId: 1,
  friendId: 2,
  referrerPhone: "13800001000",
  friendPhone: "15900005000",
  friendDevice: "device-friend",
  referrerDevices: ["device-referrer"],
  recentReferees: [],
  now,
  ...overrides,
});
const referee = (phone: string, signedUpAt: Date, device: string | null = null) => ({ phone, device, signedUpAt });

describe("referral codes", () => {
  it("are 8 characters of Crockford's alphabet, read back whatever the case, hyphens, spaces or look-alikes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 5, maxLength: 5 }), (bytes) => {
        const code = referralCodeFromBytes(bytes);
        expect(code).toHaveLength(8);
        expect([...code].every((character) => crockfordAlphabet.includes(character))).toBe(true);
        expect(normalizeReferralCode(code)).toBe(code);
        expect(normalizeReferralCode(` ${code.slice(0, 4).toLowerCase()}-${code.slice(4)} `)).toBe(code);
        expect(normalizeReferralCode(code.replace(/0/g, "o").replace(/1/g, "l"))).toBe(code);
      }),
    );
  });

  it("refuses what cannot be a code", () => {
    expect(normalizeReferralCode("7KQ2M9X")).toBeNull();
    expect(normalizeReferralCode("7KQ2M9XDD")).toBeNull();
    // U is not in the alphabet, and nothing else is forgiven.
    expect(normalizeReferralCode("7KQ2M9XU")).toBeNull();
    expect(normalizeReferralCode("7KQ2M9X!")).toBeNull();
    expect(() => referralCodeFromBytes(new Uint8Array(4))).toThrow(/5 random bytes/);
  });
});

describe("referral fraud guards", () => {
  it("lets an ordinary friend through as PENDING", () => {
    expect(judgeReferralSignUp(facts(), settings)).toEqual({ status: "PENDING", reason: null });
    expect(judgeReferralSignUp(facts({ friendDevice: null }), settings)).toEqual({ status: "PENDING", reason: null });
  });

  it("rejects the code's owner", () => {
    expect(judgeReferralSignUp(facts({ friendId: 1 }), settings)).toEqual({ status: "REJECTED", reason: "SELF_REFERRAL" });
  });

  it("rejects the referrer's device and a device of a recent friend", () => {
    expect(judgeReferralSignUp(facts({ friendDevice: "device-referrer" }), settings).reason).toBe("SAME_DEVICE");
    expect(judgeReferralSignUp(facts({ recentReferees: [referee("18600000000", hoursAgo(50), "device-friend")] }), settings).reason).toBe("SAME_DEVICE");
    // Friends without a device id do not match each other.
    expect(judgeReferralSignUp(facts({ friendDevice: null, recentReferees: [referee("18600000000", hoursAgo(50), null)] }), settings).status).toBe("PENDING");
  });

  it("rejects numbers within the distance of the referrer's or a recent friend's, and not one further", () => {
    expect(judgeReferralSignUp(facts({ friendPhone: "13800001010" }), settings).reason).toBe("PHONE_PATTERN");
    expect(judgeReferralSignUp(facts({ friendPhone: "13800000990" }), settings).reason).toBe("PHONE_PATTERN");
    expect(judgeReferralSignUp(facts({ friendPhone: "13800001011" }), settings).status).toBe("PENDING");
    expect(judgeReferralSignUp(facts({ friendPhone: "18600000004", recentReferees: [referee("18600000000", hoursAgo(1))] }), settings).reason).toBe("PHONE_PATTERN");
    expect(phonesAreNear("13800001000", "13800001001", 0)).toBe(false);
  });

  it("limits sign-ups per 24 hours and per 30 days, counting every earlier one", () => {
    const far = (index: number) => `1860000${String(index * 100).padStart(4, "0")}`;
    const threeToday = [1, 2, 3].map((index) => referee(far(index), hoursAgo(index)));
    expect(judgeReferralSignUp(facts({ recentReferees: threeToday.slice(0, 2) }), settings).status).toBe("PENDING");
    expect(judgeReferralSignUp(facts({ recentReferees: threeToday }), settings).reason).toBe("VELOCITY");
    // Older than 24 hours: only the 30-day limit (five) applies.
    const spread = [1, 2, 3, 4].map((index) => referee(far(index), hoursAgo(24 * index + 1)));
    expect(judgeReferralSignUp(facts({ recentReferees: spread }), settings).status).toBe("PENDING");
    expect(judgeReferralSignUp(facts({ recentReferees: [...spread, referee(far(5), hoursAgo(24 * 29))] }), settings).reason).toBe("VELOCITY");
    expect(judgeReferralSignUp(facts({ recentReferees: [...spread, referee(far(5), hoursAgo(24 * 31))] }), settings).status).toBe("PENDING");
    expect(judgeReferralSignUp(facts({ recentReferees: threeToday }), { ...settings, signUpsPerDay: 0 }).status).toBe("PENDING");
  });

  it("names the first failing check, in a fixed order", () => {
    const everything = facts({ friendId: 1, friendDevice: "device-referrer", friendPhone: "13800001001", recentReferees: [1, 2, 3].map((index) => referee(`1860000${index}000`, hoursAgo(index))) });
    expect(judgeReferralSignUp(everything, settings).reason).toBe("SELF_REFERRAL");
    expect(judgeReferralSignUp({ ...everything, friendId: 2 }, settings).reason).toBe("SAME_DEVICE");
    expect(judgeReferralSignUp({ ...everything, friendId: 2, friendDevice: null }, settings).reason).toBe("PHONE_PATTERN");
    expect(judgeReferralSignUp({ ...everything, friendId: 2, friendDevice: null, friendPhone: "15900005000" }, settings).reason).toBe("VELOCITY");
  });
});

describe("masked friend names", () => {
  it("keeps the first character and hides the length", () => {
    expect(maskName("王小明")).toBe("王**");
    expect(maskName("欧阳娜娜")).toBe("欧**");
    expect(maskName("Jo")).toBe("J**");
    expect(maskName("  ")).toBe("**");
    // A character outside the basic plane stays whole.
    expect(maskName("𠮷野家")).toBe("𠮷**");
  });
});

describe("referral settings", () => {
  it("has defaults, reads the environment and names a bad share link", () => {
    expect(loadConfig({}).referrals).toEqual({ referrerPoints: 200, friendPoints: 100, signUpsPerDay: 5, signUpsPer30Days: 20, phoneDistance: 10, ambassadorThreshold: 10, shareUrlTemplate: null });
    expect(loadConfig({ REFERRAL_REFERRER_POINTS: "0", REFERRAL_SHARE_URL: "https://m.example.com/join?ref={code}" }).referrals).toMatchObject({ referrerPoints: 0, shareUrlTemplate: "https://m.example.com/join?ref={code}" });
    expect(() => loadConfig({ REFERRAL_SHARE_URL: "https://m.example.com/join" })).toThrow(/REFERRAL_SHARE_URL must be an http\(s\) URL with \{code\}/);
    expect(() => loadConfig({ REFERRAL_SIGN_UPS_PER_DAY: "-1" })).toThrow(/REFERRAL_SIGN_UPS_PER_DAY/);
  });
});
