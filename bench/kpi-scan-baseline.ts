// The KPI activity measures as the first version of issue 10 read them, kept as the benchmark's baseline: scans of
// the members' daily rows (member_daily_activity) per period, distinct members counted in SQL, groups by members'
// attributes now. The service reads the programme-wide KPI facts instead (src/services/analytics/kpi-measures.ts);
// the benchmark runs both on the same request, side by side, and checks they give the same figures.
import type { DataSource } from "typeorm";
import { numberFromDatabase } from "../src/database/raw-values";
import type { KpiMeasureName, KpiPeriod } from "../src/engine/analytics";
import { measureAdder, type Adder, type MeasureRequest, type MeasuresByGroup } from "../src/services/analytics/kpi-measures";
import { breakdownSql, groupLabel } from "../src/services/analytics/kpi-sql";

type Row = Record<string, unknown>;

/**
 * The periods as rows (period, first_day, end_day): joined on `day >= first_day AND day < end_day`, the planner
 * walks the day index once per period. UNION ALL rather than VALUES, which MySQL and MariaDB spell differently.
 */
function periodsTableSql(periods: readonly KpiPeriod[]): { sql: string; parameters: unknown[] } {
  const rows = periods.map((period) => `SELECT ${period.index} AS period, ${period.firstDay} AS first_day, ${period.endDay} AS end_day`);
  return { sql: `(${rows.join(" UNION ALL ")})`, parameters: [] };
}

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

export class KpiScanBaseline {
  constructor(private readonly dataSource: DataSource) {}

  async read(request: MeasureRequest): Promise<MeasuresByGroup> {
    const byGroup: MeasuresByGroup = new Map();
    const wanted = new Set(request.measures);
    const add = measureAdder(byGroup, request.periods.length);
    const activity = Object.keys(activityColumns).filter((name) => wanted.has(name as KpiMeasureName)) as KpiMeasureName[];
    if (activity.length > 0) await this.readActivity(request, activity, add);
    if (wanted.has("membersWithOrder") || wanted.has("membersWithRepeatOrder")) await this.readBuyers(request, add);
    if (wanted.has("activeBefore") || wanted.has("retained") || wanted.has("lost")) await this.readRetention(request, add);
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
}
