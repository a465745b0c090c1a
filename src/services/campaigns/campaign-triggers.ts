// Event triggers: a member entering a segment (the brief's churn warning: into DORMANT after 3 months without a
// login) gets every running campaign that segment starts, enqueued in the transaction that recorded the move, so
// the send exists exactly when the move committed.
import { In, type EntityManager } from "typeorm";
import type { Clock } from "../../clock";
import { CampaignRecord, type SegmentMoveRecord } from "../../entities";
import { memberFactsFrom } from "../segments/rule-columns";
import type { CampaignAudience } from "./campaign-audience";
import { definitionOf } from "./campaign-record-mapping";

export class CampaignTriggers {
  constructor(
    private readonly audience: CampaignAudience,
    private readonly clock: Clock,
  ) {}

  async onSegmentMoves(manager: EntityManager, moves: readonly SegmentMoveRecord[]): Promise<void> {
    if (moves.length === 0) return;
    const campaigns = await manager.findBy(CampaignRecord, { state: In(["RUNNING", "PAUSED"]), triggerKind: "SEGMENT_ENTERED" });
    if (campaigns.length === 0) return;
    const now = this.clock.now();
    for (const campaign of campaigns) {
      const { trigger, endsAt } = definitionOf(campaign);
      if (endsAt && endsAt.getTime() <= now.getTime()) continue;
      const entered = [...new Set(moves.filter((move) => move.toSegmentId === trigger.segmentId).map((move) => move.memberId))];
      if (entered.length === 0) continue;
      // The campaign's own target and exclusions still apply to whoever entered.
      const filter = await this.audience.audienceFilter(manager, campaign, now);
      const rows: { id: number | string }[] = await manager.query(`SELECT m.id AS id FROM ${memberFactsFrom} WHERE m.id IN (${entered.map(() => "?").join(", ")}) AND ${filter.where}`, [...entered, ...filter.parameters]);
      await this.audience.enqueue(manager, campaign, rows.map((row) => Number(row.id)), now);
    }
  }
}
