// Campaigns and A/B experiments: assignment, statistics, guard rails, templates and the campaign's states, all pure.
export * from "./assignment";
export * from "./normal-distribution";
export * from "./statistics";
export * from "./revenue";
export * from "./experiment-comparison";
export * from "./frequency-cap";
export * from "./quiet-hours";
export * from "./send-time";
export * from "./templates";
export * from "./campaign-state";
