// What a campaign did, per variant and against control: a conversion is an order (or the campaign's chosen event) within the campaign's
// conversion window after the member's assignment, for every group alike (a variant's send may wait for quiet hours
// or the member's best hour; starting its window at the send would give it a later, different window than control). Members are counted by assignment (intention to treat): a variant member whose send was skipped still
// counts, so a variant is not flattered by leaving out the members it could not reach.
import type { DataSource } from "typeorm";
import { isSqlite } from "../../database/transactions";
import { compareToControl, controlGroupCode, revenueFigures, type ExperimentComparison, type RevenueFigures } from "../../engine";
import type { CampaignRecord } from "../../entities";
import { memberFactsFrom } from "../segments/rule-columns";
import { definitionOf } from "./campaign-record-mapping";

export interface VariantOutcome extends RevenueFigures {
  variant: string;
  members: number;
  sent: number;
  conversions: number;
  conversionRate: number | null;
  revenue: number;
  cost: number;
  /** Against control; null for control itself or when the campaign has no control group. */
  comparison: ExperimentComparison | null;
}

export interface CampaignOutcome {
  variants: VariantOutcome[];
  /** Every variant together, control left out. */
  total: { members: number; sent: number; conversions: number; revenue: number; cost: number } & RevenueFigures;
}

type Row = { variant: string; members: number | string; sent: number | string | null; conversions: number | string | null; revenue: number | string | null; cost: number | string | null };

export class CampaignResults {
  constructor(private readonly dataSource: DataSource) {}

  /** `segment`: only the members in it now (results per segment: did the campaign work for the dormant ones?). */
  async of(campaign: CampaignRecord, segment: { where: string; parameters: unknown[] } | null = null): Promise<CampaignOutcome> {
    const sqlite = isSqlite(this.dataSource);
    // The window's end, in each database's date arithmetic (SQLite keeps times as text with milliseconds).
    const windowEnd = (reference: string) =>
      sqlite ? `strftime('%Y-%m-%d %H:%M:%f', ${reference}, '+${campaign.conversionWindowDays} days')` : `DATE_ADD(${reference}, INTERVAL ${campaign.conversionWindowDays} DAY)`;
    const reference = "a.assigned_at";
    const { conversionEvent } = definitionOf(campaign);
    // An order converts with its revenue; any other chosen event (a login, a review...) converts with none. Orders at
    // partner brands are the partners' revenue, not the programme's.
    const orders = conversionEvent === "ORDER";
    const inWindow = orders
      ? `o.member_id = a.member_id AND o.partner_id IS NULL AND o.placed_at > ${reference} AND o.placed_at <= ${windowEnd(reference)}`
      : `o.member_id = a.member_id AND o.kind = '${conversionEvent}' AND o.occurred_at > ${reference} AND o.occurred_at <= ${windowEnd(reference)}`;
    const source = orders ? "orders" : "behaviour_events";
    const revenue = orders ? `(SELECT COALESCE(SUM(o.amount - o.refunded_amount), 0) FROM orders o WHERE ${inWindow})` : "0";
    const rows: Row[] = await this.dataSource.query(
      `SELECT a.variant AS variant, COUNT(*) AS members,
         SUM(COALESCE(s.sent, 0)) AS sent,
         SUM(CASE WHEN EXISTS (SELECT 1 FROM ${source} o WHERE ${inWindow}) THEN 1 ELSE 0 END) AS conversions,
         SUM(${revenue}) AS revenue,
         SUM(COALESCE(s.cost, 0)) AS cost
       FROM campaign_assignments a
       LEFT JOIN (SELECT member_id, SUM(CASE WHEN status = 'SENT' THEN 1 ELSE 0 END) AS sent, SUM(cost) AS cost FROM campaign_sends WHERE campaign_id = ? GROUP BY member_id) s ON s.member_id = a.member_id
       WHERE a.campaign_id = ?${segment ? ` AND a.member_id IN (SELECT m.id FROM ${memberFactsFrom} WHERE ${segment.where})` : ""}
       GROUP BY a.variant
       ORDER BY a.variant`,
      [campaign.id, campaign.id, ...(segment?.parameters ?? [])],
    );
    const groups = new Map(rows.map((row) => [row.variant, { members: Number(row.members), sent: Number(row.sent ?? 0), conversions: Number(row.conversions ?? 0), revenue: Number(row.revenue ?? 0), cost: Number(row.cost ?? 0) }]));
    const control = groups.get(controlGroupCode);
    const codes = [...definitionOf(campaign).variants.map((variant) => variant.code), ...(campaign.controlPercent > 0 ? [controlGroupCode] : [])];
    const variants = codes.map((code): VariantOutcome => {
      const group = groups.get(code) ?? { members: 0, sent: 0, conversions: 0, revenue: 0, cost: 0 };
      const comparison = code === controlGroupCode || !control ? null : compareToControl(control, group, code);
      return { variant: code, ...group, conversionRate: group.members === 0 ? null : group.conversions / group.members, ...revenueFigures(group.revenue, group.cost, group.members), comparison };
    });
    const treated = variants.filter((variant) => variant.variant !== controlGroupCode);
    const sum = (pick: (variant: VariantOutcome) => number) => treated.reduce((total, variant) => total + pick(variant), 0);
    const total = { members: sum((variant) => variant.members), sent: sum((variant) => variant.sent), conversions: sum((variant) => variant.conversions), revenue: sum((variant) => variant.revenue), cost: sum((variant) => variant.cost) };
    return { variants, total: { ...total, ...revenueFigures(total.revenue, total.cost, total.members) } };
  }
}
