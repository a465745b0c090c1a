// Sums the measures KPIs are made of, per period and group, from the daily facts (member_daily_activity), the
// members' join times, and the points ledger (or, without a breakdown, its daily points facts). Each query reads
// only the periods' range through an index; only the measures a KPI needs are asked for. The daily facts are joined
// to the periods with no other bound on the day: with one, SQLite's planner searched the whole series' range once
// per period instead of each period's own days.
import type { DataSource } from "typeorm";
import { numberFromDatabase, timeToDatabase } from "../../database/raw-values";
import { emptyMeasures, periodIndexOfDay, type KpiBreakdown, type KpiMeasureName, type KpiMeasures, type KpiPeriod } from "../../engine/analytics";
import { readPointsByDay } from "./kpi-points-facts";
import { breakdownSql, groupLabel, localDaySql, periodsTableSql } from "./kpi-sql";
import { readMarketingSpend } from "./marketing-spend";

/** Measures per group, one entry per period in series order. */
export type MeasuresByGroup = Map<string, KpiMeasures[]>;

export interface MeasureRequest {
  periods: readonly KpiPeriod[];
  /** The period before the first (index -1): where the first period's retention starts from. */
  periodBefore: KpiPeriod;
  breakdown: KpiBreakdown;
  /** The segment scheme of a SEGMENT breakdown. */
  schemeId: number | null;
  measures: readonly KpiMeasureName[];
}

type Row = Record<string, unknown>;

/** Distinct-member counts need the period in SQL; sums of daily activity could be folded later but share the scan. */
const activityColumns: Partial<Record<KpiMeasureName, string>> = {
  membersWithLogin: "COUNT(DISTINCT CASE WHEN a.logins > 0 THEN a.member_id END)",
  loginMemberDays: "SUM(CASE WHEN a.logins > 0 THEN 1 ELSE 0 END)",
  membersWithLoginOrOrder: "COUNT(DISTINCT CASE WHEN a.logins > 0 OR a.orders > 0 THEN a.member_id END)",
  spendFen: "SUM(a.spend)",
  orders: "SUM(a.orders)",
  logins: "SUM(a.logins)",
  interactions: "SUM(a.interactions)",
};

export class KpiMeasureReader {
  constructor(
    private readonly dataSource: DataSource,
    private readonly utcOffsetMinutes: number,
  ) {}

  async read(request: MeasureRequest): Promise<MeasuresByGroup> {
    const byGroup: MeasuresByGroup = new Map();
    const wanted = new Set(request.measures);
    const add = (group: string, period: number, values: Partial<KpiMeasures>) => {
      if (period < 0 || period >= request.periods.length) return;
      const series = byGroup.get(group) ?? request.periods.map(() => emptyMeasures());
      byGroup.set(group, series);
      const target = series[period];
      for (const [name, value] of Object.entries(values) as [KpiMeasureName, number][]) target[name] += value;
    };
    const activity = Object.keys(activityColumns).filter((name) => wanted.has(name as KpiMeasureName)) as KpiMeasureName[];
    if (activity.length > 0) await this.readActivity(request, activity, add);
    if (wanted.has("membersWithOrder") || wanted.has("membersWithRepeatOrder")) await this.readBuyers(request, add);
    if (wanted.has("newMembers") || wanted.has("membersAtStart")) await this.readJoins(request, add);
    if (wanted.has("outstandingPoints")) await this.readOutstandingPoints(request, add);
    if (wanted.has("activeBefore") || wanted.has("retained") || wanted.has("lost")) await this.readRetention(request, add);
    if (wanted.has("marketingSpendFen")) await readMarketingSpend(this.dataSource, this.utcOffsetMinutes, request, add);
    return byGroup;
  }

  private async readActivity(request: MeasureRequest, names: KpiMeasureName[], add: Adder): Promise<void> {
    const { periods } = request;
    const table = periodsTableSql(periods);
    const groups = breakdownSql(request.breakdown, "a.member_id", request.schemeId);
    const rows: Row[] = await this.dataSource.query(
      `SELECT p.period AS period, ${groups.group} AS group_value, ${names.map((name) => `${activityColumns[name]} AS ${name}`).join(", ")}
         FROM ${table.sql} p
         JOIN member_daily_activity a ON a.day >= p.first_day AND a.day < p.end_day
         ${groups.sql}
        GROUP BY p.period, group_value`,
      [...table.parameters, ...groups.parameters],
    );
    for (const row of rows) {
      add(groupLabel(request.breakdown, row.group_value), numberFromDatabase(row.period), Object.fromEntries(names.map((name) => [name, numberFromDatabase(row[name] ?? 0)])));
    }
  }

  /** Members with an order in the period, and those with two or more: orders summed per member first. */
  private async readBuyers(request: MeasureRequest, add: Adder): Promise<void> {
    const { periods } = request;
    const table = periodsTableSql(periods);
    const groups = breakdownSql(request.breakdown, "buyer.member_id", request.schemeId);
    const rows: Row[] = await this.dataSource.query(
      `SELECT buyer.period AS period, ${groups.group} AS group_value, COUNT(*) AS buyers, SUM(CASE WHEN buyer.orders >= 2 THEN 1 ELSE 0 END) AS repeat_buyers
         FROM (SELECT p.period AS period, a.member_id AS member_id, SUM(a.orders) AS orders
                 FROM ${table.sql} p
                 JOIN member_daily_activity a ON a.day >= p.first_day AND a.day < p.end_day
                WHERE a.orders > 0
                GROUP BY p.period, a.member_id) buyer
         ${groups.sql}
        GROUP BY buyer.period, group_value`,
      [...table.parameters, ...groups.parameters],
    );
    for (const row of rows) {
      add(groupLabel(request.breakdown, row.group_value), numberFromDatabase(row.period), {
        membersWithOrder: numberFromDatabase(row.buyers),
        membersWithRepeatOrder: numberFromDatabase(row.repeat_buyers ?? 0),
      });
    }
  }

