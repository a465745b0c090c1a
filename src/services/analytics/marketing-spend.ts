// Marketing spend for the acquisition cost (CAC), per period and group: what campaigns charged their budgets for the
// sends they made (campaign_sends.cost: the reward's value plus the message's cost), on the local day each send was
// made, and what staff recorded as spent outside campaigns (marketing_spend, not cancelled) on its day. A CHANNEL
// breakdown puts a send's cost in the join channel of the member it went to, recorded spend in the channel it was
// recorded for, and spend recorded for all channels in every channel by its share of the period's new members.
import type { DataSource } from "typeorm";
import { numberFromDatabase, timeToDatabase } from "../../database/raw-values";
import { periodIndexOfDay, shareByWeight, type KpiBreakdown, type KpiMeasures, type KpiPeriod } from "../../engine/analytics";
import { breakdownSql, groupLabel, localDaySql } from "./kpi-sql";

export interface MarketingSpendRequest {
  periods: readonly KpiPeriod[];
  breakdown: KpiBreakdown;
  schemeId: number | null;
}

type Row = Record<string, unknown>;
type SpendMeasures = Pick<KpiMeasures, "marketingSpendFen" | "campaignSpendFen" | "otherSpendFen" | "sharedSpendFen">;

/**
 * Sums the spend of each period, per group, and hands each sum to `add`. `newMembers(period)` gives the period's new
 * members per group (NONE or CHANNEL): spend recorded for all channels is shared out by them. In a period without any
 * new member it cannot be shared, and stays in the total (NONE) only: every channel's CAC is null then anyway.
 */
export async function readMarketingSpend(
  dataSource: DataSource,
  utcOffsetMinutes: number,
  request: MarketingSpendRequest,
  newMembers: (period: number) => ReadonlyMap<string, number>,
  add: (group: string, period: number, values: Partial<SpendMeasures>) => void,
): Promise<void> {
  const { periods } = request;
  // Spend has a channel at most: no other breakdown of it exists (breakdownsOfKpi keeps ACQUISITION_COST to these).
  if (request.breakdown !== "NONE" && request.breakdown !== "CHANNEL") throw new Error(`marketing spend has no ${request.breakdown} breakdown`);
  const groups = breakdownSql(request.breakdown, "s.member_id", request.schemeId);
  const day = localDaySql(dataSource, "s.sent_at", utcOffsetMinutes);
  // Per local day here, folded into periods below (as joins are): one range read of the sends.
  const sendRows: Row[] = await dataSource.query(
    `SELECT ${day} AS local_day, ${groups.group} AS group_value, SUM(s.cost) AS cost
       FROM campaign_sends s ${groups.sql}
      WHERE s.status = 'SENT' AND s.sent_at >= ? AND s.sent_at < ?
      GROUP BY local_day, group_value`,
    [...groups.parameters, timeToDatabase(dataSource, periods[0].start), timeToDatabase(dataSource, periods[periods.length - 1].end)],
  );
  for (const row of sendRows) {
    const period = periodIndexOfDay(periods, numberFromDatabase(row.local_day));
    const cost = numberFromDatabase(row.cost ?? 0);
    if (period >= 0) add(groupLabel(request.breakdown, row.group_value), period, { campaignSpendFen: cost, marketingSpendFen: cost });
  }

  // Recorded spend keeps its local day number: a range of days, no time arithmetic.
  const recordedRows: Row[] = await dataSource.query(
    `SELECT day, channel, SUM(amount) AS amount FROM marketing_spend
      WHERE cancelled_at IS NULL AND day >= ? AND day < ?
      GROUP BY day, channel`,
    [periods[0].firstDay, periods[periods.length - 1].endDay],
  );
  const shared = periods.map(() => 0);
  for (const row of recordedRows) {
    const period = periodIndexOfDay(periods, numberFromDatabase(row.day));
    if (period < 0) continue;
    const amount = numberFromDatabase(row.amount);
    const channel = row.channel === null || row.channel === undefined ? null : String(row.channel);
    if (channel === null) shared[period] += amount;
    else add(request.breakdown === "NONE" ? "ALL" : channel, period, { otherSpendFen: amount, marketingSpendFen: amount });
  }
  for (const [period, amount] of shared.entries()) {
    if (amount === 0) continue;
    if (request.breakdown === "NONE") {
      add("ALL", period, { sharedSpendFen: amount, otherSpendFen: amount, marketingSpendFen: amount });
      continue;
    }
    for (const [group, share] of shareByWeight(amount, newMembers(period))) add(group, period, { sharedSpendFen: share, otherSpendFen: share, marketingSpendFen: share });
  }
}
