// A member's part in the programme-wide KPI facts: for each local day, ISO week and local month, what the member
// adds to the counters of the groups they were in. Distinct-member counts (members with a login, buyers, repeat
// buyers, actives, retained) are 0 or 1 per member and period, so the programme's facts are plain sums and a KPI
// query reads a few hundred rows instead of every member's days.
//
// A member counts, for a whole period, in the groups of their first day row in that period: the groups they were in
// when that row was written (kept on the row). Groups partition the members of every period, so a breakdown's
// groups add up to the total. Retention credits the groups of the previous period's first row, where the member
// was counted active, so a group's retained members never exceed its active members of the period before.
//
// The service keeps the facts by difference: the member's part in the touched periods before an event, taken from
// the part after it. Pure: rows in, facts out.
import { factPeriodEndDay, factPeriodFirstDay, factPreviousPeriodFirstDay, type KpiGranularity } from "./kpi-periods";

/** A member's groups when a day row was written. City tier 0: not given. Segments: scheme id → segment id. */
export interface KpiGroups {
  channel: string;
  cityTier: number;
  tierId: number;
  segments: ReadonlyMap<number, number>;
}

/** The day row's facts that KPIs read. */
export interface MemberKpiDay {
  day: number;
  logins: number;
  orders: number;
  spend: number;
  interactions: number;
  groups: KpiGroups;
}

/** Facts keyed by programme-wide groups (scheme 0), by segment of a scheme (scheme id), or by join month. */
export const programmeScheme = 0;
export const joinMonthScheme = -1;

export const kpiCounterNames = ["logins", "interactions", "orders", "spend", "loginDays", "loginMembers", "activeMembers", "orderMembers", "repeatMembers", "retained"] as const;
export type KpiCounterName = (typeof kpiCounterNames)[number];
export type KpiCounters = Record<KpiCounterName, number>;

/**
 * A row of the facts. Scheme 0 rows carry channel, city tier and tier (segment 0); a scheme's rows carry the
 * segment (other columns empty); join-month rows (monthly only) carry the member's join month's first day as
 * `segmentId`.
 */
export interface KpiFactKey {
  granularity: KpiGranularity;
  periodFirstDay: number;
  schemeId: number;
  channel: string;
  cityTier: number;
  tierId: number;
  segmentId: number;
}

export interface KpiFact {
  key: KpiFactKey;
  counters: KpiCounters;
}

export interface FactPeriod {
  granularity: KpiGranularity;
  firstDay: number;
}

const factGranularities: readonly KpiGranularity[] = ["DAY", "WEEK", "MONTH"];

export function emptyCounters(): KpiCounters {
  return { logins: 0, interactions: 0, orders: 0, spend: 0, loginDays: 0, loginMembers: 0, activeMembers: 0, orderMembers: 0, repeatMembers: 0, retained: 0 };
}

/** The periods a change to these days can alter: each day's own period, and the next one, whose retention looks back. */
export function periodsTouchedBy(days: Iterable<number>): FactPeriod[] {
  const periods = new Map<string, FactPeriod>();
  for (const day of days) {
    for (const granularity of factGranularities) {
      const firstDay = factPeriodFirstDay(day, granularity);
      for (const periodFirstDay of [firstDay, factPeriodEndDay(firstDay, granularity)]) periods.set(`${granularity}:${periodFirstDay}`, { granularity, firstDay: periodFirstDay });
    }
  }
  return [...periods.values()];
}

/** The days [fromDay, toDay) of rows the facts of these periods depend on: each period and the one before it. */
export function daysNeededFor(periods: readonly FactPeriod[]): { fromDay: number; toDay: number } {
  let fromDay = Number.POSITIVE_INFINITY;
  let toDay = Number.NEGATIVE_INFINITY;
  for (const period of periods) {
    fromDay = Math.min(fromDay, factPreviousPeriodFirstDay(period.firstDay, period.granularity));
    toDay = Math.max(toDay, factPeriodEndDay(period.firstDay, period.granularity));
  }
  return { fromDay, toDay };
}

export function factKeyText(key: KpiFactKey): string {
  return `${key.granularity}|${key.periodFirstDay}|${key.schemeId}|${key.channel}|${key.cityTier}|${key.tierId}|${key.segmentId}`;
}

function factKeyFromText(text: string): KpiFactKey {
  const [granularity, periodFirstDay, schemeId, channel, cityTier, tierId, segmentId] = text.split("|");
  return { granularity: granularity as KpiGranularity, periodFirstDay: Number(periodFirstDay), schemeId: Number(schemeId), channel, cityTier: Number(cityTier), tierId: Number(tierId), segmentId: Number(segmentId) };
}

/** Adds counters into the fact of a key given as text, creating it (a rebuild adds hundreds of millions: no copies). */
function addToFactText(facts: Map<string, KpiFact>, text: string, counters: Partial<KpiCounters>, sign: number): void {
  let fact = facts.get(text);
  if (!fact) {
    fact = { key: factKeyFromText(text), counters: emptyCounters() };
    facts.set(text, fact);
  }
  const target = fact.counters;
  for (const name of kpiCounterNames) {
    const value = counters[name];
    if (value) target[name] += sign * value;
  }
}

