// Sums the measures KPIs are made of, per period and group: activity from the programme-wide KPI facts (a few rows
// per period and group, kept as events arrive), joins from the members' join times, and points held from the daily
// points facts (without a breakdown) or the points by group (by one).
// Only the measures a KPI needs are asked for.
import type { DataSource } from "typeorm";
import { numberFromDatabase, timeToDatabase } from "../../database/raw-values";
import {
  emptyMeasures, periodIndexOfDay, pointsAtEnds, programmeScheme, type KpiBreakdown, type KpiCounterName, type KpiCounters, type KpiGranularity, type KpiMeasureName, type KpiMeasures, type KpiPeriod,
} from "../../engine/analytics";
import { readFactSums } from "./kpi-fact-store";
import { breakdownSql, factGroups, groupLabel, localDaySql } from "./kpi-sql";
import { readPointsByDay } from "./kpi-points-facts";
import { readPointsByGroup } from "./points-by-group";
import { readDailySums } from "./kpi-daily-sums";
import { segmentJoinsMeasure } from "./segment-joins";
import { readMarketingSpend } from "./marketing-spend";

/** Measures per group, one entry per period in series order. */
export type MeasuresByGroup = Map<string, KpiMeasures[]>;

export interface MeasureRequest {
  granularity: KpiGranularity;
  periods: readonly KpiPeriod[];
  /** The period before the first (index -1): where the first period's retention starts from. */
  periodBefore: KpiPeriod;
  breakdown: KpiBreakdown;
  /** The segment scheme of a SEGMENT breakdown. */
  schemeId: number | null;
  measures: readonly KpiMeasureName[];
}

type Row = Record<string, unknown>;

/** The measures the programme-wide facts give, and the counter each is read from. */
const factMeasures: Partial<Record<KpiMeasureName, KpiCounterName>> = {
  membersWithLogin: "loginMembers",
  loginMemberDays: "loginDays",
  membersWithLoginOrOrder: "activeMembers",
  spendFen: "spend",
  orders: "orders",
  logins: "logins",
  interactions: "interactions",
  membersWithOrder: "orderMembers",
  membersWithRepeatOrder: "repeatMembers",
  retained: "retained",
};

export class KpiMeasureReader {
  constructor(
    private readonly dataSource: DataSource,
    private readonly utcOffsetMinutes: number,
  ) {}

  async read(request: MeasureRequest): Promise<MeasuresByGroup> {
    const byGroup: MeasuresByGroup = new Map();
    const wanted = new Set(request.measures);
    const add = measureAdder(byGroup, request.periods.length);
    const fromFacts = (Object.keys(factMeasures) as KpiMeasureName[]).filter((name) => wanted.has(name));
    const retention = wanted.has("activeBefore") || wanted.has("retained") || wanted.has("lost");
    if (fromFacts.length > 0 || retention) await this.readFacts(request, fromFacts, retention, add);
    // Spend recorded for all channels is shared out by new members: the joins are read first.
    const spend = wanted.has("marketingSpendFen");
    if (wanted.has("newMembers") || wanted.has("membersAtStart") || wanted.has("members") || spend) await this.readJoins(request, add);
    if (wanted.has("outstandingPoints")) await this.readOutstandingPoints(request, add);
    if (spend) {
      const newMembers = (period: number) => new Map([...byGroup].map(([group, series]) => [group, series[period].newMembers]));
      await readMarketingSpend(this.dataSource, this.utcOffsetMinutes, request, newMembers, add);
    }
    return byGroup;
  }

