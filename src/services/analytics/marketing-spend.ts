// Marketing spend for the acquisition cost (CAC): what campaigns charged their budgets for the sends they made
// (campaign_sends.cost: the reward's value plus the message's cost), on the local day each send was made. It is the
// only spend the system records; media bought outside it is not here. A CHANNEL breakdown puts a send's cost in the
// join channel of the member it went to.
import type { DataSource } from "typeorm";
import { numberFromDatabase, timeToDatabase } from "../../database/raw-values";
import { periodIndexOfDay, type KpiBreakdown, type KpiPeriod } from "../../engine/analytics";
import { breakdownSql, groupLabel, localDaySql } from "./kpi-sql";

export interface MarketingSpendRequest {
  periods: readonly KpiPeriod[];
  breakdown: KpiBreakdown;
  schemeId: number | null;
}

type Row = Record<string, unknown>;

/** Sums the cost of sends made in each period, per group, and hands each sum to `add`. */
export async function readMarketingSpend(
  dataSource: DataSource,
  utcOffsetMinutes: number,
  request: MarketingSpendRequest,
  add: (group: string, period: number, values: { marketingSpendFen: number }) => void,
): Promise<void> {
  const { periods } = request;
  const groups = breakdownSql(request.breakdown, "s.member_id", request.schemeId);
  const day = localDaySql(dataSource, "s.sent_at", utcOffsetMinutes);
  // Per local day here, folded into periods below (as joins are): one range read of the sends.
  const rows: Row[] = await dataSource.query(
    `SELECT ${day} AS local_day, ${groups.group} AS group_value, SUM(s.cost) AS cost
       FROM campaign_sends s ${groups.sql}
      WHERE s.status = 'SENT' AND s.sent_at >= ? AND s.sent_at < ?
      GROUP BY local_day, group_value`,
    [...groups.parameters, timeToDatabase(dataSource, periods[0].start), timeToDatabase(dataSource, periods[periods.length - 1].end)],
  );
  for (const row of rows) {
    const period = periodIndexOfDay(periods, numberFromDatabase(row.local_day));
    if (period >= 0) add(groupLabel(request.breakdown, row.group_value), period, { marketingSpendFen: numberFromDatabase(row.cost ?? 0) });
  }
}
