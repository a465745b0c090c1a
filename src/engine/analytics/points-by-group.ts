// Points held by group, for POINTS_LIABILITY by a breakdown (docs/kpis.md): the daily sums of measure 'points' keep,
// per group and local day, what entered and left the group. A ledger entry adds its amount to each of the member's
// groups; when the member moves group their balance leaves the old group and enters the new one. The points a group
// held at the start of a day are then the sums of its days before it, and equal the balances of the members who
// were in it. Pure: groups and amounts in, daily changes out.
import { segmentsFromText, segmentsText, type KpiGroups } from "./kpi-facts";

export const pointsMeasure = "points";

/** A change of a group's points on a local day (kpi_daily_changes with measure 'points'). */
export interface PointsChange {
  groupKey: string;
  day: number;
  amount: number;
}

/**
 * The groups' keys: `channel:<join channel>`, `city:<1-3>` (`city:0` when not given), `tier:<tier id>`, and
 * `segment:<scheme id>:<segment id>` for each scheme the member is placed in. A scheme's unplaced members have no key:
 * their points are the programme's (the channels' sum, every member has one channel) less the scheme's segments'.
 */
export function pointsGroupKeys(groups: KpiGroups): string[] {
  const keys = [`channel:${groups.channel}`, `city:${groups.cityTier}`, `tier:${groups.tierId}`];
  for (const [schemeId, segmentId] of [...groups.segments].sort(([first], [second]) => first - second)) keys.push(`segment:${schemeId}:${segmentId}`);
  return keys;
}

/**
 * The groups where a member's points count, as point_accounts.kpi_groups keeps them: `channel|cityTier|tierId|segments`
 * with segments as `schemeId:segmentId` pairs joined by `;` (in any order; the migration writes them as the
 * database aggregates them).
 */
export function pointsGroupsText(groups: KpiGroups): string {
  return `${groups.channel}|${groups.cityTier}|${groups.tierId}|${segmentsText(groups.segments)}`;
}

export function pointsGroupsFromText(text: string): KpiGroups {
  const [channel, cityTier, tierId, segments = ""] = text.split("|");
  if (channel === undefined || cityTier === undefined || tierId === undefined) throw new Error(`Not a points groups text: "${text}"`);
  return { channel, cityTier: Number(cityTier), tierId: Number(tierId), segments: segmentsFromText(segments) };
}

/** A ledger entry of `amount` points on `day` adds to each of the member's groups. */
export function entryPointsChanges(groups: KpiGroups, day: number, amount: number): PointsChange[] {
  if (amount === 0) return [];
  return pointsGroupKeys(groups).map((groupKey) => ({ groupKey, day, amount }));
}

/**
 * A member holding `points` moves from the groups `before` to the groups `after` on `day`: the points leave every
 * group they are no longer in and enter every group they are newly in. Nothing for the groups they stay in.
 */
export function regroupPointsChanges(before: KpiGroups, after: KpiGroups, points: number, day: number): PointsChange[] {
  if (points === 0) return [];
  const from = new Set(pointsGroupKeys(before));
  const to = new Set(pointsGroupKeys(after));
  return [
    ...[...from].filter((key) => !to.has(key)).map((groupKey) => ({ groupKey, day, amount: -points })),
    ...[...to].filter((key) => !from.has(key)).map((groupKey) => ({ groupKey, day, amount: points })),
  ];
}

export function sameGroups(first: KpiGroups, second: KpiGroups): boolean {
  return pointsGroupKeys(first).join(" ") === pointsGroupKeys(second).join(" ");
}

/**
 * A member's history walked in time order (the migration's backfill and the demo seed): entries add to the groups
 * held at their time; a change of groups at time t carries the balance of every entry up to t, those at t
 * included (an order's points are earned at the tier it was placed in, and its upgrade carries them).
 */
export interface TimedEntry {
  at: number;
  amount: number;
}

export interface TimedRegroup {
  at: number;
  /** The member's groups from `at` on. */
  groups: KpiGroups;
}

export function memberPointsChanges(initial: KpiGroups, entries: readonly TimedEntry[], regroups: readonly TimedRegroup[], dayOf: (at: number) => number): { changes: PointsChange[]; final: KpiGroups } {
  const sortedEntries = [...entries].sort((first, second) => first.at - second.at);
  // Regroups keep their order among themselves (several at one instant follow each other).
  const sortedRegroups = regroups.map((regroup, index) => ({ regroup, index })).sort((first, second) => first.regroup.at - second.regroup.at || first.index - second.index).map(({ regroup }) => regroup);
  const changes: PointsChange[] = [];
  let groups = initial;
  let balance = 0;
  let next = 0;
  for (const entry of sortedEntries) {
    while (next < sortedRegroups.length && sortedRegroups[next].at < entry.at) {
      changes.push(...regroupPointsChanges(groups, sortedRegroups[next].groups, balance, dayOf(sortedRegroups[next].at)));
      groups = sortedRegroups[next++].groups;
    }
    changes.push(...entryPointsChanges(groups, dayOf(entry.at), entry.amount));
    balance += entry.amount;
  }
  for (; next < sortedRegroups.length; next += 1) {
    changes.push(...regroupPointsChanges(groups, sortedRegroups[next].groups, balance, dayOf(sortedRegroups[next].at)));
    groups = sortedRegroups[next].groups;
  }
  return { changes, final: groups };
}

/** Changes of the same group and day added together, zeros left out. */
export function sumPointsChanges(changes: readonly PointsChange[]): PointsChange[] {
  const sums = new Map<string, PointsChange>();
  for (const change of changes) {
    const key = `${change.groupKey} ${change.day}`;
    const sum = sums.get(key);
    if (sum) sum.amount += change.amount;
    else sums.set(key, { ...change });
  }
  return [...sums.values()].filter((change) => change.amount !== 0);
}

/**
 * The points each group held at the start of each end day (ascending): the sums of its days before it. `sums` are
 * per day and group, in any order. Groups whose points are zero at every end are left out.
 */
export function pointsAtEnds(sums: readonly { day: number; groupKey: string; amount: number }[], endDays: readonly number[]): Map<string, number[]> {
  const sorted = [...sums].sort((first, second) => first.day - second.day);
  const held = new Map<string, number>();
  const result = new Map<string, number[]>();
  let next = 0;
  for (const [index, endDay] of endDays.entries()) {
    while (next < sorted.length && sorted[next].day < endDay) {
      held.set(sorted[next].groupKey, (held.get(sorted[next].groupKey) ?? 0) + sorted[next].amount);
      next += 1;
    }
    for (const [groupKey, points] of held) {
      if (points === 0 && !result.has(groupKey)) continue;
      const series = result.get(groupKey) ?? endDays.map(() => 0);
      series[index] = points;
      result.set(groupKey, series);
    }
  }
  return result;
}
