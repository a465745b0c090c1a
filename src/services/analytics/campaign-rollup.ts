// Campaign results rolled up across campaigns and periods (docs/kpis.md, "Campaign roll-up"): per local day, ISO
// week or month of the programme, the sends campaigns made and what they cost, and the conversions and revenue
// attributed to them as campaign results attribute them, with ROI and ROAS.
//
// Attribution, as campaign-results.ts: an order of the programme's own (not a partner's) placed after a member's
// assignment and within the campaign's conversion window (assigned_at < placed_at <= assigned_at + window days),
// its revenue the amount less refunds. Only treated members count (every variant, control left out): these are gross
// figures for what the treated members bought, like a campaign's `total`, not an uplift over control, which the
// campaign's own results give per variant. An order is placed in the period of its own time (placed_at), not of the
// send or the assignment; a conversion is a treated member's first attributed order, in that order's period, so the
// periods of a campaign add up to its results' conversions. Every campaign converts with orders here, whatever its
// chosen conversion event, since revenue needs orders. An order in the windows of two campaigns counts for each, as
// each campaign's results count it.
import type { DataSource } from "typeorm";
import { isSqlite } from "../../database/transactions";
import { numberFromDatabase, timeToDatabase } from "../../database/raw-values";
import { controlGroupCode, revenueFigures } from "../../engine";
import { kpiPeriods, periodIndexOfDay, type KpiGranularity, type KpiPeriod } from "../../engine/analytics";
import { badUserInput } from "../../errors";
import { localDaySql } from "./kpi-sql";
import { maximumKpiPeriods } from "./kpi-service";

export interface CampaignRollupRequest {
  from: Date;
  to: Date;
  granularity: KpiGranularity;
  /** A point per campaign code and period rather than one per period for all campaigns. */
  byCampaign: boolean;
}

export interface CampaignRollupFigures {
  /** Campaigns with at least one send made in the period. */
  campaignsWithSends: number;
  /** Sends made (status SENT) in the period. */
  sends: number;
  /** Fen charged for those sends (campaign_sends.cost). */
  costFen: number;
  conversions: number;
  revenueFen: number;
}

export interface CampaignRollupPoint extends CampaignRollupFigures {
  periodStart: Date;
  periodEnd: Date;
  periodLabel: string;
  /** Null: every campaign together. */
  campaignCode: string | null;
  /** (revenue − cost) ÷ cost; null when nothing was spent. */
  returnOnInvestment: number | null;
  /** revenue ÷ cost; null when nothing was spent. */
  returnOnAdSpend: number | null;
}

type Row = Record<string, unknown>;
type Totals = Omit<CampaignRollupFigures, "campaignsWithSends">;

function emptyTotals(): Totals {
  return { sends: 0, costFen: 0, conversions: 0, revenueFen: 0 };
}

export class CampaignRollup {
  constructor(
    private readonly dataSource: DataSource,
    private readonly utcOffsetMinutes: number,
  ) {}

  /** Points in period order, then by campaign code. */
  async rollup(request: CampaignRollupRequest): Promise<CampaignRollupPoint[]> {
    if (!(request.from < request.to)) throw badUserInput("from must be before to.", "to");
    const periods = kpiPeriods(request.from, request.to, request.granularity, this.utcOffsetMinutes, maximumKpiPeriods);
    if (!periods) throw badUserInput(`The range holds more than ${maximumKpiPeriods} ${request.granularity.toLowerCase()}s: narrow it or use a coarser granularity.`, "to");
    const byCampaign = await this.totalsByCampaign(periods);
    const codes = [...byCampaign.keys()].sort();
    return periods.flatMap((period) => {
      const campaigns = codes.map((code) => ({ code, totals: byCampaign.get(code)![period.index] }));
      const rows = request.byCampaign ? campaigns.map((campaign) => ({ code: campaign.code as string | null, list: [campaign.totals] })) : [{ code: null, list: campaigns.map((campaign) => campaign.totals) }];
      return rows.map(({ code, list }) => {
        const sum = (pick: (totals: Totals) => number) => list.reduce((total, totals) => total + pick(totals), 0);
        const figures: CampaignRollupFigures = {
          campaignsWithSends: list.filter((totals) => totals.sends > 0).length,
          sends: sum((totals) => totals.sends),
          costFen: sum((totals) => totals.costFen),
          conversions: sum((totals) => totals.conversions),
          revenueFen: sum((totals) => totals.revenueFen),
        };
        // The engine's ROI and ROAS, as campaign results compute them (members are not needed here).
        const { returnOnInvestment, returnOnAdSpend } = revenueFigures(figures.revenueFen, figures.costFen, 0);
        return { periodStart: period.start, periodEnd: period.end, periodLabel: period.label, campaignCode: code, ...figures, returnOnInvestment, returnOnAdSpend };
      });
    });
  }

