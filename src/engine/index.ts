// The engine: pure functions over member data. No I/O, no clock: time is always a parameter.
export * from "./member-attributes";
export * from "./age-band";
export * from "./calendar";
export * from "./points/account";
export * from "./points/earning";
export * from "./points/expiry-policy";
export * from "./points/periods";
export * from "./tiers/qualification";
export * from "./activity/daily-windows";
export * from "./scoring";
export * from "./segments";
export * from "./webhooks/retry-schedule";
export * from "./campaigns";
export * from "./coalition";
export * from "./engagement/check-ins";
