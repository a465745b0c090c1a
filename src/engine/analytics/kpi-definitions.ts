// What each KPI is, as arithmetic over measures the service sums per period and group. A KPI's point carries the
// measures it was computed from (its figures), so an analyst can check every value by hand.

export const kpiNames = [
  "NEW_MEMBERS",
  "GROWTH_RATE",
  "ACTIVE_MEMBERS",
  "STICKINESS",
  "SPEND",
  "ORDERS",
  "AVERAGE_ORDER_VALUE",
  "SPEND_PER_ACTIVE_MEMBER",
  "SPEND_PER_MEMBER",
  "REPURCHASE_RATE",
  "POINTS_LIABILITY",
  "LOGIN_FREQUENCY",
  "INTERACTIONS_PER_MEMBER",
  "RETENTION_RATE",
  "CHURN_RATE",
  "ACQUISITION_COST",
] as const;
export type KpiName = (typeof kpiNames)[number];

export const kpiBreakdowns = ["NONE", "CHANNEL", "TIER", "CITY_TIER", "SEGMENT"] as const;
export type KpiBreakdown = (typeof kpiBreakdowns)[number];

/** What the service measures per period and group; each KPI needs some of them. */
export interface KpiMeasures {
  /** Members who joined in the period. */
  newMembers: number;
  /** Members who had joined before the period started. */
  membersAtStart: number;
  /** Members who had joined by the period's end (membersAtStart + newMembers), active or not. */
  members: number;
  /** Distinct members with a login in the period. */
  membersWithLogin: number;
  /** Member-days with a login: the sum over the period's days of that day's active members. */
  loginMemberDays: number;
  /** Distinct members with a login or an order in the period. */
  membersWithLoginOrOrder: number;
  /** Net spend in fen (an order's refunds come off the order's day). */
  spendFen: number;
  orders: number;
  /** Distinct members with an order in the period, and those with two or more. */
  membersWithOrder: number;
  membersWithRepeatOrder: number;
  /** Points held by members at the period's end (the ledger's sum up to then). */
  outstandingPoints: number;
  /** Logins in the period (a member's every login, not distinct members). */
  logins: number;
  /** Interactions (browse, click, share, review, like) in the period. */
  interactions: number;
  /** Distinct members with a login or an order in the previous period (the one just before this one). */
  activeBefore: number;
  /** Of those, the members with a login or an order in this period too, and those without. */
  retained: number;
  lost: number;
  /** Marketing spend in the period, fen: campaignSpendFen + otherSpendFen. */
  marketingSpendFen: number;
  /** Fen campaigns charged for the sends they made in the period (campaign_sends.cost). */
  campaignSpendFen: number;
  /** Fen staff recorded as spent outside campaigns on the period's days (marketing_spend, not cancelled). */
  otherSpendFen: number;
  /** Of otherSpendFen, the spend recorded for all channels; by CHANNEL, the channel's share of it by new members. */
  sharedSpendFen: number;
}

export type KpiMeasureName = keyof KpiMeasures;

export function emptyMeasures(): KpiMeasures {
  return {
    newMembers: 0, membersAtStart: 0, members: 0, membersWithLogin: 0, loginMemberDays: 0, membersWithLoginOrOrder: 0, spendFen: 0, orders: 0,
    membersWithOrder: 0, membersWithRepeatOrder: 0, outstandingPoints: 0, logins: 0, interactions: 0, activeBefore: 0, retained: 0, lost: 0,
    marketingSpendFen: 0, campaignSpendFen: 0, otherSpendFen: 0, sharedSpendFen: 0,
  };
}

export interface KpiFigure {
  name: string;
  value: number;
}

export interface KpiValue {
  /** Null when the KPI is a ratio whose denominator is zero (no members to divide by). */
  value: number | null;
  figures: KpiFigure[];
}

export interface KpiContext {
  /** Local days in the period (stickiness averages over them). */
  days: number;
  pointValueFen: number;
}

/** The measures each KPI reads: the service computes only these. */
export const measuresOfKpi: Record<KpiName, readonly KpiMeasureName[]> = {
  NEW_MEMBERS: ["newMembers"],
  GROWTH_RATE: ["newMembers", "membersAtStart"],
  ACTIVE_MEMBERS: ["membersWithLogin"],
  STICKINESS: ["loginMemberDays", "membersWithLogin"],
  SPEND: ["spendFen"],
  ORDERS: ["orders"],
  AVERAGE_ORDER_VALUE: ["spendFen", "orders"],
  SPEND_PER_ACTIVE_MEMBER: ["spendFen", "membersWithLoginOrOrder"],
  SPEND_PER_MEMBER: ["spendFen", "members"],
  REPURCHASE_RATE: ["membersWithRepeatOrder", "membersWithOrder"],
  POINTS_LIABILITY: ["outstandingPoints"],
  LOGIN_FREQUENCY: ["logins", "membersWithLogin"],
  INTERACTIONS_PER_MEMBER: ["interactions", "membersWithLogin"],
  RETENTION_RATE: ["activeBefore", "retained"],
  CHURN_RATE: ["activeBefore", "lost"],
  ACQUISITION_COST: ["marketingSpendFen", "campaignSpendFen", "otherSpendFen", "sharedSpendFen", "newMembers"],
};

