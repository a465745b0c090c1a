// The scoring engine: RFM, lifecycle, churn, activity, loyalty, CLV, demographics and clusters, all pure.
export * from "./types";
export * from "./elapsed-days";
export * from "./quintiles";
export * from "./rfm";
export * from "./lifecycle";
export * from "./churn";
export * from "./scores";
export * from "./clv";
export * from "./demographics";
export * from "./cluster-features";
export * from "./kmeans";
export * from "./number-column";
export * from "./member-scoring";
