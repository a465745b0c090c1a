// The guard rails and prices every campaign shares, from the configuration (src/config.ts).
import type { CampaignChannel } from "../../entities";

export interface CampaignSettings {
  /** At most this many messages per member within this many days, across campaigns (in-app coupons not counted). */
  frequencyCap: { maxMessages: number; perDays: number };
  /** Local hours (programme time zone) in which no message is sent; it waits for the end. start > end spans midnight. */
  quietHours: { startHour: number; endHour: number };
  utcOffsetMinutes: number;
  /** Fen a message costs on each channel, charged to the campaign's budget. */
  messageCost: Record<CampaignChannel, number>;
  /** Fen a point is worth when a campaign gives points. */
  pointValue: number;
  /** Sends per delivery transaction. */
  batchSize: number;
  /** Members per audience chunk (one transaction each). */
  audienceChunkSize: number;
}