  /**
   * The activity measures from the programme-wide facts (docs/kpis.md), one statement over a few rows per period
   * and group. Retention reads the period before the first too: a period's members active before are the previous
   * period's active members of the same group. A segment breakdown reads the programme's totals beside the scheme's
   * placed segments: members who were in no segment of the scheme are the difference.
   */
  private async readFacts(request: MeasureRequest, names: KpiMeasureName[], retention: boolean, add: Adder): Promise<void> {
    const { periods, breakdown } = request;
    const counters = new Set<KpiCounterName>(names.map((name) => factMeasures[name]!));
    if (retention) counters.add("activeMembers").add("retained");
    const groups = await factGroups(this.dataSource, breakdown, request.schemeId);
    const sums = await readFactSums(this.dataSource, {
      granularity: request.granularity,
      fromDay: retention ? request.periodBefore.firstDay : periods[0].firstDay,
      toDay: periods[periods.length - 1].endDay,
      schemeIds: groups.schemeIds,
      groupColumn: groups.column,
      counters: [...counters],
    });
    const periodOfDay = new Map<number, number>([[request.periodBefore.firstDay, -1], ...periods.map((period) => [period.firstDay, period.index] as [number, number])]);
    // Per group, the counters of each period, index + 1 (0 is the period before the first).
    const table = new Map<string, Partial<KpiCounters>[]>();
    // Groups with facts in the series' periods get a point in each (zeros included), as do groups with members
    // active in the period before when retention is asked for.
    const inSeries = new Set<string>();
    const put = (group: string, period: number, values: Partial<KpiCounters>, sign: number) => {
      const row = table.get(group) ?? Array.from({ length: periods.length + 1 }, (): Partial<KpiCounters> => ({}));
      table.set(group, row);
      // The period before counts too when it had active members: their retention and churn are this series' points.
      if (period >= 0 || (retention && (values.activeMembers ?? 0) !== 0)) inSeries.add(group);
      for (const [name, value] of Object.entries(values) as [KpiCounterName, number][]) row[period + 1][name] = (row[period + 1][name] ?? 0) + sign * value;
    };
    for (const sum of sums) {
      const period = periodOfDay.get(sum.periodFirstDay);
      if (period === undefined) continue;
      if (breakdown === "SEGMENT") {
        // The scheme's rows count in their segment and come off the programme's total, which leaves the unplaced.
        put("UNPLACED", period, sum.counters, sum.schemeId === programmeScheme ? 1 : -1);
        if (sum.schemeId !== programmeScheme) put(groups.label(sum.group), period, sum.counters, 1);
      } else put(groups.label(sum.group), period, sum.counters, 1);
    }
    for (const [group, row] of table) {
      if (!inSeries.has(group)) continue;
      for (const period of periods) {
        const counters = row[period.index + 1];
        const before = row[period.index];
        const values: Partial<KpiMeasures> = Object.fromEntries(names.map((name) => [name, counters[factMeasures[name]!] ?? 0]));
        if (retention) {
          const activeBefore = before.activeMembers ?? 0;
          const retained = counters.retained ?? 0;
          Object.assign(values, { activeBefore, retained, lost: activeBefore - retained });
        }
        add(group, period.index, values);
      }
    }
  }

  /**
   * Members joined per local day (folded into periods here), and the members who joined before the series: a
   * period's members at its start, and at its end (those plus its new members).
   */
  private async readJoins(request: MeasureRequest, add: Adder): Promise<void> {
    if (request.breakdown === "SEGMENT") return this.readJoinsBySegment(request, add);
    const { periods } = request;
    const start = periods[0].start;
    const end = periods[periods.length - 1].end;
    const groups = breakdownSql(request.breakdown, "m.id", request.schemeId, "m");
    const day = localDaySql(this.dataSource, "m.joined_at", this.utcOffsetMinutes);
    const joinedRows: Row[] = await this.dataSource.query(
      `SELECT ${day} AS local_day, ${groups.group} AS group_value, COUNT(*) AS members
         FROM members m ${groups.sql}
        WHERE m.joined_at >= ? AND m.joined_at < ?
        GROUP BY local_day, group_value`,
      [...groups.parameters, timeToDatabase(this.dataSource, start), timeToDatabase(this.dataSource, end)],
    );
    const beforeRows: Row[] = await this.dataSource.query(
      `SELECT ${groups.group} AS group_value, COUNT(*) AS members FROM members m ${groups.sql} WHERE m.joined_at < ? GROUP BY group_value`,
      [...groups.parameters, timeToDatabase(this.dataSource, start)],
    );
    const joinedPerPeriod = new Map<string, number[]>();
    for (const row of joinedRows) {
      const group = groupLabel(request.breakdown, row.group_value);
      const period = periodIndexOfDay(periods, numberFromDatabase(row.local_day));
      const counts = joinedPerPeriod.get(group) ?? periods.map(() => 0);
      joinedPerPeriod.set(group, counts);
      if (period >= 0) counts[period] += numberFromDatabase(row.members);
    }
    const before = new Map(beforeRows.map((row) => [groupLabel(request.breakdown, row.group_value), numberFromDatabase(row.members)]));
    addJoins(periods, joinedPerPeriod, before, add);
  }

