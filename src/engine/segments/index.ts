export * from "./fields";
export * from "./rule";
export * from "./rule-problem";
export * from "./evaluate";
export * from "./schemes";
