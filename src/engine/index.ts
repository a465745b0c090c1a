// The engine: pure functions over member data. No I/O, no clock: time is always a parameter.
export * from "./member-attributes";
export * from "./age-band";
