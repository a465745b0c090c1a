// Reads of campaigns for the API: pages, progress counts, a member's coupons and campaign history.
import { In, LessThan, type DataSource } from "typeorm";
import { CampaignRecord, CampaignSendRecord, CouponRecord, type CampaignState } from "../../entities";

export interface CampaignProgress {
  assigned: number;
  pending: number;
  sent: number;
  skipped: number;
}

export class CampaignReader {
  constructor(private readonly dataSource: DataSource) {}

  /** Newest first. */
  async page(states: readonly CampaignState[] | null, first: number, beforeId: number | null): Promise<{ records: CampaignRecord[]; hasNextPage: boolean }> {
    const records = await this.dataSource.getRepository(CampaignRecord).find({
      where: { ...(states && states.length > 0 ? { state: In([...states]) } : {}), ...(beforeId === null ? {} : { id: LessThan(beforeId) }) },
      order: { id: "DESC" },
      take: first + 1,
    });
    return { records: records.slice(0, first), hasNextPage: records.length > first };
  }

  byId(id: number): Promise<CampaignRecord | null> {
    return this.dataSource.getRepository(CampaignRecord).findOneBy({ id });
  }

  async progress(campaignId: number): Promise<CampaignProgress> {
    const [{ assigned }] = await this.dataSource.query("SELECT COUNT(*) AS assigned FROM campaign_assignments WHERE campaign_id = ?", [campaignId]);
    const rows: { status: string; sends: number | string }[] = await this.dataSource.query("SELECT status, COUNT(*) AS sends FROM campaign_sends WHERE campaign_id = ? GROUP BY status", [campaignId]);
    const count = (status: string) => Number(rows.find((row) => row.status === status)?.sends ?? 0);
    return { assigned: Number(assigned), pending: count("PENDING"), sent: count("SENT"), skipped: count("SKIPPED") };
  }

  coupons(memberId: number): Promise<CouponRecord[]> {
    return this.dataSource.getRepository(CouponRecord).find({ where: { memberId }, order: { id: "DESC" }, take: 100 });
  }

  /** The member's latest sends with their campaign's code. */
  async history(memberId: number): Promise<(CampaignSendRecord & { campaignCode: string })[]> {
    const sends = await this.dataSource.getRepository(CampaignSendRecord).find({ where: { memberId }, order: { id: "DESC" }, take: 100 });
    const campaigns = new Map((sends.length === 0 ? [] : await this.dataSource.getRepository(CampaignRecord).findBy({ id: In([...new Set(sends.map((send) => send.campaignId))]) })).map((campaign) => [campaign.id, campaign.code]));
    return sends.map((send) => Object.assign(send, { campaignCode: campaigns.get(send.campaignId) ?? "" }));
  }
}