  /**
   * Joins by the members' segment in the scheme now, from the segments' joins by local join day (segment-joins.ts, a
   * few thousand rows) and everyone's joins as NONE counts them: the unplaced are everyone less the placed.
   */
  private async readJoinsBySegment(request: MeasureRequest, add: Adder): Promise<void> {
    const { periods } = request;
    const everyone = periods.map(() => ({ newMembers: 0, membersAtStart: 0 }));
    await this.readJoins({ ...request, breakdown: "NONE", schemeId: null }, (_group, period, values) => {
      if (period >= 0 && period < periods.length) everyone[period] = { newMembers: values.newMembers ?? 0, membersAtStart: values.membersAtStart ?? 0 };
    });
    const segments: Row[] = await this.dataSource.query("SELECT id, code FROM segments WHERE scheme_id = ?", [request.schemeId]);
    const codes = new Map(segments.map((segment) => [String(segment.id), String(segment.code)]));
    const prefix = `${request.schemeId}:`;
    const joinedPerPeriod = new Map<string, number[]>();
    const before = new Map<string, number>();
    for (const sum of await readDailySums(this.dataSource.manager, segmentJoinsMeasure, periods[periods.length - 1].endDay)) {
      if (!sum.groupKey.startsWith(prefix) || sum.amount === 0) continue;
      const segmentId = sum.groupKey.slice(prefix.length);
      const group = codes.get(segmentId) ?? `SEGMENT_${segmentId}`;
      if (sum.day < periods[0].firstDay) {
        before.set(group, (before.get(group) ?? 0) + sum.amount);
        continue;
      }
      const counts = joinedPerPeriod.get(group) ?? periods.map(() => 0);
      joinedPerPeriod.set(group, counts);
      const period = periodIndexOfDay(periods, sum.day);
      if (period >= 0) counts[period] += sum.amount;
    }
    const unplaced = groupLabel("SEGMENT", null);
    const placedBefore = [...before.values()].reduce((total, members) => total + members, 0);
    const unplacedJoined = periods.map((period) => everyone[period.index].newMembers - [...joinedPerPeriod.values()].reduce((total, counts) => total + counts[period.index], 0));
    if (everyone[0].membersAtStart - placedBefore !== 0) before.set(unplaced, everyone[0].membersAtStart - placedBefore);
    if (unplacedJoined.some((members) => members !== 0)) joinedPerPeriod.set(unplaced, unplacedJoined);
    addJoins(periods, joinedPerPeriod, before, add);
  }


  /**
   * Points held at each period's end. Without a breakdown: the programme's daily points facts summed up to each
   * end (kpi-points-facts.ts), a few hundred rows whatever the number of members. By a breakdown: the points by group
   * (points-by-group.ts), the points the members in each group held at each end, summed over the days before it from
   * the daily sums of measure 'points' (a row per day and group, in one statement). A scheme's unplaced members hold
   * the programme's points (the channels', every member has one) less its segments'.
   */
  private async readOutstandingPoints(request: MeasureRequest, add: Adder): Promise<void> {
    const { periods, breakdown } = request;
    const endDays = periods.map((period) => period.endDay);
    if (breakdown === "NONE") {
      // Periods are in order and their end days rise: one walk over the days adds up each period's total.
      const days = await readPointsByDay(this.dataSource.manager, endDays[endDays.length - 1]);
      let outstanding = 0;
      let next = 0;
      for (const period of periods) {
        while (next < days.length && days[next].day < period.endDay) outstanding += days[next++].points;
        add("ALL", period.index, { outstandingPoints: outstanding });
      }
      return;
    }
    const held = pointsAtEnds(await readPointsByGroup(this.dataSource.manager, endDays[endDays.length - 1]), endDays);
    const groups = await factGroups(this.dataSource, breakdown, request.schemeId);
    const prefix = { CHANNEL: "channel:", CITY_TIER: "city:", TIER: "tier:", SEGMENT: `segment:${request.schemeId}:` }[breakdown];
    const unplaced = periods.map(() => 0);
    for (const [groupKey, points] of held) {
      if (breakdown === "SEGMENT" && groupKey.startsWith("channel:")) points.forEach((value, index) => (unplaced[index] += value));
      if (!groupKey.startsWith(prefix)) continue;
      const group = groups.label(groupKey.slice(prefix.length));
      points.forEach((outstandingPoints, index) => add(group, index, { outstandingPoints }));
      if (breakdown === "SEGMENT") points.forEach((value, index) => (unplaced[index] -= value));
    }
    if (unplaced.some((points) => points !== 0)) unplaced.forEach((outstandingPoints, index) => add("UNPLACED", index, { outstandingPoints }));
  }
}

export type Adder = (group: string, period: number, values: Partial<KpiMeasures>) => void;

/** Each group's new members per period and its members at each period's start and end, from the joins per period and the members before. */
function addJoins(periods: readonly KpiPeriod[], joinedPerPeriod: ReadonlyMap<string, number[]>, before: ReadonlyMap<string, number>, add: Adder): void {
  for (const group of new Set([...joinedPerPeriod.keys(), ...before.keys()])) {
    const counts = joinedPerPeriod.get(group) ?? periods.map(() => 0);
    let membersAtStart = before.get(group) ?? 0;
    for (const period of periods) {
      add(group, period.index, { newMembers: counts[period.index], membersAtStart, members: membersAtStart + counts[period.index] });
      membersAtStart += counts[period.index];
    }
  }
}

/** Adds measures into a group's period (created with zeros in every period), ignoring periods outside the series. */
export function measureAdder(byGroup: MeasuresByGroup, periods: number): Adder {
  return (group, period, values) => {
    if (period < 0 || period >= periods) return;
    const series = byGroup.get(group) ?? Array.from({ length: periods }, () => emptyMeasures());
    byGroup.set(group, series);
    const target = series[period];
    for (const [name, value] of Object.entries(values) as [KpiMeasureName, number][]) target[name] += value;
  };
}