/** Adds counters into the fact of a key, creating it. */
export function addToFacts(facts: Map<string, KpiFact>, key: KpiFactKey, counters: Partial<KpiCounters>, sign = 1): void {
  addToFactText(facts, factKeyText(key), counters, sign);
}

/** The end of each key a member in these groups counts under (after granularity and period): programme-wide, then each placed segment. */
const groupKeyEnds = new WeakMap<KpiGroups, string[]>();

function keyEndsOf(groups: KpiGroups): string[] {
  let ends = groupKeyEnds.get(groups);
  if (!ends) {
    ends = [`${programmeScheme}|${groups.channel}|${groups.cityTier}|${groups.tierId}|0`];
    for (const [schemeId, segmentId] of groups.segments) ends.push(`${schemeId}||0|0|${segmentId}`);
    groupKeyEnds.set(groups, ends);
  }
  return ends;
}

/** Adds counters under every key a member in these groups counts under in a period, the join month's among them. */
function addForGroups(facts: Map<string, KpiFact>, period: FactPeriod, groups: KpiGroups, joinMonthFirstDay: number | null, counters: Partial<KpiCounters>): void {
  const start = `${period.granularity}|${period.firstDay}|`;
  for (const end of keyEndsOf(groups)) addToFactText(facts, start + end, counters, 1);
  if (period.granularity === "MONTH" && joinMonthFirstDay !== null) addToFactText(facts, `${start}${joinMonthScheme}||0|0|${joinMonthFirstDay}`, counters, 1);
}

const isActive = (day: MemberKpiDay) => day.logins > 0 || day.orders > 0;

/** The index of the first row on or after `day`, in rows sorted by day (binary search: a rebuild walks every member's history). */
function firstRowFrom(days: readonly MemberKpiDay[], day: number): number {
  let low = 0;
  let high = days.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (days[middle].day < day) low = middle + 1;
    else high = middle;
  }
  return low;
}

const retainedOnce: Partial<KpiCounters> = { retained: 1 };

/**
 * The member's facts in the given periods, from their day rows (sorted by day, covering `daysNeededFor(periods)`),
 * added into `into` (a new map by default). `joinMonthFirstDay`: the first day of the member's join month (join
 * cohorts), null to leave them out.
 */
export function memberKpiFacts(days: readonly MemberKpiDay[], periods: readonly FactPeriod[], joinMonthFirstDay: number | null, into = new Map<string, KpiFact>()): Map<string, KpiFact> {
  for (const period of periods) {
    const endDay = factPeriodEndDay(period.firstDay, period.granularity);
    const first = firstRowFrom(days, period.firstDay);
    if (first >= days.length || days[first].day >= endDay) continue;
    const counters = emptyCounters();
    let active = false;
    for (let index = first; index < days.length && days[index].day < endDay; index += 1) {
      const row = days[index];
      counters.logins += row.logins;
      counters.interactions += row.interactions;
      counters.orders += row.orders;
      counters.spend += row.spend;
      if (row.logins > 0) counters.loginDays += 1;
      if (isActive(row)) active = true;
    }
    counters.loginMembers = counters.loginDays > 0 ? 1 : 0;
    counters.orderMembers = counters.orders > 0 ? 1 : 0;
    counters.repeatMembers = counters.orders >= 2 ? 1 : 0;
    counters.activeMembers = active ? 1 : 0;
    addForGroups(into, period, days[first].groups, joinMonthFirstDay, counters);
    if (!active) continue;
    const previousFirstDay = factPreviousPeriodFirstDay(period.firstDay, period.granularity);
    const previousFirst = firstRowFrom(days, previousFirstDay);
    let activeBefore = false;
    for (let index = previousFirst; index < days.length && days[index].day < period.firstDay && !activeBefore; index += 1) activeBefore = isActive(days[index]);
    if (activeBefore) addForGroups(into, period, days[previousFirst].groups, joinMonthFirstDay, retainedOnce);
  }
  return into;
}

/** What changed between two sets of facts (after − before), without the keys that did not move. */
export function factDifference(before: ReadonlyMap<string, KpiFact>, after: ReadonlyMap<string, KpiFact>): KpiFact[] {
  const difference = new Map<string, KpiFact>();
  for (const [text, fact] of after) addToFactText(difference, text, fact.counters, 1);
  for (const [text, fact] of before) addToFactText(difference, text, fact.counters, -1);
  return [...difference.values()].filter((fact) => kpiCounterNames.some((name) => fact.counters[name] !== 0));
}

/** Segments as a row keeps them: "schemeId:segmentId" pairs joined by ";", in scheme order. */
export function segmentsText(segments: ReadonlyMap<number, number>): string {
  return [...segments].sort(([first], [second]) => first - second).map(([schemeId, segmentId]) => `${schemeId}:${segmentId}`).join(";");
}

export function segmentsFromText(text: string): Map<number, number> {
  const segments = new Map<number, number>();
  for (const pair of text.split(";")) {
    if (pair === "") continue;
    const [schemeId, segmentId] = pair.split(":").map(Number);
    segments.set(schemeId, segmentId);
  }
  return segments;
}
