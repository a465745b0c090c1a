// Leaderboards, all pure: periods in the programme's time zone, ranking in every scope, name masking.
export * from "./periods";
export * from "./ranking";
export * from "./name-masking";