  /**
   * Members active (a login or an order) in the period before each period, and how many of them are active in the
   * period itself. Distinct active members per period are listed once over the series and the period before it,
   * then each period's list is matched with the next period's.
   */
  private async readRetention(request: MeasureRequest, add: Adder): Promise<void> {
    const { periods } = request;
    const table = periodsTableSql([request.periodBefore, ...periods]);
    const groups = breakdownSql(request.breakdown, "earlier.member_id", request.schemeId);
    const activeMembers = `SELECT DISTINCT p.period AS period, a.member_id AS member_id
                             FROM ${table.sql} p
                             JOIN member_daily_activity a ON a.day >= p.first_day AND a.day < p.end_day
                            WHERE a.logins > 0 OR a.orders > 0`;
    // The last period's actives are nobody's "before" in this series.
    const rows: Row[] = await this.dataSource.query(
      `SELECT earlier.period + 1 AS period, ${groups.group} AS group_value, COUNT(*) AS active_before,
              SUM(CASE WHEN later.member_id IS NULL THEN 0 ELSE 1 END) AS retained
         FROM (${activeMembers}) earlier
         LEFT JOIN (${activeMembers}) later ON later.period = earlier.period + 1 AND later.member_id = earlier.member_id
         ${groups.sql}
        WHERE earlier.period < ?
        GROUP BY earlier.period, group_value`,
      [...table.parameters, ...table.parameters, ...groups.parameters, periods.length - 1],
    );
    for (const row of rows) {
      const activeBefore = numberFromDatabase(row.active_before);
      const retained = numberFromDatabase(row.retained ?? 0);
      add(groupLabel(request.breakdown, row.group_value), numberFromDatabase(row.period), { activeBefore, retained, lost: activeBefore - retained });
    }
  }

  /** Members joined per local day (folded into periods here), and the members who joined before the series. */
  private async readJoins(request: MeasureRequest, add: Adder): Promise<void> {
    const { periods } = request;
    const start = periods[0].start;
    const end = periods[periods.length - 1].end;
    const groups = breakdownSql(request.breakdown, "m.id", request.schemeId);
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
    const groupNames = new Set([...joinedPerPeriod.keys(), ...before.keys()]);
    for (const group of groupNames) {
      const counts = joinedPerPeriod.get(group) ?? periods.map(() => 0);
      let membersAtStart = before.get(group) ?? 0;
      for (const period of periods) {
        add(group, period.index, { newMembers: counts[period.index], membersAtStart });
        membersAtStart += counts[period.index];
      }
    }
  }

  /**
   * Points held at each period's end. Without a breakdown: the programme's daily points facts summed up to each
   * end (kpi-points-facts.ts), a few hundred rows whatever the number of members. By a breakdown (members' current
   * groups, which the facts do not keep): today's balances (point_accounts, the ledger's sums) less every entry
   * made at or after that end, which reads the accounts and the entries since the series began.
   */
  private async readOutstandingPoints(request: MeasureRequest, add: Adder): Promise<void> {
    const { periods } = request;
    if (request.breakdown === "NONE") {
      // Periods are in order and their end days rise: one walk over the days adds up each period's total.
      const days = await readPointsByDay(this.dataSource.manager, periods[periods.length - 1].endDay);
      let outstanding = 0;
      let next = 0;
      for (const period of periods) {
        while (next < days.length && days[next].day < period.endDay) outstanding += days[next++].points;
        add("ALL", period.index, { outstandingPoints: outstanding });
      }
      return;
    }
    const groups = breakdownSql(request.breakdown, "e.member_id", request.schemeId);
    const day = localDaySql(this.dataSource, "e.created_at", this.utcOffsetMinutes);
    const changeRows: Row[] = await this.dataSource.query(
      `SELECT ${day} AS local_day, ${groups.group} AS group_value, SUM(e.amount) AS points
         FROM point_entries e ${groups.sql}
        WHERE e.created_at >= ?
        GROUP BY local_day, group_value`,
      [...groups.parameters, timeToDatabase(this.dataSource, periods[0].start)],
    );
    const accountGroups = breakdownSql(request.breakdown, "e.member_id", request.schemeId);
    const balanceRows: Row[] = await this.dataSource.query(
      `SELECT ${accountGroups.group} AS group_value, SUM(e.balance) AS points FROM point_accounts e ${accountGroups.sql} GROUP BY group_value`,
      accountGroups.parameters,
    );
    const balances = new Map(balanceRows.map((row) => [groupLabel(request.breakdown, row.group_value), numberFromDatabase(row.points ?? 0)]));
    const changes = new Map<string, { day: number; points: number }[]>();
    for (const row of changeRows) {
      const group = groupLabel(request.breakdown, row.group_value);
      changes.set(group, [...(changes.get(group) ?? []), { day: numberFromDatabase(row.local_day), points: numberFromDatabase(row.points ?? 0) }]);
    }
    for (const group of new Set([...balances.keys(), ...changes.keys()])) {
      // Walk the periods from the last back, taking off the entries made on or after each period's end.
      const dayChanges = (changes.get(group) ?? []).sort((first, second) => second.day - first.day);
      let outstanding = balances.get(group) ?? 0;
      let next = 0;
      for (let index = periods.length - 1; index >= 0; index -= 1) {
        while (next < dayChanges.length && dayChanges[next].day >= periods[index].endDay) outstanding -= dayChanges[next++].points;
        add(group, index, { outstandingPoints: outstanding });
      }
    }
  }
}

type Adder = (group: string, period: number, values: Partial<KpiMeasures>) => void;
