// Event triggers: members whom something just happened to get every running campaign it starts, enqueued in the
// transaction that recorded the event, so the send exists exactly when the event committed. Entering or leaving a
// segment (the brief's churn warning: into DORMANT after 3 months without a login), signing up, a tier change.
// The campaign's target and exclusions still apply to each member.
import type { EntityManager } from "typeorm";
import type { Clock } from "../../clock";
import { CampaignRecord, type CampaignTriggerKind, type SegmentMoveRecord } from "../../entities";
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
    await this.fire(manager, ["SEGMENT_ENTERED", "SEGMENT_LEFT"], (campaign) => {
      const { trigger } = definitionOf(campaign);
      const matching = campaign.triggerKind === "SEGMENT_ENTERED" ? moves.filter((move) => move.toSegmentId === trigger.segmentId) : moves.filter((move) => move.fromSegmentId === trigger.segmentId);
      return matching.map((move) => move.memberId);
    });
  }

  /** A member just created: every running SIGN_UP campaign (the welcome message). */
  async onSignUp(manager: EntityManager, memberId: number): Promise<void> {
    await this.fire(manager, ["SIGN_UP"], () => [memberId]);
  }

  /** Members whose tier just went up or down (after the new tier is written): every running TIER_CHANGED campaign. */
  async onTierChanges(manager: EntityManager, memberIds: readonly number[]): Promise<void> {
    if (memberIds.length === 0) return;
    await this.fire(manager, ["TIER_CHANGED"], () => [...memberIds]);
  }

  private async fire(manager: EntityManager, kinds: CampaignTriggerKind[], membersOf: (campaign: CampaignRecord) => number[]): Promise<void> {
    // One indexed query per event when no campaign listens: the usual case.
    const campaigns = (await manager.findBy(CampaignRecord, { state: "RUNNING" })).filter((campaign) => kinds.includes(campaign.triggerKind));
    if (campaigns.length === 0) return;
    const now = this.clock.now();
    for (const campaign of campaigns) {
      if (campaign.endsAt && campaign.endsAt.getTime() <= now.getTime()) continue;
      const candidates = [...new Set(membersOf(campaign))];
      if (candidates.length === 0) continue;
      const filter = await this.audience.audienceFilter(manager, campaign, now);
      const rows: { id: number | string }[] = await manager.query(`SELECT m.id AS id FROM ${memberFactsFrom} WHERE m.id IN (${candidates.map(() => "?").join(", ")}) AND ${filter.where}`, [...candidates, ...filter.parameters]);
      await this.audience.enqueue(manager, campaign, rows.map((row) => Number(row.id)), now);
    }
  }
}
