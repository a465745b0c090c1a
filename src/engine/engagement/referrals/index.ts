// Referrals, all pure: the members' codes, the fraud guards a sign-up passes or fails, and friends' masked names.
export * from "./referral-code";
export * from "./fraud-guards";
export * from "./masked-name";
