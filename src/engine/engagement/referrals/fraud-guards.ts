// Whether a sign-up with a referral code may earn rewards. The checks run in a fixed order and the first that fails
// names the reason; staff see it, the signing-up member only sees that the referral was not accepted.

export const referralRejectionReasons = ["SELF_REFERRAL", "SAME_DEVICE", "PHONE_PATTERN", "VELOCITY"] as const;
export type ReferralRejectionReason = (typeof referralRejectionReasons)[number];

export interface ReferralGuardSettings {
  /** Sign-ups with one code in any 24 hours before further ones are rejected; 0: no limit. */
  signUpsPerDay: number;
  /** Sign-ups with one code in any 30 days before further ones are rejected; 0: no limit. */
  signUpsPer30Days: number;
  /** Phone numbers this close (as 11-digit numbers) count as one batch of SIM cards; 0 turns the check off. */
  phoneDistance: number;
}

/** How far back the guards look at the referrer's earlier referees (devices, phone numbers, velocity). */
export const referralLookBackDays = 30;

export interface ReferralSignUpFacts {
  referrerId: number;
  friendId: number;
  referrerPhone: string;
  friendPhone: string;
  /** Keyed hash of the device the friend signs up on; null when the app sent none. */
  friendDevice: string | null;
  /** Keyed hashes of the devices the referrer has signed in on. */
  referrerDevices: readonly string[];
  /** Earlier sign-ups with this code in the look-back window, whatever became of them. */
  recentReferees: readonly { phone: string; device: string | null; signedUpAt: Date }[];
  now: Date;
}

export type ReferralVerdict = { status: "PENDING"; reason: null } | { status: "REJECTED"; reason: ReferralRejectionReason };

const day = 86_400_000;

/** Sequential SIM cards: two mainland mobile numbers within `distance` of each other (138 0000 0001 and ...0007). */
export function phonesAreNear(first: string, second: string, distance: number): boolean {
  return distance > 0 && Math.abs(Number(first) - Number(second)) <= distance;
}

export function judgeReferralSignUp(facts: ReferralSignUpFacts, settings: ReferralGuardSettings): ReferralVerdict {
  const reject = (reason: ReferralRejectionReason): ReferralVerdict => ({ status: "REJECTED", reason });
  if (facts.friendId === facts.referrerId) return reject("SELF_REFERRAL");
  if (facts.friendDevice !== null) {
    const device = facts.friendDevice;
    if (facts.referrerDevices.includes(device) || facts.recentReferees.some((referee) => referee.device === device)) return reject("SAME_DEVICE");
  }
  const phones = [facts.referrerPhone, ...facts.recentReferees.map((referee) => referee.phone)];
  if (phones.some((phone) => phonesAreNear(phone, facts.friendPhone, settings.phoneDistance))) return reject("PHONE_PATTERN");
  const since = (days: number) => facts.recentReferees.filter((referee) => referee.signedUpAt.getTime() > facts.now.getTime() - days * day).length;
  if (settings.signUpsPerDay > 0 && since(1) >= settings.signUpsPerDay) return reject("VELOCITY");
  if (settings.signUpsPer30Days > 0 && since(referralLookBackDays) >= settings.signUpsPer30Days) return reject("VELOCITY");
  return { status: "PENDING", reason: null };
}