  /** Each campaign with any figure in the series, and its totals per period. */
  private async totalsByCampaign(periods: readonly KpiPeriod[]): Promise<Map<string, Totals[]>> {
    const start = timeToDatabase(this.dataSource, periods[0].start);
    const end = timeToDatabase(this.dataSource, periods[periods.length - 1].end);
    const day = (column: string) => localDaySql(this.dataSource, column, this.utcOffsetMinutes);
    const byCampaign = new Map<string, Totals[]>();
    // Each query answers per campaign and local day; the days are folded into periods here.
    const add = (rows: Row[], values: (row: Row) => Partial<Totals>) => {
      for (const row of rows) {
        const period = periodIndexOfDay(periods, numberFromDatabase(row.local_day));
        if (period < 0) continue;
        const code = String(row.campaign_code);
        const series = byCampaign.get(code) ?? periods.map(() => emptyTotals());
        byCampaign.set(code, series);
        for (const [name, value] of Object.entries(values(row)) as [keyof Totals, number][]) series[period][name] += value;
      }
    };

    const sends: Row[] = await this.dataSource.query(
      `SELECT c.code AS campaign_code, ${day("s.sent_at")} AS local_day, COUNT(*) AS sends, SUM(s.cost) AS cost
         FROM campaign_sends s
         JOIN campaigns c ON c.id = s.campaign_id
        WHERE s.status = 'SENT' AND s.sent_at >= ? AND s.sent_at < ?
        GROUP BY c.code, local_day`,
      [start, end],
    );
    add(sends, (row) => ({ sends: numberFromDatabase(row.sends), costFen: numberFromDatabase(row.cost ?? 0) }));

    // Treated members' orders in their conversion windows, joined as campaign results join them.
    const attributedOrders = `campaign_assignments a
         JOIN campaigns c ON c.id = a.campaign_id
         JOIN orders o ON o.member_id = a.member_id AND o.partner_id IS NULL
                      AND o.placed_at > a.assigned_at AND o.placed_at <= ${this.windowEnd("a.assigned_at", "c.conversion_window_days")}`;
    const revenue: Row[] = await this.dataSource.query(
      `SELECT c.code AS campaign_code, ${day("o.placed_at")} AS local_day, SUM(o.amount - o.refunded_amount) AS revenue
         FROM ${attributedOrders}
        WHERE a.variant <> ? AND o.placed_at >= ? AND o.placed_at < ?
        GROUP BY c.code, local_day`,
      [controlGroupCode, start, end],
    );
    add(revenue, (row) => ({ revenueFen: numberFromDatabase(row.revenue ?? 0) }));

    // A member converts once per campaign, on their first attributed order: found over all earlier orders, so an
    // order before the series still makes a later one not the first.
    const conversions: Row[] = await this.dataSource.query(
      `SELECT first_orders.campaign_code AS campaign_code, ${day("first_orders.first_order_at")} AS local_day, COUNT(*) AS conversions
         FROM (SELECT c.code AS campaign_code, a.member_id AS member_id, MIN(o.placed_at) AS first_order_at
                 FROM ${attributedOrders}
                WHERE a.variant <> ? AND o.placed_at < ?
                GROUP BY c.code, a.member_id) first_orders
        WHERE first_orders.first_order_at >= ?
        GROUP BY first_orders.campaign_code, local_day`,
      [controlGroupCode, end, start],
    );
    add(conversions, (row) => ({ conversions: numberFromDatabase(row.conversions) }));
    return byCampaign;
  }

  /** An assignment's window end in each database's date arithmetic (SQLite keeps times as text with milliseconds). */
  private windowEnd(reference: string, daysColumn: string): string {
    return isSqlite(this.dataSource)
      ? `strftime('%Y-%m-%d %H:%M:%f', ${reference}, '+' || ${daysColumn} || ' days')`
      : `DATE_ADD(${reference}, INTERVAL ${daysColumn} DAY)`;
  }
}