function ratio(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : numerator / denominator;
}

function figures(measures: KpiMeasures, kpi: KpiName): KpiFigure[] {
  return measuresOfKpi[kpi].map((name) => ({ name, value: measures[name] }));
}

/** One KPI's value for one period and group, with the figures it came from. */
export function kpiValue(kpi: KpiName, measures: KpiMeasures, context: KpiContext): KpiValue {
  const own = figures(measures, kpi);
  switch (kpi) {
    case "NEW_MEMBERS":
      return { value: measures.newMembers, figures: own };
    case "GROWTH_RATE":
      return { value: ratio(measures.newMembers, measures.membersAtStart), figures: own };
    case "ACTIVE_MEMBERS":
      return { value: measures.membersWithLogin, figures: own };
    case "STICKINESS":
      // Average daily actives over the period's distinct actives: DAU/MAU for a month, DAU/WAU for a week.
      return { value: ratio(measures.loginMemberDays / context.days, measures.membersWithLogin), figures: [...own, { name: "days", value: context.days }] };
    case "SPEND":
      return { value: measures.spendFen, figures: own };
    case "ORDERS":
      return { value: measures.orders, figures: own };
    case "AVERAGE_ORDER_VALUE":
      return { value: ratio(measures.spendFen, measures.orders), figures: own };
    case "SPEND_PER_ACTIVE_MEMBER":
      return { value: ratio(measures.spendFen, measures.membersWithLoginOrOrder), figures: own };
    case "SPEND_PER_MEMBER":
      // Over every member of the programme at the period's end, active or not: what the whole base is worth a period.
      return { value: ratio(measures.spendFen, measures.members), figures: own };
    case "REPURCHASE_RATE":
      return { value: ratio(measures.membersWithRepeatOrder, measures.membersWithOrder), figures: own };
    case "POINTS_LIABILITY":
      return { value: measures.outstandingPoints * context.pointValueFen, figures: [...own, { name: "pointValueFen", value: context.pointValueFen }] };
    case "LOGIN_FREQUENCY":
      return { value: ratio(measures.logins, measures.membersWithLogin), figures: own };
    case "INTERACTIONS_PER_MEMBER":
      // Per member who logged in, as ACTIVE_MEMBERS counts them; an interaction by a member without a login in the
      // period (recorded from another channel) still counts above the line.
      return { value: ratio(measures.interactions, measures.membersWithLogin), figures: own };
    case "RETENTION_RATE":
      return { value: ratio(measures.retained, measures.activeBefore), figures: own };
    case "CHURN_RATE":
      // Retention's complement over the same members: retained + lost = activeBefore.
      return { value: ratio(measures.lost, measures.activeBefore), figures: own };
    case "ACQUISITION_COST":
      // CAC: what was spent on marketing in the period (campaigns' sends and spend recorded outside them) for each
      // member who joined in it.
      return { value: ratio(measures.marketingSpendFen, measures.newMembers), figures: own };
  }
}

/**
 * The breakdowns a KPI can be cut by; a KPI not listed takes them all. Campaign spend is recorded per send to a member, so it can
 * follow the member's join channel, and spend outside campaigns is recorded for a channel or for all of them; a tier, city
 * tier or segment of spend is not something anyone budgets by.
 * SPEND_PER_MEMBER divides spend, counted in the groups members were in at the time (the KPI facts), by members counted
 * in their groups now: the two agree only for the join channel, which never changes (docs/kpis.md).
 */
export const breakdownsOfKpi: Partial<Record<KpiName, readonly KpiBreakdown[]>> = {
  ACQUISITION_COST: ["NONE", "CHANNEL"],
  SPEND_PER_MEMBER: ["NONE", "CHANNEL"],
};

/** The figure names of a KPI's points, in order: the CSV export's columns. */
export function figureNamesOfKpi(kpi: KpiName): string[] {
  const extra = kpi === "STICKINESS" ? ["days"] : kpi === "POINTS_LIABILITY" ? ["pointValueFen"] : [];
  return [...measuresOfKpi[kpi], ...extra];
}
