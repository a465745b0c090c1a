// The referral programme's rules that are settings (src/config.ts reads them from the environment).
import type { ReferralGuardSettings } from "../../../engine/engagement/referrals";

export interface ReferralSettings extends ReferralGuardSettings {
  /** Points the referrer earns when a friend's referral qualifies; 0: none. */
  referrerPoints: number;
  /** Points the friend earns with their first order; 0: none. */
  friendPoints: number;
  /** Qualified referrals (all time) at which a member is flagged a brand ambassador; 0: never automatically. */
  ambassadorThreshold: number;
  /** A link the app shares, with `{code}` where the code goes; null: the API gives no link. */
  shareUrlTemplate: string | null;
}

export const defaultReferralSettings: ReferralSettings = {
  referrerPoints: 200,
  friendPoints: 100,
  signUpsPerDay: 5,
  signUpsPer30Days: 20,
  phoneDistance: 10,
  ambassadorThreshold: 10,
  shareUrlTemplate: null,
};
