export * from "./kpi-periods";
export * from "./kpi-definitions";
export * from "./kpi-csv";
export * from "./kpi-facts";
export * from "./local-dates";
export * from "./spend-shares";
export * from "./points-by-group";
